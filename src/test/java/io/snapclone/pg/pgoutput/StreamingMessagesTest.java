package io.snapclone.pg.pgoutput;

import static io.snapclone.pg.pgoutput.TestingBytes.message;
import static io.snapclone.pg.pgoutput.TestingBytes.pgMicros;
import static io.snapclone.pg.pgoutput.TestingBytes.unixMicros;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapclone.pg.Lsn;
import io.snapclone.pg.pgoutput.ColumnValue.Text;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** Protocol 2+: Stream Start/Stop/Commit/Abort, and the xid that changes carry inside a block. */
class StreamingMessagesTest {
    private static final int XID = 900;
    private static final int SUB_XID = 901;

    private final PgOutputDecoder decoder = new PgOutputDecoder(2);

    @Test
    void streamedTransaction() {
        assertEquals(new StreamStart(XID, true), decoder.decode(message('S').int32(XID).int8(1).build()));
        assertEquals(OptionalLong.of(XID), decoder.streamingXid());

        assertEquals(new Relation(OptionalLong.of(XID), 16384, "public", "t", ReplicaIdentity.DEFAULT,
                List.of(new RelationColumn(1, "id", 23, -1))),
                decoder.decode(message('R').int32(XID).int32(16384).string("public").string("t").int8('d').int16(1)
                        .int8(1).string("id").int32(23).int32(-1).build()));
        assertEquals(new Type(OptionalLong.of(XID), 16500, "public", "mood"),
                decoder.decode(message('Y').int32(XID).int32(16500).string("public").string("mood").build()));
        assertEquals(new Insert(OptionalLong.of(XID), 16384, TupleData.of(new Text("1"))),
                decoder.decode(message('I').int32(XID).int32(16384).int8('N').columns(1).text("1").build()));
        // A change made in a subtransaction carries the subtransaction's xid.
        assertEquals(new Update(OptionalLong.of(SUB_XID), 16384, Optional.empty(), TupleData.of(new Text("2"))),
                decoder.decode(message('U').int32(SUB_XID).int32(16384).int8('N').columns(1).text("2").build()));
        assertEquals(new Delete(OptionalLong.of(XID), 16384, new OldTuple(OldTuple.Kind.KEY, TupleData.of(new Text("2")))),
                decoder.decode(message('D').int32(XID).int32(16384).int8('K').columns(1).text("2").build()));
        assertEquals(new Truncate(OptionalLong.of(XID), 0, List.of(16384)),
                decoder.decode(message('T').int32(XID).int32(1).int8(0).int32(16384).build()));
        assertEquals(new LogicalMessage(OptionalLong.of(XID), true, Lsn.parse("0/10"), "p", new byte[] {7}),
                decoder.decode(message('M').int32(XID).int8(1).int64(0x10).string("p").int32(1).int8(7).build()));

        assertEquals(new StreamStop(), decoder.decode(message('E').build()));
        assertEquals(OptionalLong.empty(), decoder.streamingXid());

        Instant commitTime = Instant.parse("2025-01-02T03:04:05.000006Z");
        assertEquals(new StreamCommit(XID, 0, Lsn.parse("1/200"), Lsn.parse("1/280"), unixMicros(commitTime)),
                decoder.decode(message('c').int32(XID).int8(0).int64(0x1_0000_0200L).int64(0x1_0000_0280L)
                        .int64(pgMicros(commitTime)).build()));
    }

    @Test
    void changesOutsideABlockCarryNoXid() {
        decoder.decode(message('S').int32(XID).int8(0).build());
        decoder.decode(message('E').build());
        // The same bytes as a protocol-1 Insert: no xid field.
        assertEquals(new Insert(OptionalLong.empty(), 16384, TupleData.of(new Text("1"))),
                decoder.decode(message('I').int32(16384).int8('N').columns(1).text("1").build()));
    }

    @Test
    void laterSegment() {
        StreamStart start = (StreamStart) decoder.decode(message('S').int32(XID).int8(0).build());
        assertFalse(start.firstSegment());
    }

    @Test
    void abortOfASubtransaction() {
        StreamAbort abort = (StreamAbort) decoder.decode(message('A').int32(XID).int32(SUB_XID).build());
        assertEquals(new StreamAbort(XID, SUB_XID, Optional.empty(), OptionalLong.empty()), abort);
        assertFalse(abort.topLevel());
    }

    @Test
    void abortOfTheWholeTransaction() {
        StreamAbort abort = (StreamAbort) decoder.decode(message('A').int32(XID).int32(XID).build());
        assertTrue(abort.topLevel());
    }

    @Test
    void protocol2AbortHasNoLsnOrTime() {
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> decoder.decode(message('A').int32(XID).int32(XID).int64(0x500).int64(0).build()));
        assertEquals("malformed pgoutput Stream Abort: 16 unexpected trailing byte(s) at offset 9 (message length 25)",
                e.getMessage());
    }

    @Test
    void protocol4ParallelAbortCarriesLsnAndTime() {
        PgOutputDecoder v4 = new PgOutputDecoder(4);
        Instant abortTime = Instant.parse("2025-06-01T00:00:00Z");
        assertEquals(new StreamAbort(XID, XID, Optional.of(Lsn.parse("0/500")), OptionalLong.of(unixMicros(abortTime))),
                v4.decode(message('A').int32(XID).int32(XID).int64(0x500).int64(pgMicros(abortTime)).build()));
        // Without streaming = parallel, protocol 4 sends the short form.
        assertEquals(new StreamAbort(XID, SUB_XID, Optional.empty(), OptionalLong.empty()),
                v4.decode(message('A').int32(XID).int32(SUB_XID).build()));
        assertThrows(MalformedMessageException.class,
                () -> v4.decode(message('A').int32(XID).int32(XID).int64(0x500).build()));
    }

    @ParameterizedTest
    @ValueSource(chars = {'S', 'E', 'c', 'A'})
    void streamMessagesNeedProtocol2(char type) {
        PgOutputDecoder v1 = new PgOutputDecoder(1);
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> v1.decode(message(type).int32(XID).int32(XID).build()));
        assertTrue(e.getMessage().endsWith("needs protocol version 2 or later, but the stream uses version 1"),
                e.getMessage());
    }

    @Test
    void stopWithoutStart() {
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> decoder.decode(message('E').build()));
        assertEquals("malformed pgoutput Stream Stop: no Stream Start block is open", e.getMessage());
    }

    @Test
    void startInsideABlock() {
        decoder.decode(message('S').int32(XID).int8(1).build());
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> decoder.decode(message('S').int32(XID + 5).int8(1).build()));
        assertEquals("malformed pgoutput Stream Start: starts a block for xid 905 inside the open block of xid 900",
                e.getMessage());
        assertEquals(OptionalLong.of(XID), decoder.streamingXid());
    }

    @Test
    void aMalformedStartOrStopLeavesTheStateAlone() {
        assertThrows(MalformedMessageException.class, () -> decoder.decode(message('S').int32(XID).int8(1).int8(0)
                .build()));
        assertEquals(OptionalLong.empty(), decoder.streamingXid());
        decoder.decode(message('S').int32(XID).int8(1).build());
        assertThrows(MalformedMessageException.class, () -> decoder.decode(message('E').int8(0).build()));
        assertEquals(OptionalLong.of(XID), decoder.streamingXid());
    }

    @Test
    void streamXidIsUnsigned() {
        decoder.decode(message('S').int32(0xFFFF_FFF0).int8(1).build());
        Insert insert = (Insert) decoder.decode(message('I').int32(0xFFFF_FFF0).int32(1).int8('N').columns(0).build());
        assertEquals(OptionalLong.of(4_294_967_280L), insert.streamXid());
    }
}

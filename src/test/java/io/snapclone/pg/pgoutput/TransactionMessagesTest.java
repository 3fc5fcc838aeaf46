package io.snapclone.pg.pgoutput;

import static io.snapclone.pg.pgoutput.TestingBytes.message;
import static io.snapclone.pg.pgoutput.TestingBytes.pgMicros;
import static io.snapclone.pg.pgoutput.TestingBytes.unixMicros;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapclone.pg.Lsn;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Begin, Commit, Origin and Message (logical decoding message), byte by byte. */
class TransactionMessagesTest {
    private static final Instant COMMIT_TIME = Instant.parse("2024-05-01T12:34:56.789012Z");

    private final PgOutputDecoder decoder = new PgOutputDecoder();

    @Test
    void begin() {
        byte[] bytes = message('B')
                .int64(0x16_B374D848L) // final LSN
                .int64(pgMicros(COMMIT_TIME))
                .int32(742) // xid
                .build();
        assertEquals(new Begin(Lsn.parse("16/B374D848"), unixMicros(COMMIT_TIME), 742), decoder.decode(bytes));
    }

    @Test
    void beginXidIsUnsigned() {
        byte[] bytes = message('B').int64(1).int64(0).int32(0xFFFF_FFFE).build();
        assertEquals(4_294_967_294L, ((Begin) decoder.decode(bytes)).xid());
    }

    @Test
    void timestampsMoveFromThePostgresEpochToTheUnixEpoch() {
        assertEquals(ChronoUnit.MICROS.between(Instant.EPOCH, Instant.parse("2000-01-01T00:00:00Z")),
                PgEpoch.OFFSET_MICROS);
        // 0 is 2000-01-01; a negative value is before it.
        assertEquals(946_684_800_000_000L, ((Begin) decoder.decode(message('B').int64(1).int64(0).int32(1).build()))
                .commitTimeMicros());
        Instant before = Instant.parse("1999-12-31T23:59:59.999999Z");
        assertEquals(unixMicros(before), ((Begin) decoder.decode(message('B').int64(1).int64(pgMicros(before)).int32(1)
                .build())).commitTimeMicros());
        // 'infinity' cannot be a commit time; it fails instead of wrapping around.
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> decoder.decode(message('B').int64(1).int64(Long.MAX_VALUE).int32(1).build()));
        assertTrue(e.getMessage().contains("timestamp out of range"), e.getMessage());
    }

    @Test
    void commit() {
        byte[] bytes = message('C')
                .int8(0) // flags
                .int64(0x16_B374D848L) // commit LSN
                .int64(0x16_B374D878L) // end LSN
                .int64(pgMicros(COMMIT_TIME))
                .build();
        assertEquals(new Commit(0, Lsn.parse("16/B374D848"), Lsn.parse("16/B374D878"), unixMicros(COMMIT_TIME)),
                decoder.decode(bytes));
    }

    @Test
    void commitKeepsUnknownFlags() {
        byte[] bytes = message('C').int8(0x81).int64(1).int64(2).int64(0).build();
        assertEquals(0x81, ((Commit) decoder.decode(bytes)).flags());
    }

    @Test
    void origin() {
        byte[] bytes = message('O').int64(0xAB_0000_0010L).string("nœud_東京").build();
        assertEquals(new Origin(Lsn.parse("AB/10"), "nœud_東京"), decoder.decode(bytes));
    }

    @Test
    void transactionalMessage() {
        byte[] content = {0, 1, 2, (byte) 0xFF, 0}; // arbitrary bytes, NULs included
        byte[] bytes = message('M')
                .int8(1) // transactional
                .int64(0x5_0000_0028L)
                .string("snapclone.heartbeat")
                .int32(content.length)
                .bytes(content)
                .build();
        LogicalMessage decoded = (LogicalMessage) decoder.decode(bytes);
        assertEquals(new LogicalMessage(true, Lsn.parse("5/28"), "snapclone.heartbeat", content),
                decoded);
        assertArrayEquals(content, decoded.content());
    }

    @Test
    void nonTransactionalMessageWithEmptyContentAndPrefix() {
        byte[] bytes = message('M').int8(0).int64(7).string("").int32(0).build();
        LogicalMessage decoded = (LogicalMessage) decoder.decode(bytes);
        assertFalse(decoded.transactional());
        assertEquals("", decoded.prefix());
        assertEquals(0, decoded.content().length);
    }

    @Test
    void messageContentIsCopiedAndComparedByValue() {
        byte[] content = {1, 2, 3};
        LogicalMessage message = new LogicalMessage(true, Lsn.INVALID, "p", content);
        content[0] = 9;
        message.content()[1] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, message.content());
        assertEquals(message, new LogicalMessage(true, Lsn.INVALID, "p", new byte[] {1, 2, 3}));
        assertEquals(message.hashCode(),
                new LogicalMessage(true, Lsn.INVALID, "p", new byte[] {1, 2, 3}).hashCode());
        assertNotEquals(message, new LogicalMessage(true, Lsn.INVALID, "p", new byte[] {1, 2}));
    }

    @Test
    void messageContentLengthMustFit() {
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> decoder.decode(message('M').int8(0).int64(7).string("p").int32(10).bytes(new byte[3]).build()));
        assertEquals("malformed pgoutput Message: truncated at content: needs 10 byte(s) at offset 16, only 3 left"
                + " (message length 19)", e.getMessage());
    }
}

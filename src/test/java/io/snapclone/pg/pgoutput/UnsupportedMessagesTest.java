package io.snapclone.pg.pgoutput;

import static io.snapclone.pg.pgoutput.TestingBytes.message;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.snapclone.pg.pgoutput.ColumnValue.Text;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

/**
 * Messages of protocol 2 (streaming) and 3 (two-phase), which the stream never asks for, come
 * back as UnsupportedMessage, named, and not half-read.
 */
class UnsupportedMessagesTest {
    private final PgOutputDecoder decoder = new PgOutputDecoder();

    /** Each with its protocol-2 layout, so that a body of the real size is skipped. */
    static Stream<Arguments> streamingMessages() {
        return Stream.of(
                Arguments.of('S', "Stream Start", message('S').int32(900).int8(1).build()),
                Arguments.of('E', "Stream Stop", message('E').build()),
                Arguments.of('c', "Stream Commit", message('c').int32(900).int8(0).int64(0x1_0000_0200L)
                        .int64(0x1_0000_0280L).int64(0).build()),
                Arguments.of('A', "Stream Abort", message('A').int32(900).int32(901).build()));
    }

    @ParameterizedTest
    @MethodSource("streamingMessages")
    void streamingMessages(char type, String name, byte[] bytes) {
        assertEquals(new UnsupportedMessage(type, name, bytes.length), decoder.decode(bytes));
        // No block was opened: the next change is read as protocol 1, without a leading xid.
        assertEquals(new Insert(16384, TupleData.of(new Text("1"))),
                decoder.decode(message('I').int32(16384).int8('N').columns(1).text("1").build()));
    }

    @ParameterizedTest
    @CsvSource({"b, Begin Prepare", "P, Prepare", "K, Commit Prepared", "r, Rollback Prepared", "p, Stream Prepare"})
    void twoPhaseMessages(char type, String name) {
        // Begin Prepare's layout: prepare LSN, end LSN, prepare time, xid, GID. Others differ; none is read.
        byte[] bytes = message(type).int64(0x100).int64(0x180).int64(0).int32(77).string("gid-1").build();
        assertEquals(new UnsupportedMessage(type, name, bytes.length), decoder.decode(bytes));
    }

    @ParameterizedTest
    @CsvSource({"b, Begin Prepare", "K, Commit Prepared", "S, Stream Start", "A, Stream Abort"})
    void evenWithoutABody(char type, String name) {
        assertEquals(new UnsupportedMessage(type, name, 1), decoder.decode(message(type).build()));
    }
}

package io.snapclone.pg.pgoutput;

import static io.snapclone.pg.pgoutput.TestingBytes.message;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Protocol 3's two-phase messages come back as UnsupportedMessage, named, and not half-read. */
class UnsupportedMessagesTest {
    @ParameterizedTest
    @CsvSource({"b, Begin Prepare", "P, Prepare", "K, Commit Prepared", "r, Rollback Prepared", "p, Stream Prepare"})
    void twoPhaseMessages(char type, String name) {
        // Begin Prepare's layout: prepare LSN, end LSN, prepare time, xid, GID. Others differ; none is read.
        byte[] bytes = message(type).int64(0x100).int64(0x180).int64(0).int32(77).string("gid-1").build();
        PgOutputDecoder decoder = new PgOutputDecoder(3);
        assertEquals(new UnsupportedMessage(type, name, bytes.length), decoder.decode(bytes));
    }

    @ParameterizedTest
    @CsvSource({"b, Begin Prepare", "K, Commit Prepared"})
    void alsoWithOlderProtocolVersions(char type, String name) {
        assertEquals(new UnsupportedMessage(type, name, 1), new PgOutputDecoder(1).decode(message(type).build()));
    }
}

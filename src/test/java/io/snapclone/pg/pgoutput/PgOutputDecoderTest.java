package io.snapclone.pg.pgoutput;

import static io.snapclone.pg.pgoutput.TestingBytes.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.snapclone.pg.Lsn;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** How the decoder takes its input: byte arrays, and buffers as a stream hands them over. */
class PgOutputDecoderTest {
    private static final byte[] ORIGIN = message('O').int64(0x10).string("n").build();

    @Test
    void decodesFromTheBuffersPositionToItsLimitAndLeavesItAlone() {
        // A replication stream hands over a buffer whose message starts past a header.
        byte[] framed = new byte[ORIGIN.length + 30];
        System.arraycopy(ORIGIN, 0, framed, 25, ORIGIN.length);
        ByteBuffer buffer = ByteBuffer.wrap(framed);
        buffer.position(25).limit(25 + ORIGIN.length);
        buffer.order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(new Origin(Lsn.parse("0/10"), "n"), new PgOutputDecoder().decode(buffer));
        assertEquals(25, buffer.position());
        assertEquals(25 + ORIGIN.length, buffer.limit());
        assertEquals(ByteOrder.LITTLE_ENDIAN, buffer.order());
    }

    @Test
    void directAndReadOnlyBuffers() {
        ByteBuffer direct = ByteBuffer.allocateDirect(ORIGIN.length).put(ORIGIN).flip();
        assertEquals(new Origin(Lsn.parse("0/10"), "n"), new PgOutputDecoder().decode(direct));
        assertEquals(new Origin(Lsn.parse("0/10"), "n"),
                new PgOutputDecoder().decode(ByteBuffer.wrap(ORIGIN).asReadOnlyBuffer()));
    }

    @Test
    void aSliceOfABiggerArrayDoesNotReadPastItsLimit() {
        byte[] framed = new byte[ORIGIN.length + 10];
        System.arraycopy(ORIGIN, 0, framed, 0, ORIGIN.length - 1); // the NUL is left off, zeros follow
        ByteBuffer cut = ByteBuffer.wrap(framed, 0, ORIGIN.length - 1);
        assertThrows(MalformedMessageException.class, () -> new PgOutputDecoder().decode(cut));
    }

    @Test
    void decoderIsReusableAcrossMessages() {
        PgOutputDecoder decoder = new PgOutputDecoder();
        for (int i = 0; i < 3; i++) {
            assertEquals(new Origin(Lsn.parse("0/10"), "n"), decoder.decode(ORIGIN));
        }
    }
}

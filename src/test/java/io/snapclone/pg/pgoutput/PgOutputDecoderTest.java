package io.snapclone.pg.pgoutput;

import static io.snapclone.pg.pgoutput.TestingBytes.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.snapclone.pg.Lsn;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** How the decoder takes its input: versions, byte arrays, and buffers as a stream hands them over. */
class PgOutputDecoderTest {
    private static final byte[] ORIGIN = message('O').int64(0x10).string("n").build();

    @ParameterizedTest
    @ValueSource(ints = {0, -1, 5})
    void protocolVersionOutOfRange(int version) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PgOutputDecoder(version));
        assertEquals("pgoutput protocol version " + version + " is not supported (use 1 to 4)", e.getMessage());
    }

    @Test
    void decodesFromTheBuffersPositionToItsLimitAndLeavesItAlone() {
        // A replication stream hands over a buffer whose message starts past a header.
        byte[] framed = new byte[ORIGIN.length + 30];
        System.arraycopy(ORIGIN, 0, framed, 25, ORIGIN.length);
        ByteBuffer buffer = ByteBuffer.wrap(framed);
        buffer.position(25).limit(25 + ORIGIN.length);
        buffer.order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(new Origin(Lsn.parse("0/10"), "n"), new PgOutputDecoder(1).decode(buffer));
        assertEquals(25, buffer.position());
        assertEquals(25 + ORIGIN.length, buffer.limit());
        assertEquals(ByteOrder.LITTLE_ENDIAN, buffer.order());
    }

    @Test
    void directAndReadOnlyBuffers() {
        ByteBuffer direct = ByteBuffer.allocateDirect(ORIGIN.length).put(ORIGIN).flip();
        assertEquals(new Origin(Lsn.parse("0/10"), "n"), new PgOutputDecoder(1).decode(direct));
        assertEquals(new Origin(Lsn.parse("0/10"), "n"),
                new PgOutputDecoder(1).decode(ByteBuffer.wrap(ORIGIN).asReadOnlyBuffer()));
    }

    @Test
    void aSliceOfABiggerArrayDoesNotReadPastItsLimit() {
        byte[] framed = new byte[ORIGIN.length + 10];
        System.arraycopy(ORIGIN, 0, framed, 0, ORIGIN.length - 1); // the NUL is left off, zeros follow
        ByteBuffer cut = ByteBuffer.wrap(framed, 0, ORIGIN.length - 1);
        assertThrows(MalformedMessageException.class, () -> new PgOutputDecoder(1).decode(cut));
    }

    @Test
    void decoderIsReusableAcrossMessages() {
        PgOutputDecoder decoder = new PgOutputDecoder(1);
        for (int i = 0; i < 3; i++) {
            assertEquals(new Origin(Lsn.parse("0/10"), "n"), decoder.decode(ORIGIN));
        }
        assertEquals(1, decoder.protocolVersion());
    }
}

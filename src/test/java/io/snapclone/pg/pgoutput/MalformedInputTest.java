package io.snapclone.pg.pgoutput;

import static io.snapclone.pg.pgoutput.TestingBytes.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.snapclone.pg.pgoutput.Samples.Sample;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Short, long and corrupt input fails with a {@link MalformedMessageException} that says what is
 * wrong, never with an index, underflow or out-of-memory error from deep inside.
 */
class MalformedInputTest {
    @TestFactory
    Stream<DynamicTest> everyPrefixOfEveryMessageIsRejected() {
        return Samples.all().stream().map(sample -> DynamicTest.dynamicTest(sample.name(), () -> {
            new PgOutputDecoder().decode(sample.bytes()); // the whole message is fine
            for (int length = 0; length < sample.bytes().length; length++) {
                byte[] prefix = Arrays.copyOf(sample.bytes(), length);
                PgOutputDecoder decoder = new PgOutputDecoder();
                MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> decoder.decode(prefix),
                        sample.name() + " cut to " + length + " bytes");
                assertTrue(e.getMessage().startsWith("malformed pgoutput "), e.getMessage());
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> aTrailingByteIsRejected() {
        return Samples.all().stream().map(sample -> DynamicTest.dynamicTest(sample.name(), () -> {
            byte[] longer = Arrays.copyOf(sample.bytes(), sample.bytes().length + 1);
            MalformedMessageException e = assertThrows(MalformedMessageException.class,
                    () -> new PgOutputDecoder().decode(longer));
            assertTrue(e.getMessage().contains("1 unexpected trailing byte(s)"), e.getMessage());
        }));
    }

    /** Random corruption of valid messages: decoded or rejected cleanly, nothing else. */
    @Test
    void corruptBytesFailCleanly() {
        Random random = new Random(20240501); // fixed, so a failure can be replayed
        List<Sample> samples = Samples.all();
        for (int round = 0; round < 20_000; round++) {
            Sample sample = samples.get(random.nextInt(samples.size()));
            byte[] bytes = sample.bytes().clone();
            int changes = 1 + random.nextInt(3);
            for (int i = 0; i < changes; i++) {
                bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
            }
            try {
                new PgOutputDecoder().decode(bytes);
            } catch (MalformedMessageException expected) {
                // fine
            } catch (RuntimeException | Error e) {
                fail("round " + round + ", " + sample.name() + " as " + Arrays.toString(bytes) + ": " + e, e);
            }
        }
    }

    @Test
    void empty() {
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> new PgOutputDecoder().decode(new byte[0]));
        assertEquals("malformed pgoutput message: truncated at message type: needs 1 byte(s) at offset 0, only 0 left"
                + " (message length 0)", e.getMessage());
    }

    @Test
    void unknownTypeIsNamed() {
        PgOutputDecoder decoder = new PgOutputDecoder();
        assertEquals("unknown pgoutput message type 'Z' (0x5A) (message length 3)",
                assertThrows(MalformedMessageException.class, () -> decoder.decode(new byte[] {'Z', 0, 0})).getMessage());
        assertEquals("unknown pgoutput message type 0x00 (message length 1)",
                assertThrows(MalformedMessageException.class, () -> decoder.decode(new byte[] {0})).getMessage());
        assertEquals("unknown pgoutput message type 0xFF (message length 1)",
                assertThrows(MalformedMessageException.class, () -> decoder.decode(new byte[] {-1})).getMessage());
    }

    @Test
    void unterminatedString() {
        byte[] bytes = message('O').int64(1).bytes("no-nul".getBytes()).build();
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> new PgOutputDecoder().decode(bytes));
        assertEquals("malformed pgoutput Origin: origin name at offset 9 has no terminating NUL before the end of"
                + " the message", e.getMessage());
    }

    @Test
    void invalidUtf8IsRejectedNotReplaced() {
        byte[] bytes = message('I').int32(1).int8('N').columns(1).int8('t').int32(2)
                .bytes(new byte[] {(byte) 0xC3, (byte) 0x28}).build();
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> new PgOutputDecoder().decode(bytes));
        assertEquals("malformed pgoutput Insert: text of column 0 at offset 13 is not valid UTF-8", e.getMessage());
        byte[] name = message('Y').int32(1).string("s").bytes(new byte[] {(byte) 0xFF, 0}).build();
        assertThrows(MalformedMessageException.class, () -> new PgOutputDecoder().decode(name));
    }

    @Test
    void negativeLengthsAndCounts() {
        PgOutputDecoder decoder = new PgOutputDecoder();
        assertEquals("malformed pgoutput Insert: length of column 0 is negative (-1) at offset 9",
                assertThrows(MalformedMessageException.class, () -> decoder.decode(
                        message('I').int32(1).int8('N').columns(1).int8('t').int32(-1).build())).getMessage());
        assertEquals("malformed pgoutput Insert: tuple column count is negative (-1) at offset 6",
                assertThrows(MalformedMessageException.class, () -> decoder.decode(
                        message('I').int32(1).int8('N').columns(-1).build())).getMessage());
        assertEquals("malformed pgoutput Relation: column count is negative (-2) at offset 10",
                assertThrows(MalformedMessageException.class, () -> decoder.decode(
                        message('R').int32(1).string("s").string("t").int8('d').int16(-2).build())).getMessage());
        assertEquals("malformed pgoutput Truncate: relation count is negative (-5) at offset 1",
                assertThrows(MalformedMessageException.class, () -> decoder.decode(
                        message('T').int32(-5).int8(0).build())).getMessage());
        assertEquals("malformed pgoutput Message: content length is negative (-1) at offset 12",
                assertThrows(MalformedMessageException.class, () -> decoder.decode(
                        message('M').int8(0).int64(1).string("p").int32(-1).build())).getMessage());
    }

    @Test
    void hugeCountsInTinyMessagesDoNotAllocate() {
        PgOutputDecoder decoder = new PgOutputDecoder();
        assertThrows(MalformedMessageException.class, () -> decoder.decode(
                message('T').int32(Integer.MAX_VALUE).int8(0).build()));
        assertThrows(MalformedMessageException.class, () -> decoder.decode(
                message('I').int32(1).int8('N').columns(Short.MAX_VALUE).build()));
        assertThrows(MalformedMessageException.class, () -> decoder.decode(
                message('I').int32(1).int8('N').columns(1).int8('b').int32(Integer.MAX_VALUE).build()));
        assertThrows(MalformedMessageException.class, () -> decoder.decode(
                message('M').int8(0).int64(1).string("p").int32(Integer.MAX_VALUE).build()));
    }
}

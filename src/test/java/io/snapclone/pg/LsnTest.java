package io.snapclone.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.stream.Stream;

class LsnTest {
    static Stream<Arguments> roundTrips() {
        return Stream.of(
                Arguments.of("0/0", 0L), // InvalidXLogRecPtr
                Arguments.of("0/1", 1L),
                Arguments.of("16/B374D848", 0x16_B374D848L), // the example in the pg_lsn docs
                Arguments.of("1/0", 0x1_0000_0000L),
                Arguments.of("0/FFFFFFFF", 0xFFFF_FFFFL),
                Arguments.of("7FFFFFFF/FFFFFFFF", Long.MAX_VALUE),
                Arguments.of("80000000/0", Long.MIN_VALUE), // past the signed range
                Arguments.of("FFFFFFFF/FFFFFFFF", -1L)); // max value
    }

    @ParameterizedTest
    @MethodSource("roundTrips")
    void parseAndFormat(String text, long value) {
        assertEquals(new Lsn(value), Lsn.parse(text));
        assertEquals(text, new Lsn(value).toString());
    }

    @Test
    void parseAcceptsLowerCaseAndZeroPadding() {
        assertEquals(new Lsn(0x16_B374D848L), Lsn.parse("16/b374d848"));
        assertEquals(new Lsn(0x16_0B374D84L), Lsn.parse("00000016/0B374D84"));
        assertEquals("16/B374D84", Lsn.parse("00000016/0B374D84").toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "16", "16/", "/B374D848", "16/B374D848/1", "123456789/0", "0/123456789", "G/0",
            " 16/B374D848", "16/B374D848 ", "-1/0", "+1/0", "16:B374D848", "0x16/0"})
    void parseRejects(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Lsn.parse(text));
        assertTrue(e.getMessage().contains(text), e.getMessage());
    }

    @Test
    void compareIsUnsigned() {
        assertTrue(Lsn.parse("1/0").compareTo(Lsn.parse("0/FFFFFFFF")) > 0);
        assertTrue(Lsn.parse("FFFFFFFF/0").compareTo(Lsn.parse("7FFFFFFF/FFFFFFFF")) > 0);
        assertTrue(Lsn.parse("0/0").compareTo(Lsn.parse("FFFFFFFF/FFFFFFFF")) < 0);
        assertEquals(0, Lsn.parse("16/B374D848").compareTo(new Lsn(0x16_B374D848L)));
    }

    @Test
    void validity() {
        assertFalse(Lsn.INVALID.isValid());
        assertEquals(Lsn.INVALID, Lsn.parse("0/0"));
        assertTrue(Lsn.parse("0/1").isValid());
        assertThrows(NullPointerException.class, () -> Lsn.parse(null));
    }
}

package io.snapclone.pg.value;

import static io.snapclone.pg.value.ValueKind.BOOLEAN;
import static io.snapclone.pg.value.ValueKind.BYTES;
import static io.snapclone.pg.value.ValueKind.DATE;
import static io.snapclone.pg.value.ValueKind.FLOAT32;
import static io.snapclone.pg.value.ValueKind.FLOAT64;
import static io.snapclone.pg.value.ValueKind.INT16;
import static io.snapclone.pg.value.ValueKind.INT32;
import static io.snapclone.pg.value.ValueKind.INT64;
import static io.snapclone.pg.value.ValueKind.JSON;
import static io.snapclone.pg.value.ValueKind.NUMERIC;
import static io.snapclone.pg.value.ValueKind.TEXT;
import static io.snapclone.pg.value.ValueKind.TIME;
import static io.snapclone.pg.value.ValueKind.TIMESTAMP;
import static io.snapclone.pg.value.ValueKind.TIMESTAMPTZ;
import static io.snapclone.pg.value.ValueKind.UNKNOWN;
import static io.snapclone.pg.value.ValueKind.UUID;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Round trips from PostgreSQL's text output (DateStyle ISO, bytea_output hex) to the Java value of
 * each kind, with edge values named; expected temporal values are computed with java.time.
 */
class ValueDecoderTest {
    private static final long MICROS_PER_SECOND = 1_000_000L;

    /** One PostgreSQL text value and what it must decode to. */
    record RoundTrip(ValueKind kind, String text, Object expected, String name) {
        @Override
        public String toString() {
            return kind + " '" + text + "' (" + name + ")";
        }
    }

    static List<RoundTrip> roundTrips() {
        List<RoundTrip> cases = new ArrayList<>();
        cases.add(new RoundTrip(INT16, "-32768", Short.MIN_VALUE, "min value"));
        cases.add(new RoundTrip(INT16, "32767", Short.MAX_VALUE, "max value"));
        cases.add(new RoundTrip(INT16, "0", (short) 0, "zero"));
        cases.add(new RoundTrip(INT32, "-2147483648", Integer.MIN_VALUE, "min value"));
        cases.add(new RoundTrip(INT32, "2147483647", Integer.MAX_VALUE, "max value"));
        cases.add(new RoundTrip(INT64, "-9223372036854775808", Long.MIN_VALUE, "min value"));
        cases.add(new RoundTrip(INT64, "9223372036854775807", Long.MAX_VALUE, "max value"));

        cases.add(new RoundTrip(FLOAT32, "NaN", Float.NaN, "NaN"));
        cases.add(new RoundTrip(FLOAT32, "Infinity", Float.POSITIVE_INFINITY, "+infinity"));
        cases.add(new RoundTrip(FLOAT32, "-Infinity", Float.NEGATIVE_INFINITY, "-infinity"));
        cases.add(new RoundTrip(FLOAT32, "3.4028235e+38", Float.MAX_VALUE, "max value"));
        cases.add(new RoundTrip(FLOAT32, "1e-45", Float.MIN_VALUE, "smallest subnormal"));
        cases.add(new RoundTrip(FLOAT32, "-0", -0.0f, "negative zero"));
        cases.add(new RoundTrip(FLOAT64, "NaN", Double.NaN, "NaN"));
        cases.add(new RoundTrip(FLOAT64, "Infinity", Double.POSITIVE_INFINITY, "+infinity"));
        cases.add(new RoundTrip(FLOAT64, "-Infinity", Double.NEGATIVE_INFINITY, "-infinity"));
        cases.add(new RoundTrip(FLOAT64, "1.7976931348623157e+308", Double.MAX_VALUE, "max value"));
        cases.add(new RoundTrip(FLOAT64, "5e-324", Double.MIN_VALUE, "smallest subnormal"));
        cases.add(new RoundTrip(FLOAT64, "0.1", 0.1d, "shortest round-trip text"));

        cases.add(new RoundTrip(NUMERIC, "NaN", SpecialNumeric.NAN, "NaN"));
        cases.add(new RoundTrip(NUMERIC, "Infinity", SpecialNumeric.POSITIVE_INFINITY, "+infinity (PostgreSQL 14+)"));
        cases.add(new RoundTrip(NUMERIC, "-Infinity", SpecialNumeric.NEGATIVE_INFINITY, "-infinity (PostgreSQL 14+)"));
        cases.add(new RoundTrip(NUMERIC, "1234567890123456789012345678901234567890",
                new BigDecimal("1234567890123456789012345678901234567890"), "40 digits"));
        cases.add(new RoundTrip(NUMERIC, "-12345678901234567890.12345678901234567890",
                new BigDecimal("-1234567890123456789012345678901234567890").movePointLeft(20), "40 digits, scale 20"));
        cases.add(new RoundTrip(NUMERIC, "1.500", new BigDecimal("1.500"), "trailing zeros keep their scale"));
        cases.add(new RoundTrip(NUMERIC, "0", BigDecimal.ZERO, "zero"));

        cases.add(new RoundTrip(BOOLEAN, "t", true, "true"));
        cases.add(new RoundTrip(BOOLEAN, "f", false, "false"));

        cases.add(new RoundTrip(DATE, "1970-01-01", 0, "epoch"));
        cases.add(new RoundTrip(DATE, "2024-01-02", days(2024, 1, 2), "ordinary"));
        cases.add(new RoundTrip(DATE, "1969-12-31", -1, "day before the epoch"));
        cases.add(new RoundTrip(DATE, "2000-02-29", days(2000, 2, 29), "leap day"));
        cases.add(new RoundTrip(DATE, "0044-03-15 BC", days(-43, 3, 15), "BC: 44 BC is proleptic year -43"));
        cases.add(new RoundTrip(DATE, "0001-01-01 BC", days(0, 1, 1), "1 BC is proleptic year 0"));
        cases.add(new RoundTrip(DATE, "4713-11-24 BC", days(-4712, 11, 24), "min date (Julian day 0)"));
        cases.add(new RoundTrip(DATE, "0001-01-01", days(1, 1, 1), "first AD day"));
        cases.add(new RoundTrip(DATE, "10000-01-01", days(10000, 1, 1), "five-digit year"));
        cases.add(new RoundTrip(DATE, "5874897-12-31", days(5874897, 12, 31), "max date"));
        cases.add(new RoundTrip(DATE, "infinity", Integer.MAX_VALUE, "infinity"));
        cases.add(new RoundTrip(DATE, "-infinity", Integer.MIN_VALUE, "-infinity"));

        cases.add(new RoundTrip(TIME, "00:00:00", 0L, "midnight"));
        cases.add(new RoundTrip(TIME, "13:45:56", timeMicros("13:45:56"), "no fraction"));
        cases.add(new RoundTrip(TIME, "23:59:59.999999", timeMicros("23:59:59.999999"), "last microsecond"));
        cases.add(new RoundTrip(TIME, "24:00:00", 86_400L * MICROS_PER_SECOND, "24:00:00 is allowed"));
        for (String fraction : List.of("1", "12", "123", "1234", "12345", "123456", "000001", "05")) {
            String text = "13:45:56." + fraction;
            cases.add(new RoundTrip(TIME, text, timeMicros(text), fraction.length() + " fractional digits"));
        }

        cases.add(new RoundTrip(TIMESTAMP, "1970-01-01 00:00:00", 0L, "epoch"));
        cases.add(new RoundTrip(TIMESTAMP, "2024-01-02 03:04:05",
                micros(LocalDateTime.of(2024, 1, 2, 3, 4, 5)), "no fraction"));
        cases.add(new RoundTrip(TIMESTAMP, "1969-12-31 23:59:59.999999", -1L, "microsecond before the epoch"));
        for (String fraction : List.of("1", "12", "123", "1234", "12345", "123456")) {
            String text = "2024-01-02 03:04:05." + fraction;
            cases.add(new RoundTrip(TIMESTAMP, text, micros(LocalDateTime.parse(text.replace(' ', 'T'))),
                    fraction.length() + " fractional digits"));
        }
        cases.add(new RoundTrip(TIMESTAMP, "0044-03-15 12:30:00.5 BC",
                micros(LocalDateTime.of(-43, 3, 15, 12, 30, 0, 500_000_000)), "BC with fraction"));
        cases.add(new RoundTrip(TIMESTAMP, "10000-01-01 00:00:00",
                micros(LocalDateTime.of(10000, 1, 1, 0, 0)), "five-digit year"));
        cases.add(new RoundTrip(TIMESTAMP, "infinity", Long.MAX_VALUE, "infinity"));
        cases.add(new RoundTrip(TIMESTAMP, "-infinity", Long.MIN_VALUE, "-infinity"));

        cases.add(new RoundTrip(UUID, "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11",
                "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "upper case lowered"));
        cases.add(new RoundTrip(UUID, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
                "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "already canonical"));

        cases.add(new RoundTrip(TEXT, "  as is\t\\ ", "  as is\t\\ ", "text untouched"));
        cases.add(new RoundTrip(JSON, "{\"a\": [1, 2]}", "{\"a\": [1, 2]}", "json untouched"));
        cases.add(new RoundTrip(UNKNOWN, "(1,2)", "(1,2)", "unknown type as printed"));
        return cases;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("roundTrips")
    void roundTrip(RoundTrip roundTrip) {
        Object decoded = ValueDecoder.decode(roundTrip.kind(), roundTrip.text());
        // equals() also tells the boxed type apart (Short vs Integer), NaN equal to NaN, -0.0 from 0.0.
        assertEquals(roundTrip.expected(), decoded, roundTrip.toString());
    }

    static List<Arguments> timestampTzRoundTrips() {
        return List.of(
                Arguments.of("2024-01-02 03:04:05.123+00", "2024-01-02T03:04:05.123Z",
                        odt(2024, 1, 2, 3, 4, 5, 123_000_000, ZoneOffset.UTC), "UTC session"),
                Arguments.of("2024-01-02 03:04:05+00", "2024-01-02T03:04:05Z",
                        odt(2024, 1, 2, 3, 4, 5, 0, ZoneOffset.UTC), "no fraction"),
                Arguments.of("2024-01-02 03:04:05.123456+00", "2024-01-02T03:04:05.123456Z",
                        odt(2024, 1, 2, 3, 4, 5, 123_456_000, ZoneOffset.UTC), "microseconds"),
                Arguments.of("2024-01-02 03:04:05.1+00", "2024-01-02T03:04:05.1Z",
                        odt(2024, 1, 2, 3, 4, 5, 100_000_000, ZoneOffset.UTC), "one fractional digit"),
                Arguments.of("2024-01-02 03:04:05.123+05:30", "2024-01-01T21:34:05.123Z",
                        odt(2024, 1, 2, 3, 4, 5, 123_000_000, ZoneOffset.ofHoursMinutes(5, 30)), "+05:30 crosses midnight"),
                Arguments.of("2024-01-02 20:00:00-08", "2024-01-03T04:00:00Z",
                        odt(2024, 1, 2, 20, 0, 0, 0, ZoneOffset.ofHours(-8)), "-08 crosses midnight"),
                Arguments.of("2023-12-31 23:30:00.5-03:30", "2024-01-01T03:00:00.5Z",
                        odt(2023, 12, 31, 23, 30, 0, 500_000_000, ZoneOffset.ofHoursMinutes(-3, -30)), "crosses the year"),
                Arguments.of("1900-01-01 00:00:00+00:19:32", "1899-12-31T23:40:28Z",
                        odt(1900, 1, 1, 0, 0, 0, 0, ZoneOffset.ofHoursMinutesSeconds(0, 19, 32)), "LMT offset with seconds"),
                Arguments.of("1969-12-31 23:59:59.999999+00", "1969-12-31T23:59:59.999999Z",
                        odt(1969, 12, 31, 23, 59, 59, 999_999_000, ZoneOffset.UTC), "before the epoch"),
                Arguments.of("0044-03-15 03:04:05+00 BC", "-0043-03-15T03:04:05Z",
                        odt(-43, 3, 15, 3, 4, 5, 0, ZoneOffset.UTC), "BC"),
                Arguments.of("0001-01-01 00:00:00+00 BC", "0000-01-01T00:00:00Z",
                        odt(0, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC), "1 BC is year 0"),
                Arguments.of("10000-01-01 00:00:00+00", "+10000-01-01T00:00:00Z",
                        odt(10000, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC), "five-digit year needs its sign in ISO-8601"),
                Arguments.of("9999-12-31 23:00:00-01", "+10000-01-01T00:00:00Z",
                        odt(9999, 12, 31, 23, 0, 0, 0, ZoneOffset.ofHours(-1)), "offset pushes into year 10000"));
    }

    @ParameterizedTest(name = "{0} ({3})")
    @MethodSource("timestampTzRoundTrips")
    void timestampTz(String text, String expectedText, Instant expected, String name) {
        String decoded = (String) ValueDecoder.decode(TIMESTAMPTZ, text);
        assertEquals(expectedText, decoded, name);
        // Whatever its spelling, a consumer must be able to read it back as the same instant.
        assertEquals(expected, Instant.parse(decoded), name);
    }

    @ParameterizedTest
    @CsvSource({"infinity", "-infinity"})
    void timestampTzInfinityIsKeptAsText(String text) {
        assertEquals(text, ValueDecoder.decode(TIMESTAMPTZ, text));
    }

    @ParameterizedTest
    @CsvSource({"2024-01-02 03:04:05", "2024-01-02 03:04:05.123"})
    void timestampTzWithoutOffsetIsRejected(String text) {
        assertThrows(IllegalArgumentException.class, () -> ValueDecoder.decode(TIMESTAMPTZ, text));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            empty               | \\x         |
            one byte            | \\x00       | 00
            mixed case hex      | \\xDEADbeef | deadbeef
            bytes that are text | \\x5c78     | 5c78
            """)
    void byteaHex(String name, String text, String expectedHex) {
        byte[] expected = HexFormat.of().parseHex(expectedHex == null ? "" : expectedHex);
        assertArrayEquals(expected, (byte[]) ValueDecoder.decode(BYTES, text), name);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            \\336\\255\\276\\357
            abc
            ''
            """)
    void byteaEscapeFormatIsRejected(String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ValueDecoder.decode(BYTES, text));
        assertEquals("bytea is not in hex format (set bytea_output=hex)", e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"\\xabc", "\\xzz"})
    void byteaWithBadHexIsRejected(String text) {
        assertThrows(IllegalArgumentException.class, () -> ValueDecoder.decode(BYTES, text));
    }

    @ParameterizedTest
    @CsvSource({"true", "false", "T", "1", "yes"})
    void onlyPostgresBooleanOutputIsAccepted(String text) {
        assertThrows(IllegalArgumentException.class, () -> ValueDecoder.decode(BOOLEAN, text));
    }

    @ParameterizedTest
    @CsvSource({"INT16, 32768", "INT16, -32769", "INT32, 2147483648", "INT64, 9223372036854775808", "NUMERIC, nan",
            "NUMERIC, inf"})
    void outOfRangeOrMalformedNumbersAreRejected(ValueKind kind, String text) {
        // NumberFormatException is an IllegalArgumentException.
        assertThrows(IllegalArgumentException.class, () -> ValueDecoder.decode(kind, text));
    }

    private static int days(int year, int month, int day) {
        return Math.toIntExact(LocalDate.of(year, month, day).toEpochDay());
    }

    private static long timeMicros(String text) {
        return LocalTime.parse(text).toNanoOfDay() / 1000;
    }

    private static long micros(LocalDateTime dateTime) {
        return Math.addExact(Math.multiplyExact(dateTime.toEpochSecond(ZoneOffset.UTC), MICROS_PER_SECOND),
                dateTime.getNano() / 1000);
    }

    private static Instant odt(int year, int month, int day, int hour, int minute, int second, int nanos,
            ZoneOffset offset) {
        return OffsetDateTime.of(year, month, day, hour, minute, second, nanos, offset).toInstant();
    }
}

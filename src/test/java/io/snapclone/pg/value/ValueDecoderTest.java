package io.snapclone.pg.value;

import static io.snapclone.pg.value.ValueKind.BIT;
import static io.snapclone.pg.value.ValueKind.BITS;
import static io.snapclone.pg.value.ValueKind.BOOLEAN;
import static io.snapclone.pg.value.ValueKind.BYTES;
import static io.snapclone.pg.value.ValueKind.DATE;
import static io.snapclone.pg.value.ValueKind.ENUM;
import static io.snapclone.pg.value.ValueKind.FLOAT32;
import static io.snapclone.pg.value.ValueKind.FLOAT64;
import static io.snapclone.pg.value.ValueKind.INT16;
import static io.snapclone.pg.value.ValueKind.INT32;
import static io.snapclone.pg.value.ValueKind.INT64;
import static io.snapclone.pg.value.ValueKind.INTERVAL;
import static io.snapclone.pg.value.ValueKind.JSON;
import static io.snapclone.pg.value.ValueKind.LTREE;
import static io.snapclone.pg.value.ValueKind.MONEY;
import static io.snapclone.pg.value.ValueKind.NUMERIC;
import static io.snapclone.pg.value.ValueKind.POINT;
import static io.snapclone.pg.value.ValueKind.TEXT;
import static io.snapclone.pg.value.ValueKind.TIME;
import static io.snapclone.pg.value.ValueKind.TIMESTAMP;
import static io.snapclone.pg.value.ValueKind.TIMESTAMPTZ;
import static io.snapclone.pg.value.ValueKind.TIMETZ;
import static io.snapclone.pg.value.ValueKind.TSVECTOR;
import static io.snapclone.pg.value.ValueKind.UNKNOWN;
import static io.snapclone.pg.value.ValueKind.UUID;
import static io.snapclone.pg.value.ValueKind.XML;
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
        cases.add(new RoundTrip(XML, "<a b=\"1\">x &amp; y</a>", "<a b=\"1\">x &amp; y</a>", "xml untouched"));
        cases.add(new RoundTrip(TSVECTOR, "'a':1A 'fat':2 'cat':3", "'a':1A 'fat':2 'cat':3", "tsvector untouched"));
        cases.add(new RoundTrip(LTREE, "Top.Science.Astronomy", "Top.Science.Astronomy", "ltree untouched"));
        cases.add(new RoundTrip(ENUM, "happy", "happy", "enum label untouched"));
        cases.add(new RoundTrip(ENUM, "with space", "with space", "enum label with a space"));
        cases.add(new RoundTrip(TEXT, "192.168.0.1/24", "192.168.0.1/24", "inet as printed"));
        cases.add(new RoundTrip(TEXT, "08:00:2b:01:02:03:04:05", "08:00:2b:01:02:03:04:05", "macaddr8 as printed"));
        cases.add(new RoundTrip(TEXT, "16/B374D848", "16/B374D848", "pg_lsn as printed"));
        cases.add(new RoundTrip(INT64, "18446744073709551", 18446744073709551L, "xid8"));
        cases.add(new RoundTrip(INT64, "4294967295", 4294967295L, "oid max value (unsigned 32-bit)"));

        cases.add(new RoundTrip(TIMETZ, "00:00:00+00", "00:00:00Z", "midnight UTC"));
        cases.add(new RoundTrip(TIMETZ, "13:45:56+00", "13:45:56Z", "no fraction"));
        cases.add(new RoundTrip(TIMETZ, "13:45:00+00", "13:45:00Z", "zero seconds are written"));
        cases.add(new RoundTrip(TIMETZ, "13:45:56.5+00", "13:45:56.5Z", "one fractional digit"));
        cases.add(new RoundTrip(TIMETZ, "13:45:56.123456+00", "13:45:56.123456Z", "microseconds"));
        cases.add(new RoundTrip(TIMETZ, "13:45:56.120000+00", "13:45:56.12Z", "trailing zeros dropped"));
        cases.add(new RoundTrip(TIMETZ, "13:45:56.000001+00", "13:45:56.000001Z", "one microsecond"));
        cases.add(new RoundTrip(TIMETZ, "13:45:56+05:30", "08:15:56Z", "positive offset with minutes"));
        cases.add(new RoundTrip(TIMETZ, "20:00:00-08", "04:00:00Z", "negative offset wraps past midnight"));
        cases.add(new RoundTrip(TIMETZ, "01:00:00.25+02", "23:00:00.25Z", "positive offset wraps before midnight"));
        cases.add(new RoundTrip(TIMETZ, "12:00:00+00:19:32", "11:40:28Z", "LMT offset with seconds"));
        cases.add(new RoundTrip(TIMETZ, "00:00:00+15:59", "08:01:00Z", "max offset"));
        cases.add(new RoundTrip(TIMETZ, "24:00:00+00", "24:00:00Z", "24:00:00 at UTC kept, as Debezium keeps it"));
        cases.add(new RoundTrip(TIMETZ, "24:00:00+01", "23:00:00Z", "24:00:00 elsewhere shifted"));
        cases.add(new RoundTrip(TIMETZ, "23:59:59.999999-15:59", "15:58:59.999999Z", "last microsecond, min offset"));

        cases.add(new RoundTrip(MONEY, "$0.00", new BigDecimal("0.00"), "zero"));
        cases.add(new RoundTrip(MONEY, "$1,234.56", new BigDecimal("1234.56"), "grouping"));
        cases.add(new RoundTrip(MONEY, "-$1.00", new BigDecimal("-1.00"), "negative"));
        cases.add(new RoundTrip(MONEY, "-$0.01", new BigDecimal("-0.01"), "smallest negative"));
        cases.add(new RoundTrip(MONEY, "$92,233,720,368,547,758.07", new BigDecimal("92233720368547758.07"), "max value"));
        cases.add(new RoundTrip(MONEY, "-$92,233,720,368,547,758.08", new BigDecimal("-92233720368547758.08"),
                "min value"));
        cases.add(new RoundTrip(MONEY, "($5.00)", new BigDecimal("-5.00"), "accounting negative"));
        cases.add(new RoundTrip(MONEY, "€1,234.50", new BigDecimal("1234.50"), "other currency symbol"));

        cases.add(new RoundTrip(BIT, "1", true, "bit(1) one"));
        cases.add(new RoundTrip(BIT, "0", false, "bit(1) zero"));
        cases.add(new RoundTrip(BIT, "", false, "empty varbit(1)"));

        cases.add(new RoundTrip(POINT, "(1,2)", new PgPoint(1, 2), "integers"));
        cases.add(new RoundTrip(POINT, "(-1.5,2.25)", new PgPoint(-1.5, 2.25), "fractions"));
        cases.add(new RoundTrip(POINT, "(1e+100,-1e-300)", new PgPoint(1e100, -1e-300), "exponents"));
        cases.add(new RoundTrip(POINT, "(NaN,Infinity)", new PgPoint(Double.NaN, Double.POSITIVE_INFINITY),
                "NaN and infinity"));
        cases.add(new RoundTrip(POINT, "(-Infinity,-0)", new PgPoint(Double.NEGATIVE_INFINITY, -0.0),
                "-infinity and negative zero"));
        cases.add(new RoundTrip(POINT, "(0.1,0.30000000000000004)", new PgPoint(0.1, 0.30000000000000004),
                "shortest round-trip text"));
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
                Arguments.of("2024-01-02 03:04:05.123+00", "2024-01-02T03:04:05.123000Z",
                        odt(2024, 1, 2, 3, 4, 5, 123_000_000, ZoneOffset.UTC), "UTC session"),
                Arguments.of("2024-01-02 03:04:05+00", "2024-01-02T03:04:05.000000Z",
                        odt(2024, 1, 2, 3, 4, 5, 0, ZoneOffset.UTC), "no fraction: six zeros, as Debezium"),
                Arguments.of("2024-01-02 03:04:05.123456+00", "2024-01-02T03:04:05.123456Z",
                        odt(2024, 1, 2, 3, 4, 5, 123_456_000, ZoneOffset.UTC), "microseconds"),
                Arguments.of("2024-01-02 03:04:05.1+00", "2024-01-02T03:04:05.100000Z",
                        odt(2024, 1, 2, 3, 4, 5, 100_000_000, ZoneOffset.UTC), "one fractional digit, padded to six"),
                Arguments.of("2024-01-02 03:04:05.123+05:30", "2024-01-01T21:34:05.123000Z",
                        odt(2024, 1, 2, 3, 4, 5, 123_000_000, ZoneOffset.ofHoursMinutes(5, 30)), "+05:30 crosses midnight"),
                Arguments.of("2024-01-02 20:00:00-08", "2024-01-03T04:00:00.000000Z",
                        odt(2024, 1, 2, 20, 0, 0, 0, ZoneOffset.ofHours(-8)), "-08 crosses midnight"),
                Arguments.of("2023-12-31 23:30:00.5-03:30", "2024-01-01T03:00:00.500000Z",
                        odt(2023, 12, 31, 23, 30, 0, 500_000_000, ZoneOffset.ofHoursMinutes(-3, -30)), "crosses the year"),
                Arguments.of("1900-01-01 00:00:00+00:19:32", "1899-12-31T23:40:28.000000Z",
                        odt(1900, 1, 1, 0, 0, 0, 0, ZoneOffset.ofHoursMinutesSeconds(0, 19, 32)), "LMT offset with seconds"),
                Arguments.of("1969-12-31 23:59:59.999999+00", "1969-12-31T23:59:59.999999Z",
                        odt(1969, 12, 31, 23, 59, 59, 999_999_000, ZoneOffset.UTC), "before the epoch"),
                Arguments.of("0044-03-15 03:04:05+00 BC", "-0043-03-15T03:04:05.000000Z",
                        odt(-43, 3, 15, 3, 4, 5, 0, ZoneOffset.UTC), "BC"),
                Arguments.of("0001-01-01 00:00:00+00 BC", "0000-01-01T00:00:00.000000Z",
                        odt(0, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC), "1 BC is year 0"),
                Arguments.of("10000-01-01 00:00:00+00", "+10000-01-01T00:00:00.000000Z",
                        odt(10000, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC), "five-digit year needs its sign in ISO-8601"),
                Arguments.of("9999-12-31 23:00:00-01", "+10000-01-01T00:00:00.000000Z",
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

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            all zeros is empty                 | 0000000000 |
            one                                | 01         | 01
            leftmost is most significant       | 10         | 02
            eight bits                         | 10000000   | 80
            nine bits: low byte first          | 100000001  | 0101
            bit(10) b'1000000000'              | 1000000000 | 0002
            leading zeros take no bytes        | 0000000101 | 05
            sixteen ones                       | 1111111111111111 | ffff
            seventeen bits                     | 10000000000000000 | 000001
            """)
    void bitsAreLittleEndianUnsignedLikeDebezium(String name, String text, String expectedHex) {
        byte[] expected = HexFormat.of().parseHex(expectedHex == null ? "" : expectedHex);
        assertArrayEquals(expected, (byte[]) ValueDecoder.decode(BITS, text), name);
        // Debezium: a BitSet with bit (len - 1 - i) set for each '1' at i, then BitSet.toByteArray().
        java.util.BitSet bits = new java.util.BitSet();
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '1') {
                bits.set(text.length() - 1 - i);
            }
        }
        assertArrayEquals(bits.toByteArray(), (byte[]) ValueDecoder.decode(BITS, text), name + " (Debezium)");
    }

    @ParameterizedTest
    @CsvSource({"BITS, 102", "BITS, 1 0", "BIT, 2", "BIT, 10", "POINT, 1,2", "POINT, (1 2)", "TIMETZ, 13:45:56",
            "MONEY, 1.234,56 €", "MONEY, $1.5", "MONEY, 5", "MONEY, $1.2.3", "MONEY, Eu", "ARRAY, {1}"})
    void malformedTextIsRejected(ValueKind kind, String text) {
        assertThrows(IllegalArgumentException.class, () -> ValueDecoder.decode(kind, text));
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

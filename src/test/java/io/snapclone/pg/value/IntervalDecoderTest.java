package io.snapclone.pg.value;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

/**
 * Intervals as IntervalStyle postgres prints them, to Debezium's MicroDuration. Expected values
 * are computed here from the parts, with a month of 365.25 / 12 days (Debezium's DAYS_PER_MONTH_AVG).
 */
class IntervalDecoderTest {
    private static final BigDecimal DAYS_PER_MONTH = new BigDecimal("365.25").divide(new BigDecimal(12));
    private static final BigDecimal MICROS_PER_DAY = new BigDecimal(86_400_000_000L);

    static List<Arguments> roundTrips() {
        return List.of(
                Arguments.of("00:00:00", micros(0, 0, 0, "0"), "zero"),
                Arguments.of("00:00:00.000001", micros(0, 0, 0, "0.000001"), "one microsecond"),
                Arguments.of("-00:00:00.000001", micros(0, 0, 0, "-0.000001"), "minus one microsecond"),
                Arguments.of("04:05:06.789", micros(0, 0, 0, "14706.789"), "time only"),
                Arguments.of("-04:05:06", micros(0, 0, 0, "-14706"), "negative time"),
                Arguments.of("1 day", micros(0, 0, 1, "0"), "one day"),
                Arguments.of("-2 days", micros(0, 0, -2, "0"), "negative days"),
                Arguments.of("1 mon", micros(0, 1, 0, "0"), "one month is 30.4375 days"),
                Arguments.of("3 mons", micros(0, 3, 0, "0"), "months"),
                Arguments.of("1 year", micros(1, 0, 0, "0"), "one year is 365.25 days"),
                Arguments.of("-2 years", micros(-2, 0, 0, "0"), "negative years"),
                Arguments.of("1 year 2 mons 3 days 04:05:06.789", micros(1, 2, 3, "14706.789"), "every part"),
                Arguments.of("-1 years -2 mons +3 days -04:05:06.5", micros(-1, -2, 3, "-14706.5"),
                        "mixed signs: '+' after a negative part"),
                Arguments.of("1 year -1 mons", micros(1, -1, 0, "0"), "negative months after a year"),
                Arguments.of("1 day +01:00:00", micros(0, 0, 1, "3600"), "explicit '+' on time"),
                Arguments.of("1 day -01:00:00", micros(0, 0, 1, "-3600"), "day minus an hour is not 23 hours of a day"),
                Arguments.of("100:00:00", micros(0, 0, 0, "360000"), "hours are not folded into days"),
                Arguments.of("2562047788:00:54.775807", Long.MAX_VALUE, "max time part"),
                Arguments.of("178956970 years 7 mons", Long.MAX_VALUE, "max interval saturates, as Debezium's cast"),
                Arguments.of("-178956970 years -8 mons", Long.MIN_VALUE, "min interval saturates"),
                Arguments.of("infinity", Long.MAX_VALUE, "infinity (PostgreSQL 17)"),
                Arguments.of("-infinity", Long.MIN_VALUE, "-infinity (PostgreSQL 17)"));
    }

    @ParameterizedTest(name = "{0} ({2})")
    @MethodSource("roundTrips")
    void roundTrip(String text, long expected, String name) {
        assertEquals(expected, ValueDecoder.decode(ValueKind.INTERVAL, text), name);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            1 year 2 mons 3 days 04:05:06 | 1 | 2 | 3 | 4 | 5 | 6
            -1 years -2 mons +3 days -04:05:06 | -1 | -2 | 3 | -4 | -5 | -6
            7 days | 0 | 0 | 7 | 0 | 0 | 0
            """)
    void sameAsDebeziumFormulaForWholeSeconds(String text, int years, int months, int days, int hours, int minutes,
            int seconds) {
        // MicroDuration.durationMicros(years, months, days, hours, minutes, seconds, DAYS_PER_MONTH_AVG).
        double numberOfDays = ((years * 12) + months) * (365.25 / 12.0d) + days;
        double numberOfSeconds = (((numberOfDays * 24 + hours) * 60) + minutes) * 60 + seconds;
        assertEquals((long) (numberOfSeconds * 1e6), ValueDecoder.decode(ValueKind.INTERVAL, text));
    }

    @ParameterizedTest
    @CsvSource({"P1Y2M", "@ 1 year", "1-2", "1 week", "1 year 2", "1:2", "abc"})
    void otherIntervalStylesAreRejected(String text) {
        assertThrows(IllegalArgumentException.class, () -> ValueDecoder.decode(ValueKind.INTERVAL, text));
    }

    private static long micros(int years, int months, int days, String seconds) {
        BigDecimal totalDays = DAYS_PER_MONTH.multiply(BigDecimal.valueOf(years * 12L + months))
                .add(BigDecimal.valueOf(days));
        return totalDays.multiply(MICROS_PER_DAY)
                .add(new BigDecimal(seconds).movePointRight(6))
                .setScale(0, RoundingMode.UNNECESSARY).longValueExact();
    }
}

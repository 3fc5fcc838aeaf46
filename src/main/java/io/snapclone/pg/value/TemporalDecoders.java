package io.snapclone.pg.value;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.SignStyle;
import java.time.temporal.ChronoField;
import java.util.Locale;

/** Dates and times in PostgreSQL's ISO output (DateStyle ISO, TimeZone UTC). */
final class TemporalDecoders {
    static final long MICROS_PER_SECOND = 1_000_000L;
    static final long MICROS_PER_DAY = 86_400L * MICROS_PER_SECOND;
    // Years past 9999 need their '+' in ISO-8601 (as Instant.toString writes them), or Instant.parse fails.
    private static final DateTimeFormatter INSTANT_TEXT = new DateTimeFormatterBuilder()
            .appendValue(ChronoField.YEAR, 4, 10, SignStyle.EXCEEDS_PAD)
            .appendPattern("-MM-dd'T'HH:mm:ss")
            // Always six digits, as Debezium's ZonedTimestamp (PostgreSQL keeps microseconds).
            .appendFraction(ChronoField.NANO_OF_SECOND, 6, 6, true)
            .appendLiteral('Z')
            .toFormatter(Locale.ROOT);

    private TemporalDecoders() {
    }

    /** {@code 2024-01-02}, {@code 0044-03-15 BC}, {@code infinity}: days since the epoch. */
    static Integer decodeDate(String text) {
        if (text.equals("infinity")) {
            return Integer.MAX_VALUE;
        }
        if (text.equals("-infinity")) {
            return Integer.MIN_VALUE;
        }
        boolean bc = text.endsWith(" BC");
        int end = bc ? text.length() - 3 : text.length();
        return Math.toIntExact(epochDay(text, 0, end, bc));
    }

    /** {@code 2024-01-02 03:04:05.123456} (optionally {@code BC}): microseconds since the epoch. */
    static Long decodeTimestamp(String text) {
        if (text.equals("infinity")) {
            return Long.MAX_VALUE;
        }
        if (text.equals("-infinity")) {
            return Long.MIN_VALUE;
        }
        boolean bc = text.endsWith(" BC");
        int end = bc ? text.length() - 3 : text.length();
        int space = text.indexOf(' ');
        return epochDay(text, 0, space, bc) * MICROS_PER_DAY + decodeTime(text, space + 1, end);
    }

    /** {@code 2024-01-02 03:04:05.123+00} in a UTC session: an ISO-8601 instant string. */
    static String decodeTimestampTz(String text) {
        if (text.equals("infinity") || text.equals("-infinity")) {
            return text;
        }
        boolean bc = text.endsWith(" BC");
        int end = bc ? text.length() - 3 : text.length();
        int space = text.indexOf(' ');
        int zone = offsetStart(text, end);
        if (zone <= space) {
            throw new IllegalArgumentException("timestamptz without offset: " + text);
        }
        long micros = epochDay(text, 0, space, bc) * MICROS_PER_DAY + decodeTime(text, space + 1, zone)
                - offsetSeconds(text, zone, end) * MICROS_PER_SECOND;
        long seconds = Math.floorDiv(micros, MICROS_PER_SECOND);
        int nanos = (int) Math.floorMod(micros, MICROS_PER_SECOND) * 1000;
        return INSTANT_TEXT.format(LocalDateTime.ofEpochSecond(seconds, nanos, ZoneOffset.UTC));
    }

    /**
     * {@code 13:45:56.5+05:30}: the same instant's time of day at UTC, as Debezium's ZonedTime writes
     * it ({@code 08:15:56.5Z}; ISO_OFFSET_TIME, fewest fraction digits). {@code 24:00:00+00} stays
     * {@code 24:00:00Z}, as Debezium keeps it.
     */
    static String decodeTimeTz(String text) {
        int zone = offsetStart(text, text.length());
        if (zone < 8) {
            throw new IllegalArgumentException("timetz without offset: " + text);
        }
        long micros = decodeTime(text, 0, zone) - offsetSeconds(text, zone, text.length()) * MICROS_PER_SECOND;
        if (micros != MICROS_PER_DAY) {
            micros = Math.floorMod(micros, MICROS_PER_DAY);
        }
        return timeOfDay(micros) + "Z";
    }

    /** {@code HH:MM:SS[.f]} with the fraction's trailing zeros dropped; 24:00:00 allowed. */
    private static String timeOfDay(long micros) {
        long seconds = micros / MICROS_PER_SECOND;
        int fraction = (int) (micros % MICROS_PER_SECOND);
        StringBuilder out = new StringBuilder(15);
        twoDigits(out, seconds / 3600).append(':');
        twoDigits(out, seconds / 60 % 60).append(':');
        twoDigits(out, seconds % 60);
        if (fraction != 0) {
            String digits = Integer.toString(fraction + 1_000_000).substring(1);
            int end = digits.length();
            while (digits.charAt(end - 1) == '0') {
                end--;
            }
            out.append('.').append(digits, 0, end);
        }
        return out.toString();
    }

    private static StringBuilder twoDigits(StringBuilder out, long value) {
        return out.append((char) ('0' + value / 10)).append((char) ('0' + value % 10));
    }

    private static long epochDay(String text, int start, int end, boolean bc) {
        int firstDash = text.indexOf('-', start + 1);
        int year = Integer.parseInt(text, start, firstDash, 10);
        int month = Integer.parseInt(text, firstDash + 1, firstDash + 3, 10);
        int day = Integer.parseInt(text, firstDash + 4, end, 10);
        // 1 BC is year 0 of the proleptic calendar.
        return LocalDate.of(bc ? 1 - year : year, month, day).toEpochDay();
    }

    /** {@code HH:MM:SS[.ffffff]} between start and end: microseconds since midnight. */
    static long decodeTime(String text, int start, int end) {
        int hours = Integer.parseInt(text, start, start + 2, 10);
        int minutes = Integer.parseInt(text, start + 3, start + 5, 10);
        int seconds = Integer.parseInt(text, start + 6, start + 8, 10);
        long micros = 0;
        if (end > start + 8) {
            int digits = end - start - 9;
            micros = Integer.parseInt(text, start + 9, end, 10);
            for (int i = digits; i < 6; i++) {
                micros *= 10;
            }
        }
        return ((hours * 60L + minutes) * 60L + seconds) * MICROS_PER_SECOND + micros;
    }

    /** Where a trailing {@code +HH...} or {@code -HH...} offset starts before end, or -1. */
    private static int offsetStart(String text, int end) {
        return Math.max(text.lastIndexOf('+', end - 1), text.lastIndexOf('-', end - 1));
    }

    /** {@code +HH[:MM[:SS]]} or {@code -HH...}. */
    private static long offsetSeconds(String text, int start, int end) {
        int sign = text.charAt(start) == '-' ? -1 : 1;
        String[] parts = text.substring(start + 1, end).split(":");
        long seconds = 0;
        for (int i = 0; i < 3; i++) {
            seconds = seconds * 60 + (i < parts.length ? Integer.parseInt(parts[i]) : 0);
        }
        return sign * seconds;
    }
}

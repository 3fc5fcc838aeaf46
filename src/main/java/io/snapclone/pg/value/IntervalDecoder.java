package io.snapclone.pg.value;

import java.math.BigDecimal;

/**
 * {@code interval} in IntervalStyle {@code postgres} ({@code 1 year 2 mons -3 days +04:05:06.789})
 * to microseconds, the way Debezium's MicroDuration counts them: a month is 365.25 / 12 days
 * (30.4375 days, exactly 2,629,800 seconds), a year twelve of those, a day 24 hours.
 * <p>
 * The sum is exact integer arithmetic; Debezium sums in double and may differ by a microsecond
 * on fractional seconds. Sums beyond the range of a long saturate, as Debezium's cast does.
 * PostgreSQL 17's {@code infinity} and {@code -infinity} become Long.MAX_VALUE and Long.MIN_VALUE.
 */
final class IntervalDecoder {
    static final long MICROS_PER_MONTH = 2_629_800L * TemporalDecoders.MICROS_PER_SECOND;

    private IntervalDecoder() {
    }

    static Long decode(String text) {
        if (text.equals("infinity")) {
            return Long.MAX_VALUE;
        }
        if (text.equals("-infinity")) {
            return Long.MIN_VALUE;
        }
        Parts parts = parse(text);
        // Past about 292,000 years the sum leaves the range of a long: saturate, as Debezium's (long) cast does.
        try {
            return Math.addExact(Math.addExact(Math.multiplyExact(parts.months(), MICROS_PER_MONTH),
                    Math.multiplyExact(parts.days(), TemporalDecoders.MICROS_PER_DAY)), parts.micros());
        } catch (ArithmeticException e) {
            double approximate = (double) parts.months() * MICROS_PER_MONTH
                    + (double) parts.days() * TemporalDecoders.MICROS_PER_DAY + parts.micros();
            return (long) approximate;
        }
    }

    /**
     * The ISO-8601 form of Debezium's {@code interval.handling.mode=string}, every field written:
     * {@code P<years>Y<months>M<days>DT<hours>H<minutes>M<seconds>S}, e.g. {@code P1Y2M3DT4H5M6.78S}.
     * Each field keeps its own sign as PostgreSQL prints it ({@code -04:05:06} is {@code T-4H-5M-6S});
     * seconds have no trailing zeros. {@code infinity} and {@code -infinity} stay as words.
     */
    static String toIso(String text) {
        if (text.equals("infinity") || text.equals("-infinity")) {
            return text;
        }
        Parts parts = parse(text);
        long microsPerMinute = 60 * TemporalDecoders.MICROS_PER_SECOND;
        long hours = parts.micros() / (60 * microsPerMinute);
        long minutes = parts.micros() % (60 * microsPerMinute) / microsPerMinute;
        BigDecimal seconds = BigDecimal.valueOf(parts.micros() % microsPerMinute, 6).stripTrailingZeros();
        return "P" + parts.months() / 12 + "Y" + parts.months() % 12 + "M" + parts.days() + "DT" + hours + "H"
                + minutes + "M" + seconds.toPlainString() + "S";
    }

    /** An interval as PostgreSQL keeps it: months, days and microseconds, each with its own sign. */
    private record Parts(long months, long days, long micros) {
    }

    private static Parts parse(String text) {
        String[] tokens = text.split(" ");
        long months = 0;
        long days = 0;
        long micros = 0;
        for (int i = 0; i < tokens.length; i++) {
            String token = tokens[i];
            if (token.indexOf(':') >= 0) {
                micros = Math.addExact(micros, time(token, text));
            } else if (i + 1 < tokens.length) {
                long value = Long.parseLong(token);
                switch (tokens[++i]) {
                    case "year", "years" -> months = Math.addExact(months, Math.multiplyExact(value, 12L));
                    case "mon", "mons" -> months = Math.addExact(months, value);
                    case "day", "days" -> days = Math.addExact(days, value);
                    default -> throw notPostgresStyle(text);
                }
            } else {
                throw notPostgresStyle(text);
            }
        }
        return new Parts(months, days, micros);
    }

    /** {@code [+-]H+:MM:SS[.ffffff]}: hours may have any number of digits. */
    private static long time(String token, String text) {
        int sign = token.charAt(0) == '-' ? -1 : 1;
        int start = token.charAt(0) == '-' || token.charAt(0) == '+' ? 1 : 0;
        int colon = token.indexOf(':');
        if (token.length() < colon + 6 || token.charAt(colon + 3) != ':') {
            throw notPostgresStyle(text);
        }
        long hours = Long.parseLong(token, start, colon, 10);
        long rest = TemporalDecoders.decodeTime("00" + token.substring(colon), 0, token.length() - colon + 2);
        return sign * Math.addExact(Math.multiplyExact(hours, 3_600L * TemporalDecoders.MICROS_PER_SECOND), rest);
    }

    private static IllegalArgumentException notPostgresStyle(String text) {
        return new IllegalArgumentException("interval is not in IntervalStyle postgres (set IntervalStyle=postgres): "
                + text);
    }
}

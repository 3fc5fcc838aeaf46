package io.snapclone.pg.value;

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
        // Past about 292,000 years the sum leaves the range of a long: saturate, as Debezium's (long) cast does.
        try {
            return Math.addExact(Math.addExact(Math.multiplyExact(months, MICROS_PER_MONTH),
                    Math.multiplyExact(days, TemporalDecoders.MICROS_PER_DAY)), micros);
        } catch (ArithmeticException e) {
            double approximate = (double) months * MICROS_PER_MONTH + (double) days * TemporalDecoders.MICROS_PER_DAY
                    + micros;
            return (long) approximate;
        }
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

package io.snapclone.pg.pgoutput;

/** PostgreSQL counts {@code TimestampTz} in microseconds since 2000-01-01 00:00 UTC, not 1970. */
final class PgEpoch {
    /** Microseconds from 1970-01-01 to 2000-01-01: 10,957 days. */
    static final long OFFSET_MICROS = 946_684_800_000_000L;

    private PgEpoch() {
    }

    /** Converts microseconds since the PostgreSQL epoch to microseconds since the Unix epoch. */
    static long toUnixMicros(long pgMicros) {
        if (pgMicros > Long.MAX_VALUE - OFFSET_MICROS) {
            // Only 'infinity' (Long.MAX_VALUE) gets here, and a commit never has that timestamp.
            throw new MalformedMessageException("timestamp out of range: " + pgMicros + " microseconds since 2000-01-01");
        }
        return pgMicros + OFFSET_MICROS;
    }
}

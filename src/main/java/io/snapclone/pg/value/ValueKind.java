package io.snapclone.pg.value;

/**
 * What a column's text turns into. The Java value each kind decodes to is fixed here, so the
 * record layer can map a kind to one schema without knowing PostgreSQL.
 */
public enum ValueKind {
    /** Short. */
    INT16,
    /** Integer. */
    INT32,
    /** Long. */
    INT64,
    /** Float; NaN and infinities kept. */
    FLOAT32,
    /** Double; NaN and infinities kept. */
    FLOAT64,
    /** Boolean. */
    BOOLEAN,
    /** BigDecimal, or a {@link SpecialNumeric} for NaN and the infinities. */
    NUMERIC,
    /** String. */
    TEXT,
    /** byte[]. */
    BYTES,
    /** Integer: days since 1970-01-01 (proleptic Gregorian; BC dates are negative years). */
    DATE,
    /** Long: microseconds since midnight. */
    TIME,
    /** Long: microseconds since 1970-01-01T00:00 (no time zone). */
    TIMESTAMP,
    /** String: ISO-8601 instant in UTC, e.g. {@code 2024-01-02T03:04:05.123456Z}. */
    TIMESTAMPTZ,
    /** String: canonical lower-case UUID. */
    UUID,
    /** String: the JSON document as PostgreSQL prints it. */
    JSON,
    /** String: any type without a dedicated decoder, exactly as PostgreSQL prints it. */
    UNKNOWN
}

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
    /** BigDecimal with scale 2 ({@code money} printed with lc_monetary C or an en_US-like locale). */
    MONEY,
    /** String. */
    TEXT,
    /** byte[]. */
    BYTES,
    /** Boolean: a bit string of length 1 ({@code bit(1)}, {@code varbit(1)}). */
    BIT,
    /** byte[]: a longer bit string as an unsigned integer, little-endian, as few bytes as it needs. */
    BITS,
    /** Integer: days since 1970-01-01 (proleptic Gregorian; BC dates are negative years). */
    DATE,
    /** Long: microseconds since midnight. */
    TIME,
    /** String: the time normalised to UTC, e.g. {@code 10:15:30.5Z}. */
    TIMETZ,
    /** Long: microseconds since 1970-01-01T00:00 (no time zone). */
    TIMESTAMP,
    /** String: ISO-8601 instant in UTC, e.g. {@code 2024-01-02T03:04:05.123456Z}. */
    TIMESTAMPTZ,
    /** Long: microseconds, months counted as 365.25 / 12 days (Debezium's MicroDuration). */
    INTERVAL,
    /** String: canonical lower-case UUID. */
    UUID,
    /** String: the JSON document as PostgreSQL prints it. */
    JSON,
    /** String: the XML document as PostgreSQL prints it. */
    XML,
    /** String: a {@code tsvector} as PostgreSQL prints it. */
    TSVECTOR,
    /** String: an {@code ltree} path as PostgreSQL prints it. */
    LTREE,
    /** String: an {@code hstore} turned into a JSON object of strings (nulls kept). */
    HSTORE,
    /** {@link PgPoint}. */
    POINT,
    /** String: one label of an enum type. */
    ENUM,
    /** List: a one-dimensional array, decoded with {@link ValueDecoder#decodeArray}; NULL elements are null. */
    ARRAY,
    /** String: any type without a dedicated decoder, exactly as PostgreSQL prints it. */
    UNKNOWN
}

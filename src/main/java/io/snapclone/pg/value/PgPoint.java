package io.snapclone.pg.value;

/** A PostgreSQL {@code point}: two float8 coordinates, NaN and infinities allowed. */
public record PgPoint(double x, double y) {
}

package io.snapclone.pg;

import static java.util.Objects.requireNonNull;

/** Quoting of SQL identifiers and literals: no SQL is ever built from unquoted user text. */
public final class Identifiers {
    private Identifiers() {
    }

    /** {@code my "table"} becomes {@code "my ""table"""}. */
    public static String quote(String identifier) {
        requireNonNull(identifier, "identifier is null");
        if (identifier.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("identifier contains a NUL character");
        }
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    /** A standard-conforming string literal: {@code it's} becomes {@code 'it''s'}. */
    public static String literal(String value) {
        requireNonNull(value, "value is null");
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("literal contains a NUL character");
        }
        return '\'' + value.replace("'", "''") + '\'';
    }
}

package io.snapclone.pg.catalog;

import static java.util.Objects.requireNonNull;

import io.snapclone.pg.value.ValueKind;

/**
 * A column's type as the catalog has it: {@code oid} is the base type (domains resolved),
 * {@code name} the declared type as {@code format_type} prints it.
 */
public record ColumnType(int oid, String name, ValueKind kind, int precision, int scale) {
    public static final int UNSPECIFIED = -1;

    public ColumnType {
        requireNonNull(name, "name is null");
        requireNonNull(kind, "kind is null");
    }

    /** Builds the type from a base type oid and its typmod. */
    public static ColumnType of(int oid, String name, int typmod) {
        ValueKind kind = TypeOids.kindOf(oid);
        if (kind == ValueKind.NUMERIC && typmod >= 4) {
            int packed = typmod - 4;
            return new ColumnType(oid, name, kind, (packed >> 16) & 0xffff, packed & 0xffff);
        }
        return new ColumnType(oid, name, kind, UNSPECIFIED, UNSPECIFIED);
    }

    public boolean hasFixedScale() {
        return scale != UNSPECIFIED;
    }
}

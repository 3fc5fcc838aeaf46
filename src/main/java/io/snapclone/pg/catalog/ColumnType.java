package io.snapclone.pg.catalog;

import static java.util.Objects.requireNonNull;

import io.snapclone.pg.value.ValueKind;

import java.util.List;

/**
 * A column's type as the catalog has it: {@code oid} is the base type (domains resolved),
 * {@code name} the declared type as {@code format_type} prints it. {@code precision} and
 * {@code scale} come from a numeric typmod; for bit strings {@code precision} is the length, for
 * times and timestamps the fractional second digits declared ({@code UNSPECIFIED} when not).
 * {@code element} is set for (one-dimensional) arrays only, {@code enumLabels} for enums only.
 */
public record ColumnType(int oid, String name, ValueKind kind, int precision, int scale, ColumnType element,
                         List<String> enumLabels) {
    public static final int UNSPECIFIED = -1;
    /** The length Debezium gives a bit varying without one: 2^31 - 1. */
    public static final int UNLIMITED_BITS = Integer.MAX_VALUE;

    public ColumnType {
        requireNonNull(name, "name is null");
        requireNonNull(kind, "kind is null");
        enumLabels = List.copyOf(enumLabels);
        if ((kind == ValueKind.ARRAY) != (element != null)) {
            throw new IllegalArgumentException("an element type belongs to ARRAY and only to it: " + name);
        }
        if (element != null && (element.kind() == ValueKind.ARRAY || element.kind() == ValueKind.UNKNOWN)) {
            throw new IllegalArgumentException("array element must be a known scalar type: " + name);
        }
        if (kind != ValueKind.ENUM && !enumLabels.isEmpty()) {
            throw new IllegalArgumentException("only an enum has labels: " + name);
        }
    }

    /** Builds a built-in type from its base type oid and typmod. */
    public static ColumnType of(int oid, String name, int typmod) {
        return of(oid, "", 'b', name, typmod, List.of());
    }

    /**
     * Builds a scalar type from pg_type ({@code oid}, {@code typname}, {@code typtype}), the declared
     * name and the typmod; {@code enumLabels} in pg_enum.enumsortorder when typtype is 'e'.
     */
    public static ColumnType of(int oid, String typname, char typtype, String name, int typmod,
            List<String> enumLabels) {
        if (typtype == 'e') {
            return new ColumnType(oid, name, ValueKind.ENUM, UNSPECIFIED, UNSPECIFIED, null, enumLabels);
        }
        ValueKind kind = TypeOids.kindOf(oid, typname);
        if (kind == ValueKind.NUMERIC && typmod >= 4) {
            int packed = typmod - 4;
            int precision = (packed >> 16) & 0xffff;
            // The scale is a signed 11-bit number: PostgreSQL 15+ allows numeric(5,-2) and numeric(2,5).
            int scale = ((packed & 0x7ff) ^ 1024) - 1024;
            // Avro (and most sinks) want 0 <= scale <= precision; the same values fit exactly in
            // decimal(precision - scale, 0) or decimal(scale, scale).
            if (scale < 0) {
                precision -= scale;
                scale = 0;
            }
            return new ColumnType(oid, name, kind, Math.max(precision, scale), scale, null, List.of());
        }
        if (kind == ValueKind.BITS) {
            // bit(1) and varbit(1) are booleans, as in Debezium; bit varying without a length is "unlimited".
            int length = typmod > 0 ? typmod : UNLIMITED_BITS;
            return new ColumnType(oid, name, length == 1 ? ValueKind.BIT : kind, length, UNSPECIFIED, null, List.of());
        }
        if (isTemporal(kind) && typmod >= 0) {
            // time(p), timestamp(p) and their zoned forms: the typmod is the fractional second precision.
            return new ColumnType(oid, name, kind, typmod, UNSPECIFIED, null, List.of());
        }
        return new ColumnType(oid, name, kind, UNSPECIFIED, UNSPECIFIED, null, List.of());
    }

    private static boolean isTemporal(ValueKind kind) {
        return kind == ValueKind.TIME || kind == ValueKind.TIMETZ || kind == ValueKind.TIMESTAMP
                || kind == ValueKind.TIMESTAMPTZ;
    }

    /**
     * An array column: {@code oid} is the array type, {@code element} its element built with the
     * column's typmod. Declared multi-dimensional arrays ({@code dimensions > 1}, pg_attribute.attndims)
     * and arrays of types without a decoder are UNKNOWN: their literal travels as text.
     */
    public static ColumnType arrayOf(int oid, String name, ColumnType element, int dimensions) {
        requireNonNull(element, "element is null");
        if (dimensions > 1 || element.kind() == ValueKind.UNKNOWN || element.kind() == ValueKind.ARRAY) {
            return new ColumnType(oid, name, ValueKind.UNKNOWN, UNSPECIFIED, UNSPECIFIED, null, List.of());
        }
        return new ColumnType(oid, name, ValueKind.ARRAY, UNSPECIFIED, UNSPECIFIED, element, List.of());
    }

    public boolean hasFixedScale() {
        return scale != UNSPECIFIED;
    }
}

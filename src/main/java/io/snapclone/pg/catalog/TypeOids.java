package io.snapclone.pg.catalog;

import io.snapclone.pg.value.ValueKind;

/** Built-in type oids (from pg_type.dat; stable across releases) and the kind each decodes to. */
final class TypeOids {
    private TypeOids() {
    }

    static ValueKind kindOf(int oid) {
        return switch (oid) {
            case 21 -> ValueKind.INT16;
            case 23 -> ValueKind.INT32;
            case 20, 26 -> ValueKind.INT64; // oid is unsigned 32-bit
            case 700 -> ValueKind.FLOAT32;
            case 701 -> ValueKind.FLOAT64;
            case 16 -> ValueKind.BOOLEAN;
            case 1700 -> ValueKind.NUMERIC;
            case 25, 1043, 1042, 19, 18 -> ValueKind.TEXT; // text, varchar, bpchar, name, "char"
            case 17 -> ValueKind.BYTES;
            case 1082 -> ValueKind.DATE;
            case 1083 -> ValueKind.TIME;
            case 1114 -> ValueKind.TIMESTAMP;
            case 1184 -> ValueKind.TIMESTAMPTZ;
            case 2950 -> ValueKind.UUID;
            case 114, 3802 -> ValueKind.JSON;
            default -> ValueKind.UNKNOWN;
        };
    }
}

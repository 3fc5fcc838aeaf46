package io.snapclone.pg.catalog;

import static io.snapclone.pg.value.ValueKind.BITS;
import static io.snapclone.pg.value.ValueKind.BOOLEAN;
import static io.snapclone.pg.value.ValueKind.BYTES;
import static io.snapclone.pg.value.ValueKind.DATE;
import static io.snapclone.pg.value.ValueKind.FLOAT32;
import static io.snapclone.pg.value.ValueKind.FLOAT64;
import static io.snapclone.pg.value.ValueKind.HSTORE;
import static io.snapclone.pg.value.ValueKind.INT16;
import static io.snapclone.pg.value.ValueKind.INT32;
import static io.snapclone.pg.value.ValueKind.INT64;
import static io.snapclone.pg.value.ValueKind.INTERVAL;
import static io.snapclone.pg.value.ValueKind.JSON;
import static io.snapclone.pg.value.ValueKind.LTREE;
import static io.snapclone.pg.value.ValueKind.MONEY;
import static io.snapclone.pg.value.ValueKind.NUMERIC;
import static io.snapclone.pg.value.ValueKind.POINT;
import static io.snapclone.pg.value.ValueKind.TEXT;
import static io.snapclone.pg.value.ValueKind.TIME;
import static io.snapclone.pg.value.ValueKind.TIMESTAMP;
import static io.snapclone.pg.value.ValueKind.TIMESTAMPTZ;
import static io.snapclone.pg.value.ValueKind.TIMETZ;
import static io.snapclone.pg.value.ValueKind.TSVECTOR;
import static io.snapclone.pg.value.ValueKind.UNKNOWN;
import static io.snapclone.pg.value.ValueKind.UUID;
import static io.snapclone.pg.value.ValueKind.XML;
import static java.util.Objects.requireNonNull;

import io.snapclone.pg.value.ValueKind;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The types snapclone decodes. Built-in types are keyed by oid (from pg_type.dat; stable across
 * releases); extension types get a new oid in every database, so they are keyed by pg_type.typname
 * and matched only for oids outside the built-in range. Enums and arrays are recognised by the
 * catalog ({@link ColumnType#of}, {@link ColumnType#arrayOf}), not listed here.
 */
public final class TypeOids {
    /** Oids below this are assigned at initdb (FirstNormalObjectId). */
    static final int FIRST_NORMAL_OID = 16384;
    static final int BIT = 1560;
    static final int VARBIT = 1562;

    /** One known type: its pg_type.typname, its oid (0 for extension types), its kind. */
    public record KnownType(String typname, int oid, ValueKind kind) {
        public KnownType {
            requireNonNull(typname, "typname is null");
            requireNonNull(kind, "kind is null");
        }
    }

    private static final List<KnownType> KNOWN = List.of(
            new KnownType("int2", 21, INT16),
            new KnownType("int4", 23, INT32),
            new KnownType("int8", 20, INT64),
            new KnownType("oid", 26, INT64), // unsigned 32-bit
            new KnownType("xid", 28, INT64), // unsigned 32-bit
            new KnownType("xid8", 5069, INT64),
            new KnownType("float4", 700, FLOAT32),
            new KnownType("float8", 701, FLOAT64),
            new KnownType("bool", 16, BOOLEAN),
            new KnownType("numeric", 1700, NUMERIC),
            new KnownType("money", 790, MONEY),
            new KnownType("text", 25, TEXT),
            new KnownType("varchar", 1043, TEXT),
            new KnownType("bpchar", 1042, TEXT),
            new KnownType("name", 19, TEXT),
            new KnownType("char", 18, TEXT),
            new KnownType("bytea", 17, BYTES),
            new KnownType("bit", BIT, BITS), // bit(1) becomes BIT in ColumnType.of
            new KnownType("varbit", VARBIT, BITS),
            new KnownType("date", 1082, DATE),
            new KnownType("time", 1083, TIME),
            new KnownType("timetz", 1266, TIMETZ),
            new KnownType("timestamp", 1114, TIMESTAMP),
            new KnownType("timestamptz", 1184, TIMESTAMPTZ),
            new KnownType("interval", 1186, INTERVAL),
            new KnownType("uuid", 2950, UUID),
            new KnownType("json", 114, JSON),
            new KnownType("jsonb", 3802, JSON),
            new KnownType("xml", 142, XML),
            new KnownType("inet", 869, TEXT),
            new KnownType("cidr", 650, TEXT),
            new KnownType("macaddr", 829, TEXT),
            new KnownType("macaddr8", 774, TEXT),
            new KnownType("point", 600, POINT),
            new KnownType("pg_lsn", 3220, TEXT),
            new KnownType("tsvector", 3614, TSVECTOR),
            new KnownType("tsquery", 3615, TEXT),
            new KnownType("int4range", 3904, TEXT),
            new KnownType("int8range", 3926, TEXT),
            new KnownType("numrange", 3906, TEXT),
            new KnownType("tsrange", 3908, TEXT),
            new KnownType("tstzrange", 3910, TEXT),
            new KnownType("daterange", 3912, TEXT),
            new KnownType("citext", 0, TEXT),
            new KnownType("ltree", 0, LTREE),
            new KnownType("hstore", 0, HSTORE));
    private static final Map<Integer, ValueKind> BY_OID = KNOWN.stream().filter(t -> t.oid() != 0)
            .collect(Collectors.toUnmodifiableMap(KnownType::oid, KnownType::kind));
    private static final Map<String, ValueKind> BY_NAME = KNOWN.stream().filter(t -> t.oid() == 0)
            .collect(Collectors.toUnmodifiableMap(KnownType::typname, KnownType::kind));

    private TypeOids() {
    }

    /** Every type with a decoder, in the order docs/types.md lists them. */
    public static List<KnownType> known() {
        return KNOWN;
    }


    /** The kind of a non-enum, non-array base type; UNKNOWN when snapclone has no decoder for it. */
    static ValueKind kindOf(int oid, String typname) {
        ValueKind kind = BY_OID.get(oid);
        if (kind == null && Integer.compareUnsigned(oid, FIRST_NORMAL_OID) >= 0) {
            kind = BY_NAME.get(typname);
        }
        return kind != null ? kind : UNKNOWN;
    }
}

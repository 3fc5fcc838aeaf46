package io.snapclone.connect.record;

import static java.util.Objects.requireNonNull;

import io.snapclone.connect.record.RecordOptions.BinaryMode;
import io.snapclone.connect.record.RecordOptions.HstoreMode;
import io.snapclone.connect.record.RecordOptions.IntervalMode;
import io.snapclone.pg.catalog.Column;
import io.snapclone.pg.catalog.ColumnType;
import io.snapclone.pg.value.PgPoint;
import io.snapclone.pg.value.ValueKind;

import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Connect schemas for column types, with the semantic names of Debezium's PostgreSQL connector
 * under the configured handling modes (docs/types.md lists them), and the values that fit them
 * ({@link ColumnValues}).
 */
final class ColumnSchemas {
    private static final Logger LOG = LoggerFactory.getLogger(ColumnSchemas.class);
    /** Types already reported as having no decoder, so that each is logged once per worker. */
    private static final Set<String> REPORTED_UNKNOWN = ConcurrentHashMap.newKeySet();
    /** Debezium's defaults, which docs/types.md's main table shows. */
    static final ColumnSchemas DEFAULT = new ColumnSchemas(RecordOptions.DEFAULTS);

    static final Schema VARIABLE_SCALE_DECIMAL = SchemaBuilder.struct()
            .name("io.debezium.data.VariableScaleDecimal").version(1)
            .doc("Variable scaled decimal")
            .field("scale", Schema.INT32_SCHEMA)
            .field("value", Schema.BYTES_SCHEMA)
            .optional()
            .build();

    private final RecordOptions options;
    private final Temporals temporals;
    private final ColumnValues values;

    ColumnSchemas(RecordOptions options) {
        this.options = requireNonNull(options, "options is null");
        this.temporals = new Temporals(options.time());
        this.values = new ColumnValues(options, temporals);
    }

    Schema of(Column column, boolean optional) {
        ColumnType type = column.type();
        if (type.kind() == ValueKind.UNKNOWN && REPORTED_UNKNOWN.add(type.name())) {
            LOG.warn("Type {} (oid {}, first seen on column {}) has no decoder: its values are sent as strings,"
                    + " exactly as PostgreSQL prints them", type.name(), Integer.toUnsignedString(type.oid()),
                    column.name());
        }
        SchemaBuilder builder = builder(type);
        if (optional) {
            builder.optional();
        }
        return builder.build();
    }

    /** Decodes one non-null field's text and fits it to the column's schema. */
    Object value(ColumnType type, Schema schema, String text) {
        return values.value(type, schema, text);
    }

    private SchemaBuilder builder(ColumnType type) {
        return switch (type.kind()) {
            case INT16 -> SchemaBuilder.int16();
            case INT32 -> SchemaBuilder.int32();
            case INT64 -> SchemaBuilder.int64();
            case FLOAT32 -> SchemaBuilder.float32();
            case FLOAT64 -> SchemaBuilder.float64();
            case BOOLEAN, BIT -> SchemaBuilder.bool();
            case NUMERIC -> decimal(type.hasFixedScale()
                    ? Decimal.builder(type.scale()).parameter("connect.decimal.precision", Integer.toString(type.precision()))
                    : variableScaleDecimal());
            case MONEY -> decimal(Decimal.builder(2));
            case BYTES -> options.binary() == BinaryMode.BYTES ? SchemaBuilder.bytes() : SchemaBuilder.string();
            case BITS -> SchemaBuilder.bytes().name("io.debezium.data.Bits").version(1)
                    .parameter("length", Integer.toString(type.precision()));
            case DATE -> temporals.date();
            case TIME -> temporals.time(type);
            case TIMETZ -> named(SchemaBuilder.string(), "io.debezium.time.ZonedTime");
            case TIMESTAMP -> temporals.timestamp(type);
            case TIMESTAMPTZ -> named(SchemaBuilder.string(), "io.debezium.time.ZonedTimestamp");
            case INTERVAL -> options.interval() == IntervalMode.STRING
                    ? named(SchemaBuilder.string(), "io.debezium.time.Interval")
                    : named(SchemaBuilder.int64(), "io.debezium.time.MicroDuration");
            case UUID -> named(SchemaBuilder.string(), "io.debezium.data.Uuid");
            case HSTORE -> options.hstore() == HstoreMode.MAP
                    ? SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.OPTIONAL_STRING_SCHEMA)
                    : named(SchemaBuilder.string(), "io.debezium.data.Json");
            case JSON -> named(SchemaBuilder.string(), "io.debezium.data.Json");
            case XML -> named(SchemaBuilder.string(), "io.debezium.data.Xml");
            case TSVECTOR -> named(SchemaBuilder.string(), "io.debezium.data.Tsvector");
            case LTREE -> named(SchemaBuilder.string(), "io.debezium.data.Ltree");
            case POINT -> point();
            case ENUM -> named(SchemaBuilder.string(), "io.debezium.data.Enum")
                    .parameter("allowed", String.join(",", type.enumLabels()));
            case ARRAY -> SchemaBuilder.array(builder(type.element()).optional().build());
            case TEXT, UNKNOWN -> SchemaBuilder.string();
        };
    }

    /** numeric and money: the precise schema, or FLOAT64 / STRING in the double / string modes. */
    private SchemaBuilder decimal(SchemaBuilder precise) {
        return switch (options.decimal()) {
            case PRECISE -> precise;
            case DOUBLE -> SchemaBuilder.float64();
            case STRING -> SchemaBuilder.string();
        };
    }

    private static SchemaBuilder named(SchemaBuilder builder, String name) {
        return builder.name(name).version(1);
    }

    private static SchemaBuilder variableScaleDecimal() {
        return SchemaBuilder.struct().name(VARIABLE_SCALE_DECIMAL.name()).version(1)
                .doc(VARIABLE_SCALE_DECIMAL.doc())
                .field("scale", Schema.INT32_SCHEMA)
                .field("value", Schema.BYTES_SCHEMA);
    }

    /** Debezium's io.debezium.data.geometry.Point: x, y, the point as WKB, no SRID. */
    private static SchemaBuilder point() {
        return SchemaBuilder.struct().name("io.debezium.data.geometry.Point").version(1)
                .doc("Geometry (POINT)")
                .field("x", Schema.FLOAT64_SCHEMA)
                .field("y", Schema.FLOAT64_SCHEMA)
                .field("wkb", Schema.OPTIONAL_BYTES_SCHEMA)
                .field("srid", Schema.OPTIONAL_INT32_SCHEMA);
    }

    /** OGC WKB of a 2D point, little-endian, as Debezium's Point.createValue builds it. */
    static byte[] wkb(PgPoint point) {
        return ByteBuffer.allocate(21).order(ByteOrder.LITTLE_ENDIAN)
                .put((byte) 1).putInt(1).putDouble(point.x()).putDouble(point.y()).array();
    }
}

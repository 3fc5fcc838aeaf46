package io.snapclone.connect.record;

import io.snapclone.pg.catalog.Column;
import io.snapclone.pg.catalog.ColumnType;
import io.snapclone.pg.value.SpecialNumeric;

import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Connect schemas for column kinds, with Debezium's semantic names, and the values that fit them. */
final class ColumnSchemas {
    static final Schema VARIABLE_SCALE_DECIMAL = SchemaBuilder.struct()
            .name("io.debezium.data.VariableScaleDecimal").version(1)
            .doc("Variable scaled decimal")
            .field("scale", Schema.INT32_SCHEMA)
            .field("value", Schema.BYTES_SCHEMA)
            .optional()
            .build();

    private ColumnSchemas() {
    }

    static Schema of(Column column, boolean optional) {
        SchemaBuilder builder = builder(column.type());
        if (optional) {
            builder.optional();
        }
        return builder.build();
    }

    private static SchemaBuilder builder(ColumnType type) {
        return switch (type.kind()) {
            case INT16 -> SchemaBuilder.int16();
            case INT32 -> SchemaBuilder.int32();
            case INT64 -> SchemaBuilder.int64();
            case FLOAT32 -> SchemaBuilder.float32();
            case FLOAT64 -> SchemaBuilder.float64();
            case BOOLEAN -> SchemaBuilder.bool();
            case NUMERIC -> type.hasFixedScale()
                    ? Decimal.builder(type.scale()).parameter("connect.decimal.precision", Integer.toString(type.precision()))
                    : variableScaleDecimal();
            case BYTES -> SchemaBuilder.bytes();
            case DATE -> SchemaBuilder.int32().name("io.debezium.time.Date").version(1);
            case TIME -> SchemaBuilder.int64().name("io.debezium.time.MicroTime").version(1);
            case TIMESTAMP -> SchemaBuilder.int64().name("io.debezium.time.MicroTimestamp").version(1);
            case TIMESTAMPTZ -> SchemaBuilder.string().name("io.debezium.time.ZonedTimestamp").version(1);
            case UUID -> SchemaBuilder.string().name("io.debezium.data.Uuid").version(1);
            case JSON -> SchemaBuilder.string().name("io.debezium.data.Json").version(1);
            case TEXT, UNKNOWN -> SchemaBuilder.string();
        };
    }

    private static SchemaBuilder variableScaleDecimal() {
        return SchemaBuilder.struct().name(VARIABLE_SCALE_DECIMAL.name()).version(1)
                .doc(VARIABLE_SCALE_DECIMAL.doc())
                .field("scale", Schema.INT32_SCHEMA)
                .field("value", Schema.BYTES_SCHEMA);
    }

    /** Fits a decoded value to the column's schema; NaN and infinities of numeric become null. */
    static Object connectValue(ColumnType type, Schema schema, Object decoded) {
        if (decoded instanceof SpecialNumeric) {
            return null;
        }
        if (decoded instanceof BigDecimal decimal) {
            if (type.hasFixedScale()) {
                return decimal.setScale(type.scale(), RoundingMode.UNNECESSARY);
            }
            return new Struct(schema).put("scale", decimal.scale()).put("value", decimal.unscaledValue().toByteArray());
        }
        return decoded;
    }
}

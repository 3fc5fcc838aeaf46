package io.snapclone.connect.record;

import io.snapclone.connect.record.RecordOptions.HstoreMode;
import io.snapclone.connect.record.RecordOptions.IntervalMode;
import io.snapclone.pg.catalog.ColumnType;
import io.snapclone.pg.value.PgPoint;
import io.snapclone.pg.value.SpecialNumeric;
import io.snapclone.pg.value.ValueDecoder;
import io.snapclone.pg.value.ValueKind;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/** Decodes a column's text and fits the value to the schema {@link ColumnSchemas} gave the column. */
final class ColumnValues {
    private final RecordOptions options;
    private final Temporals temporals;

    ColumnValues(RecordOptions options, Temporals temporals) {
        this.options = options;
        this.temporals = temporals;
    }

    /** One non-null field: a scalar, or a one-dimensional array whose elements fit the element schema. */
    Object value(ColumnType type, Schema schema, String text) {
        if (type.kind() != ValueKind.ARRAY) {
            return scalar(type, schema, text);
        }
        List<String> elements = ValueDecoder.arrayElements(text);
        List<Object> values = new ArrayList<>(elements.size());
        for (String element : elements) {
            values.add(element == null ? null : scalar(type.element(), schema.valueSchema(), element));
        }
        return values;
    }

    private Object scalar(ColumnType type, Schema schema, String text) {
        // These two modes keep what the default decoding drops: interval fields, hstore pairs.
        if (type.kind() == ValueKind.INTERVAL && options.interval() == IntervalMode.STRING) {
            return ValueDecoder.decodeIntervalIso(text);
        }
        if (type.kind() == ValueKind.HSTORE && options.hstore() == HstoreMode.MAP) {
            return ValueDecoder.decodeHstoreMap(text);
        }
        return fit(type, schema, ValueDecoder.decode(type.kind(), text));
    }

    private Object fit(ColumnType type, Schema schema, Object decoded) {
        return switch (type.kind()) {
            case NUMERIC, MONEY -> decimal(type, schema, decoded);
            case BYTES -> binary((byte[]) decoded);
            case DATE -> temporals.dateValue((Integer) decoded);
            case TIME -> temporals.timeValue(type, (Long) decoded);
            case TIMESTAMP -> temporals.timestampValue(type, (Long) decoded);
            case POINT -> point(schema, (PgPoint) decoded);
            default -> decoded;
        };
    }

    /**
     * precise: a BigDecimal at the column's scale, or a VariableScaleDecimal struct, NaN and the
     * infinities null (they have no decimal value). double: a double, NaN and infinities kept.
     * string: BigDecimal.toString, NaN and infinities as Debezium spells them (NAN, POSITIVE_INFINITY,
     * NEGATIVE_INFINITY).
     */
    private Object decimal(ColumnType type, Schema schema, Object decoded) {
        if (decoded instanceof SpecialNumeric special) {
            return switch (options.decimal()) {
                case PRECISE -> null;
                case DOUBLE -> switch (special) {
                    case NAN -> Double.NaN;
                    case POSITIVE_INFINITY -> Double.POSITIVE_INFINITY;
                    case NEGATIVE_INFINITY -> Double.NEGATIVE_INFINITY;
                };
                case STRING -> special.name();
            };
        }
        BigDecimal decimal = (BigDecimal) decoded;
        return switch (options.decimal()) {
            case DOUBLE -> decimal.doubleValue();
            case STRING -> decimal.toString();
            case PRECISE -> {
                if (type.kind() == ValueKind.MONEY || type.hasFixedScale()) {
                    yield decimal.setScale(type.kind() == ValueKind.MONEY ? 2 : type.scale(), RoundingMode.UNNECESSARY);
                }
                // As Debezium's VariableScaleDecimal: without trailing zeros (100.000 is 100), never a negative scale.
                BigDecimal stripped = decimal.stripTrailingZeros();
                if (stripped.scale() < 0) {
                    stripped = stripped.setScale(0);
                }
                yield new Struct(schema).put("scale", stripped.scale()).put("value", stripped.unscaledValue().toByteArray());
            }
        };
    }

    private Object binary(byte[] bytes) {
        return switch (options.binary()) {
            case BYTES -> bytes;
            case BASE64 -> Base64.getEncoder().encodeToString(bytes);
            case BASE64_URL_SAFE -> Base64.getUrlEncoder().encodeToString(bytes);
            case HEX -> HexFormat.of().formatHex(bytes);
        };
    }

    private static Struct point(Schema schema, PgPoint point) {
        return new Struct(schema).put("x", point.x()).put("y", point.y()).put("wkb", ColumnSchemas.wkb(point));
    }
}

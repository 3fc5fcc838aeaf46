package io.snapclone.connect.record;

import static java.util.Objects.requireNonNull;

import io.snapclone.connect.record.RecordOptions.BinaryMode;
import io.snapclone.pg.catalog.ColumnType;
import io.snapclone.pg.value.PgPoint;
import io.snapclone.pg.value.ValueKind;

import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Debezium's {@code unavailable.value.placeholder}: what a record carries for a TOASTed value that
 * an update left unchanged and PostgreSQL did not send again. It is never null (a sink would write
 * the null over the real value); each schema gets the placeholder in a shape it can hold, as in
 * Debezium: the string; its bytes (encoded as {@code binary.handling.mode} says); a one-element
 * list of either for arrays of text or bytes; one element per placeholder byte for arrays of numbers;
 * {@code {placeholder: placeholder}} for hstore maps. docs/streaming.md lists every shape.
 *
 * <p>Immutable; safe from any thread.
 */
public final class UnavailableValue {
    public static final String DEFAULT = "__debezium_unavailable_value";
    private static final String HEX_PREFIX = "hex:";
    /** Debezium's point placeholder: x and y. */
    private static final double POINT_COORDINATE = -99999999;

    private final String text;
    private final byte[] bytes;

    private UnavailableValue(String text, byte[] bytes) {
        this.text = text;
        this.bytes = bytes;
    }

    /** As Debezium reads the config: {@code hex:} and hex digits give bytes; anything else, its UTF-8 bytes. */
    public static UnavailableValue parse(String configured) {
        requireNonNull(configured, "configured is null");
        byte[] bytes = configured.startsWith(HEX_PREFIX)
                ? HexFormat.of().parseHex(configured.substring(HEX_PREFIX.length()))
                : configured.getBytes(StandardCharsets.UTF_8);
        if (bytes.length == 0) {
            throw new IllegalArgumentException("the placeholder must not be empty");
        }
        return new UnavailableValue(new String(bytes, StandardCharsets.UTF_8), bytes);
    }

    public String text() {
        return text;
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    /** The placeholder for a column of {@code type} whose field has {@code schema}. */
    Object of(ColumnType type, Schema schema, BinaryMode binary) {
        if (type.kind() == ValueKind.BYTES && schema.type() == Schema.Type.STRING) {
            return encode(binary);
        }
        return of(schema);
    }

    private Object of(Schema schema) {
        if (Decimal.LOGICAL_NAME.equals(schema.name())) {
            return new BigDecimal(new BigInteger(bytes), Integer.parseInt(schema.parameters().get(Decimal.SCALE_FIELD)));
        }
        return switch (schema.type()) {
            case STRING -> "io.debezium.data.Uuid".equals(schema.name())
                    ? UUID.nameUUIDFromBytes(bytes).toString() : text;
            case BYTES -> bytes.clone();
            case MAP -> Map.of(text, text);
            case ARRAY -> array(schema.valueSchema());
            case STRUCT -> struct(schema);
            // Fixed-length types (numbers, booleans, dates...) are never TOASTed: PostgreSQL always sends them.
            case FLOAT32 -> Float.NaN;
            case FLOAT64 -> Double.NaN;
            case INT8, INT16, INT32, INT64, BOOLEAN -> throw new IllegalStateException(
                    "a fixed-length " + schema.type() + " value cannot be an unchanged TOASTed value");
        };
    }

    private List<Object> array(Schema element) {
        Schema.Type type = element.type();
        boolean perByte = !Decimal.LOGICAL_NAME.equals(element.name()) && switch (type) {
            case INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN -> true;
            default -> false;
        };
        if (!perByte) {
            return List.of(of(element));
        }
        List<Object> values = new ArrayList<>(bytes.length);
        for (byte b : bytes) {
            values.add(switch (type) {
                case INT8 -> b;
                case INT16 -> (short) b;
                case INT32 -> (int) b;
                case INT64 -> (long) b;
                case FLOAT32 -> (float) b;
                case FLOAT64 -> (double) b;
                default -> b != 0;
            });
        }
        return values;
    }

    private Struct struct(Schema schema) {
        Struct struct = new Struct(schema);
        if (ColumnSchemas.VARIABLE_SCALE_DECIMAL.name().equals(schema.name())) {
            return struct.put("scale", 0).put("value", bytes.clone());
        }
        // io.debezium.data.geometry.Point (as an array element), the only other struct a column gets.
        return struct.put("x", POINT_COORDINATE).put("y", POINT_COORDINATE)
                .put("wkb", ColumnSchemas.wkb(new PgPoint(POINT_COORDINATE, POINT_COORDINATE)));
    }

    private String encode(BinaryMode binary) {
        return switch (binary) {
            case BYTES -> text;
            case BASE64 -> Base64.getEncoder().encodeToString(bytes);
            case BASE64_URL_SAFE -> Base64.getUrlEncoder().encodeToString(bytes);
            case HEX -> HexFormat.of().formatHex(bytes);
        };
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof UnavailableValue value && Arrays.equals(bytes, value.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return text;
    }
}

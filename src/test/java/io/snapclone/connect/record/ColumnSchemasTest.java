package io.snapclone.connect.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.snapclone.pg.catalog.Column;
import io.snapclone.pg.catalog.ColumnType;
import io.snapclone.pg.value.PgPoint;

import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** Schemas and values for the types whose Connect side is more than a primitive. */
class ColumnSchemasTest {
    @Test
    void enumCarriesItsAllowedLabels() {
        Schema schema = schema(ColumnType.of(16400, "mood", 'e', "mood", -1, List.of("sad", "ok", "happy")));
        assertEquals("io.debezium.data.Enum", schema.name());
        assertEquals(Map.of("allowed", "sad,ok,happy"), schema.parameters());
        assertEquals("ok", ColumnSchemas.DEFAULT.value(ColumnType.of(16400, "mood", 'e', "mood", -1, List.of("ok")), schema, "ok"));
    }

    @Test
    void bitsCarryTheirLength() {
        Schema schema = schema(ColumnType.of(1560, "bit(10)", 10));
        assertEquals(Schema.Type.BYTES, schema.type());
        assertEquals("io.debezium.data.Bits", schema.name());
        assertEquals(Map.of("length", "10"), schema.parameters());
        assertArrayEquals(HexFormat.of().parseHex("0101"),
                (byte[]) ColumnSchemas.DEFAULT.value(ColumnType.of(1560, "bit(10)", 10), schema, "0100000001"));
        assertEquals(Map.of("length", "2147483647"), schema(ColumnType.of(1562, "bit varying", -1)).parameters());
        assertEquals(Schema.Type.BOOLEAN, schema(ColumnType.of(1560, "bit(1)", 1)).type());
    }

    @Test
    void moneyIsADecimalOfScaleTwo() {
        ColumnType money = ColumnType.of(790, "money", -1);
        Schema schema = schema(money);
        assertEquals(Decimal.LOGICAL_NAME, schema.name());
        assertEquals("2", schema.parameters().get(Decimal.SCALE_FIELD));
        Object value = ColumnSchemas.DEFAULT.value(money, schema, "-$1,234.50");
        assertEquals(new BigDecimal("-1234.50"), value);
        // Decimal.fromLogical checks the scale against the schema's.
        assertArrayEquals(new BigDecimal("-1234.50").unscaledValue().toByteArray(),
                Decimal.fromLogical(schema, (BigDecimal) value));
    }

    @Test
    void pointIsDebeziumsStructWithLittleEndianWkb() {
        ColumnType point = ColumnType.of(600, "point", -1);
        Schema schema = schema(point);
        assertEquals("io.debezium.data.geometry.Point", schema.name());
        Struct struct = (Struct) ColumnSchemas.DEFAULT.value(point, schema, "(1.5,-2)");
        struct.validate();
        assertEquals(1.5, struct.getFloat64("x"));
        assertEquals(-2.0, struct.getFloat64("y"));
        assertNull(struct.getInt32("srid"));
        ByteBuffer wkb = ByteBuffer.wrap(struct.getBytes("wkb")).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(21, wkb.remaining());
        assertEquals(1, wkb.get()); // little-endian marker
        assertEquals(1, wkb.getInt()); // wkbPoint
        assertEquals(1.5, wkb.getDouble());
        assertEquals(-2.0, wkb.getDouble());
        assertArrayEquals(ColumnSchemas.wkb(new PgPoint(1.5, -2)), struct.getBytes("wkb"));
    }

    @Test
    void arraysHoldOptionalElementsFittedToTheElementSchema() {
        ColumnType numeric = ColumnType.of(1700, "numeric", 'b', "numeric[]", -1, List.of());
        ColumnType array = ColumnType.arrayOf(1231, "numeric[]", numeric, 1);
        Schema schema = schema(array);
        assertEquals(Schema.Type.ARRAY, schema.type());
        assertEquals(ColumnSchemas.VARIABLE_SCALE_DECIMAL.name(), schema.valueSchema().name());
        assertEquals(true, schema.valueSchema().isOptional());
        List<?> values = (List<?>) ColumnSchemas.DEFAULT.value(array, schema, "{1.5,NULL,NaN}");
        assertEquals(3, values.size());
        assertEquals(1, ((Struct) values.get(0)).getInt32("scale"));
        assertNull(values.get(1));
        assertNull(values.get(2), "NaN has no decimal value");

        ColumnType int4 = ColumnType.arrayOf(1007, "integer[]", ColumnType.of(23, "integer[]", -1), 1);
        assertEquals(Arrays.asList(1, null, -2), ColumnSchemas.DEFAULT.value(int4, schema(int4), "{1,NULL,-2}"));
        assertEquals(List.of(), ColumnSchemas.DEFAULT.value(int4, schema(int4), "{}"));

        ColumnType points = ColumnType.arrayOf(1017, "point[]", ColumnType.of(600, "point[]", -1), 1);
        List<?> structs = (List<?>) ColumnSchemas.DEFAULT.value(points, schema(points), "{\"(1,2)\",NULL}");
        assertEquals(2.0, ((Struct) structs.get(0)).getFloat64("y"));
    }

    @Test
    void hstoreIsAJsonString() {
        ColumnType hstore = ColumnType.of(16500, "hstore", 'b', "hstore", -1, List.of());
        Schema schema = schema(hstore);
        assertEquals("io.debezium.data.Json", schema.name());
        assertEquals("{\"a\":\"1\",\"b\":null}", ColumnSchemas.DEFAULT.value(hstore, schema, "\"a\"=>\"1\", \"b\"=>NULL"));
    }

    @Test
    void unknownTypesAreStringsAsPrinted() {
        ColumnType box = ColumnType.of(603, "box", -1);
        Schema schema = ColumnSchemas.DEFAULT.of(new Column("b", box, true), true);
        assertEquals(Schema.OPTIONAL_STRING_SCHEMA, schema);
        assertEquals("(1,1),(0,0)", ColumnSchemas.DEFAULT.value(box, schema, "(1,1),(0,0)"));
    }

    private static Schema schema(ColumnType type) {
        return ColumnSchemas.DEFAULT.of(new Column("c", type, true), true);
    }
}

package io.snapclone.connect.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.snapclone.pg.TableId;
import io.snapclone.pg.catalog.Column;
import io.snapclone.pg.catalog.ColumnType;
import io.snapclone.pg.catalog.TableSchema;
import io.snapclone.testing.TestingAvro;

import io.apicurio.registry.utils.converter.AvroConverter;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Records of every mapped type go through a real Avro converter (Confluent's wire format, an
 * in-memory registry) and come back equal: what a consumer with Confluent's AvroConverter reads.
 */
class AvroRoundTripTest {
    private static final AvroConverter<Object> KEYS = TestingAvro.keyConverter();
    private static final AvroConverter<Object> VALUES = TestingAvro.valueConverter();

    /** Every kind of docs/types.md, one column each (arrays of several), as PostgreSQL prints them. */
    private static final List<ColumnCase> CASES = List.of(
            col("id", ColumnType.of(23, "integer", -1), "1", "2"),
            col("uid", ColumnType.of(2950, "uuid", -1),
                    "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11", "00000000-0000-0000-0000-000000000000"),
            col("small", ColumnType.of(21, "smallint", -1), "-32768", "32767"),
            col("big", ColumnType.of(20, "bigint", -1), "9223372036854775807", "-9223372036854775808"),
            col("an_oid", ColumnType.of(26, "oid", -1), "4294967295", "0"),
            col("an_xid8", ColumnType.of(5069, "xid8", -1), "18446744073709551", "0"),
            col("real_col", ColumnType.of(700, "real", -1), "NaN", "-Infinity"),
            col("dbl", ColumnType.of(701, "double precision", -1), "Infinity", "5e-324"),
            col("flag", ColumnType.of(16, "boolean", -1), "t", "f"),
            col("amount", ColumnType.of(1700, "numeric(12,3)", ((12 << 16) | 3) + 4), "-123456789.123", "0.000"),
            col("amount_nan", ColumnType.of(1700, "numeric(12,3)", ((12 << 16) | 3) + 4), "NaN", "Infinity"),
            col("anynum", ColumnType.of(1700, "numeric", -1),
                    "-12345678901234567890.12345678901234567890", "1.500"),
            col("anynum_inf", ColumnType.of(1700, "numeric", -1), "-Infinity", "0"),
            col("price", ColumnType.of(790, "money", -1), "-$1,234.56", "$0.00"),
            col("body", ColumnType.of(25, "text", -1), "héllo wörld ☃ 😀 \"q\"\n\t\\", ""),
            col("vc", ColumnType.of(1043, "character varying(10)", 14), "x", "Ωmega"),
            col("ch", ColumnType.of(1042, "character(4)", 8), "ab  ", "    "),
            col("payload", ColumnType.of(17, "bytea", -1), "\\x00ff10", "\\x"),
            col("bit1", ColumnType.of(1560, "bit(1)", 1), "1", "0"),
            col("bits", ColumnType.of(1560, "bit(10)", 10), "0100000001", "0000000000"),
            col("vbits", ColumnType.of(1562, "bit varying", -1), "101", ""),
            col("day", ColumnType.of(1082, "date", -1), "0044-03-15 BC", "infinity"),
            col("tod", ColumnType.of(1083, "time without time zone", -1), "24:00:00", "00:00:00.000001"),
            col("ts", ColumnType.of(1114, "timestamp without time zone", -1),
                    "0044-03-15 12:30:00.5 BC", "-infinity"),
            col("tstz", ColumnType.of(1184, "timestamp with time zone", -1),
                    "2024-01-02 03:04:05.123456+00", "infinity"),
            col("ttz", ColumnType.of(1266, "time with time zone", -1), "13:45:56.5+05:30", "24:00:00+00"),
            col("span", ColumnType.of(1186, "interval", -1), "1 year 2 mons 3 days 04:05:06.789", "-00:00:00.000001"),
            col("doc", ColumnType.of(114, "json", -1), "{\"a\": [1, 2], \"ü\": null}", "[]"),
            col("docb", ColumnType.of(3802, "jsonb", -1), "{\"a\": [1, 2]}", "null"),
            col("x", ColumnType.of(142, "xml", -1), "<a b=\"1\">x &amp; y</a>", "<a/>"),
            col("tsv", ColumnType.of(3614, "tsvector", -1), "'a':1A 'fat':2", ""),
            col("lt", ColumnType.of(16600, "ltree", 'b', "ltree", -1, List.of()), "Top.Science", ""),
            col("attrs", ColumnType.of(16500, "hstore", 'b', "hstore", -1, List.of()),
                    "\"k\"=>\"v\", \"n\"=>NULL, \"ü\"=>\"\\\"q\\\"\"", ""),
            col("ci", ColumnType.of(16700, "citext", 'b', "citext", -1, List.of()), "MiXeD", ""),
            col("at", ColumnType.of(600, "point", -1), "(1.5,-2)", "(NaN,Infinity)"),
            col("mood", ColumnType.of(16400, "mood", 'e', "mood", -1, List.of("sad", "happy", "with space")),
                    "happy", "with space"),
            col("ip", ColumnType.of(869, "inet", -1), "192.168.0.1/24", "::1"),
            col("tags", array(1009, "text[]", ColumnType.of(25, "text", -1)), "{a,NULL,\"b c\",ü}", "{}"),
            col("nums", array(1007, "integer[]", ColumnType.of(23, "integer", -1)), "{1,NULL,-3}", "{}"),
            col("decs", array(1231, "numeric(10,2)[]", ColumnType.of(1700, "numeric(10,2)", ((10 << 16) | 2) + 4)),
                    "{1.50,NULL,NaN}", "{}"),
            col("anydecs", array(1231, "numeric[]", ColumnType.of(1700, "numeric", -1)), "{1.5,NULL,-0.001}", "{}"),
            col("days", array(1182, "date[]", ColumnType.of(1082, "date", -1)),
                    "{2024-01-02,NULL,\"0044-03-15 BC\"}", "{infinity}"),
            col("blobs", array(1001, "bytea[]", ColumnType.of(17, "bytea", -1)), "{\"\\\\x00ff\",NULL}", "{}"),
            col("points", array(1017, "point[]", ColumnType.of(600, "point", -1)), "{\"(1,2)\",NULL}", "{}"),
            col("moods", array(16401, "mood[]",
                    ColumnType.of(16400, "mood", 'e', "mood", -1, List.of("sad", "happy"))), "{sad,NULL}", "{}"),
            col("flags", array(1000, "boolean[]", ColumnType.of(16, "boolean", -1)), "{t,f,NULL}", "{}"),
            col("grid", ColumnType.arrayOf(1007, "integer[]", ColumnType.of(23, "integer", -1), 2), "{{1,2},{3,4}}", "{}"),
            col("other", ColumnType.of(603, "box", -1), "(1,2),(0,0)", "(0,0),(0,0)"));

    @Test
    void everyTypeRoundTrips() {
        TableRecordBuilder builder = builder(new TableId("public", "all_types"), columns(), "srv");
        for (int row = 0; row < 2; row++) {
            String[] fields = new String[CASES.size()];
            for (int i = 0; i < CASES.size(); i++) {
                fields[i] = CASES.get(i).values.get(row);
            }
            assertRoundTrips(builder.snapshotRecord(fields, 0, Map.of(), Map.of(), 1_700_000_000_000L));
        }
    }

    @Test
    void rowOfNullsRoundTrips() {
        TableRecordBuilder builder = builder(new TableId("public", "all_types"), columns(), "srv");
        String[] fields = new String[CASES.size()];
        fields[0] = "3";
        fields[1] = "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11";
        SourceRecord record = builder.snapshotRecord(fields, 0, Map.of(), Map.of(), 0L);
        Struct after = assertRoundTrips(record).getStruct("after");
        for (int i = 2; i < CASES.size(); i++) {
            assertNull(after.get(CASES.get(i).name), CASES.get(i).name);
        }
    }

    @Test
    void tombstoneStaysNull() {
        TableRecordBuilder builder = builder(new TableId("public", "all_types"), columns(), "srv");
        SourceRecord record = builder.snapshotRecord(firstRow(), 0, Map.of(), Map.of(), 0L);
        assertNull(VALUES.fromConnectData(record.topic(), null, null));
        assertEquals(SchemaAndValue.NULL, VALUES.toConnectData(record.topic(), null));
        // The envelope schema is required, as Debezium's: a tombstone must travel without it.
        DataException error = assertThrows(DataException.class,
                () -> VALUES.fromConnectData(record.topic(), record.valueSchema(), null));
        assertEquals("Found null value for non-optional schema", error.getMessage());
    }

    /** Names adjusts the schema names built from hostile table, schema and prefix names. */
    @Test
    void hostileTableNamesRoundTrip() {
        TableRecordBuilder builder = builder(new TableId("my schema-1", "1st.table ünï"), columns(), "srv-1.prod");
        assertRoundTrips(builder.snapshotRecord(firstRow(), 0, Map.of(), Map.of(), 0L));
    }

    /**
     * Unadjusted, Avro refuses most of these column names ({@code Illegal character in: first name},
     * {@code Illegal initial character: 1st}); field.name.adjustment.mode=avro (the default) makes
     * them valid.
     */
    @Test
    void hostileColumnNamesRoundTrip() {
        List<Column> columns = new ArrayList<>();
        List<String> names = List.of("id", "uid", "first name", "last-name", "a.b", "ünï", "1st", "$x");
        for (int i = 0; i < names.size(); i++) {
            columns.add(new Column(names.get(i), ColumnType.of(25, "text", -1), i >= 2));
        }
        TableSchema table = new TableSchema(new TableId("public", "t"), columns, List.of("id", "first name"));
        TableRecordBuilder builder = new TableRecordBuilder(table, "srv", "db", RecordOptions.DEFAULTS);
        String[] fields = names.toArray(String[]::new);
        Struct back = assertRoundTrips(builder.snapshotRecord(fields, 0, Map.of(), Map.of(), 0L));
        assertEquals("first name", back.getStruct("after").getString("first_name"));
        assertEquals("1st", back.getStruct("after").getString("_1st"));
    }

    @Test
    void columnsThatWouldShareAnAvroNameAreRejectedClearly() {
        List<Column> columns = List.of(new Column("id", ColumnType.of(23, "integer", -1), false),
                new Column("a-b", ColumnType.of(25, "text", -1), true),
                new Column("a_b", ColumnType.of(25, "text", -1), true));
        TableSchema table = new TableSchema(new TableId("public", "t"), columns, List.of("id"));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new TableRecordBuilder(table, "srv", "db", RecordOptions.DEFAULTS));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("\"a-b\" and \"a_b\""), e.getMessage());
    }

    private static Struct assertRoundTrips(SourceRecord record) {
        assertConnectEquals(record.keySchema(), record.key(), roundTrip(KEYS, record.topic(), record.keySchema(), record.key()));
        Struct value = (Struct) record.value();
        Object back = roundTrip(VALUES, record.topic(), record.valueSchema(), value);
        assertConnectEquals(record.valueSchema(), value, back);
        return (Struct) back;
    }

    /** Serializes, checks Confluent's framing, deserializes; returns the value read back. */
    private static Object roundTrip(AvroConverter<Object> converter, String topic, Schema schema, Object value) {
        byte[] bytes = converter.fromConnectData(topic, schema, value);
        assertTrue(bytes.length > TestingAvro.HEADER_LENGTH, "no payload after the header");
        assertEquals(TestingAvro.MAGIC_BYTE, bytes[0], "Confluent magic byte");
        int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
        assertTrue(id > 0, "4-byte schema id " + id);
        SchemaAndValue back = converter.toConnectData(topic, bytes);
        assertSchemaEquals(schema, back.schema(), schema.name());
        return back.value();
    }

    private static void assertSchemaEquals(Schema expected, Schema actual, String path) {
        assertEquals(expected.type(), actual.type(), path + " type");
        assertEquals(expected.name(), actual.name(), path + " name");
        assertEquals(expected.isOptional(), actual.isOptional(), path + " optional");
        assertEquals(expected.parameters(), actual.parameters(), path + " parameters");
        assertEquals(expected.version(), actual.version(), path + " version");
        switch (expected.type()) {
            case STRUCT -> {
                assertEquals(expected.fields().stream().map(Field::name).toList(),
                        actual.fields().stream().map(Field::name).toList(), path + " fields");
                for (Field field : expected.fields()) {
                    assertSchemaEquals(field.schema(), actual.field(field.name()).schema(), path + "." + field.name());
                }
            }
            case ARRAY -> assertSchemaEquals(expected.valueSchema(), actual.valueSchema(), path + "[]");
            default -> {
            }
        }
    }

    /** Struct.equals would compare byte[] by identity inside lists; this walks the values instead. */
    private static void assertConnectEquals(Schema schema, Object expected, Object actual) {
        assertConnectEquals(schema, expected, actual, schema.name());
    }

    private static void assertConnectEquals(Schema schema, Object expected, Object actual, String path) {
        if (expected == null || actual == null) {
            assertEquals(expected, actual, path);
            return;
        }
        switch (schema.type()) {
            case STRUCT -> {
                Struct want = assertInstanceOf(Struct.class, expected, path);
                Struct got = assertInstanceOf(Struct.class, actual, path);
                for (Field field : schema.fields()) {
                    assertConnectEquals(field.schema(), want.get(field), got.get(field.name()), path + "." + field.name());
                }
            }
            case ARRAY -> {
                List<?> want = (List<?>) expected;
                List<?> got = assertInstanceOf(List.class, actual, path);
                assertEquals(want.size(), got.size(), path + " size");
                for (int i = 0; i < want.size(); i++) {
                    assertConnectEquals(schema.valueSchema(), want.get(i), got.get(i), path + "[" + i + "]");
                }
            }
            case BYTES -> {
                if (expected instanceof byte[] || expected instanceof ByteBuffer) {
                    assertArrayEquals(bytes(expected), bytes(actual), path);
                } else {
                    assertEquals(expected, actual, path); // Decimal: BigDecimal equals includes the scale
                }
            }
            default -> assertEquals(expected, actual, path);
        }
    }

    private static byte[] bytes(Object value) {
        if (value instanceof byte[] array) {
            return array;
        }
        if (value instanceof ByteBuffer buffer) {
            byte[] array = new byte[buffer.remaining()];
            buffer.duplicate().get(array);
            return array;
        }
        return fail("expected bytes, got " + value.getClass().getName() + ": " + value);
    }

    private static TableRecordBuilder builder(TableId table, List<Column> columns, String prefix) {
        return new TableRecordBuilder(new TableSchema(table, columns, List.of("id", "uid")), prefix, "db", RecordOptions.DEFAULTS);
    }

    private static List<Column> columns() {
        List<Column> columns = new ArrayList<>();
        for (int i = 0; i < CASES.size(); i++) {
            columns.add(new Column(CASES.get(i).name, CASES.get(i).type, i >= 2));
        }
        return columns;
    }

    private static String[] firstRow() {
        return CASES.stream().map(c -> c.values.get(0)).toArray(String[]::new);
    }

    private static ColumnType array(int oid, String name, ColumnType element) {
        return ColumnType.arrayOf(oid, name, element, 1);
    }

    private static ColumnCase col(String name, ColumnType type, String first, String second) {
        return new ColumnCase(name, type, Arrays.asList(first, second));
    }

    private record ColumnCase(String name, ColumnType type, List<String> values) {
    }
}

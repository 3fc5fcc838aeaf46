package io.snapclone.connect.record;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.snapclone.connect.record.RecordOptions.BinaryMode;
import io.snapclone.connect.record.RecordOptions.DecimalMode;
import io.snapclone.connect.record.RecordOptions.HstoreMode;
import io.snapclone.connect.record.RecordOptions.IntervalMode;
import io.snapclone.connect.record.RecordOptions.TimePrecisionMode;
import io.snapclone.pg.TableId;
import io.snapclone.pg.catalog.Column;
import io.snapclone.pg.catalog.ColumnType;
import io.snapclone.pg.catalog.TableSchema;

import org.apache.kafka.connect.data.ConnectSchema;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Every value of every handling mode, through a whole record whose value validates. */
class TableRecordBuilderModesTest {
    private static final ColumnType INT4 = ColumnType.of(23, "integer", -1);
    private static final int NUMERIC_10_2 = ((10 << 16) | 2) + 4;

    /** The 'after' row of a one-row table {@code public.t(id int4, c <type>)} built under {@code options}. */
    private static Struct after(RecordOptions options, ColumnType type, String text) {
        TableSchema table = new TableSchema(new TableId("public", "t"),
                List.of(new Column("id", INT4, false), new Column("c", type, true)), List.of("id"));
        SourceRecord record = new TableRecordBuilder(table, "srv", "db", options)
                .snapshotRecord(new String[] {"1", text}, 0, Map.of(), Map.of(), 0L);
        Struct value = (Struct) record.value();
        value.validate();
        ConnectSchema.validateValue(record.valueSchema(), value);
        return value.getStruct("after");
    }

    private static Schema schema(Struct row) {
        return row.schema().field("c").schema();
    }

    // decimal.handling.mode

    @Test
    void decimalPrecise() {
        RecordOptions options = RecordOptions.DEFAULTS.withDecimal(DecimalMode.PRECISE);
        Struct row = after(options, ColumnType.of(1700, "numeric(10,2)", NUMERIC_10_2), "-12.50");
        assertEquals(Decimal.LOGICAL_NAME, schema(row).name());
        assertEquals(new BigDecimal("-12.50"), row.get("c"));
        Struct variable = after(options, ColumnType.of(1700, "numeric", -1), "1.005");
        assertEquals("io.debezium.data.VariableScaleDecimal", schema(variable).name());
        assertEquals(3, variable.getStruct("c").getInt32("scale"));
        // Trailing zeros go, as in Debezium: 100.000 is scale 0, value 100.
        Struct hundred = after(options, ColumnType.of(1700, "numeric", -1), "100.000").getStruct("c");
        assertEquals(0, hundred.getInt32("scale"));
        assertEquals(new java.math.BigInteger("100"), new java.math.BigInteger(hundred.getBytes("value")));
        assertEquals(1, after(options, ColumnType.of(1700, "numeric", -1), "1.500").getStruct("c").getInt32("scale"));
        assertEquals(0, after(options, ColumnType.of(1700, "numeric", -1), "0.000").getStruct("c").getInt32("scale"));
        assertNull(after(options, ColumnType.of(1700, "numeric", -1), "NaN").get("c"));
        assertEquals(new BigDecimal("1.50"), after(options, ColumnType.of(790, "money", -1), "$1.50").get("c"));
    }

    @Test
    void decimalDouble() {
        RecordOptions options = RecordOptions.DEFAULTS.withDecimal(DecimalMode.DOUBLE);
        Struct row = after(options, ColumnType.of(1700, "numeric(10,2)", NUMERIC_10_2), "-12.50");
        assertEquals(Schema.OPTIONAL_FLOAT64_SCHEMA, schema(row));
        assertEquals(-12.5, row.get("c"));
        assertEquals(1.005, after(options, ColumnType.of(1700, "numeric", -1), "1.005").get("c"));
        assertEquals(Double.NaN, after(options, ColumnType.of(1700, "numeric", -1), "NaN").get("c"));
        assertEquals(Double.NEGATIVE_INFINITY, after(options, ColumnType.of(1700, "numeric", -1), "-Infinity").get("c"));
        Struct money = after(options, ColumnType.of(790, "money", -1), "-$1,234.50");
        assertEquals(Schema.OPTIONAL_FLOAT64_SCHEMA, schema(money));
        assertEquals(-1234.5, money.get("c"));
    }

    @Test
    void decimalString() {
        RecordOptions options = RecordOptions.DEFAULTS.withDecimal(DecimalMode.STRING);
        Struct row = after(options, ColumnType.of(1700, "numeric(10,2)", NUMERIC_10_2), "-12.50");
        assertEquals(Schema.OPTIONAL_STRING_SCHEMA, schema(row));
        assertEquals("-12.50", row.get("c"));
        assertEquals("NAN", after(options, ColumnType.of(1700, "numeric", -1), "NaN").get("c"));
        assertEquals("POSITIVE_INFINITY", after(options, ColumnType.of(1700, "numeric", -1), "Infinity").get("c"));
        assertEquals("-1234.50", after(options, ColumnType.of(790, "money", -1), "-$1,234.50").get("c"));
        // Arrays follow their element's mapping.
        ColumnType array = ColumnType.arrayOf(1231, "numeric[]", ColumnType.of(1700, "numeric[]", -1), 1);
        Struct arrays = after(options, array, "{1.5,NULL}");
        assertEquals(Schema.Type.STRING, schema(arrays).valueSchema().type());
        assertEquals(Arrays.asList("1.5", null), arrays.get("c"));
    }

    // time.precision.mode

    private static final ColumnType DATE = ColumnType.of(1082, "date", -1);
    private static final ColumnType TIME = ColumnType.of(1083, "time without time zone", -1);
    private static final ColumnType TIME_3 = ColumnType.of(1083, "time(3) without time zone", 3);
    private static final ColumnType TIMESTAMP = ColumnType.of(1114, "timestamp without time zone", -1);
    private static final ColumnType TIMESTAMP_3 = ColumnType.of(1114, "timestamp(3) without time zone", 3);
    private static final ColumnType TIMESTAMP_0 = ColumnType.of(1114, "timestamp(0) without time zone", 0);

    @Test
    void timeAdaptive() {
        RecordOptions options = RecordOptions.DEFAULTS.withTime(TimePrecisionMode.ADAPTIVE);
        Struct date = after(options, DATE, "2024-01-02");
        assertEquals("io.debezium.time.Date", schema(date).name());
        assertEquals(19724, date.get("c"));
        Struct time = after(options, TIME, "10:15:30.123456");
        assertEquals("io.debezium.time.MicroTime", schema(time).name());
        assertEquals(36_930_123_456L, time.get("c"));
        Struct time3 = after(options, TIME_3, "10:15:30.123");
        assertEquals("io.debezium.time.Time", schema(time3).name());
        assertEquals(Schema.Type.INT32, schema(time3).type());
        assertEquals(36_930_123, time3.get("c"));
        Struct timestamp = after(options, TIMESTAMP, "2018-06-20 15:13:16.945104");
        assertEquals("io.debezium.time.MicroTimestamp", schema(timestamp).name());
        assertEquals(1_529_507_596_945_104L, timestamp.get("c"));
        Struct timestamp3 = after(options, TIMESTAMP_3, "2018-06-20 15:13:16.945");
        assertEquals("io.debezium.time.Timestamp", schema(timestamp3).name());
        assertEquals(1_529_507_596_945L, timestamp3.get("c"));
        assertEquals(-1_000L, after(options, TIMESTAMP_0, "1969-12-31 23:59:59").get("c"));
        assertEquals(Long.MAX_VALUE, after(options, TIMESTAMP_3, "infinity").get("c"));
    }

    @Test
    void timeAdaptiveTimeMicroseconds() {
        RecordOptions options = RecordOptions.DEFAULTS.withTime(TimePrecisionMode.ADAPTIVE_TIME_MICROSECONDS);
        assertEquals("io.debezium.time.Date", schema(after(options, DATE, "2024-01-02")).name());
        Struct time3 = after(options, TIME_3, "10:15:30.123");
        assertEquals("io.debezium.time.MicroTime", schema(time3).name());
        assertEquals(36_930_123_000L, time3.get("c"));
        Struct timestamp3 = after(options, TIMESTAMP_3, "2018-06-20 15:13:16.945");
        assertEquals("io.debezium.time.Timestamp", schema(timestamp3).name());
        assertEquals(1_529_507_596_945L, timestamp3.get("c"));
        assertEquals("io.debezium.time.MicroTimestamp", schema(after(options, TIMESTAMP, "2018-06-20 15:13:16")).name());
    }

    @Test
    void timeConnect() {
        RecordOptions options = RecordOptions.DEFAULTS.withTime(TimePrecisionMode.CONNECT);
        Struct date = after(options, DATE, "2024-01-02");
        assertEquals(org.apache.kafka.connect.data.Date.LOGICAL_NAME, schema(date).name());
        assertEquals(new java.util.Date(19724L * 86_400_000L), date.get("c"));
        Struct time = after(options, TIME, "10:15:30.123456");
        assertEquals(Time.LOGICAL_NAME, schema(time).name());
        assertEquals(new java.util.Date(36_930_123L), time.get("c"), "microseconds truncated");
        Struct timestamp = after(options, TIMESTAMP, "2018-06-20 15:13:16.945104");
        assertEquals(Timestamp.LOGICAL_NAME, schema(timestamp).name());
        assertEquals(new java.util.Date(1_529_507_596_945L), timestamp.get("c"));
        assertEquals(new java.util.Date(-1L), after(options, TIMESTAMP, "1969-12-31 23:59:59.999999").get("c"),
                "toward negative infinity");
        // The logical types' own conversions accept the values.
        assertEquals(19724, org.apache.kafka.connect.data.Date.fromLogical(schema(date), (java.util.Date) date.get("c")));
        assertEquals(36_930_123, Time.fromLogical(schema(time), (java.util.Date) time.get("c")));
        // timestamptz stays Debezium's string in every mode.
        Struct zoned = after(options, ColumnType.of(1184, "timestamp with time zone", -1), "2024-01-02 03:04:05+00");
        assertEquals("io.debezium.time.ZonedTimestamp", schema(zoned).name());
    }

    // binary.handling.mode

    private static final ColumnType BYTEA = ColumnType.of(17, "bytea", -1);
    private static final String BYTES_TEXT = "\\xfbff00"; // bytes fb ff 00: '+', '/' in base64, '-', '_' url-safe

    @Test
    void binaryModes() {
        Struct bytes = after(RecordOptions.DEFAULTS.withBinary(BinaryMode.BYTES), BYTEA, BYTES_TEXT);
        assertEquals(Schema.OPTIONAL_BYTES_SCHEMA, schema(bytes));
        assertArrayEquals(new byte[] {(byte) 0xfb, (byte) 0xff, 0}, bytes.getBytes("c"));
        Struct base64 = after(RecordOptions.DEFAULTS.withBinary(BinaryMode.BASE64), BYTEA, BYTES_TEXT);
        assertEquals(Schema.OPTIONAL_STRING_SCHEMA, schema(base64));
        assertEquals("+/8A", base64.get("c"));
        Struct urlSafe = after(RecordOptions.DEFAULTS.withBinary(BinaryMode.BASE64_URL_SAFE), BYTEA, BYTES_TEXT);
        assertEquals(Schema.OPTIONAL_STRING_SCHEMA, schema(urlSafe));
        assertEquals("-_8A", urlSafe.get("c"));
        Struct hex = after(RecordOptions.DEFAULTS.withBinary(BinaryMode.HEX), BYTEA, BYTES_TEXT);
        assertEquals(Schema.OPTIONAL_STRING_SCHEMA, schema(hex));
        assertEquals("fbff00", hex.get("c"));
        // Bit strings are not binary columns: still io.debezium.data.Bits.
        Struct bits = after(RecordOptions.DEFAULTS.withBinary(BinaryMode.HEX), ColumnType.of(1560, "bit(10)", 10),
                "0100000001");
        assertEquals("io.debezium.data.Bits", schema(bits).name());
    }

    // interval.handling.mode

    private static final ColumnType INTERVAL = ColumnType.of(1186, "interval", -1);

    @Test
    void intervalNumeric() {
        Struct row = after(RecordOptions.DEFAULTS.withInterval(IntervalMode.NUMERIC), INTERVAL, "1 day 01:00:00");
        assertEquals("io.debezium.time.MicroDuration", schema(row).name());
        assertEquals(90_000_000_000L, row.get("c"));
    }

    @Test
    void intervalString() {
        RecordOptions options = RecordOptions.DEFAULTS.withInterval(IntervalMode.STRING);
        Struct row = after(options, INTERVAL, "1 year 2 mons 3 days 04:05:06.78");
        assertEquals("io.debezium.time.Interval", schema(row).name());
        assertEquals(Schema.Type.STRING, schema(row).type());
        assertEquals("P1Y2M3DT4H5M6.78S", row.get("c"));
        assertEquals("P0Y0M0DT0H0M0S", after(options, INTERVAL, "00:00:00").get("c"));
        assertEquals("P-1Y-2M3DT-4H-5M-6.5S", after(options, INTERVAL, "-1 years -2 mons +3 days -04:05:06.5").get("c"));
        assertEquals("P0Y0M0DT100H0M10S", after(options, INTERVAL, "100:00:10").get("c"));
        assertEquals("P0Y0M0DT0H0M0.000001S", after(options, INTERVAL, "00:00:00.000001").get("c"));
        ColumnType array = ColumnType.arrayOf(1187, "interval[]", ColumnType.of(1186, "interval[]", -1), 1);
        assertEquals(Arrays.asList("P0Y1M0DT0H0M0S", null), after(options, array, "{\"1 mon\",NULL}").get("c"));
    }

    // hstore.handling.mode

    private static final ColumnType HSTORE = ColumnType.of(16500, "hstore", 'b', "hstore", -1, List.of());

    @Test
    void hstoreJson() {
        Struct row = after(RecordOptions.DEFAULTS.withHstore(HstoreMode.JSON), HSTORE, "\"a\"=>\"1\", \"b\"=>NULL");
        assertEquals("io.debezium.data.Json", schema(row).name());
        assertEquals("{\"a\":\"1\",\"b\":null}", row.get("c"));
    }

    @Test
    void hstoreMap() {
        Struct row = after(RecordOptions.DEFAULTS.withHstore(HstoreMode.MAP), HSTORE, "\"a\"=>\"1\", \"b\"=>NULL");
        assertEquals(Schema.Type.MAP, schema(row).type());
        assertEquals(Schema.STRING_SCHEMA, schema(row).keySchema());
        assertEquals(Schema.OPTIONAL_STRING_SCHEMA, schema(row).valueSchema());
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("a", "1");
        expected.put("b", null);
        assertEquals(expected, row.getMap("c"));
        assertEquals(Map.of(), after(RecordOptions.DEFAULTS.withHstore(HstoreMode.MAP), HSTORE, "").getMap("c"));
    }
}

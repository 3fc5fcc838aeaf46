package io.snapclone.connect.record;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.snapclone.pg.TableId;
import io.snapclone.pg.catalog.Column;
import io.snapclone.pg.catalog.ColumnType;
import io.snapclone.pg.catalog.TableSchema;

import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** A row with one column of each new family goes into a record whose structs validate. */
class TableRecordBuilderTypesTest {
    @Test
    void rowOfNewTypesValidates() {
        List<Column> columns = List.of(
                new Column("id", ColumnType.of(23, "integer", -1), false),
                new Column("tz", ColumnType.of(1266, "time with time zone", -1), true),
                new Column("span", ColumnType.of(1186, "interval", -1), true),
                new Column("price", ColumnType.of(790, "money", -1), true),
                new Column("flags", ColumnType.of(1560, "bit(4)", 4), true),
                new Column("flag", ColumnType.of(1560, "bit(1)", 1), true),
                new Column("at", ColumnType.of(600, "point", -1), true),
                new Column("mood", ColumnType.of(16400, "mood", 'e', "mood", -1, List.of("sad", "happy")), true),
                new Column("tags", ColumnType.arrayOf(1009, "text[]", ColumnType.of(25, "text[]", -1), 1), true),
                new Column("attrs", ColumnType.of(16500, "hstore", 'b', "hstore", -1, List.of()), true),
                new Column("other", ColumnType.of(603, "box", -1), true));
        TableSchema table = new TableSchema(new TableId("public", "t"), columns, List.of("id"));
        TableRecordBuilder builder = new TableRecordBuilder(table, "srv", "db", RecordOptions.DEFAULTS);
        String[] fields = {"1", "13:45:56+05:30", "1 day", "$1.50", "1010", "1", "(1,2)", "happy",
                "{a,NULL,\"b c\"}", "\"k\"=>\"v\"", null};
        SourceRecord record = builder.snapshotRecord(fields, 0, Map.of(), Map.of(), 0L);
        Struct value = (Struct) record.value();
        value.validate();
        Struct after = value.getStruct("after");
        assertEquals("08:15:56Z", after.get("tz"));
        assertEquals(86_400_000_000L, after.get("span"));
        assertEquals(true, after.get("flag"));
        assertEquals("happy", after.get("mood"));
        assertEquals(Arrays.asList("a", null, "b c"), after.get("tags"));
        assertEquals("{\"k\":\"v\"}", after.get("attrs"));
        assertEquals(2.0, after.getStruct("at").getFloat64("y"));
        assertEquals(null, after.get("other"));
    }
}

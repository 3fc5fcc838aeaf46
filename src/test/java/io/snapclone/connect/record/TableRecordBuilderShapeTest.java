package io.snapclone.connect.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapclone.connect.record.RecordOptions.ValueFormat;
import io.snapclone.pg.TableId;
import io.snapclone.pg.catalog.Column;
import io.snapclone.pg.catalog.ColumnType;
import io.snapclone.pg.catalog.TableSchema;

import org.apache.kafka.connect.data.ConnectSchema;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The value format, the column lists and message.key.columns, through whole records. */
class TableRecordBuilderShapeTest {
    private static final ColumnType INT4 = ColumnType.of(23, "integer", -1);
    private static final ColumnType TEXT = ColumnType.of(25, "text", -1);
    /** public.t(id int4 primary key, name text, secret text, code text). */
    private static final TableSchema TABLE = new TableSchema(new TableId("public", "t"),
            List.of(new Column("id", INT4, false), new Column("name", TEXT, true), new Column("secret", TEXT, true),
                    new Column("code", TEXT, false)), List.of("id"));
    private static final TableSchema NO_KEY = new TableSchema(new TableId("public", "log"),
            List.of(new Column("at", INT4, false), new Column("line", TEXT, true)), List.of());

    private static SourceRecord record(TableRecordBuilder builder, String... fields) {
        SourceRecord record = builder.snapshotRecord(fields, 0, Map.of(), Map.of(), 7L);
        ConnectSchema.validateValue(record.valueSchema(), record.value());
        if (record.keySchema() != null) {
            ConnectSchema.validateValue(record.keySchema(), record.key());
        }
        return record;
    }

    private static List<String> fieldNames(org.apache.kafka.connect.data.Schema schema) {
        return schema.fields().stream().map(Field::name).toList();
    }

    private static ColumnSelection selection(List<String> include, List<String> exclude, String keys) {
        return new ColumnSelection(include.stream().map(Pattern::compile).toList(),
                exclude.stream().map(Pattern::compile).toList(), ColumnSelection.parseKeyColumns(keys));
    }

    @Test
    void snapshotRowsCarryTheConsistentPointAndDebeziumsPerTableMarkers() {
        TableRecordBuilder builder = new TableRecordBuilder(TABLE, "srv", "db", RecordOptions.DEFAULTS, 23_456_789L);
        String[] fields = {"1", "a", "s", "c"};
        Struct first = ((Struct) builder.snapshotRecord(fields, 0, Map.of(), Map.of(), 7L,
                TableRecordBuilder.FIRST_IN_TABLE).value()).getStruct("source");
        Struct middle = ((Struct) builder.snapshotRecord(fields, 0, Map.of(), Map.of(), 7L).value()).getStruct("source");
        Struct last = ((Struct) builder.snapshotRecord(fields, 0, Map.of(), Map.of(), 7L,
                TableRecordBuilder.LAST_IN_TABLE).value()).getStruct("source");
        assertEquals(List.of("first_in_data_collection", "true", "last_in_data_collection"),
                List.of(first.get("snapshot"), middle.get("snapshot"), last.get("snapshot")));
        for (Struct source : List.of(first, middle, last)) {
            source.validate();
            assertEquals(23_456_789L, source.get("lsn"));
            assertEquals("[null,\"23456789\"]", source.get("sequence"));
        }
        Struct withoutSlot = ((Struct) record(new TableRecordBuilder(TABLE, "srv", "db", RecordOptions.DEFAULTS),
                "1", "a", "s", "c").value()).getStruct("source");
        assertEquals(null, withoutSlot.get("lsn"));
        assertEquals(null, withoutSlot.get("sequence"));
    }

    @Test
    void envelopeIsTheDefault() {
        SourceRecord record = record(new TableRecordBuilder(TABLE, "srv", "db", RecordOptions.DEFAULTS),
                "1", "a", "s", "c");
        assertEquals("srv.public.t.Envelope", record.valueSchema().name());
        Struct value = (Struct) record.value();
        value.validate();
        assertEquals("r", value.get("op"));
        assertEquals("a", value.getStruct("after").get("name"));
    }

    @Test
    void rowFormatIsTheRowStructAlone() {
        RecordOptions options = RecordOptions.DEFAULTS.withFormat(ValueFormat.ROW);
        SourceRecord record = record(new TableRecordBuilder(TABLE, "srv", "db", options), "1", "a", null, "c");
        assertEquals("srv.public.t.Value", record.valueSchema().name());
        assertEquals(List.of("id", "name", "secret", "code"), fieldNames(record.valueSchema()));
        Struct row = (Struct) record.value();
        row.validate();
        assertEquals(1, row.get("id"));
        assertNull(row.get("secret"));
        assertEquals(1, ((Struct) record.key()).get("id"));
        assertEquals("srv.public.t", record.topic());
        assertEquals(7L, record.timestamp());
    }

    @Test
    void excludedColumnsAreNeitherInTheSchemaNorRead() {
        RecordOptions options = RecordOptions.DEFAULTS.withColumns(
                selection(List.of(), List.of("public\\.t\\.(secret|code)"), ""));
        TableRecordBuilder builder = new TableRecordBuilder(TABLE, "srv", "db", options);
        // table() is what ChunkReader selects: the excluded columns are not read at all.
        assertEquals(List.of("id", "name"), builder.table().columns().stream().map(Column::name).toList());
        SourceRecord record = record(builder, "1", "a");
        Struct after = ((Struct) record.value()).getStruct("after");
        assertEquals(List.of("id", "name"), fieldNames(after.schema()));
        assertEquals("a", after.get("name"));
    }

    @Test
    void includedColumnsOnlyAndTheRegexMustMatchTheWholeName() {
        RecordOptions options = RecordOptions.DEFAULTS.withFormat(ValueFormat.ROW)
                .withColumns(selection(List.of("public\\.t\\.id", "public\\.t\\.cod", ".*\\.code"), List.of(), ""));
        TableRecordBuilder builder = new TableRecordBuilder(TABLE, "srv", "db", options);
        SourceRecord record = record(builder, "1", "c");
        assertEquals(List.of("id", "code"), fieldNames(record.valueSchema()));
        assertEquals("c", ((Struct) record.value()).get("code"));
    }

    @Test
    void aKeyColumnLeftOutIsRejectedNamingTheKey() {
        ColumnSelection excludeKey = selection(List.of(), List.of("public\\.t\\.id"), "");
        ColumnSelection.Rejected e = assertThrows(ColumnSelection.Rejected.class,
                () -> new TableRecordBuilder(TABLE, "srv", "db", RecordOptions.DEFAULTS.withColumns(excludeKey)));
        assertEquals("column.exclude.list", e.key());
        assertTrue(e.getMessage().contains("[id]") && e.getMessage().contains("public.t"), e.getMessage());

        ColumnSelection includeWithoutKey = selection(List.of("public\\.t\\.name"), List.of(), "");
        ColumnSelection.Rejected included = assertThrows(ColumnSelection.Rejected.class,
                () -> includeWithoutKey.apply(TABLE));
        assertEquals("column.include.list", included.key());

        // An overridden key must stay too.
        ColumnSelection overriddenKeyExcluded = selection(List.of(), List.of(".*\\.code"), "public\\.t:code");
        assertEquals("column.exclude.list",
                assertThrows(ColumnSelection.Rejected.class, () -> overriddenKeyExcluded.apply(TABLE)).key());
    }

    @Test
    void noColumnLeftIsRejected() {
        ColumnSelection none = selection(List.of("other\\..*"), List.of(), "");
        assertEquals("column.include.list", assertThrows(ColumnSelection.Rejected.class, () -> none.apply(NO_KEY)).key());
    }

    @Test
    void bothListsAreRejected() {
        assertEquals("column.exclude.list", assertThrows(ColumnSelection.Rejected.class,
                () -> selection(List.of("a"), List.of("b"), "")).key());
    }

    @Test
    void messageKeyColumnsGiveAKeyToATableWithout() {
        RecordOptions options = RecordOptions.DEFAULTS.withColumns(
                selection(List.of(), List.of(), "public\\.orders:x;(.*)\\.log:line,at"));
        SourceRecord record = record(new TableRecordBuilder(NO_KEY, "srv", "db", options), "5", "hello");
        assertEquals("srv.public.log.Key", record.keySchema().name());
        assertEquals(List.of("line", "at"), fieldNames(record.keySchema()), "in the order configured");
        Struct key = (Struct) record.key();
        key.validate();
        assertEquals("hello", key.get("line"));
        assertEquals(5, key.get("at"));
        // A nullable column is an optional key field; a NOT NULL one (as primary key columns are) is required.
        assertTrue(record.keySchema().field("line").schema().isOptional());
        assertTrue(!record.keySchema().field("at").schema().isOptional());
        Struct nullKey = (Struct) record(new TableRecordBuilder(NO_KEY, "srv", "db", options), "6", null).key();
        assertNull(nullKey.get("line"));
    }

    @Test
    void messageKeyColumnsReplaceThePrimaryKeyFirstMatchWins() {
        RecordOptions options = RecordOptions.DEFAULTS.withColumns(
                selection(List.of(), List.of(), " public\\.t : code ; public\\..* : name "));
        SourceRecord record = record(new TableRecordBuilder(TABLE, "srv", "db", options), "1", "a", "s", "c");
        assertEquals(List.of("code"), fieldNames(record.keySchema()));
        assertEquals("c", ((Struct) record.key()).get("code"));
    }

    @Test
    void messageKeyColumnsNamingAMissingColumnIsRejected() {
        ColumnSelection missing = selection(List.of(), List.of(), "public\\.t:nope");
        ColumnSelection.Rejected e = assertThrows(ColumnSelection.Rejected.class, () -> missing.apply(TABLE));
        assertEquals("message.key.columns", e.key());
        assertTrue(e.getMessage().contains("[nope]"), e.getMessage());
    }

    @Test
    void unmatchedTablesAreUntouched() {
        ColumnSelection selection = selection(List.of(), List.of("other\\.t\\.x"), "other\\.t:x");
        assertSame(TABLE, selection.apply(TABLE));
        assertTrue(ColumnSelection.ALL.isAll());
    }
}

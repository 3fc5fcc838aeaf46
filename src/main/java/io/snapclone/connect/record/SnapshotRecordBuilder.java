package io.snapclone.connect.record;

import static java.util.Objects.requireNonNull;

import io.snapclone.connect.Version;
import io.snapclone.connect.record.RecordOptions.ValueFormat;
import io.snapclone.pg.catalog.Column;
import io.snapclone.pg.catalog.TableSchema;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

import java.util.List;
import java.util.Map;

/**
 * Builds the records of one table: key = the key columns' struct (primary key, or the
 * {@code message.key.columns} override), value = Debezium's envelope ({@code before}, {@code after},
 * {@code source}, {@code op}, {@code ts_ms}) with {@code op=r}, or the row struct alone in the
 * {@code row} format. Only the selected columns are in the schema, and in {@link #table()}, which is
 * what the reader selects.
 */
public final class SnapshotRecordBuilder {
    private final TableSchema table;
    private final String topic;
    private final String serverName;
    private final String database;
    private final ValueFormat format;
    private final ColumnSchemas columnSchemas;
    private final Schema keySchema;
    private final Schema rowSchema;
    private final Schema sourceSchema;
    private final Schema envelopeSchema;
    private final int[] keyIndexes;
    private final Field[] rowFields;
    private final Field[] keyFields;

    /**
     * @param described the table as the catalog describes it; {@code options} selects its columns and key
     * @throws ColumnSelection.Rejected when the column selection or key override cannot apply to the table
     */
    public SnapshotRecordBuilder(TableSchema described, String topicPrefix, String database, RecordOptions options) {
        requireNonNull(described, "described is null");
        requireNonNull(options, "options is null");
        this.table = options.columns().apply(described);
        this.serverName = requireNonNull(topicPrefix, "topicPrefix is null");
        this.database = requireNonNull(database, "database is null");
        this.format = options.format();
        this.columnSchemas = new ColumnSchemas(options);
        this.topic = Names.topic(topicPrefix, table.id());
        String namespace = Names.schemaNamespace(topicPrefix, table.id());
        List<Column> columns = table.columns();
        String[] fieldNames = Names.fieldNames(table, options.fieldNames() == RecordOptions.FieldNameMode.AVRO);
        this.keyIndexes = table.keyColumns().stream()
                .mapToInt(key -> indexOf(columns, key)).toArray();
        if (keyIndexes.length == 0) {
            this.keySchema = null;
        } else {
            SchemaBuilder key = SchemaBuilder.struct().name(namespace + ".Key");
            for (int index : keyIndexes) {
                // Primary key columns are NOT NULL; a message.key.columns column may be nullable.
                Column column = columns.get(index);
                key.field(fieldNames[index], columnSchemas.of(column, column.nullable()));
            }
            this.keySchema = key.build();
        }
        SchemaBuilder row = SchemaBuilder.struct().name(namespace + ".Value").optional();
        for (int i = 0; i < columns.size(); i++) {
            row.field(fieldNames[i], columnSchemas.of(columns.get(i), columns.get(i).nullable()));
        }
        this.rowSchema = row.build();
        this.rowFields = rowSchema.fields().toArray(Field[]::new);
        this.keyFields = keySchema == null ? new Field[0] : keySchema.fields().toArray(Field[]::new);
        this.sourceSchema = SourceSchema.SCHEMA;
        this.envelopeSchema = SchemaBuilder.struct().name(namespace + ".Envelope").version(1)
                .field("before", rowSchema)
                .field("after", rowSchema)
                .field("source", sourceSchema)
                .field("op", Schema.STRING_SCHEMA)
                .field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA)
                .build();
    }

    /** The table as records carry it: selected columns only, the configured key. */
    public TableSchema table() {
        return table;
    }

    public String topic() {
        return topic;
    }

    /** @param fields the selected columns' text from index {@code first} on, in table order */
    public SourceRecord snapshotRecord(String[] fields, int first, Map<String, ?> partition, Map<String, ?> offset,
                                       long nowMs) {
        List<Column> columns = table.columns();
        Struct row = new Struct(rowSchema);
        for (int i = 0; i < columns.size(); i++) {
            String text = fields[first + i];
            if (text != null) {
                Field field = rowFields[i];
                row.put(field, columnSchemas.value(columns.get(i).type(), field.schema(), text));
            }
        }
        Struct key = null;
        if (keySchema != null) {
            key = new Struct(keySchema);
            for (int k = 0; k < keyIndexes.length; k++) {
                key.put(keyFields[k], row.get(rowFields[keyIndexes[k]]));
            }
        }
        if (format == ValueFormat.ROW) {
            return new SourceRecord(partition, offset, topic, null, keySchema, key, rowSchema, row, nowMs);
        }
        Struct source = new Struct(sourceSchema)
                .put("version", Version.VERSION)
                .put("connector", "postgresql")
                .put("name", serverName)
                .put("ts_ms", nowMs)
                .put("snapshot", "true")
                .put("db", database)
                .put("schema", table.id().schema())
                .put("table", table.id().table());
        Struct envelope = new Struct(envelopeSchema)
                .put("after", row)
                .put("source", source)
                .put("op", "r")
                .put("ts_ms", nowMs);
        return new SourceRecord(partition, offset, topic, null, keySchema, key, envelopeSchema, envelope, nowMs);
    }

    private static int indexOf(List<Column> columns, String name) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException("no column " + name);
    }
}

package io.snapclone.connect.record;

import static java.util.Objects.requireNonNull;

import io.snapclone.connect.Version;
import io.snapclone.pg.catalog.Column;
import io.snapclone.pg.catalog.TableSchema;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

import java.util.List;
import java.util.Map;

/**
 * Builds the records of one table: key = primary key struct, value = Debezium's envelope
 * ({@code before}, {@code after}, {@code source}, {@code op}, {@code ts_ms}) with {@code op=r}.
 */
public final class SnapshotRecordBuilder {
    private final TableSchema table;
    private final String topic;
    private final String serverName;
    private final String database;
    private final Schema keySchema;
    private final Schema rowSchema;
    private final Schema sourceSchema;
    private final Schema envelopeSchema;
    private final int[] keyIndexes;

    public SnapshotRecordBuilder(TableSchema table, String topicPrefix, String database) {
        this.table = requireNonNull(table, "table is null");
        this.serverName = requireNonNull(topicPrefix, "topicPrefix is null");
        this.database = requireNonNull(database, "database is null");
        this.topic = Names.topic(topicPrefix, table.id());
        String namespace = Names.schemaNamespace(topicPrefix, table.id());
        List<Column> columns = table.columns();
        this.keyIndexes = table.keyColumns().stream()
                .mapToInt(key -> indexOf(columns, key)).toArray();
        if (keyIndexes.length == 0) {
            this.keySchema = null;
        } else {
            SchemaBuilder key = SchemaBuilder.struct().name(namespace + ".Key");
            for (int index : keyIndexes) {
                key.field(columns.get(index).name(), ColumnSchemas.of(columns.get(index), false));
            }
            this.keySchema = key.build();
        }
        SchemaBuilder row = SchemaBuilder.struct().name(namespace + ".Value").optional();
        for (Column column : columns) {
            row.field(column.name(), ColumnSchemas.of(column, column.nullable()));
        }
        this.rowSchema = row.build();
        this.sourceSchema = SourceSchema.SCHEMA;
        this.envelopeSchema = SchemaBuilder.struct().name(namespace + ".Envelope").version(1)
                .field("before", rowSchema)
                .field("after", rowSchema)
                .field("source", sourceSchema)
                .field("op", Schema.STRING_SCHEMA)
                .field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA)
                .build();
    }

    public TableSchema table() {
        return table;
    }

    public String topic() {
        return topic;
    }

    /** @param fields the columns' text from index {@code first} on, in table order */
    public SourceRecord snapshotRecord(String[] fields, int first, Map<String, ?> partition, Map<String, ?> offset,
                                       long nowMs) {
        List<Column> columns = table.columns();
        Struct row = new Struct(rowSchema);
        for (int i = 0; i < columns.size(); i++) {
            String text = fields[first + i];
            if (text != null) {
                Column column = columns.get(i);
                Schema fieldSchema = rowSchema.fields().get(i).schema();
                row.put(column.name(), ColumnSchemas.value(column.type(), fieldSchema, text));
            }
        }
        Struct key = null;
        if (keySchema != null) {
            key = new Struct(keySchema);
            for (int index : keyIndexes) {
                key.put(columns.get(index).name(), row.get(columns.get(index).name()));
            }
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

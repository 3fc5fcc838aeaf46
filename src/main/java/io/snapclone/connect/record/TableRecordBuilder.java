package io.snapclone.connect.record;

import static java.util.Objects.requireNonNull;

import io.snapclone.connect.Version;
import io.snapclone.connect.record.RecordOptions.ValueFormat;
import io.snapclone.pg.catalog.Column;
import io.snapclone.pg.catalog.TableSchema;

import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

import java.util.List;
import java.util.Map;

/**
 * Builds the records of one table, for the snapshot ({@code op=r}) and the stream
 * ({@code c/u/d/t}, tombstones) alike, so a row looks the same whichever emitted it: key = the key
 * columns' struct (primary key, or the {@code message.key.columns} override), value = Debezium's
 * envelope ({@code before}, {@code after}, {@code source}, {@code op}, {@code ts_ms}), or the row
 * struct alone in the {@code row} format. Only the selected columns are in the schema, and in {@link #table()}, which is
 * what the reader selects.
 */
public final class TableRecordBuilder {
    /**
     * Stands, in the text fields handed to the builder, for an unchanged TOASTed value; compared by
     * identity, so no column text can be mistaken for it. The record gets the configured placeholder.
     */
    @SuppressWarnings("StringOperationCanBeSimplified")
    public static final String UNCHANGED_TOAST = new String("(unchanged TOASTed value)");
    /** Debezium's transaction block ({@code provide.transaction.metadata}); always null here. */
    private static final Schema TRANSACTION_SCHEMA = SchemaBuilder.struct().name("event.block").version(1).optional()
            .field("id", Schema.STRING_SCHEMA)
            .field("total_order", Schema.INT64_SCHEMA)
            .field("data_collection_order", Schema.INT64_SCHEMA)
            .build();

    private final TableSchema table;
    private final String topic;
    private final String serverName;
    private final String database;
    private final ValueFormat format;
    private final RecordOptions options;
    private final ColumnSchemas columnSchemas;
    private final Schema keySchema;
    private final Schema rowSchema;
    private final Schema sourceSchema;
    private final Schema envelopeSchema;
    private final int[] keyIndexes;
    private final Field[] rowFields;
    private final Field[] keyFields;
    private final Field[] envelopeFields;
    /** Snapshot records' source.lsn and source.sequence: where the stream takes over (null without a slot). */
    private final Long snapshotLsn;
    private final String snapshotSequence;
    /** Every snapshot record built at one instant has the same source block: built once, shared. */
    private Struct snapshotSource;
    private String snapshotSourceMarker;
    private long snapshotSourceMs;
    /** The envelope's ts_ms, ts_us and ts_ns of the last record, boxed once per millisecond, not per record. */
    private long stampMs = Long.MIN_VALUE;
    private Long[] stamp;

    /**
     * @param described the table as the catalog describes it; {@code options} selects its columns and key
     * @throws ColumnSelection.Rejected when the column selection or key override cannot apply to the table
     */
    public TableRecordBuilder(TableSchema described, String topicPrefix, String database, RecordOptions options) {
        this(described, topicPrefix, database, options, null);
    }

    /**
     * @param snapshotLsn the slot's consistent point, which snapshot records carry as source.lsn and
     *                    in source.sequence as Debezium's do; null without a slot
     */
    public TableRecordBuilder(TableSchema described, String topicPrefix, String database, RecordOptions options,
                              Long snapshotLsn) {
        requireNonNull(described, "described is null");
        this.snapshotLsn = snapshotLsn;
        this.snapshotSequence = snapshotLsn == null ? null : "[null,\"" + snapshotLsn + "\"]";
        requireNonNull(options, "options is null");
        this.table = options.columns().apply(described);
        this.serverName = requireNonNull(topicPrefix, "topicPrefix is null");
        this.database = requireNonNull(database, "database is null");
        this.format = options.format();
        this.options = options;
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
        // Debezium's envelope, version 2; transaction metadata is not provided (always null).
        this.envelopeSchema = SchemaBuilder.struct().name(namespace + ".Envelope").version(2)
                .field("before", rowSchema)
                .field("after", rowSchema)
                .field("source", sourceSchema)
                .field("transaction", TRANSACTION_SCHEMA)
                .field("op", Schema.STRING_SCHEMA)
                .field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA)
                .field("ts_us", Schema.OPTIONAL_INT64_SCHEMA)
                .field("ts_ns", Schema.OPTIONAL_INT64_SCHEMA)
                .build();
        this.envelopeFields = envelopeSchema.fields().toArray(Field[]::new);
    }

    /** The table as records carry it: selected columns only, the configured key. */
    public TableSchema table() {
        return table;
    }

    public String topic() {
        return topic;
    }

    /** source.snapshot of a snapshot row: Debezium's markers that a parallel load can know (no first or last). */
    public static final String SNAPSHOT = "true";
    public static final String FIRST_IN_TABLE = "first_in_data_collection";
    public static final String LAST_IN_TABLE = "last_in_data_collection";
    /** source.snapshot of every row of an incremental reload, as Debezium marks its incremental snapshots'. */
    public static final String INCREMENTAL = "incremental";

    /** @param fields the selected columns' text from index {@code first} on, in table order */
    public SourceRecord snapshotRecord(String[] fields, int first, Map<String, ?> partition, Map<String, ?> offset,
                                       long nowMs) {
        return snapshotRecord(fields, first, partition, offset, nowMs, SNAPSHOT);
    }

    /**
     * @param marker source.snapshot: {@link #SNAPSHOT}, {@link #FIRST_IN_TABLE}, {@link #LAST_IN_TABLE}
     *        or {@link #INCREMENTAL}
     */
    public SourceRecord snapshotRecord(String[] fields, int first, Map<String, ?> partition, Map<String, ?> offset,
                                       long nowMs, String marker) {
        Struct row = row(fields, first);
        Struct source = SNAPSHOT.equals(marker) || INCREMENTAL.equals(marker) ? snapshotSource(nowMs, marker)
                : format == ValueFormat.ROW ? null : source(marker, snapshotSequence, snapshotLsn, null, nowMs * 1_000);
        return record("r", null, row, key(row), partition, offset, source, nowMs);
    }

    /** Whether records of this table have a key (a primary key, or {@code message.key.columns}). */
    public boolean hasKey() {
        return keySchema != null;
    }

    public ValueFormat format() {
        return format;
    }

    /**
     * A streamed change: {@code op} is c, u or d; {@code before}/{@code after} hold the columns'
     * text in table order ({@link #UNCHANGED_TOAST} for an unchanged TOASTed value), or are null
     * when the change has none. The key comes from {@code after}, or for a delete from
     * {@code before}. In the row format a delete is its key's tombstone.
     */
    public SourceRecord changeRecord(String op, String[] before, String[] after, Map<String, ?> partition,
                                     Map<String, ?> offset, ChangeSource origin, long nowMs) {
        Struct beforeRow = before == null ? null : row(before, 0);
        Struct afterRow = after == null ? null : row(after, 0);
        Struct key = key(afterRow != null ? afterRow : beforeRow);
        if (format == ValueFormat.ROW && afterRow == null) {
            return tombstone(key, partition, offset, nowMs);
        }
        return record(op, beforeRow, afterRow, key, partition, offset, streamSource(origin), nowMs);
    }

    /** The null-valued record that lets compaction drop a deleted key; {@code keyRow} as in a delete's before. */
    public SourceRecord tombstone(String[] keyRow, Map<String, ?> partition, Map<String, ?> offset, long nowMs) {
        return tombstone(key(row(keyRow, 0)), partition, offset, nowMs);
    }

    /** A TRUNCATE of the table: op t, no key, no rows (envelope format only: a row cannot say it). */
    public SourceRecord truncateRecord(Map<String, ?> partition, Map<String, ?> offset, ChangeSource origin,
                                       long nowMs) {
        if (format == ValueFormat.ROW) {
            throw new IllegalStateException("the row format has no truncate record");
        }
        return record("t", null, null, null, partition, offset, streamSource(origin), nowMs);
    }

    private SourceRecord tombstone(Struct key, Map<String, ?> partition, Map<String, ?> offset, long nowMs) {
        return new SourceRecord(partition, offset, topic, null, keySchema, key, null, null, nowMs);
    }

    private Struct row(String[] fields, int first) {
        List<Column> columns = table.columns();
        Struct row = new Struct(rowSchema);
        for (int i = 0; i < columns.size(); i++) {
            String text = fields[first + i];
            Field field = rowFields[i];
            if (text == UNCHANGED_TOAST) {
                Structs.set(row, field, options.unavailable().of(columns.get(i).type(), field.schema(), options.binary()));
            } else if (text != null) {
                Structs.set(row, field, columnSchemas.value(columns.get(i).type(), field.schema(), text));
            } else if (!field.schema().isOptional()) {
                // A NOT NULL column the stream did not send (a delete's key-only old row, an unchanged
                // TOASTed value): Debezium's fallback, the type's zero value.
                Structs.set(row, field, zero(field.schema()));
            }
        }
        return row;
    }

    private static Object zero(Schema schema) {
        if (Decimal.LOGICAL_NAME.equals(schema.name())) {
            return java.math.BigDecimal.ZERO.setScale(Integer.parseInt(schema.parameters().get(Decimal.SCALE_FIELD)));
        }
        if (org.apache.kafka.connect.data.Timestamp.LOGICAL_NAME.equals(schema.name())
                || org.apache.kafka.connect.data.Date.LOGICAL_NAME.equals(schema.name())
                || org.apache.kafka.connect.data.Time.LOGICAL_NAME.equals(schema.name())) {
            return new java.util.Date(0);
        }
        return switch (schema.type()) {
            case INT8 -> (byte) 0;
            case INT16 -> (short) 0;
            case INT32 -> 0;
            case INT64 -> 0L;
            case FLOAT32 -> 0f;
            case FLOAT64 -> 0d;
            case BOOLEAN -> false;
            case STRING -> "";
            case BYTES -> new byte[0];
            case ARRAY -> List.of();
            case MAP -> Map.of();
            case STRUCT -> {
                Struct struct = new Struct(schema);
                for (Field field : schema.fields()) {
                    if (!field.schema().isOptional()) {
                        struct.put(field, zero(field.schema()));
                    }
                }
                yield struct;
            }
        };
    }

    private Struct key(Struct row) {
        if (keySchema == null || row == null) {
            return null;
        }
        Struct key = new Struct(keySchema);
        for (int k = 0; k < keyIndexes.length; k++) {
            Structs.set(key, keyFields[k], row.get(rowFields[keyIndexes[k]]));
        }
        return key;
    }

    private SourceRecord record(String op, Struct before, Struct after, Struct key, Map<String, ?> partition,
                                Map<String, ?> offset, Struct source, long nowMs) {
        if (format == ValueFormat.ROW) {
            return new SourceRecord(partition, offset, topic, null, keySchema, key, after == null ? null : rowSchema,
                    after, nowMs);
        }
        Struct envelope = new Struct(envelopeSchema);
        Structs.set(envelope, envelopeFields[0], before);
        Structs.set(envelope, envelopeFields[1], after);
        Structs.set(envelope, envelopeFields[2], source);
        Structs.set(envelope, envelopeFields[4], op);
        if (nowMs != stampMs) {
            stampMs = nowMs;
            stamp = new Long[] {nowMs, nowMs * 1_000, nowMs * 1_000_000};
        }
        Structs.set(envelope, envelopeFields[5], stamp[0]);
        Structs.set(envelope, envelopeFields[6], stamp[1]);
        Structs.set(envelope, envelopeFields[7], stamp[2]);
        // A truncate has no key: no key schema either, or converters reject the null.
        return new SourceRecord(partition, offset, topic, null, key == null ? null : keySchema, key, envelopeSchema,
                envelope, nowMs);
    }

    /** One struct for the rows of a millisecond with the same marker, not one per row. */
    private Struct snapshotSource(long nowMs, String marker) {
        if (snapshotSource == null || snapshotSourceMs != nowMs || !marker.equals(snapshotSourceMarker)) {
            snapshotSourceMarker = marker;
            snapshotSource = source(marker, snapshotSequence, snapshotLsn, null, nowMs * 1_000);
            snapshotSourceMs = nowMs;
        }
        return snapshotSource;
    }

    private Struct streamSource(ChangeSource origin) {
        return format == ValueFormat.ROW ? null
                : source("false", origin.sequence(), origin.lsn(), origin.txId(), origin.commitMicros());
    }

    private Struct source(String snapshot, String sequence, Long lsn, Long txId, long sourceMicros) {
        // In SourceSchema's field order; xmin, origin and origin_lsn stay null.
        Object[] values = {Version.VERSION, "postgresql", serverName, sourceMicros / 1_000, snapshot, database,
            sequence, sourceMicros, sourceMicros * 1_000, table.id().schema(), table.id().table(), txId, lsn, null,
            null, null};
        Struct source = new Struct(sourceSchema);
        for (Field field : sourceSchema.fields()) {
            Structs.set(source, field, values[field.index()]);
        }
        return source;
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

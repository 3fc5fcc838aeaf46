package io.snapclone.connect.record;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Debezium's initial-snapshot notifications ({@code notification.enabled.channels}): records with
 * Debezium's key and value schemas on the sink topic, and/or log lines. Aggregate type
 * "Initial Snapshot"; types STARTED, IN_PROGRESS, TABLE_SCAN_COMPLETED, COMPLETED; additional data
 * under Debezium's names, always with {@code connector_name} (the topic prefix, Debezium's logical
 * name). Immutable; any thread.
 */
public final class SnapshotNotifications {
    private static final Logger log = LoggerFactory.getLogger(SnapshotNotifications.class);

    static final Schema KEY_SCHEMA = SchemaBuilder.struct().name("io.debezium.connector.common.NotificationKey")
            .version(1).field("id", Schema.STRING_SCHEMA).build();
    static final Schema VALUE_SCHEMA = SchemaBuilder.struct().name("io.debezium.connector.common.Notification")
            .version(1)
            .field("id", Schema.STRING_SCHEMA)
            .field("type", Schema.STRING_SCHEMA)
            .field("aggregate_type", Schema.STRING_SCHEMA)
            .field("additional_data", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.STRING_SCHEMA).optional().build())
            .field("timestamp", Schema.INT64_SCHEMA)
            .build();
    private static final String INITIAL_SNAPSHOT = "Initial Snapshot";

    private final String connectorName;
    private final String topic;
    private final boolean sink;
    private final boolean logged;

    /** @param topic the sink topic; only used with the sink channel */
    public SnapshotNotifications(String connectorName, List<String> channels, String topic) {
        this.connectorName = connectorName;
        this.topic = topic;
        this.sink = channels.contains("sink");
        this.logged = channels.contains("log");
    }

    /** The load has started (task 0 holds the snapshot). */
    public void started(List<SourceRecord> out, long nowMs) {
        notify(out, "STARTED", Map.of(), nowMs);
    }

    /** A table's first chunk is being read. */
    public void tableInProgress(List<SourceRecord> out, String table, long nowMs) {
        notify(out, "IN_PROGRESS", Map.of("current_collection_in_progress", table), nowMs);
    }

    /** Every row of {@code table} is in Kafka. */
    public void tableScanCompleted(List<SourceRecord> out, String table, List<String> allTables, long rows, long nowMs) {
        notify(out, "TABLE_SCAN_COMPLETED", Map.of("scanned_collection", table,
                "data_collections", String.join(",", allTables), "total_rows_scanned", Long.toString(rows),
                "status", "SUCCEEDED"), nowMs);
    }

    /** The whole load is in Kafka. */
    public void completed(List<SourceRecord> out, long nowMs) {
        notify(out, "COMPLETED", Map.of(), nowMs);
    }

    private void notify(List<SourceRecord> out, String type, Map<String, String> data, long nowMs) {
        if (!sink && !logged) {
            return;
        }
        String id = UUID.randomUUID().toString();
        Map<String, String> additional = new HashMap<>(data);
        additional.put("connector_name", connectorName);
        if (logged) {
            log.info("Notification {}: {} {} {}", id, INITIAL_SNAPSHOT, type, additional);
        }
        if (sink) {
            Struct key = new Struct(KEY_SCHEMA).put("id", id);
            Struct value = new Struct(VALUE_SCHEMA).put("id", id).put("type", type)
                    .put("aggregate_type", INITIAL_SNAPSHOT).put("additional_data", additional).put("timestamp", nowMs);
            out.add(new SourceRecord(null, null, topic, null, KEY_SCHEMA, key, VALUE_SCHEMA, value, nowMs));
        }
    }
}

package io.snapclone.connect.record;

import io.snapclone.pg.TableId;
import io.snapclone.pg.snapshot.Chunk;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

import java.util.Map;

/**
 * Records for the progress topic: finished chunks (whose offsets mark the chunk done, so an empty
 * chunk is marked done too), snapshot holders, a snapshot taken anew, finished tables and the
 * finished snapshot. One
 * struct schema for all of them; {@code event} says which, fields that do not apply are null.
 */
public final class ProgressEvents {
    static final Schema SCHEMA = SchemaBuilder.struct().name("io.snapclone.ProgressEvent").version(1)
            .field("event", Schema.STRING_SCHEMA)
            .field("schema", Schema.OPTIONAL_STRING_SCHEMA)
            .field("table", Schema.OPTIONAL_STRING_SCHEMA)
            .field("startBlock", Schema.OPTIONAL_INT64_SCHEMA)
            .field("endBlock", Schema.OPTIONAL_INT64_SCHEMA)
            .field("rows", Schema.OPTIONAL_INT64_SCHEMA)
            .field("tables", Schema.OPTIONAL_INT32_SCHEMA)
            .field("task", Schema.OPTIONAL_INT32_SCHEMA)
            .field("id", Schema.OPTIONAL_STRING_SCHEMA)
            .field("snapshot", Schema.OPTIONAL_STRING_SCHEMA)
            .field("ts_ms", Schema.INT64_SCHEMA)
            .field("message", Schema.OPTIONAL_STRING_SCHEMA)
            .build();

    private ProgressEvents() {
    }

    public static SourceRecord chunkCompleted(String topic, Chunk chunk, long rows, String fingerprint,
                                              Map<String, ?> partition, Map<String, ?> offset, long nowMs) {
        Struct value = event("chunk.completed", nowMs)
                .put("schema", chunk.table().schema())
                .put("table", chunk.table().table())
                .put("startBlock", chunk.startBlock())
                .put("endBlock", chunk.endBlock())
                .put("rows", rows)
                .put("snapshot", fingerprint);
        return record(topic, chunk.table().qualifiedName(), value, partition, offset, nowMs);
    }

    /** Task {@code task}'s open transaction holds the snapshot and exported it again as {@code id}. */
    public static SourceRecord snapshotHeld(String topic, int task, String id, String fingerprint,
                                            Map<String, ?> partition, Map<String, ?> offset, long nowMs) {
        Struct value = event("snapshot.held", nowMs).put("task", task).put("id", id).put("snapshot", fingerprint);
        return record(topic, "task-" + task, value, partition, offset, nowMs);
    }

    /**
     * No session held the original snapshot any more: what was unfinished is read under a new
     * one ({@code snapshot}), so the load is no longer one point in time.
     */
    public static SourceRecord snapshotRetaken(String topic, String fingerprint, Map<String, ?> partition,
                                               Map<String, ?> offset, long nowMs) {
        Struct value = event("snapshot.retaken", nowMs).put("snapshot", fingerprint);
        return record(topic, "snapshot", value, partition, offset, nowMs);
    }

    /** Every chunk of the table is in Kafka. */
    public static SourceRecord tableCompleted(String topic, TableId table, long rows, long nowMs) {
        Struct value = event("table.completed", nowMs)
                .put("schema", table.schema())
                .put("table", table.table())
                .put("rows", rows);
        return record(topic, table.qualifiedName(), value, null, null, nowMs);
    }

    /** The initial load is complete: downstream jobs waiting for it can start. */
    public static SourceRecord snapshotCompleted(String topic, int tables, long rows, Map<String, ?> partition,
                                                 Map<String, ?> offset, long nowMs) {
        Struct value = event("snapshot.completed", nowMs).put("tables", tables).put("rows", rows);
        return record(topic, "snapshot", value, partition, offset, nowMs);
    }

    /** A signal ({@code signalId}) asked for the table to be loaded again; the offset keeps the request. */
    public static SourceRecord reloadRequested(String topic, TableId table, String signalId, Map<String, ?> partition,
                                               Map<String, ?> offset, long nowMs) {
        Struct value = event("snapshot.requested", nowMs)
                .put("schema", table.schema())
                .put("table", table.table())
                .put("id", signalId);
        return record(topic, table.qualifiedName(), value, partition, offset, nowMs);
    }

    /** A signal was read from the signal topic; the offset keeps where the next one is. */
    public static SourceRecord signalReceived(String topic, String signalId, Map<String, ?> partition,
                                              Map<String, ?> offset, long nowMs) {
        Struct value = event("signal.received", nowMs).put("id", signalId);
        return record(topic, "signal", value, partition, offset, nowMs);
    }

    /** A signal that could not be acted on, and why: nothing else happens. */
    public static SourceRecord signalRejected(String topic, String signalId, String message, long nowMs) {
        Struct value = event("signal.rejected", nowMs).put("id", signalId).put("message", message);
        return record(topic, "signal", value, null, null, nowMs);
    }

    private static Struct event(String event, long nowMs) {
        return new Struct(SCHEMA).put("event", event).put("ts_ms", nowMs);
    }

    private static SourceRecord record(String topic, String key, Struct value, Map<String, ?> partition,
                                       Map<String, ?> offset, long nowMs) {
        return new SourceRecord(partition, offset, topic, null, Schema.STRING_SCHEMA, key, SCHEMA, value, nowMs);
    }
}

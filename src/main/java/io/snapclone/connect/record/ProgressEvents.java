package io.snapclone.connect.record;

import io.snapclone.pg.TableId;
import io.snapclone.pg.snapshot.Chunk;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.source.SourceRecord;

import java.util.Map;

/**
 * Records for the progress topic: finished chunks (whose offsets mark the chunk done, so an empty
 * chunk is marked done too), snapshot holders, finished tables and the finished snapshot. Values
 * are small JSON documents with an {@code event} field.
 */
public final class ProgressEvents {
    private ProgressEvents() {
    }

    public static SourceRecord chunkCompleted(String topic, Chunk chunk, long rows, String fingerprint,
                                              Map<String, ?> partition, Map<String, ?> offset, long nowMs) {
        String value = "{\"event\":\"chunk.completed\""
                + ",\"schema\":" + json(chunk.table().schema())
                + ",\"table\":" + json(chunk.table().table())
                + ",\"startBlock\":" + chunk.startBlock()
                + ",\"endBlock\":" + chunk.endBlock()
                + ",\"rows\":" + rows
                + ",\"snapshot\":" + json(fingerprint)
                + ",\"ts_ms\":" + nowMs + "}";
        return new SourceRecord(partition, offset, topic, null, Schema.STRING_SCHEMA, chunk.table().qualifiedName(),
                Schema.STRING_SCHEMA, value, nowMs);
    }

    /** Task {@code task}'s open transaction holds the snapshot and exported it again as {@code id}. */
    public static SourceRecord snapshotHeld(String topic, int task, String id, String fingerprint,
                                            Map<String, ?> partition, Map<String, ?> offset, long nowMs) {
        String value = "{\"event\":\"snapshot.held\",\"task\":" + task + ",\"id\":" + json(id)
                + ",\"snapshot\":" + json(fingerprint) + ",\"ts_ms\":" + nowMs + "}";
        return new SourceRecord(partition, offset, topic, null, Schema.STRING_SCHEMA, "task-" + task,
                Schema.STRING_SCHEMA, value, nowMs);
    }

    /** Every chunk of the table is in Kafka. */
    public static SourceRecord tableCompleted(String topic, TableId table, long rows, long nowMs) {
        String value = "{\"event\":\"table.completed\",\"schema\":" + json(table.schema())
                + ",\"table\":" + json(table.table()) + ",\"rows\":" + rows + ",\"ts_ms\":" + nowMs + "}";
        return new SourceRecord(null, null, topic, null, Schema.STRING_SCHEMA, table.qualifiedName(),
                Schema.STRING_SCHEMA, value, nowMs);
    }

    /** The initial load is complete: downstream jobs waiting for it can start. */
    public static SourceRecord snapshotCompleted(String topic, int tables, long rows, Map<String, ?> partition,
                                                 Map<String, ?> offset, long nowMs) {
        String value = "{\"event\":\"snapshot.completed\",\"tables\":" + tables + ",\"rows\":" + rows
                + ",\"ts_ms\":" + nowMs + "}";
        return new SourceRecord(partition, offset, topic, null, Schema.STRING_SCHEMA, "snapshot",
                Schema.STRING_SCHEMA, value, nowMs);
    }

    static String json(String text) {
        StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}

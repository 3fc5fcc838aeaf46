package io.snapclone.connect.record;

import io.snapclone.pg.snapshot.Chunk;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.source.SourceRecord;

import java.util.Map;

/**
 * Records for the progress topic. A finished chunk is announced there; its offset is what marks
 * the chunk done, so an empty chunk is marked done too.
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

package io.snapclone.connect.watermark;

import io.snapclone.pg.Lsn;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The progress topic's cluster events: {@code cluster.consistent} (the first cut at which every
 * database's topics hold one moment of the cluster) and then {@code cluster.watermark} (each later
 * one), with the LSN, each database's stream position, and every topic partition's offset at it:
 * a consumer that reads each partition up to (not including) its offset sees the cluster at that
 * LSN. The record's offset keeps the cut, so a restarted task goes on from it.
 */
public final class WatermarkEvents {
    public static final String CONSISTENT = "cluster.consistent";
    public static final String WATERMARK = "cluster.watermark";
    static final String PARTITION_KEY = "watermark";
    static final String LSN = "lsn";
    static final String OFFSETS = "offsets";

    private static final Schema DATABASE = SchemaBuilder.struct().name("io.snapclone.ClusterDatabase")
            .field("database", Schema.STRING_SCHEMA)
            .field("slot", Schema.STRING_SCHEMA)
            .field("confirmed_lsn", Schema.STRING_SCHEMA)
            .build();
    private static final Schema OFFSET = SchemaBuilder.struct().name("io.snapclone.TopicOffset")
            .field("topic", Schema.STRING_SCHEMA)
            .field("partition", Schema.INT32_SCHEMA)
            .field("offset", Schema.INT64_SCHEMA)
            .build();
    static final Schema SCHEMA = SchemaBuilder.struct().name("io.snapclone.ClusterWatermark").version(1)
            .field("event", Schema.STRING_SCHEMA)
            .field("lsn", Schema.STRING_SCHEMA)
            .field("lsn_value", Schema.INT64_SCHEMA)
            .field("databases", SchemaBuilder.array(DATABASE).build())
            .field("offsets", SchemaBuilder.array(OFFSET).build())
            .field("ts_ms", Schema.INT64_SCHEMA)
            .build();

    private WatermarkEvents() {
    }

    /** The source partition of the cuts of connector {@code topicPrefix}. */
    public static Map<String, Object> partition(String topicPrefix) {
        return Map.of("server", topicPrefix, PARTITION_KEY, "cluster");
    }

    /** A database's slot and where its stream stood. */
    record DatabasePosition(String database, String slot, long confirmedLsn) {
    }

    static SourceRecord event(String topic, String topicPrefix, boolean first, long lsn, List<DatabasePosition> databases,
                              CutBoundaries cut, long nowMs) {
        List<Struct> positions = new ArrayList<>();
        for (DatabasePosition database : databases) {
            positions.add(new Struct(DATABASE).put("database", database.database()).put("slot", database.slot())
                    .put("confirmed_lsn", new Lsn(database.confirmedLsn()).toString()));
        }
        List<Struct> offsets = new ArrayList<>();
        cut.offsets().forEach((partition, offset) -> offsets.add(new Struct(OFFSET).put("topic", partition.topic())
                .put("partition", partition.partition()).put("offset", offset)));
        Struct value = new Struct(SCHEMA).put("event", first ? CONSISTENT : WATERMARK)
                .put("lsn", new Lsn(lsn).toString()).put("lsn_value", lsn)
                .put("databases", positions).put("offsets", offsets).put("ts_ms", nowMs);
        Map<String, Object> offset = new HashMap<>();
        offset.put(LSN, lsn);
        offset.put(OFFSETS, cut.encode());
        return new SourceRecord(partition(topicPrefix), offset, topic, null, Schema.STRING_SCHEMA, "cluster",
                SCHEMA, value, nowMs);
    }

    /** The LSN of the last committed cut, 0 if none. */
    static long lsn(Map<String, Object> offset) {
        return offset == null || offset.get(LSN) == null ? 0 : ((Number) offset.get(LSN)).longValue();
    }

    static CutBoundaries boundaries(Map<String, Object> offset) {
        return CutBoundaries.decode(offset == null ? null : (String) offset.get(OFFSETS));
    }
}

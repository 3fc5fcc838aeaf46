package io.snapclone.example;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a consumer uses the cluster watermarks (docs/multiple-databases.md): take the latest
 * {@code cluster.consistent} or {@code cluster.watermark} event from the progress topic, read every
 * topic partition it lists from its beginning up to (not including) the offset it gives, and apply
 * the changes in order. What comes out is every captured table of every database as it was at
 * the event's LSN: one moment of the whole cluster. It reads JSON records without schemas
 * (JsonConverter, schemas.enable=false), keyed by the primary key.
 */
public final class ClusterCutConsumer {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A watermark event: its LSN, the databases it spans and, by topic partition, the offset the cut ends before. */
    public record Cut(String event, String lsn, List<String> databases, Map<TopicPartition, Long> offsets) {
    }

    private final Map<String, Object> consumerProps;

    public ClusterCutConsumer(String bootstrapServers) {
        this.consumerProps = Map.of("bootstrap.servers", bootstrapServers, "isolation.level", "read_committed",
                "enable.auto.commit", "false");
    }

    /** Every cut on the progress topic, oldest first. */
    public List<Cut> cuts(String progressTopic) throws IOException {
        List<Cut> cuts = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : read(Map.of(new TopicPartition(progressTopic, 0), Long.MAX_VALUE))) {
            JsonNode value = JSON.readTree(record.value());
            String event = value.get("event").asText();
            if (!event.startsWith("cluster.")) {
                continue; // the snapshot's own progress events
            }
            Map<TopicPartition, Long> offsets = new LinkedHashMap<>();
            for (JsonNode offset : value.get("offsets")) {
                offsets.put(new TopicPartition(offset.get("topic").asText(), offset.get("partition").asInt()),
                        offset.get("offset").asLong());
            }
            List<String> databases = new ArrayList<>();
            value.get("databases").forEach(database -> databases.add(database.get("database").asText()));
            cuts.add(new Cut(event, value.get("lsn").asText(), databases, offsets));
        }
        return cuts;
    }

    /**
     * The tables at the cut: by topic, each key (as JSON text) and its row ({@code after}) as it was
     * at the cut's LSN. Deletes and tombstones remove the key, a truncate clears the topic's table.
     */
    public Map<String, Map<String, JsonNode>> tablesAt(Cut cut) throws IOException {
        Map<String, Map<String, JsonNode>> tables = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : read(cut.offsets())) {
            Map<String, JsonNode> table = tables.computeIfAbsent(record.topic(), t -> new HashMap<>());
            String key = record.key() == null ? null : JSON.readTree(record.key()).toString();
            if (record.value() == null) {
                table.remove(key);
                continue;
            }
            JsonNode value = JSON.readTree(record.value());
            switch (value.get("op").asText()) {
                case "t" -> table.clear();
                case "d" -> table.remove(key);
                default -> table.put(key, value.get("after"));
            }
        }
        return tables;
    }

    /** The records of each partition from its beginning up to the offset (exclusive), in order per partition. */
    private List<ConsumerRecord<byte[], byte[]>> read(Map<TopicPartition, Long> until) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            Map<TopicPartition, Long> end = new HashMap<>(consumer.endOffsets(until.keySet()));
            until.forEach((partition, offset) -> end.merge(partition, offset, Math::min));
            List<TopicPartition> partitions = new ArrayList<>(until.keySet());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read up to " + end + " in 60 s");
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))) {
                        records.add(record);
                    }
                }
            }
        }
        return records;
    }
}

package io.snapclone.connect.stream;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The kafka signal channel, as Debezium's: partition 0 of the signal topic, records keyed by the
 * connector's {@code topic.prefix} whose value is {@code {"type": ..., "data": {...}}}; records with
 * another key are for other connectors. Read without a consumer group: where to go on is kept in the
 * connector's own offsets, so a signal is taken once (after a crash between reading it and Kafka
 * committing that, once more). Looked at at most twice a second, never waiting.
 *
 * <p>Called from the task's poll thread only; {@link #close} also from the thread stopping the task.
 */
final class KafkaSignals implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KafkaSignals.class);
    private static final long INTERVAL_NANOS = 500_000_000L;
    private static final Duration POSITION_TIMEOUT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A signal read: where it is in the topic, and its parts. */
    record Signal(long offset, String type, String data) {
    }

    private final KafkaConsumer<String, String> consumer;
    private final TopicPartition partition;
    private final String key;
    private final String name;
    private long lastPollNanos = System.nanoTime() - INTERVAL_NANOS;

    /**
     * @param next the offset to read from; negative: from the end (signals written before the
     *        connector first streamed are not taken)
     */
    KafkaSignals(Map<String, Object> consumerProps, String topic, String key, long next, String name) {
        this.key = requireNonNull(key, "key is null");
        this.name = requireNonNull(name, "name is null");
        this.partition = new TopicPartition(topic, 0);
        Map<String, Object> props = new HashMap<>(consumerProps);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "snapclone-signals-" + name);
        consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
        consumer.assign(List.of(partition));
        if (next >= 0) {
            consumer.seek(partition, next);
        } else {
            consumer.seekToEnd(List.of(partition));
            try {
                // Now, not lazily at some later poll: a signal written from here on must not be skipped.
                next = consumer.position(partition, POSITION_TIMEOUT);
            } catch (KafkaException e) {
                log.warn("Task {}: could not find the end of signal topic {} ({}): is it there, with one partition? "
                        + "Signals are read from its end once it can be reached", name, topic, e.getMessage());
            }
        }
        log.info("Task {}: reading signals keyed {} from {} at offset {}", name, key, partition, next);
    }

    /** The signals written since the last look, if it is time to look again; else none. */
    List<Signal> poll() {
        if (System.nanoTime() - lastPollNanos < INTERVAL_NANOS) {
            return List.of();
        }
        lastPollNanos = System.nanoTime();
        List<Signal> signals = new ArrayList<>();
        try {
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ZERO)) {
                if (key.equals(record.key())) {
                    signals.add(parse(record));
                } else {
                    log.debug("Task {}: signal at {} is keyed {}, not {}: for another connector", name,
                            record.offset(), record.key(), key);
                }
            }
        } catch (KafkaException e) {
            log.warn("Task {}: could not read signals from {}: {}; trying again", name, partition, e.getMessage());
        }
        return signals;
    }

    private static Signal parse(ConsumerRecord<String, String> record) {
        String type = null;
        String data = null;
        try {
            JsonNode value = JSON.readTree(record.value() == null ? "null" : record.value());
            if (value != null && value.isObject()) {
                type = value.path("type").isTextual() ? value.get("type").asText() : null;
                data = value.has("data") ? value.get("data").toString() : null;
            }
        } catch (JsonProcessingException e) {
            data = record.value();
        }
        return new Signal(record.offset(), type, data);
    }

    @Override
    public void close() {
        try {
            consumer.close(Duration.ZERO);
        } catch (RuntimeException e) {
            log.debug("Task {}: closing the signal consumer failed", name, e);
        }
    }
}

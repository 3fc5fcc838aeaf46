package io.snapclone.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The table a topic describes, for tables {@code (id, v, note)}: records replayed in order, r/c/u
 * put the row, d and tombstones remove the key, t clears everything.
 */
public final class TopicReplay {
    private static final ObjectMapper JSON = new ObjectMapper();

    private TopicReplay() {
    }

    public static Map<Long, String> replay(List<ConsumerRecord<byte[], byte[]>> records) throws IOException {
        Map<Long, String> rows = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            if (record.value() == null) {
                rows.remove(JSON.readTree(record.key()).get("id").asLong());
                continue;
            }
            JsonNode value = JSON.readTree(record.value());
            switch (value.get("op").asText()) {
                case "t" -> rows.clear();
                case "d" -> rows.remove(value.get("before").get("id").asLong());
                default -> {
                    JsonNode after = value.get("after");
                    rows.put(after.get("id").asLong(), after.get("v").asInt() + "|" + after.get("note").asText());
                }
            }
        }
        return rows;
    }
}

package io.snapclone.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.snapclone.testing.Poll;
import io.snapclone.testing.TestingConnect;
import io.snapclone.testing.TestingPostgres;
import io.snapclone.testing.TopicReplay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The switch docs/migrating-from-debezium.md describes, on a running pipeline: Debezium's
 * PostgreSQL connector loads and streams a table; it is deleted while the application keeps
 * writing; snapclone starts on Debezium's own config (connector class changed, snapshot.mode=no_data),
 * the same topics, slot and publication, and streams on from where Debezium's slot stands. Nothing
 * is loaded again, nothing is lost: the topic, replayed, equals the table.
 */
class DebeziumSwitchIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final TestingPostgres postgres = TestingPostgres.shared();
    private final TestingConnect connect = TestingConnect.shared();

    @Test
    void snapcloneTakesOverDebeziumsSlotAndTopics() throws Exception {
        String db = postgres.createDatabase();
        write(db, "CREATE TABLE items (id bigint PRIMARY KEY, v int NOT NULL, note text)",
                "INSERT INTO items SELECT g, 0, 'loaded' FROM generate_series(1, 500) g");
        Map<String, String> debezium = DebeziumCompatibilityIT.debeziumConfig(postgres, db, "sw", "switch_slot",
                "public.items", "initial");
        try {
            connect.deploy("switch-dbz", debezium);
            Poll.until(Duration.ofSeconds(120), "Debezium's initial load", () -> loaded() == 500);
            write(db, "INSERT INTO items SELECT g, 1, 'debezium' FROM generate_series(501, 600) g",
                    "UPDATE items SET v = v + 1 WHERE id % 3 = 0", "DELETE FROM items WHERE id % 10 = 0");
            awaitTopicEqualsTable(db);

            // The switch: Debezium goes, the application writes on, snapclone takes over.
            connect.delete("switch-dbz");
            Poll.until(Duration.ofSeconds(60), "Debezium to let go of the slot", () -> !slotActive(db));
            write(db, "INSERT INTO items SELECT g, 2, 'between' FROM generate_series(601, 700) g",
                    "UPDATE items SET note = 'between' WHERE id % 7 = 0");
            Map<String, String> snapclone = new HashMap<>(debezium);
            snapclone.put("connector.class", TestingConnect.CONNECTOR_CLASS);
            snapclone.put("snapshot.mode", "no_data");
            connect.deploy("switch-snc", snapclone);
            write(db, "INSERT INTO items SELECT g, 3, 'snapclone' FROM generate_series(701, 800) g",
                    "DELETE FROM items WHERE id % 11 = 0");
            awaitTopicEqualsTable(db);

            assertEquals(500, loaded(), "only Debezium's initial load: snapclone loads nothing again");
        } finally {
            for (String connector : List.of("switch-dbz", "switch-snc")) {
                try {
                    connect.delete(connector);
                } catch (RuntimeException alreadyGone) {
                    // Deleted above.
                }
            }
            postgres.dropSlotsWhenReleased(db);
        }
    }

    /** Snapshot records in the topic. */
    private long loaded() throws Exception {
        long loaded = 0;
        for (ConsumerRecord<byte[], byte[]> record : connect.readAll("sw.public.items")) {
            JsonNode value = record.value() == null ? null : JSON.readTree(record.value());
            if (value != null && "r".equals(value.get("op").asText())) {
                loaded++;
            }
        }
        return loaded;
    }

    private void awaitTopicEqualsTable(String db) throws SQLException {
        Map<Long, String> table = new HashMap<>();
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT id, v, note FROM items")) {
            while (rs.next()) {
                table.put(rs.getLong(1), rs.getInt(2) + "|" + rs.getString(3));
            }
        }
        Poll.until(Duration.ofSeconds(120), "the topic to equal the table",
                () -> TopicReplay.replay(connect.readAll("sw.public.items")).equals(table));
    }

    private boolean slotActive(String db) throws SQLException {
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT active FROM pg_replication_slots "
                     + "WHERE slot_name = 'switch_slot'")) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    private void write(String db, String... statements) throws SQLException {
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }
}

package io.snapclone.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapclone.testing.Poll;
import io.snapclone.testing.TestingConnect;
import io.snapclone.testing.TestingPostgres;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The snapshot is exact: while a writer commits inserts, updates and deletes throughout, the rows
 * in Kafka equal what a separate transaction that imported the same snapshot id reads.
 */
class SnapshotConsistencyIT {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    /** Table (as SQL) and rows at the start; very different sizes, one with a hostile name. */
    private static final Map<String, Integer> TABLES = Map.of(
            "public.big", 120_000,
            "public.medium", 15_000,
            "\"Sales Data\".\"Order-Lines\"", 700,
            "public.tiny", 3,
            "public.empty", 0);

    private final TestingPostgres postgres = TestingPostgres.shared();
    private final TestingConnect connect = TestingConnect.shared();

    @Test
    void rowsInKafkaEqualTheSnapshotWhileAWriterRuns() throws Exception {
        String db = postgres.createDatabase();
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA \"Sales Data\"");
            for (Map.Entry<String, Integer> table : TABLES.entrySet()) {
                statement.execute("CREATE TABLE " + table.getKey() + " (id bigint PRIMARY KEY, k int NOT NULL, "
                        + "v text, n numeric(12,2), ts timestamptz)");
                statement.execute("INSERT INTO " + table.getKey() + " SELECT g, 0, 'row ' || g, g / 7.0, "
                        + "'2024-01-01 00:00:00+00'::timestamptz + g * interval '1 second' "
                        + "FROM generate_series(1, " + table.getValue() + ") g");
            }
            statement.execute("ANALYZE");
        }
        Writer writer = new Writer(postgres, db);
        Thread writerThread = new Thread(writer, "test-writer");
        writerThread.start();
        Poll.until(Duration.ofSeconds(30), "the writer to commit", () -> writer.commits.get() > 20);

        String name = "consistency";
        Map<String, String> config = new HashMap<>(TestingConnect.baseConnectorConfig("cons", 3));
        config.putAll(postgres.connectorConfig(db));
        config.put("snapshot.chunk.size", Integer.toString(1024 * 1024));
        connect.deploy(name, config);

        // Import the connector's snapshot while it still holds it, and read what it must emit.
        List<Map<String, String>> tasks = Poll.until(Duration.ofSeconds(60), "task configs",
                () -> connect.taskConfigs(name).isEmpty() ? null : connect.taskConfigs(name));
        String snapshotId = tasks.get(0).get("task.snapshot.id");
        String fingerprint = tasks.get(0).get("task.snapshot.fingerprint");
        Map<String, Map<Long, Row>> expected = new HashMap<>();
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            statement.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
            statement.execute("SET TRANSACTION SNAPSHOT '" + snapshotId + "'");
            try (ResultSet rs = statement.executeQuery("SELECT pg_current_snapshot()::text")) {
                rs.next();
                assertEquals(fingerprint, rs.getString(1));
            }
            for (String table : TABLES.keySet()) {
                expected.put(table, readTable(statement, table));
            }
            statement.execute("COMMIT");
        }
        int chunks = tasks.stream().mapToInt(t -> t.get("task.chunks").split(",").length).sum();
        assertTrue(chunks > TABLES.size(), "the big table is split into several chunks: " + tasks);

        Poll.until(Duration.ofSeconds(180), "the coordinator to release the snapshot", () -> !postgres.coordinatorHoldsSnapshot(db));
        writer.stop.set(true);
        writerThread.join();
        assertTrue(writer.commits.get() > 100, "the writer kept writing during the snapshot");

        for (String table : TABLES.keySet()) {
            String topic = "cons." + table.replace("\"", "").replace(" ", "_");
            Map<Long, Row> actual = new HashMap<>();
            List<ConsumerRecord<byte[], byte[]>> records = connect.readAll(topic);
            for (ConsumerRecord<byte[], byte[]> record : records) {
                JsonNode key = JSON.readTree(record.key());
                JsonNode value = JSON.readTree(record.value());
                assertEquals("r", value.get("op").asText());
                JsonNode after = value.get("after");
                assertEquals(key.get("id").asLong(), after.get("id").asLong());
                actual.put(after.get("id").asLong(), Row.of(after));
            }
            assertEquals(expected.get(table).size(), records.size(), "no row of " + table + " twice or missing");
            assertEquals(List.of(), differences(expected.get(table), actual), "rows of " + table);
        }
        Map<String, Integer> events = Poll.until(Duration.ofSeconds(60), "the snapshot.completed event", () -> {
            Map<String, Integer> counts = new HashMap<>();
            for (ConsumerRecord<byte[], byte[]> record : connect.readAll("cons.snapclone.progress")) {
                counts.merge(JSON.readTree(record.value()).get("event").asText(), 1, Integer::sum);
            }
            return counts.containsKey("snapshot.completed") ? counts : null;
        });
        assertEquals(chunks, events.get("chunk.completed"), "one completion event per chunk");
        assertEquals(TABLES.size(), events.get("table.completed"), "one completion event per table");
        assertEquals(1, events.get("snapshot.completed"));
        assertEquals(3, events.get("snapshot.held"), "every task published the id it holds");
        connect.delete(name);
    }

    /** The keys whose rows differ, with both sides, so that a failure names what is wrong. */
    private static List<String> differences(Map<Long, Row> expected, Map<Long, Row> actual) {
        Set<Long> keys = new TreeSet<>(expected.keySet());
        keys.addAll(actual.keySet());
        return keys.stream().filter(k -> !Objects.equals(expected.get(k), actual.get(k)))
                .limit(20).map(k -> k + ": expected " + expected.get(k) + " but Kafka has " + actual.get(k)).toList();
    }


    private static Map<Long, Row> readTable(Statement statement, String table) throws SQLException {
        Map<Long, Row> rows = new HashMap<>();
        try (ResultSet rs = statement.executeQuery("SELECT id, k, v, n, ts FROM " + table)) {
            while (rs.next()) {
                OffsetDateTime ts = rs.getObject(5, OffsetDateTime.class);
                rows.put(rs.getLong(1), new Row(rs.getInt(2), rs.getString(3),
                        rs.getBigDecimal(4) == null ? null : rs.getBigDecimal(4).stripTrailingZeros().toPlainString(),
                        ts == null ? null : ts.toInstant()));
            }
        }
        return rows;
    }

    record Row(int k, String v, String n, Instant ts) {
        static Row of(JsonNode after) {
            JsonNode n = after.get("n");
            JsonNode ts = after.get("ts");
            return new Row(after.get("k").asInt(), after.get("v").isNull() ? null : after.get("v").asText(),
                    // JsonConverter's NUMERIC format drops trailing zeros; the value is what counts.
                    n.isNull() ? null : n.decimalValue().stripTrailingZeros().toPlainString(),
                    ts.isNull() ? null : Instant.parse(ts.asText()));
        }
    }

    /** Commits random inserts, updates and deletes (some several to a transaction) until stopped. */
    private static final class Writer implements Runnable {
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong commits = new AtomicLong();
        private final TestingPostgres postgres;
        private final String db;

        Writer(TestingPostgres postgres, String db) {
            this.postgres = postgres;
            this.db = db;
        }

        @Override
        public void run() {
            Random random = new Random(42);
            List<String> tables = new ArrayList<>(TABLES.keySet());
            long nextId = 1_000_000;
            try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                while (!stop.get()) {
                    int statements = 1 + random.nextInt(3);
                    for (int i = 0; i < statements; i++) {
                        String table = tables.get(random.nextInt(tables.size()));
                        int size = Math.max(1, TABLES.get(table));
                        long id = 1 + random.nextInt(size);
                        switch (random.nextInt(3)) {
                            case 0 -> statement.execute("INSERT INTO " + table + " VALUES (" + nextId++
                                    + ", 1, 'inserted', 1.5, now())");
                            case 1 -> statement.execute("UPDATE " + table + " SET k = k + 1, v = 'updated', "
                                    + "ts = now() WHERE id = " + id);
                            default -> statement.execute("DELETE FROM " + table + " WHERE id = " + id);
                        }
                    }
                    connection.commit();
                    commits.incrementAndGet();
                }
            } catch (SQLException e) {
                throw new IllegalStateException("writer failed", e);
            }
        }
    }
}

package io.snapclone.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapclone.testing.Poll;
import io.snapclone.testing.TestingConnect;
import io.snapclone.testing.TestingPostgres;

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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A range-partitioned table captured by naming its parent (and, by the same regex, its
 * partitions): the snapshot reads each partition in ctid chunks, the stream gets every change
 * under the parent (publish_via_partition_root), rows moving between partitions included, and a
 * partition created after the start is streamed too. The parent's topic, replayed, equals the table.
 */
class PartitionedTablesIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ROWS_PER_PARTITION = 3_000;

    private final TestingPostgres postgres = TestingPostgres.shared();
    private final TestingConnect connect = TestingConnect.shared();

    @Test
    void parentTopicReplayedEqualsTheParentTable() throws Exception {
        String db = postgres.createDatabase();
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE orders (id bigint NOT NULL, v int NOT NULL, note text, part int NOT NULL, "
                    + "PRIMARY KEY (id, part)) PARTITION BY RANGE (part)");
            statement.execute("CREATE TABLE orders_p1 PARTITION OF orders FOR VALUES FROM (0) TO (100)");
            statement.execute("CREATE TABLE orders_p2 PARTITION OF orders FOR VALUES FROM (100) TO (200)");
            // Made apart, with another column order and a dropped column, then attached: its attnums differ.
            statement.execute("CREATE TABLE orders_p3 (junk int, note text, part int NOT NULL, v int NOT NULL, "
                    + "id bigint NOT NULL)");
            statement.execute("ALTER TABLE orders_p3 DROP COLUMN junk");
            statement.execute("ALTER TABLE orders ATTACH PARTITION orders_p3 FOR VALUES FROM (200) TO (300)");
            statement.execute("INSERT INTO orders SELECT g, 0, 'start ' || g, g % 300 FROM generate_series(1, "
                    + 3 * ROWS_PER_PARTITION + ") g");
            statement.execute("ANALYZE orders");
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean addPartition = new AtomicBoolean();
        AtomicLong commits = new AtomicLong();
        AtomicLong insertsIntoNewPartition = new AtomicLong();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Future<?> writer = pool.submit(() -> write(db, stop, addPartition, commits, insertsIntoNewPartition));

        Map<String, String> config = TestingConnect.connectorConfig(postgres.superuserConnectorConfig(db), "pt", 2, Map.of(
                "snapshot.mode", "initial", "slot.name", "parts", "publication.name", "parts",
                "table.include.list", "public\\.orders.*", "snapshot.chunk.size", "65536"));
        connect.deploy("parts", config);
        Poll.until(Duration.ofSeconds(180), "the snapshot to complete",
                () -> connect.progressEvents("pt").contains("snapshot.completed"));
        addPartition.set(true);
        Poll.until(Duration.ofSeconds(60), "inserts into the partition created while streaming",
                () -> insertsIntoNewPartition.get() >= 20);
        long before = commits.get();
        Poll.until(Duration.ofSeconds(60), "more commits", () -> commits.get() >= before + 50);
        stop.set(true);
        writer.get();
        pool.shutdown();

        // A known row moved between partitions: what the stream sends for it.
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO orders VALUES (-1, 7, 'mover', 10)");
            statement.execute("UPDATE orders SET part = 150, note = 'moved' WHERE id = -1");
        }

        Map<Long, String> table = read(db);
        Map<Long, String> replayed = Poll.until(Duration.ofSeconds(120), "the parent's topic to catch up", () -> {
            Map<Long, String> topic = replay(connect.readAll("pt.public.orders"));
            return topic.equals(table) ? topic : null;
        });
        assertEquals(table, replayed);
        assertTrue(replayed.values().stream().anyMatch(row -> row.matches(".*\\|3[0-9][0-9]")),
                "rows of the partition created while streaming are in the topic");

        List<ConsumerRecord<byte[], byte[]>> records = connect.readAll("pt.public.orders");
        java.util.Set<Long> snapshotIds = new java.util.HashSet<>();
        long snapshotRows = 0;
        List<String> mover = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            if (record.value() == null) {
                if (JSON.readTree(record.key()).get("id").asLong() == -1) {
                    mover.add("tombstone");
                }
                continue;
            }
            JsonNode value = JSON.readTree(record.value());
            assertEquals("orders", value.get("source").get("table").asText(), "records name the parent");
            if ("r".equals(value.get("op").asText())) {
                snapshotRows++;
                snapshotIds.add(value.get("after").get("id").asLong());
            }
            JsonNode row = value.get("after").isNull() ? value.get("before") : value.get("after");
            if (row.get("id").asLong() == -1) {
                mover.add(value.get("op").asText() + ":" + row.get("part").asInt());
            }
        }
        // The writer runs before the snapshot too, so the count is not known; no row may come twice.
        assertEquals(snapshotIds.size(), snapshotRows, "each row snapshotted once, though leaves match the list too");
        assertTrue(snapshotRows > 2 * ROWS_PER_PARTITION, "rows of every partition snapshotted: " + snapshotRows);
        // PostgreSQL runs a cross-partition UPDATE as a DELETE from the old partition and an INSERT into
        // the new one, and pgoutput sends both, under the root, in that order.
        assertEquals(List.of("c:10", "d:10", "tombstone", "c:150"), mover);
        for (String leaf : List.of("orders_p1", "orders_p2", "orders_p3", "orders_p4")) {
            assertEquals(0, connect.readAll("pt.public." + leaf).size(), "nothing goes to the topic of " + leaf);
        }

        connect.delete("parts");
        Poll.until(Duration.ofSeconds(30), "the slot to be released", () -> {
            try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement();
                 ResultSet rs = statement.executeQuery("SELECT active FROM pg_replication_slots WHERE slot_name = 'parts'")) {
                return rs.next() && !rs.getBoolean(1);
            }
        });
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_drop_replication_slot('parts')");
        }
    }

    @Test
    void notViaTheRootEachPartitionIsATableOfItsOwn() throws Exception {
        String db = postgres.createDatabase();
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE events (id bigint NOT NULL, v int NOT NULL, note text, part int NOT NULL, "
                    + "PRIMARY KEY (id, part)) PARTITION BY LIST (part)");
            statement.execute("CREATE TABLE events_a PARTITION OF events FOR VALUES IN (1)");
            statement.execute("CREATE TABLE events_b PARTITION OF events FOR VALUES IN (2)");
            statement.execute("INSERT INTO events SELECT g, 0, 'start', 1 + g % 2 FROM generate_series(1, 200) g");
        }
        Map<String, String> config = TestingConnect.connectorConfig(postgres.superuserConnectorConfig(db), "pl", 1, Map.of(
                "snapshot.mode", "initial", "slot.name", "parts_leaf", "publication.name", "parts_leaf",
                "table.include.list", "public\\.events", "publish.via.partition.root", "false"));
        connect.deploy("parts-leaf", config);
        Poll.until(Duration.ofSeconds(120), "the snapshot to complete",
                () -> connect.progressEvents("pl").contains("snapshot.completed"));
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO events VALUES (1000, 1, 'inserted', 1), (1001, 1, 'inserted', 2)");
            statement.execute("UPDATE events SET v = v + 1, note = 'updated' WHERE id % 7 = 0");
            statement.execute("UPDATE events SET part = 3 - part, note = 'moved' WHERE id % 5 = 0");
            statement.execute("DELETE FROM events WHERE id % 11 = 0");
        }
        for (String leaf : List.of("events_a", "events_b")) {
            Map<Long, String> table = read(db, leaf);
            Map<Long, String> replayed = Poll.until(Duration.ofSeconds(60), "the topic of " + leaf + " to catch up",
                    () -> {
                        Map<Long, String> topic = replay(connect.readAll("pl.public." + leaf));
                        return topic.equals(table) ? topic : null;
                    });
            assertEquals(table, replayed);
        }
        assertEquals(0, connect.readAll("pl.public.events").size(), "nothing goes to the parent's topic");
        connect.delete("parts-leaf");
        Poll.until(Duration.ofSeconds(30), "the slot to be released", () -> {
            try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement();
                 ResultSet rs = statement.executeQuery(
                         "SELECT active FROM pg_replication_slots WHERE slot_name = 'parts_leaf'")) {
                return rs.next() && !rs.getBoolean(1);
            }
        });
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_drop_replication_slot('parts_leaf')");
        }
    }

    private Map<Long, String> read(String db) throws SQLException {
        return read(db, "orders");
    }

    private Map<Long, String> read(String db, String table) throws SQLException {
        Map<Long, String> rows = new HashMap<>();
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT id, v, note, part FROM " + table)) {
            while (rs.next()) {
                rows.put(rs.getLong(1), rs.getInt(2) + "|" + rs.getString(3) + "|" + rs.getInt(4));
            }
        }
        return rows;
    }

    /** The table a topic describes: by id (unique across partitions here), in order; deletes and tombstones remove. */
    private static Map<Long, String> replay(List<ConsumerRecord<byte[], byte[]>> records) throws IOException {
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
                    rows.put(after.get("id").asLong(), after.get("v").asInt() + "|" + after.get("note").asText() + "|"
                            + after.get("part").asInt());
                }
            }
        }
        return rows;
    }

    /**
     * Random inserts, updates (a third of them move the row to another partition) and deletes until
     * stopped; when asked, creates a fourth partition and writes into it too.
     */
    private Void write(String db, AtomicBoolean stop, AtomicBoolean addPartition, AtomicLong commits,
                       AtomicLong insertsIntoNewPartition) throws SQLException {
        Random random = new Random(5);
        long nextId = 1_000_000;
        int parts = 300;
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            while (!stop.get()) {
                if (addPartition.get() && parts == 300) {
                    statement.execute("CREATE TABLE orders_p4 PARTITION OF orders FOR VALUES FROM (300) TO (400)");
                    connection.commit();
                    parts = 400;
                }
                for (int i = 0; i < 1 + random.nextInt(4); i++) {
                    long id = 1 + random.nextInt(3 * ROWS_PER_PARTITION);
                    int part = random.nextInt(parts);
                    switch (random.nextInt(6)) {
                        case 0 -> {
                            statement.execute("INSERT INTO orders VALUES (" + nextId++ + ", 1, 'inserted', " + part + ")");
                            if (part >= 300) {
                                insertsIntoNewPartition.incrementAndGet();
                            }
                        }
                        case 1, 2 -> statement.execute("UPDATE orders SET v = v + 1, note = 'updated' WHERE id = " + id);
                        case 3, 4 -> statement.execute("UPDATE orders SET part = " + part + ", note = 'moved' WHERE id = "
                                + id);
                        default -> statement.execute("DELETE FROM orders WHERE id = " + id);
                    }
                }
                if (random.nextInt(8) == 0) {
                    connection.rollback();
                } else {
                    connection.commit();
                    commits.incrementAndGet();
                }
            }
        }
        return null;
    }
}

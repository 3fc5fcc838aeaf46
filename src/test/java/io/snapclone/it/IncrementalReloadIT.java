package io.snapclone.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapclone.testing.Poll;
import io.snapclone.testing.RowReplay;
import io.snapclone.testing.TestingConnect;
import io.snapclone.testing.TestingPostgres;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An incremental reload (a signal of type incremental, Debezium's default): the requested tables
 * are loaded again in parallel chunks under a new snapshot while the stream goes on for the other
 * tables, and the reloaded tables' topics get the changes before the snapshot, then its rows, then
 * the changes after it, each once; also across restarts of a task, the connector and PostgreSQL.
 */
class IncrementalReloadIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int RELOADED_ROWS = 100_000;
    /** The shared server; a test that crashes one uses a server of its own (the shared one commits asynchronously). */
    private TestingPostgres postgres = TestingPostgres.shared();
    private final TestingConnect connect = TestingConnect.shared();
    /** Where a writer's inserts start: a writer that reconnects goes on with fresh ids. */
    private final java.util.concurrent.atomic.AtomicLong nextId = new java.util.concurrent.atomic.AtomicLong(1_000_000);

    @Test
    void theOtherTablesStreamOnWhileTwoTablesAreLoadedAgainAndEveryTopicEqualsItsTable() throws Exception {
        String db = postgres.createDatabase();
        postgres.dropSlotsWhenReleased(db);
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE other (id bigint PRIMARY KEY, v bigint NOT NULL)");
            statement.execute("INSERT INTO other SELECT g, 0 FROM generate_series(1, 2000) g");
            statement.execute("CREATE TABLE reloaded (id bigint PRIMARY KEY, v bigint NOT NULL, pad text)");
            statement.execute("INSERT INTO reloaded SELECT g, 0, repeat('x', 100) FROM generate_series(1, "
                    + RELOADED_ROWS + ") g");
            statement.execute("CREATE TABLE keyless (n bigint NOT NULL)");
            statement.execute("ALTER TABLE keyless REPLICA IDENTITY FULL");
            statement.execute("INSERT INTO keyless SELECT generate_series(1, 300)");
        }
        // The request comes through the kafka channel (the signal table's is ReloadIT's).
        connect.createTopic("inc-signal", 1);
        connect.deploy("incremental", TestingConnect.connectorConfig(postgres.superuserConnectorConfig(db), "inc", 2,
                Map.of("snapshot.mode", "initial", "slot.name", "incremental", "publication.name", "incremental",
                        "table.include.list", "public\\.(other|reloaded|keyless)", "signal.enabled.channels", "kafka",
                        "signal.kafka.bootstrap.servers", connect.bootstrapServers(),
                        "snapshot.chunk.size", Long.toString(2L << 20), "max.batch.size", "500")));
        Poll.until(Duration.ofSeconds(120), "the first load", () -> connect.progressEvents("inc").contains("snapshot.completed"));

        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = new Thread(() -> writeUntilStopped(db, writing));
        writer.start();
        int keylessBefore;
        try {
            Poll.until(Duration.ofSeconds(60), "changes streamed", () -> connect.readAll("inc.public.other").size() > 2200);
            keylessBefore = connect.readAll("inc.public.keyless").size();
            signal("another-connector", "{\"type\": \"execute-snapshot\", \"data\": {\"data-collections\": "
                    + "[\"public.other\"]}}");
            signal("inc", "{\"type\": \"execute-snapshot\", \"data\": {\"data-collections\": [\"public.nope\"]}}");
            signal("inc", "{\"type\": \"execute-snapshot\", \"data\": {\"data-collections\": "
                    + "[\"public.reloaded\", \"public.keyless\"], \"type\": \"INCREMENTAL\"}}");
            Poll.until(Duration.ofSeconds(180), "the reload done and announced", () -> connect.progressEvents("inc")
                    .stream().filter("snapshot.completed"::equals).count() == 2);
            awaitStreamedAfterLoad("inc.public.reloaded", 200);
        } finally {
            writing.set(false);
            writer.join();
        }
        for (String table : List.of("other", "reloaded")) {
            assertTopicEqualsTable(db, "inc", table);
            assertEquals(List.of(), RowReplay.replay(connect.readAll("inc.public." + table), Set.of(), false)
                    .orderViolations, table + ": per-key order, the reload's rows in their place");
        }
        List<ConsumerRecord<byte[], byte[]>> reloadRows = connect.readAll("inc.public.reloaded").stream()
                .filter(r -> "incremental".equals(source(r, "snapshot"))).toList();
        assertTrue(reloadRows.size() > RELOADED_ROWS, "every row loaded again (with those the writer added), marked "
                + "source.snapshot=incremental: " + reloadRows.size());
        assertEquals(reloadRows.size(), reloadRows.stream().map(IncrementalReloadIT::id).distinct().count(),
                "each row once");

        long loadStart = reloadRows.stream().mapToLong(ConsumerRecord::timestamp).min().orElseThrow();
        long loadEnd = reloadRows.stream().mapToLong(ConsumerRecord::timestamp).max().orElseThrow();
        List<Long> during = new ArrayList<>();
        List<Long> outside = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : connect.readAll("inc.public.other")) {
            if (record.value() == null || !"u".equals(op(record))) {
                continue;
            }
            long latency = record.timestamp() - Long.parseLong(source(record, "ts_ms"));
            (record.timestamp() > loadStart && record.timestamp() < loadEnd ? during : outside).add(latency);
        }
        System.out.printf("IncrementalReloadIT: load of %d rows in %d ms; latency of the other table's changes (read - "
                + "commit): during %s, outside %s%n", reloadRows.size(), loadEnd - loadStart, percentiles(during),
                percentiles(outside));
        assertTrue(during.size() > 10, "the other table streamed while the reloaded one was read: " + during.size()
                + " changes in " + (loadEnd - loadStart) + " ms");

        // Keyless: the reload's rows, then exactly the inserts it lacks.
        List<ConsumerRecord<byte[], byte[]>> keyless = connect.readAll("inc.public.keyless");
        int firstReloadRow = -1;
        for (int i = keylessBefore; i < keyless.size() && firstReloadRow < 0; i++) {
            if ("r".equals(op(keyless.get(i)))) {
                firstReloadRow = i;
            }
        }
        long inTable;
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT count(*) FROM keyless")) {
            rs.next();
            inTable = rs.getLong(1);
        }
        List<String> sinceReload = keyless.subList(firstReloadRow, keyless.size()).stream()
                .map(IncrementalReloadIT::op).toList();
        assertEquals(inTable, sinceReload.size(), "the keyless table since its reload: one record per row");
        assertTrue(sinceReload.lastIndexOf("r") < sinceReload.indexOf("c"),
                "its snapshot rows before the changes after the snapshot");

        // The signal topic: the bad signal answered, the other connector's left alone, none taken again after a restart.
        assertEquals(1, connect.progressEvents("inc").stream().filter("signal.rejected"::equals).count());
        connect.restartConnectorAndTasks("incremental");
        write(db, "UPDATE other SET v = -1 WHERE id = 1");
        Poll.until(Duration.ofSeconds(60), "streaming after the restart", () -> connect.readAll("inc.public.other")
                .stream().anyMatch(r -> "u".equals(op(r)) && json(r.value()).get("after").get("v").asLong() == -1));
        assertEquals(2, connect.progressEvents("inc").stream().filter("signal.received"::equals).count(),
                "the two signals keyed inc, each once: " + connect.progressEvents("inc"));
        assertEquals(2, connect.progressEvents("inc").stream().filter("snapshot.completed"::equals).count());
        assertEquals("RUNNING", connect.connectorStatus("incremental").tasks().get(0).state());
        connect.delete("incremental");
    }

    /**
     * With snapshot.mode=never, a signal loads the table for the first time. PostgreSQL crashes a
     * quarter into it, then task 0 (streaming and reading chunks) is restarted, then the connector:
     * the crash loses the reload's snapshot (the rest is read under a new one, as for a first load),
     * the restarts keep that one, and every topic equals its table.
     */
    @Test
    void anIncrementalReloadSurvivesPostgresTaskAndConnectorRestarts() throws Exception {
        postgres = TestingPostgres.start(Map.of());
        try {
            survivesPostgresTaskAndConnectorRestarts();
        } finally {
            try {
                connect.delete("increstart");
            } catch (RuntimeException e) {
                // deleted already, or never deployed
            }
            postgres.close();
        }
    }

    private void survivesPostgresTaskAndConnectorRestarts() throws Exception {
        int rows = 200_000;
        String db = postgres.createDatabase();
        postgres.dropSlotsWhenReleased(db);
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE other (id bigint PRIMARY KEY, v bigint NOT NULL)");
            statement.execute("INSERT INTO other SELECT g, 0 FROM generate_series(1, 2000) g");
            statement.execute("CREATE TABLE reloaded (id bigint PRIMARY KEY, v bigint NOT NULL, pad text)");
            statement.execute("INSERT INTO reloaded SELECT g, 0, repeat('x', 100) FROM generate_series(1, " + rows + ") g");
            statement.execute("CREATE TABLE keyless (n bigint NOT NULL)");
            statement.execute("CREATE TABLE debezium_signal (id varchar(42) PRIMARY KEY, type varchar(32) NOT NULL, "
                    + "data varchar(2048))");
        }
        Map<String, String> config = TestingConnect.connectorConfig(postgres.superuserConnectorConfig(db), "irs", 2,
                Map.of("snapshot.mode", "never", "slot.name", "increstart", "publication.name", "increstart",
                        "table.include.list", "public\\.(other|reloaded)", "signal.data.collection",
                        "public.debezium_signal", "snapshot.chunk.size", Long.toString(4L << 20), "max.batch.size", "200"));
        config.putAll(Map.of("retriable.restart.connector.wait.ms", "2000", "errors.max.retries", "-1"));
        connect.deploy("increstart", config);
        Poll.until(Duration.ofSeconds(60), "the stream", () -> {
            write(db, "UPDATE other SET v = 0 WHERE id = 1");
            return !connect.readAll("irs.public.other").isEmpty();
        });
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = new Thread(() -> writeThroughRestarts(db, writing));
        writer.start();
        try {
            write(db, "INSERT INTO debezium_signal VALUES ('load-1', 'execute-snapshot', "
                    + "'{\"data-collections\": [\"public.reloaded\"]}')");
            Poll.until(Duration.ofSeconds(120), "a quarter of the load committed", () -> reloadRowsCommitted("increstart")
                    >= rows / 4);
            postgres.crashRestart();
            Poll.until(Duration.ofSeconds(120), "half of the load committed", () -> reloadRowsCommitted("increstart")
                    >= rows / 2);
            connect.restartTask("increstart", 0);
            Poll.until(Duration.ofSeconds(120), "three quarters of the load committed",
                    () -> reloadRowsCommitted("increstart") >= 3 * rows / 4);
            connect.restartConnectorAndTasks("increstart");
            Poll.until(Duration.ofSeconds(240), "the load completed", () -> connect.progressEvents("irs")
                    .contains("snapshot.completed"));
            awaitStreamedAfterLoad("irs.public.reloaded", 100);
        } finally {
            writing.set(false);
            writer.join();
        }
        for (String table : List.of("other", "reloaded")) {
            assertTopicEqualsTable(db, "irs", table);
        }
        List<String> violations = RowReplay.replay(connect.readAll("irs.public.other"), Set.of(), false).orderViolations;
        assertEquals(List.of(), violations, "the table not loaded: per-key order across the restarts");
        List<ConsumerRecord<byte[], byte[]>> loadRows = connect.readAll("irs.public.reloaded").stream()
                .filter(r -> "incremental".equals(source(r, "snapshot"))).toList();
        assertTrue(loadRows.stream().map(IncrementalReloadIT::id).distinct().count() >= rows, "every row loaded");
        assertEquals(2, loadRows.stream().map(r -> source(r, "lsn")).distinct().count(),
                "the snapshot the crash lost, then one across the task and connector restarts");
        assertTrue(connect.progressEvents("irs").contains("snapshot.retaken"), connect.progressEvents("irs").toString());
        assertEquals("RUNNING", connect.connectorStatus("increstart").tasks().get(0).state());
    }

    /** Polls until the topic, replayed, has the table's rows and values; else fails naming the differences. */
    private void assertTopicEqualsTable(String db, String prefix, String table) throws Exception {
        Map<Long, Map<String, String>> expected;
        try (Connection connection = postgres.superuser(db)) {
            expected = RowReplay.read(connection, table, List.of("v"), Set.of());
        }
        String topic = prefix + ".public." + table;
        try {
            Poll.until(Duration.ofSeconds(60), table + " in Kafka as in the table", () -> RowReplay.differences(table,
                    expected, RowReplay.replay(connect.readAll(topic), Set.of(), false).rows, List.of("v"), 10).isEmpty());
        } catch (AssertionError e) {
            assertEquals(List.of(), RowReplay.differences(table, expected, RowReplay.replay(connect.readAll(topic),
                    Set.of(), false).rows, List.of("v"), 10), e.getMessage());
        }
    }

    /** Waits until the topic has {@code margin} updates after its last snapshot row: the table streams again. */
    private void awaitStreamedAfterLoad(String topic, int margin) {
        Poll.until(Duration.ofSeconds(60), topic + " streamed after its load", () -> {
            List<String> ops = connect.readAll(topic).stream().map(IncrementalReloadIT::op).toList();
            return ops.lastIndexOf("u") > ops.lastIndexOf("r") + margin;
        });
    }

    /** As {@link #writeUntilStopped}, reconnecting after the server went away. */
    private void writeThroughRestarts(String db, AtomicBoolean writing) {
        while (writing.get()) {
            try {
                writeUntilStopped(db, writing);
            } catch (IllegalStateException e) {
                java.util.concurrent.locks.LockSupport.parkNanos(200_000_000L);
            }
        }
    }

    private long reloadRowsCommitted(String connector) {
        return connect.offsets(connector).offsets().stream().filter(o -> o.partition().containsKey("reload")
                && o.offset() != null).mapToLong(o -> o.offset().get("rows") instanceof Number n ? n.longValue() : 0).sum();
    }

    private void signal(String key, String value) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                connect.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("inc-signal", key, value)).get();
        }
    }

    private static String percentiles(List<Long> values) {
        if (values.isEmpty()) {
            return "none";
        }
        List<Long> sorted = values.stream().sorted().toList();
        return "p50 " + sorted.get(sorted.size() / 2) + " ms, p99 " + sorted.get(sorted.size() * 99 / 100) + " ms, max "
                + sorted.get(sorted.size() - 1) + " ms (" + sorted.size() + " changes)";
    }

    /** Inserts rows and increments v of random ones, one statement a transaction; an insert into keyless now and then. */
    private void writeUntilStopped(String db, AtomicBoolean writing) {
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            long next = nextId.getAndAdd(1_000_000);
            while (writing.get()) {
                statement.execute("UPDATE other SET v = v + 1 WHERE id = " + ThreadLocalRandom.current().nextLong(1, 2001));
                statement.execute("INSERT INTO reloaded VALUES (" + next + ", 0, 'new')");
                statement.execute("UPDATE reloaded SET v = v + 1 WHERE id = "
                        + ThreadLocalRandom.current().nextLong(1, RELOADED_ROWS + 1));
                if (next % 10 == 0) {
                    statement.execute("INSERT INTO keyless VALUES (" + next + ")");
                }
                next++;
            }
        } catch (Exception e) {
            throw new IllegalStateException("the writer failed", e);
        }
    }

    private static String op(ConsumerRecord<byte[], byte[]> record) {
        return record.value() == null ? "tombstone" : json(record.value()).get("op").asText();
    }

    private static String source(ConsumerRecord<byte[], byte[]> record, String field) {
        return record.value() == null ? null : json(record.value()).get("source").get(field).asText();
    }

    private static long id(ConsumerRecord<byte[], byte[]> record) {
        return json(record.key()).get("id").asLong();
    }

    private static JsonNode json(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void write(String db, String sql) throws Exception {
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}

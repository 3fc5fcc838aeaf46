package io.snapclone.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapclone.testing.Poll;
import io.snapclone.testing.TestingConnect;
import io.snapclone.testing.TestingPostgres;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A restart re-sends only what Kafka had not committed. Two workers; mid-snapshot the worker that
 * runs the connector leaves and the chunk size and tasks.max are changed: the other worker's new coordinator
 * re-imports the same snapshot (same fingerprint) and continues its plan, so every partly read
 * chunk resumes after its last committed row, and the topic holds the table's rows with few repeats.
 */
class ExactResumeIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ROWS = 150_000;
    private static TestingConnect connect;

    @BeforeAll
    static void startCluster() {
        // A worker that left gets its work reassigned after this delay (5 minutes by default).
        connect = TestingConnect.start(2, Map.of("scheduled.rebalance.max.delay.ms", "2000"));
    }

    @AfterAll
    static void stopCluster() {
        connect.stop();
    }

    @Test
    void aWorkerLeavingMidSnapshotCostsOnlyUncommittedRows() throws Exception {
        TestingPostgres postgres = TestingPostgres.shared();
        String db = postgres.createDatabase();
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE big (id bigint PRIMARY KEY, v text)");
            statement.execute("INSERT INTO big SELECT g, repeat(md5(g::text), 5) FROM generate_series(1, " + ROWS
                    + ") g");
            statement.execute("ANALYZE big");
        }
        Map<String, String> config = TestingConnect.connectorConfig(postgres.connectorConfig(db), "exact", 2, Map.of(
                "snapshot.chunk.size", Integer.toString(1 << 20), "max.batch.size", "50"));
        connect.deploy("exact", config);
        String fingerprint = Poll.until(Duration.ofSeconds(60), "the plan", () -> connect.taskConfigs("exact").isEmpty()
                ? null : connect.taskConfigs("exact").get(0).get("task.snapshot.fingerprint"));
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = new Thread(() -> write(postgres, db, writing));
        writer.start();
        try {
            Poll.until(Duration.ofSeconds(120), "some chunks done", () -> count(connect.progressEvents("exact"),
                    "chunk.completed") >= 3);
            int doneBeforeStop = count(connect.progressEvents("exact"), "chunk.completed");
            String runner = connect.connectorStatus("exact").connector().workerId();
            // A config update and a worker leaving: before this fix both re-planned with new chunk bounds.
            // tasks.max changes too: unfinished chunks, partly read ones included, move between tasks.
            Map<String, String> changed = new HashMap<>(config);
            changed.put("snapshot.chunk.size", Integer.toString(3 << 19));
            changed.put("tasks.max", "3");
            connect.stopWorker(runner);
            // Refused while the group elects a new leader (the one that left may have been it).
            Poll.until(Duration.ofSeconds(60), "the config update", () -> {
                connect.deploy("exact", changed);
                return true;
            });

            Poll.until(Duration.ofSeconds(180), "the snapshot to complete", () -> connect.progressEvents("exact")
                    .contains("snapshot.completed"));
            List<Map<String, String>> configs = connect.taskConfigs("exact");
            assertTrue(doneBeforeStop < count(connect.progressEvents("exact"), "chunk.completed"),
                    "the worker left mid-snapshot");
            assertFalse(connect.progressEvents("exact").contains("snapshot.retaken"));
            assertTrue(configs.isEmpty() || configs.get(0).get("task.snapshot.fingerprint") == null
                    || configs.get(0).get("task.snapshot.fingerprint").isEmpty()
                    || fingerprint.equals(configs.get(0).get("task.snapshot.fingerprint")));
        } finally {
            writing.set(false);
            writer.join();
        }
        List<ConsumerRecord<byte[], byte[]>> records = connect.readAll("exact.public.big");
        java.util.Set<Long> ids = new java.util.HashSet<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            long id = JSON.readTree(record.key()).get("id").asLong();
            assertTrue(id > 0, "a row inserted after the snapshot is not in it: " + id);
            ids.add(id);
        }
        assertEquals(ROWS, ids.size(), "every row of the snapshot");
        int repeated = records.size() - ROWS;
        // Bound: what the stopped tasks sent after their last offset commit (500 ms here, 50-row batches),
        // far below one re-read 1 MB chunk (~4,000 rows) per partly read chunk.
        System.out.printf("ExactResumeIT: %d rows, %d records, %d repeated (%.2f%%)%n", ROWS, records.size(),
                repeated, 100.0 * repeated / ROWS);
        assertTrue(repeated < ROWS / 50, repeated + " rows sent twice");
        connect.delete("exact");
    }

    private static int count(List<String> events, String event) {
        return (int) events.stream().filter(event::equals).count();
    }

    /** Inserts rows the snapshot must not contain (negative ids), until told to stop. */
    private static void write(TestingPostgres postgres, String db, AtomicBoolean writing) {
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            for (long id = -1; writing.get(); id--) {
                statement.execute("INSERT INTO big VALUES (" + id + ", 'after')");
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

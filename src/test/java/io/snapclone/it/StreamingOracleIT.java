package io.snapclone.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapclone.testing.Poll;
import io.snapclone.testing.TestingConnect;
import io.snapclone.testing.TestingPostgres;
import io.snapclone.testing.TopicReplay;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The oracle: a writer commits inserts, updates (also of primary keys), deletes, multi-table and
 * rolled-back transactions and a TRUNCATE from before the connector starts until well into
 * streaming, across a task restart and a connector restart; afterwards every topic, replayed in
 * order, equals its table exactly.
 */
class StreamingOracleIT {
    private static final Map<String, Integer> TABLES = Map.of("big", 60_000, "medium", 8_000, "small", 500,
            "tiny", 10, "truncated", 300);

    private final TestingPostgres postgres = TestingPostgres.shared();
    private final TestingConnect connect = TestingConnect.shared();

    @Test
    void everyTopicReplayedEqualsItsTable() throws Exception {
        String db = postgres.createDatabase();
        OracleTables oracle = new OracleTables(postgres, db, TABLES);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean truncate = new AtomicBoolean();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Future<Long> writer = pool.submit(() -> oracle.write(List.of("big", "medium", "small", "tiny"), 11, stop, truncate));

        Map<String, String> config = TestingConnect.connectorConfig(postgres.superuserConnectorConfig(db), "orc", 3, Map.of(
                "snapshot.mode", "initial", "slot.name", "oracle", "publication.name", "oracle",
                "snapshot.chunk.size", "1048576", "skipped.operations", "none")); // the replay applies the TRUNCATE
        connect.deploy("oracle", config);
        Poll.until(Duration.ofSeconds(180), "the snapshot to complete",
                () -> connect.progressEvents("orc").contains("snapshot.completed"));
        assertSnapshotMarkers();
        truncate.set(true);
        connect.restartTask("oracle", 0);
        Poll.until(Duration.ofSeconds(30), "more changes", () -> !truncate.get());
        connect.restartConnector("oracle");
        Thread.sleep(2000); // keep writing into the restarted stream
        stop.set(true);
        long commits = writer.get();
        pool.shutdown();
        assertTrue(commits > 200, "the writer committed throughout: " + commits);

        Map<String, Map<Long, String>> tables = new TreeMap<>();
        for (String table : TABLES.keySet()) {
            tables.put(table, oracle.read(table));
        }
        Map<String, Map<Long, String>> replayed = Poll.until(Duration.ofSeconds(120), "the topics to catch up", () -> {
            Map<String, Map<Long, String>> topics = new TreeMap<>();
            for (String table : TABLES.keySet()) {
                topics.put(table, TopicReplay.replay(connect.readAll("orc.public." + table)));
            }
            return topics.equals(tables) ? topics : null;
        });
        assertEquals(tables, replayed);
        connect.delete("oracle");
        Poll.until(Duration.ofSeconds(30), "the slot to be released", () -> {
            try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement();
                 ResultSet rs = statement.executeQuery("SELECT active FROM pg_replication_slots WHERE slot_name = 'oracle'")) {
                return rs.next() && !rs.getBoolean(1);
            }
        });
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_drop_replication_slot('oracle')");
        }
    }

    /**
     * Every table, however many chunks and tasks read it, has exactly one row marked
     * first_in_data_collection and one last_in_data_collection, and every snapshot row carries the
     * slot's consistent point as source.lsn.
     */
    private void assertSnapshotMarkers() throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        for (String table : TABLES.keySet()) {
            Map<String, Integer> markers = new TreeMap<>();
            java.util.Set<Long> lsns = new java.util.HashSet<>();
            for (var record : connect.readAll("orc.public." + table)) {
                var value = record.value() == null ? null : json.readTree(record.value());
                if (value != null && "r".equals(value.get("op").asText())) {
                    markers.merge(value.get("source").get("snapshot").asText(), 1, Integer::sum);
                    lsns.add(value.get("source").get("lsn").asLong());
                }
            }
            assertEquals(1, markers.get("first_in_data_collection"), table + ": " + markers);
            assertEquals(1, markers.get("last_in_data_collection"), table + ": " + markers);
            assertEquals(1, lsns.size(), table + ": one consistent point " + lsns);
            assertTrue(lsns.iterator().next() > 0, table + ": the consistent point " + lsns);
        }
    }
}

package io.snapclone.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapclone.example.ClusterCutConsumer;
import io.snapclone.testing.Poll;
import io.snapclone.testing.TestingConnect;
import io.snapclone.testing.TestingPostgres;
import io.snapclone.testing.TopicReplay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The streaming oracle on each database of a three-database cluster: tables of the same names in
 * every database, a writer on each, two databases captured from the start and the third added
 * while they stream, a task restart, a TRUNCATE and a connector restart; afterwards every topic,
 * replayed, equals its table, records say their database, the latest cut rebuilt by the example
 * consumer equals all the tables, and a database taken off the list is no longer read.
 */
class ClusterOracleIT {
    private static final Map<String, Integer> TABLES = Map.of("big", 10_000, "small", 500, "truncated", 100);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TestingPostgres postgres = TestingPostgres.shared();
    private final TestingConnect connect = TestingConnect.shared();

    @Test
    void everyDatabasesTopicsEqualItsTablesAndTheLatestCutEqualsAllOfThem() throws Exception {
        List<OracleTables> databases = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            databases.add(new OracleTables(postgres, postgres.createDatabase(), TABLES));
        }
        String a = databases.get(0).db();
        String b = databases.get(1).db();
        String c = databases.get(2).db();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean truncate = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        List<Future<Long>> writers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            OracleTables oracle = databases.get(i);
            writers.add(pool.submit(() -> oracle.write(List.of("big", "small"), 17 + oracle.db().hashCode(), stop,
                    oracle.db().equals(a) ? truncate : new AtomicBoolean())));
        }
        String connector = "cluster-oracle";
        Map<String, String> config = TestingConnect.connectorConfig(postgres.superuserConnectorConfig("postgres"), "corc",
                2, Map.of("snapshot.mode", "initial", "slot.name", "corc", "publication.name", "corc",
                        "snapshot.chunk.size", "1048576", "skipped.operations", "none",
                        "database.names", a + "," + b, "watermark.kafka.bootstrap.servers", connect.bootstrapServers(),
                        "watermark.interval.ms", "500"));
        ClusterCutConsumer consumer = new ClusterCutConsumer(connect.bootstrapServers());
        try {
            connect.deploy(connector, config);
            Poll.until(Duration.ofSeconds(180), "the first cut of two databases",
                    () -> !consumer.cuts("corc.snapclone.progress").isEmpty());

            Map<String, String> three = new HashMap<>(config);
            three.put("database.names", a + "," + b + "," + c);
            connect.deploy(connector, three);
            Poll.until(Duration.ofSeconds(180), "a cut of all three databases", () -> latest(consumer).databases().size() == 3);
            connect.restartTask(connector, 1);
            truncate.set(true);
            Poll.until(Duration.ofSeconds(30), "the TRUNCATE", () -> !truncate.get());
            connect.restartConnector(connector);
            String afterRestart = latest(consumer).lsn();
            Poll.until(Duration.ofSeconds(60), "a cut after the restart", () -> !latest(consumer).lsn().equals(afterRestart));
            stop.set(true);
            long commits = 0;
            for (Future<Long> writer : writers) {
                commits += writer.get();
            }
            pool.shutdown();
            assertTrue(commits > 300, "the writers committed throughout: " + commits);

            Map<String, Map<Long, String>> tables = new TreeMap<>();
            for (OracleTables oracle : databases) {
                for (String table : TABLES.keySet()) {
                    tables.put("corc." + oracle.db() + ".public." + table, oracle.read(table));
                }
            }
            Map<String, Map<Long, String>> replayed = Poll.until(Duration.ofSeconds(120), "the topics to catch up", () -> {
                Map<String, Map<Long, String>> topics = new TreeMap<>();
                for (String topic : tables.keySet()) {
                    topics.put(topic, TopicReplay.replay(connect.readAll(topic)));
                }
                return topics.equals(tables) ? topics : null;
            });
            assertEquals(tables, replayed);
            for (OracleTables oracle : databases) {
                JsonNode source = JSON.readTree(connect.readAll("corc." + oracle.db() + ".public.small").get(0).value())
                        .get("source");
                assertEquals(oracle.db(), source.get("db").asText(), "source.db says the database");
            }
            Map<String, Map<Long, String>> atCut = Poll.until(Duration.ofSeconds(60), "a cut after the last write", () -> {
                Map<String, Map<Long, String>> rebuilt = rebuild(consumer.tablesAt(latest(consumer)));
                return rebuilt.equals(tables) ? rebuilt : null;
            });
            assertEquals(tables, atCut, "the latest cut, rebuilt by the example consumer, is every table");

            connect.deploy(connector, config); // c taken off the list
            Poll.until(Duration.ofSeconds(60), "the slot of " + c + " released", () -> !slotActive("corc_" + c));
            String beforeRemoval = latest(consumer).lsn();
            try (Connection connection = postgres.superuser(a); Statement statement = connection.createStatement()) {
                statement.execute("UPDATE small SET note = 'after removal' WHERE id = 1");
            }
            ClusterCutConsumer.Cut later = Poll.until(Duration.ofSeconds(60), "a cut of the two databases left", () -> {
                ClusterCutConsumer.Cut cut = latest(consumer);
                return !cut.lsn().equals(beforeRemoval) && cut.databases().size() == 2 ? cut : null;
            });
            assertEquals(new java.util.TreeSet<>(List.of(a, b)), new java.util.TreeSet<>(later.databases()),
                    "the cut spans the databases left");
            assertTrue(later.offsets().keySet().stream().noneMatch(topic -> topic.topic().startsWith("corc." + c + ".")),
                    "the cut lists no topic of the database taken off: " + later.offsets().keySet());
        } finally {
            connect.delete(connector);
            for (String db : List.of(a, b, c)) {
                postgres.dropSlotsWhenReleased(db);
            }
        }
    }

    private static ClusterCutConsumer.Cut latest(ClusterCutConsumer consumer) throws Exception {
        List<ClusterCutConsumer.Cut> cuts = consumer.cuts("corc.snapclone.progress");
        return cuts.get(cuts.size() - 1);
    }

    /** The consumer's tables as TopicReplay gives them: by id, {@code v|note}. */
    private static Map<String, Map<Long, String>> rebuild(Map<String, Map<String, JsonNode>> tables) throws Exception {
        Map<String, Map<Long, String>> rebuilt = new TreeMap<>();
        for (Map.Entry<String, Map<String, JsonNode>> table : tables.entrySet()) {
            Map<Long, String> rows = new HashMap<>();
            for (Map.Entry<String, JsonNode> row : table.getValue().entrySet()) {
                rows.put(JSON.readTree(row.getKey()).get("id").asLong(),
                        row.getValue().get("v").asInt() + "|" + row.getValue().get("note").asText());
            }
            rebuilt.put(table.getKey(), rows);
        }
        return rebuilt;
    }

    private boolean slotActive(String slot) throws Exception {
        try (Connection connection = postgres.superuser("postgres"); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT active FROM pg_replication_slots WHERE slot_name = '" + slot + "'")) {
            return rs.next() && rs.getBoolean(1);
        }
    }
}

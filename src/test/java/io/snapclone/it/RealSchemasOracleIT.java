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
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The oracle on real schemas: TOASTed values under REPLICA IDENTITY FULL and DEFAULT, a table
 * without a key, a generated column, and DDL while streaming. An application writes into every
 * table from before the connector starts (snapshot.mode=initial), through the snapshot, the
 * handover and streaming, across a task restart and four ALTER TABLEs; afterwards each topic,
 * replayed in order, equals its table on every column it can carry, and no write of the
 * application failed. One scenario ({@link #run()}), one check per table, so that each fails alone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RealSchemasOracleIT {
    private static final String CONNECTOR = "real-schemas";
    private static final String PREFIX = "rso";
    private static final List<String> TABLES = List.of("full_toast", "default_toast", "keyless", "with_generated", "evolving");
    private static final List<String> TOAST_COLUMNS = List.of("v", "blob", "doc", "nums", "body");
    private static final Set<String> BYTEA = Set.of("blob");
    private static final int STEP = 80;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TestingPostgres postgres = TestingPostgres.shared();
    private final TestingConnect connect = TestingConnect.shared();
    private final List<String> failedStates = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, List<ConsumerRecord<byte[], byte[]>>> topics = new HashMap<>();
    private final Map<String, Map<Long, Map<String, String>>> tables = new HashMap<>();
    private String db;
    private RealSchemasWriter writer;
    private long commits;
    private long startMs;

    @BeforeAll
    void run() throws Exception {
        startMs = System.currentTimeMillis();
        db = postgres.createDatabase();
        RealSchemasWriter.createTables(postgres, db, 30);
        writer = new RealSchemasWriter(postgres, db);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Future<Long> writing = pool.submit(writer::run);
        awaitCommits(STEP, "writes before the connector starts");

        Map<String, String> config = TestingConnect.connectorConfig(postgres.superuserConnectorConfig(db), PREFIX, 2, Map.of(
                "snapshot.mode", "initial", "slot.name", "real_schemas", "publication.name", "real_schemas",
                "table.include.list", "public\\.(" + String.join("|", TABLES) + ")"));
        connect.deploy(CONNECTOR, config);
        ScheduledExecutorService monitor = Executors.newSingleThreadScheduledExecutor();
        monitor.scheduleWithFixedDelay(this::recordFailedStates, 0, 250, TimeUnit.MILLISECONDS);
        try {
            Poll.until(Duration.ofSeconds(120), "the snapshot to complete",
                    () -> connect.progressEvents(PREFIX).contains("snapshot.completed"));
            awaitCommits(STEP, "streaming writes");
            ddl(1);
            connect.restartTask(CONNECTOR, 0);
            Poll.until(Duration.ofSeconds(60), "the restarted task to run", this::running);
            awaitCommits(STEP, "writes into the restarted stream");
            for (int stage = 2; stage <= RealSchemasWriter.DDL.length; stage++) {
                ddl(stage);
            }
            long rewrites = writer.finalShapeRewrites();
            Poll.until(Duration.ofSeconds(60), "whole-table rewrites of evolving after its last DDL",
                    () -> writer.finalShapeRewrites() >= rewrites + 3);
        } finally {
            writer.stop();
            commits = writing.get();
            pool.shutdown();
        }
        try (Connection connection = postgres.superuser(db)) {
            tables.put("full_toast", RowReplay.read(connection, "full_toast", TOAST_COLUMNS, BYTEA));
            tables.put("default_toast", RowReplay.read(connection, "default_toast", TOAST_COLUMNS, BYTEA));
            tables.put("with_generated", RowReplay.read(connection, "with_generated", List.of("v", "note", "doubled"), Set.of()));
            tables.put("evolving", RowReplay.read(connection, "evolving", List.of("v", "remark"), Set.of()));
        }
        try {
            // Caught up when the keyed tables match; on a mismatch the checks below report the last reading.
            Poll.until(Duration.ofSeconds(60), "the topics to catch up", () -> {
                readTopics();
                return caughtUp();
            });
        } catch (AssertionError e) {
            System.err.println("RealSchemasOracleIT: " + e.getMessage());
        }
        monitor.shutdownNow();
        System.err.println("RealSchemasOracleIT: scenario took " + (System.currentTimeMillis() - startMs) + " ms, "
                + commits + " commits");
        for (String table : TABLES) {
            System.err.println("RealSchemasOracleIT: " + table + ": " + summary(topics.get(table)));
        }
        System.err.println("RealSchemasOracleIT: default_toast: placeholder values filled from a moved row's old key: "
                + RowReplay.replay(topics.get("default_toast"), BYTEA, true).resolvedFromMovedRow);
    }

    @AfterAll
    void cleanUp() throws Exception {
        connect.delete(CONNECTOR);
        Poll.until(Duration.ofSeconds(30), "the slot to be released", () -> {
            try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement();
                 ResultSet rs = statement.executeQuery("SELECT active FROM pg_replication_slots WHERE slot_name = 'real_schemas'")) {
                return rs.next() && !rs.getBoolean(1);
            }
        });
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_drop_replication_slot('real_schemas')");
        }
    }

    /** Under FULL every record carries the real values, and the topic equals the table. */
    @Test
    void fullToastTopicEqualsTableWithRealValues() throws Exception {
        assertEquals(List.of(), writer.failures("full_toast"), "failed application writes on full_toast");
        RowReplay.Result replay = RowReplay.replay(topics.get("full_toast"), BYTEA, false);
        assertEquals(List.of(), head(replay.placeholders), "full_toast: placeholders under REPLICA IDENTITY FULL ("
                + replay.placeholders.size() + " in all)");
        assertEquals(List.of(), head(replay.orderViolations), "full_toast: per-key order");
        assertEquals(List.of(), RowReplay.differences("full_toast", tables.get("full_toast"), replay.rows, TOAST_COLUMNS, 20),
                "full_toast: topic replayed vs table (" + replay.records + " records)");
    }

    /**
     * Under DEFAULT unchanged TOASTed values are placeholders; a sink keeping the key's previous value
     * is exact. A primary-key move ({@code SET id = id + 1000000}) is a d of the old key and a c of the
     * new one whose unchanged TOASTed values are placeholders too (the old tuple holds only the key,
     * so no value exists in the stream, as in Debezium): the rule takes them from the old key deleted
     * by the same change (same source.lsn). The log line counts how often that was needed.
     */
    @Test
    void defaultToastTopicEqualsTableUnderTheSinkRule() throws Exception {
        assertEquals(List.of(), writer.failures("default_toast"), "failed application writes on default_toast");
        RowReplay.Result replay = RowReplay.replay(topics.get("default_toast"), BYTEA, true);
        assertTrue(!replay.placeholders.isEmpty(), "default_toast: no placeholder seen, the test did not exercise them");
        assertEquals(List.of(), head(replay.unresolved), "default_toast: placeholders without a previous value for the key");
        assertEquals(List.of(), head(replay.orderViolations), "default_toast: per-key order");
        assertEquals(List.of(), RowReplay.differences("default_toast", tables.get("default_toast"), replay.rows,
                TOAST_COLUMNS, 20), "default_toast: topic replayed (placeholder keeps the previous value) vs table ("
                + replay.records + " records, " + replay.placeholders.size() + " placeholders, "
                + replay.resolvedFromMovedRow + " filled from a moved row)");
    }

    /** A table without a key or replica identity: the application's UPDATE and DELETE keep working. */
    @Test
    void keylessTableNeverBreaksTheApplication() throws Exception {
        List<String> failures = writer.failures("keyless");
        assertEquals(List.of(), failures.subList(0, Math.min(5, failures.size())),
                "keyless: failed application writes (" + failures.size() + " in all)");
        assertTrue(running(), "the connector and its task run: " + connect.connectorStatus(CONNECTOR));
        int snapshotRows = 0;
        for (ConsumerRecord<byte[], byte[]> record : topics.get("keyless")) {
            if (record.value() == null) {
                continue;
            }
            JsonNode value = JSON.readTree(record.value());
            if ("r".equals(value.get("op").asText())) {
                snapshotRows++;
                Set<String> fields = new TreeSet<>();
                value.get("after").fieldNames().forEachRemaining(fields::add);
                assertEquals(Set.of("n", "v", "note"), fields, "keyless: fields of a snapshot record");
            }
        }
        assertTrue(snapshotRows >= 150, "keyless: snapshot records: " + snapshotRows);
    }

    /** Snapshot and stream records of a table with a generated column have the same fields. */
    @Test
    void generatedColumnSameFieldsInEveryRecord() throws Exception {
        assertEquals(List.of(), writer.failures("with_generated"), "failed application writes on with_generated");
        RowReplay.Result replay = RowReplay.replay(topics.get("with_generated"), Set.of(), false);
        assertEquals(1, replay.afterFieldSets.size(), "with_generated: field sets of after (each with its first record): "
                + replay.afterFieldSets);
    }

    /** The topic equals the table on the columns every record of with_generated carries. */
    @Test
    void generatedColumnTopicEqualsTable() throws Exception {
        RowReplay.Result replay = RowReplay.replay(topics.get("with_generated"), Set.of(), false);
        Set<String> common = new HashSet<>(Set.of("v", "note", "doubled"));
        replay.afterFieldSets.keySet().forEach(common::retainAll);
        assertTrue(common.containsAll(Set.of("v", "note")), "with_generated: columns in every record: " + common);
        assertEquals(List.of(), head(replay.orderViolations), "with_generated: per-key order");
        assertEquals(List.of(), RowReplay.differences("with_generated", tables.get("with_generated"), replay.rows,
                List.copyOf(new TreeSet<>(common)), 20), "with_generated: topic replayed vs table on " + common);
    }

    /** ADD, ALTER TYPE, RENAME and DROP COLUMN while streaming: the task runs on and the final state is exact. */
    @Test
    void evolvingTableFollowsDdl() throws Exception {
        assertEquals(List.of(), writer.failures("evolving"), "failed application writes or DDL on evolving");
        assertEquals(List.of(), failedStates, "FAILED connector or task states seen through REST");
        assertTrue(running(), "the connector and its task run: " + connect.connectorStatus(CONNECTOR));
        RowReplay.Result replay = RowReplay.replay(topics.get("evolving"), Set.of(), false);
        assertEquals(List.of(), head(replay.orderViolations), "evolving: per-key order");
        assertTrue(replay.afterFieldSets.keySet().stream().anyMatch(fields -> fields.contains("extra")),
                "evolving: no record carries the added column: " + replay.afterFieldSets);
        assertTrue(replay.afterFieldSets.keySet().stream().anyMatch(fields -> fields.contains("note") && fields.contains("v"))
                && replay.afterFieldSets.containsKey(new TreeSet<>(Set.of("id", "v", "remark"))),
                "evolving: field sets before the rename and after the drop: " + replay.afterFieldSets);
        Map<Long, Map<String, String>> table = tables.get("evolving");
        assertTrue(table.values().stream().anyMatch(row -> Long.parseLong(row.get("v")) > Integer.MAX_VALUE),
                "evolving: no bigint value written after ALTER TYPE");
        Set<String> finalFields = Set.of("id", "v", "remark");
        Map<Long, Map<String, String>> comparable = new HashMap<>();
        replay.rows.forEach((id, row) -> {
            if (replay.lastFields.get(id).equals(finalFields) || !table.containsKey(id)) {
                comparable.put(id, row);
            }
        });
        Map<Long, Map<String, String>> expected = new HashMap<>(table);
        expected.keySet().removeIf(id -> replay.rows.containsKey(id) && !comparable.containsKey(id));
        assertTrue(expected.size() >= table.size() * 9 / 10, "evolving: only " + expected.size() + " of " + table.size()
                + " rows were last written in the final shape");
        assertEquals(List.of(), RowReplay.differences("evolving", expected, comparable, List.of("v", "remark"), 20),
                "evolving: topic replayed vs table on the final columns (keys last written in the final shape)");
    }

    /** Records by op ("tombstone" for null values), for the log: shows what the run exercised. */
    private static Map<String, Integer> summary(List<ConsumerRecord<byte[], byte[]>> records) throws Exception {
        Map<String, Integer> ops = new java.util.TreeMap<>();
        int placeholders = 0;
        for (ConsumerRecord<byte[], byte[]> record : records) {
            String op = "tombstone";
            if (record.value() != null) {
                JsonNode value = JSON.readTree(record.value());
                op = value.get("op").asText();
                for (JsonNode field : value.path("after")) {
                    placeholders += RowReplay.isPlaceholder(field) ? 1 : 0;
                }
            }
            ops.merge(op, 1, Integer::sum);
        }
        ops.put("placeholders in after", placeholders);
        return ops;
    }

    private static List<String> head(List<String> list) {
        return list.subList(0, Math.min(10, list.size()));
    }

    private void ddl(int stage) {
        writer.requestStage(stage);
        Poll.until(Duration.ofSeconds(60), "DDL stage " + stage, () -> writer.stage() >= stage);
        awaitCommits(STEP, "writes after DDL stage " + stage);
    }

    private void awaitCommits(long more, String what) {
        long target = writer.commits() + more;
        Poll.until(Duration.ofSeconds(60), what, () -> writer.commits() >= target);
    }

    private boolean running() {
        ConnectorStateInfo status = connect.connectorStatus(CONNECTOR);
        return "RUNNING".equals(status.connector().state()) && !status.tasks().isEmpty()
                && status.tasks().stream().allMatch(task -> "RUNNING".equals(task.state()));
    }

    private void recordFailedStates() {
        try {
            ConnectorStateInfo status = connect.connectorStatus(CONNECTOR);
            if ("FAILED".equals(status.connector().state())) {
                failedStates.add("connector: " + status.connector().trace());
            }
            status.tasks().stream().filter(task -> "FAILED".equals(task.state()))
                    .forEach(task -> failedStates.add("task " + task.id() + ": " + task.trace()));
        } catch (RuntimeException e) {
            // Not created yet, or the REST call raced a restart: the next probe looks again.
        }
    }

    private void readTopics() {
        for (String table : TABLES) {
            topics.put(table, connect.readAll(PREFIX + ".public." + table));
        }
    }

    private boolean caughtUp() throws Exception {
        for (String table : List.of("full_toast", "default_toast")) {
            RowReplay.Result replay = RowReplay.replay(topics.get(table), BYTEA, table.equals("default_toast"));
            if (!RowReplay.differences(table, tables.get(table), replay.rows, TOAST_COLUMNS, 1).isEmpty()) {
                return false;
            }
        }
        RowReplay.Result generated = RowReplay.replay(topics.get("with_generated"), Set.of(), false);
        if (!RowReplay.differences("with_generated", tables.get("with_generated"), generated.rows, List.of("v", "note"), 1)
                .isEmpty()) {
            return false;
        }
        RowReplay.Result evolving = RowReplay.replay(topics.get("evolving"), Set.of(), false);
        return RowReplay.differences("evolving", tables.get("evolving"), evolving.rows, List.of("v"), 1).isEmpty();
    }
}

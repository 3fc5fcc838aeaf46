package io.snapclone.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapclone.pg.Lsn;
import io.snapclone.testing.Poll;
import io.snapclone.testing.RowReplay;
import io.snapclone.testing.TestingConnect;
import io.snapclone.testing.TestingPostgres;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Loading tables again on a slot that streams on, exactly: the new snapshot's rows, then only the
 * changes they lack, though the slot stands behind the new snapshot. After an offsets reset through
 * Connect's REST API (KIP-875), for a table whose offsets were removed, and for a table added to
 * {@code table.include.list} while the application writes.
 */
class ReloadIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOPIC = "rst.public.items";
    private final TestingPostgres postgres = TestingPostgres.shared();
    private final TestingConnect connect = TestingConnect.shared();

    @Test
    void aResetLoadsEverythingAgainAndStreamsOnWithoutRepeatingWhatTheNewSnapshotHas() throws Exception {
        String db = postgres.createDatabase();
        postgres.dropSlotsWhenReleased(db);
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE items (id bigint PRIMARY KEY, v text)");
            statement.execute("INSERT INTO items SELECT g, 'v' || g FROM generate_series(1, 100) g");
        }
        connect.deploy("reset", TestingConnect.connectorConfig(postgres.superuserConnectorConfig(db), "rst", 2,
                Map.of("snapshot.mode", "initial", "slot.name", "reset", "publication.name", "reset")));
        Poll.until(Duration.ofSeconds(90), "the first load", () -> connect.progressEvents("rst").contains("snapshot.completed"));
        write(db, "INSERT INTO items VALUES (101, 'streamed')");
        Poll.until(Duration.ofSeconds(60), "a streamed change", () -> connect.readAll(TOPIC).size() == 101);

        stop("reset");
        int before = connect.readAll(TOPIC).size();
        // Changes the slot holds, since nothing read them: the new snapshot has them too.
        write(db, "INSERT INTO items SELECT g, 'while stopped' FROM generate_series(201, 210) g");
        write(db, "UPDATE items SET v = 'changed while stopped' WHERE id = 1");
        write(db, "DELETE FROM items WHERE id = 2");
        Lsn written = currentLsn(db);
        connect.rest().resetOffsets("reset");
        connect.rest().resume("reset");

        Poll.until(Duration.ofSeconds(120), "the second load", () -> connect.progressEvents("rst").stream()
                .filter("snapshot.completed"::equals).count() == 2);
        write(db, "INSERT INTO items VALUES (301, 'after')");
        write(db, "UPDATE items SET v = 'after' WHERE id = 3");
        Poll.until(Duration.ofSeconds(60), "the changes after the reset", () -> after(before).stream()
                .anyMatch(r -> "u".equals(op(r)) && id(r) == 3));

        List<ConsumerRecord<byte[], byte[]>> reloaded = after(before);
        List<String> repeated = new ArrayList<>();
        long snapshotRows = 0;
        for (ConsumerRecord<byte[], byte[]> record : reloaded) {
            if (record.value() == null) {
                continue;
            }
            JsonNode value = JSON.readTree(record.value());
            if ("r".equals(op(record))) {
                snapshotRows++;
                assertTrue(new Lsn(value.get("source").get("lsn").asLong()).compareTo(written) >= 0,
                        "the snapshot's source.lsn is where the new snapshot stands, past the writes while stopped: "
                                + value.get("source"));
            } else if (id(record) != 301 && id(record) != 3) {
                repeated.add(op(record) + " of id " + id(record));
            }
        }
        assertEquals(List.of(), repeated, "changes the new snapshot already has, sent again");
        assertEquals(110, snapshotRows, "every row of the table once, as it was when loaded again");
        // What was loaded again and streamed since is the table (a row deleted while stopped is simply
        // not in the new load: a consumer that must see it go reads a new topic.prefix).
        try (Connection connection = postgres.superuser(db)) {
            assertEquals(List.of(), RowReplay.differences("items",
                    RowReplay.read(connection, "items", List.of("v"), Set.of()),
                    RowReplay.replay(reloaded, Set.of(), false).rows, List.of("v"), 10));
        }
        connect.delete("reset");
    }

    @Test
    void aReloadInterruptedByAConnectorRestartResumesOnItsSnapshotAndStaysExact() throws Exception {
        int rows = 200_000;
        String db = postgres.createDatabase();
        postgres.dropSlotsWhenReleased(db);
        postgres.createTable(db, "big", rows);
        connect.deploy("resumed", TestingConnect.connectorConfig(postgres.superuserConnectorConfig(db), "rsm", 1,
                Map.of("snapshot.mode", "initial", "slot.name", "resumed", "publication.name", "resumed",
                        "max.batch.size", "200", "snapshot.chunk.size", Long.toString(1L << 30))));
        Poll.until(Duration.ofSeconds(180), "the first load", () -> connect.progressEvents("rsm").contains("snapshot.completed"));
        stop("resumed");
        int before = connect.readAll("rsm.public.big").size();
        write(db, "UPDATE big SET v = 'while stopped' WHERE id <= 100");
        connect.rest().resetOffsets("resumed");
        connect.rest().resume("resumed");
        Poll.until(Duration.ofSeconds(120), "a third of the reload committed", () -> committedRows("resumed") >= rows / 3);

        connect.restartConnectorAndTasks("resumed");

        Poll.until(Duration.ofSeconds(180), "the reload completed", () -> connect.progressEvents("rsm").stream()
                .filter("snapshot.completed"::equals).count() == 2);
        write(db, "UPDATE big SET v = 'after' WHERE id = " + rows);
        assertOneSnapshotThenOnlyNewChanges("rsm.public.big", before, rows);
        connect.delete("resumed");
    }

    @Test
    void aSignalledReloadSurvivesAConnectorRestartOnItsSnapshot() throws Exception {
        int rows = 200_000;
        String db = postgres.createDatabase();
        postgres.dropSlotsWhenReleased(db);
        postgres.createTable(db, "big", rows);
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE debezium_signal (id varchar(42) PRIMARY KEY, type varchar(32) NOT NULL, "
                    + "data varchar(2048))");
        }
        connect.deploy("sigrestart", TestingConnect.connectorConfig(postgres.superuserConnectorConfig(db), "sgr", 1,
                Map.of("snapshot.mode", "initial", "slot.name", "sigrestart", "publication.name", "sigrestart",
                        "table.include.list", "public\\.big", "signal.data.collection", "public.debezium_signal",
                        "max.batch.size", "200", "snapshot.chunk.size", Long.toString(1L << 30))));
        Poll.until(Duration.ofSeconds(180), "the first load", () -> connect.progressEvents("sgr").contains("snapshot.completed"));
        int before = connect.readAll("sgr.public.big").size();
        write(db, "UPDATE big SET v = 'before the signal' WHERE id <= 100");
        write(db, "INSERT INTO debezium_signal VALUES ('again-1', 'execute-snapshot', "
                + "'{\"data-collections\": [\"public.big\"], \"type\": \"blocking\"}')");
        Poll.until(Duration.ofSeconds(120), "a third of the reload committed", () -> connect.offsets("sigrestart").offsets()
                .stream().filter(o -> o.partition().containsKey("reload") && o.offset() != null)
                .mapToLong(o -> o.offset().get("rows") instanceof Number n ? n.longValue() : 0).sum() >= rows / 3);

        connect.restartConnectorAndTasks("sigrestart");

        Poll.until(Duration.ofSeconds(180), "the reload completed", () -> connect.progressEvents("sgr").stream()
                .filter("snapshot.completed"::equals).count() == 2);
        write(db, "UPDATE big SET v = 'after' WHERE id = " + rows);
        assertOneSnapshotThenOnlyNewChanges("sgr.public.big", before, rows);
        assertTrue(!connect.progressEvents("sgr").contains("snapshot.retaken"), connect.progressEvents("sgr").toString());
        connect.delete("sigrestart");
    }

    private void stop(String connector) {
        connect.rest().stop(connector);
        Poll.until(Duration.ofSeconds(60), "the connector stopped",
                () -> "STOPPED".equals(connect.connectorStatus(connector).connector().state()));
    }

    /**
     * After an update of row {@code rows} (the last) has arrived: the records after {@code before}
     * hold every row loaded again under one snapshot, and after its first row only that update (the
     * rows that changed before the reload are in its snapshot, so none of their changes may come again).
     */
    private void assertOneSnapshotThenOnlyNewChanges(String topic, int before, int rows) {
        Poll.until(Duration.ofSeconds(60), "a change after the reload", () -> {
            List<String> ops = after(connect.readAll(topic), before).stream().map(ReloadIT::op).toList();
            return ops.lastIndexOf("u") > ops.lastIndexOf("r");
        });
        Set<Long> snapshotLsns = new java.util.TreeSet<>();
        Set<Long> reloaded = new java.util.HashSet<>();
        List<String> repeated = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : after(connect.readAll(topic), before)) {
            if ("r".equals(op(record))) {
                reloaded.add(id(record));
                snapshotLsns.add(json(record.value()).get("source").get("lsn").asLong());
            } else if (!reloaded.isEmpty() && record.value() != null && id(record) != rows) {
                repeated.add(op(record) + " of id " + id(record));
            }
        }
        assertEquals(rows, reloaded.size(), "every row loaded again");
        assertEquals(1, snapshotLsns.size(), "one snapshot, before and after the restart: " + snapshotLsns);
        assertEquals(List.of(), repeated, "changes the reload's snapshot has, sent again");
    }

    private long committedRows(String connector) {
        return connect.offsets(connector).offsets().stream().filter(o -> o.offset() != null && o.offset().get("rows") != null)
                .mapToLong(o -> ((Number) o.offset().get("rows")).longValue()).sum();
    }

    @Test
    void aTableAddedToTheIncludeListIsLoadedThenStreamedWithoutGapOrRepeat() throws Exception {
        String db = postgres.createDatabase();
        postgres.dropSlotsWhenReleased(db);
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            for (String table : List.of("first", "added")) {
                statement.execute("CREATE TABLE " + table + " (id bigint PRIMARY KEY, v bigint NOT NULL)");
                statement.execute("INSERT INTO " + table + " SELECT g, 0 FROM generate_series(1, 2000) g");
            }
        }
        Map<String, String> config = TestingConnect.connectorConfig(postgres.superuserConnectorConfig(db), "add", 2,
                Map.of("snapshot.mode", "initial", "slot.name", "added", "publication.name", "added",
                        "table.include.list", "public\\.first"));
        connect.deploy("added", config);
        Poll.until(Duration.ofSeconds(90), "the first load", () -> connect.progressEvents("add").contains("snapshot.completed"));

        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = new Thread(() -> writeUntilStopped(db, writing));
        writer.start();
        try {
            Poll.until(Duration.ofSeconds(60), "changes streamed", () -> connect.readAll("add.public.first").size() > 2100);
            Map<String, String> widened = new HashMap<>(config);
            widened.put("table.include.list", "public\\.first,public\\.added");
            connect.deploy("added", widened);
            Poll.until(Duration.ofSeconds(120), "the added table loaded and streamed", () ->
                    connect.readAll("add.public.added").stream().anyMatch(r -> r.value() != null && !"r".equals(op(r))));
            Poll.until(Duration.ofSeconds(60), "its load announced", () -> connect.progressEvents("add").stream()
                    .filter("snapshot.completed"::equals).count() == 2);
        } finally {
            writing.set(false);
            writer.join();
        }
        for (String table : List.of("first", "added")) {
            String topic = "add.public." + table;
            Map<Long, Map<String, String>> expected;
            try (Connection connection = postgres.superuser(db)) {
                expected = RowReplay.read(connection, table, List.of("v"), Set.of());
            }
            Poll.until(Duration.ofSeconds(60), table + " in Kafka as in the table", () -> RowReplay.differences(table,
                    expected, RowReplay.replay(connect.readAll(topic), Set.of(), false).rows, List.of("v"), 10).isEmpty());
        }
        assertEquals(List.of(), repeats(connect.readAll("add.public.added")),
                "each row of the added table loaded once, and then only changes its snapshot lacks");
        assertEquals(List.of(), RowReplay.replay(connect.readAll("add.public.first"), Set.of(), false).orderViolations,
                "the table streamed all along: per-key order across the restart");
        connect.delete("added");
    }

    @Test
    void aTableWhoseOffsetsAreRemovedIsLoadedAgainAloneAndExactly() throws Exception {
        String db = postgres.createDatabase();
        postgres.dropSlotsWhenReleased(db);
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            for (String table : List.of("kept", "again")) {
                statement.execute("CREATE TABLE " + table + " (id bigint PRIMARY KEY, v bigint NOT NULL)");
                statement.execute("INSERT INTO " + table + " SELECT g, 0 FROM generate_series(1, 500) g");
            }
        }
        connect.deploy("again", TestingConnect.connectorConfig(postgres.superuserConnectorConfig(db), "agn", 2,
                Map.of("snapshot.mode", "initial", "slot.name", "again", "publication.name", "again")));
        Poll.until(Duration.ofSeconds(90), "the first load", () -> connect.progressEvents("agn").contains("snapshot.completed"));
        write(db, "UPDATE again SET v = v + 1 WHERE id <= 10");
        Poll.until(Duration.ofSeconds(60), "a streamed change", () -> connect.readAll("agn.public.again").size() == 510);

        stop("again");
        write(db, "UPDATE again SET v = v + 1 WHERE id <= 20");
        write(db, "UPDATE kept SET v = v + 1 WHERE id <= 20");
        List<Map<String, Object>> removed = new ArrayList<>();
        connect.offsets("again").offsets().stream()
                .filter(offset -> "again".equals(offset.partition().get("table")))
                .forEach(offset -> {
                    Map<String, Object> entry = new HashMap<>();
                    entry.put("partition", offset.partition());
                    entry.put("offset", null);
                    removed.add(entry);
                });
        assertTrue(!removed.isEmpty(), "the table's snapshot offsets: " + connect.offsets("again").offsets());
        Map<String, Object> unknown = new HashMap<>();
        unknown.put("partition", Map.of("server", "agn", "schema", "public", "table", "nope", "block", 0));
        unknown.put("offset", Map.of("rows", 1, "done", true, "end", -1));
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> connect.rest().alterOffsets("again", List.of(unknown)));
        assertTrue(refused.getMessage().contains("public.nope, which is not a table of the database"),
                refused.getMessage());
        connect.rest().alterOffsets("again", removed);
        connect.rest().resume("again");

        Poll.until(Duration.ofSeconds(90), "the table loaded again", () -> connect.readAll("agn.public.again").stream()
                .filter(r -> "r".equals(op(r))).count() == 1000);
        Poll.until(Duration.ofSeconds(60), "the reload announced", () -> connect.progressEvents("agn").stream()
                .filter("snapshot.completed"::equals).count() == 2);
        write(db, "UPDATE again SET v = v + 1 WHERE id = 500");
        Poll.until(Duration.ofSeconds(60), "a change after the second load", () -> connect.readAll("agn.public.again")
                .stream().anyMatch(r -> "u".equals(op(r)) && id(r) == 500));
        assertEquals(List.of(), repeats(after(connect.readAll("agn.public.again"), 510)),
                "the table's second load, then only the changes it lacks");
        assertEquals(520, connect.readAll("agn.public.kept").size(),
                "the other table is not loaded again: its 500 rows, then its 20 changes, streamed once");
        connect.delete("again");
    }

    @Test
    void aSignalLoadsTablesAgainWhileTheApplicationWritesAndBadSignalsAreAnsweredNotFatal() throws Exception {
        String db = postgres.createDatabase();
        postgres.dropSlotsWhenReleased(db);
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE first (id bigint PRIMARY KEY, v bigint NOT NULL)");
            statement.execute("INSERT INTO first SELECT g, 0 FROM generate_series(1, 2000) g");
            statement.execute("CREATE TABLE added (id bigint PRIMARY KEY, v bigint NOT NULL)");
            statement.execute("INSERT INTO added SELECT g, 0 FROM generate_series(1, 2000) g");
            statement.execute("CREATE TABLE keyless (n bigint NOT NULL)");
            statement.execute("ALTER TABLE keyless REPLICA IDENTITY FULL");
            statement.execute("INSERT INTO keyless SELECT generate_series(1, 300)");
            statement.execute("CREATE TABLE debezium_signal (id varchar(42) PRIMARY KEY, type varchar(32) NOT NULL, "
                    + "data varchar(2048))");
        }
        connect.deploy("signals", TestingConnect.connectorConfig(postgres.superuserConnectorConfig(db), "sig", 2,
                Map.of("snapshot.mode", "initial", "slot.name", "signals", "publication.name", "signals",
                        "table.include.list", "public\\.(first|added|keyless)",
                        "signal.data.collection", "public.debezium_signal")));
        Poll.until(Duration.ofSeconds(90), "the first load", () -> connect.progressEvents("sig").contains("snapshot.completed"));

        write(db, "INSERT INTO debezium_signal VALUES ('bad-1', 'execute-snapshot', '{\"data-collections\": [\"public.nope\"]}')");
        write(db, "INSERT INTO debezium_signal VALUES ('bad-2', 'execute-snapshot', 'not json')");
        Poll.until(Duration.ofSeconds(60), "both bad signals answered", () -> connect.progressEvents("sig").stream()
                .filter("signal.rejected"::equals).count() == 2);

        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = new Thread(() -> writeUntilStopped(db, writing));
        writer.start();
        int before;
        try {
            Poll.until(Duration.ofSeconds(60), "changes streamed", () -> connect.readAll("sig.public.added").size() > 2100);
            before = connect.readAll("sig.public.added").size();
            write(db, "INSERT INTO debezium_signal VALUES ('reload-1', 'execute-snapshot', "
                    + "'{\"data-collections\": [\"public.added\", \"public.keyless\"], \"type\": \"blocking\"}')");
            Poll.until(Duration.ofSeconds(120), "the reload done and announced", () -> connect.progressEvents("sig")
                    .stream().filter("snapshot.completed"::equals).count() == 2);
            Poll.until(Duration.ofSeconds(60), "streaming again after the reload", () -> {
                List<String> ops = after(connect.readAll("sig.public.added"), before).stream().map(ReloadIT::op).toList();
                return ops.lastIndexOf("u") > ops.lastIndexOf("r") && ops.contains("r");
            });
        } finally {
            writing.set(false);
            writer.join();
        }
        assertEquals(2, connect.progressEvents("sig").stream().filter("snapshot.requested"::equals).count());
        for (String table : List.of("first", "added")) {
            Map<Long, Map<String, String>> expected;
            try (Connection connection = postgres.superuser(db)) {
                expected = RowReplay.read(connection, table, List.of("v"), Set.of());
            }
            Poll.until(Duration.ofSeconds(60), table + " in Kafka as in the table", () -> RowReplay.differences(table,
                    expected, RowReplay.replay(connect.readAll("sig.public." + table), Set.of(), false).rows,
                    List.of("v"), 10).isEmpty());
        }
        assertEquals(List.of(), repeats(after(connect.readAll("sig.public.added"), before)),
                "the reloaded table: each row once, then only changes its new snapshot lacks");
        assertEquals(List.of(), RowReplay.replay(connect.readAll("sig.public.first"), Set.of(), false).orderViolations,
                "the table not reloaded: per-key order across the pause");
        assertEquals(600, connect.readAll("sig.public.keyless").stream().filter(r -> "r".equals(op(r))).count(),
                "the keyless table loaded twice: 300 rows each time");
        assertEquals("RUNNING", connect.connectorStatus("signals").tasks().get(0).state());
        connect.delete("signals");
    }

    /** The violations of "one snapshot row per key, then only changes that make v grow" (the writer's rule). */
    private static List<String> repeats(List<ConsumerRecord<byte[], byte[]>> records) {
        List<String> violations = new ArrayList<>();
        Map<Long, Long> snapshotV = new HashMap<>();
        Map<Long, Long> lastV = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            if (record.value() == null) {
                continue;
            }
            long id = id(record);
            String op = op(record);
            JsonNode after = json(record.value()).get("after");
            long v = after == null || after.isNull() ? Long.MAX_VALUE : after.get("v").asLong();
            if ("r".equals(op)) {
                if (snapshotV.put(id, v) != null) {
                    violations.add("id " + id + " loaded twice");
                }
            } else if (lastV.containsKey(id) && v <= lastV.get(id)) {
                violations.add(op + " of id " + id + " with v " + v + " after v " + lastV.get(id) + ": sent again");
            }
            lastV.put(id, v);
        }
        return violations;
    }

    /** Inserts rows and increments v of random ones, in both tables, one statement a transaction. */
    private void writeUntilStopped(String db, AtomicBoolean writing) {
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            long next = 10_000;
            while (writing.get()) {
                for (String table : List.of("first", "added")) {
                    statement.execute("INSERT INTO " + table + " VALUES (" + next + ", 0)");
                    statement.execute("UPDATE " + table + " SET v = v + 1 WHERE id = "
                            + ThreadLocalRandom.current().nextLong(1, 2001));
                }
                next++;
            }
        } catch (Exception e) {
            throw new IllegalStateException("the writer failed", e);
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> after(List<ConsumerRecord<byte[], byte[]>> all, int before) {
        return all.subList(Math.min(before, all.size()), all.size());
    }

    private List<ConsumerRecord<byte[], byte[]>> after(int before) {
        List<ConsumerRecord<byte[], byte[]>> all = connect.readAll(TOPIC);
        return all.subList(Math.min(before, all.size()), all.size());
    }

    private static String op(ConsumerRecord<byte[], byte[]> record) {
        return record.value() == null ? "tombstone" : json(record.value()).get("op").asText();
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

    private Lsn currentLsn(String db) throws Exception {
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT pg_current_wal_lsn()")) {
            rs.next();
            return Lsn.parse(rs.getString(1));
        }
    }
}

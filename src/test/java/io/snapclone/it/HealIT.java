package io.snapclone.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.snapclone.pg.ConnectionSettings;
import io.snapclone.pg.snapshot.SnapshotId;
import io.snapclone.pg.snapshot.SnapshotSession;
import io.snapclone.pg.snapshot.SnapshotUnavailableException;
import io.snapclone.testing.Poll;
import io.snapclone.testing.TcpProxy;
import io.snapclone.testing.TestingConnect;
import io.snapclone.testing.TestingPostgres;
import io.snapclone.testing.TopicReplay;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorOffset;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Heal without a person: a database crash-restart, a network cut and a silent partition, each
 * while streaming and (the first two) in the middle of the snapshot, with a writer that keeps
 * committing inserts, updates (also of primary keys) and deletes through the fault. Nobody calls
 * a REST restart: afterwards the connector and its tasks are RUNNING and every topic, replayed in
 * order, equals its table.
 */
class HealIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Short, so that a test is not spent waiting for the default 10 s between attempts. */
    private static final Map<String, String> HEALING = Map.of("snapshot.mode", "initial",
            "retriable.restart.connector.wait.ms", "2000", "errors.max.retries", "-1");

    private final TestingConnect connect = TestingConnect.shared();
    private StatusWatcher watcher;

    @org.junit.jupiter.api.AfterEach
    void stopWatching() {
        if (watcher != null) {
            watcher.close();
        }
    }

    /**
     * The tasks PostgreSQL breaks must heal inside: a rebalance or a reconfiguration restarts even a
     * FAILED task, so the state at the end does not show a task that failed on the way.
     */
    private void watch(String connector) {
        watcher = new StatusWatcher(connector);
    }

    /**
     * Snapshots nobody holds any more must be reported as such (the task then waits for a new
     * plan), not as a failure that needs a person. Pins down the SQLSTATE PostgreSQL gives.
     */
    @Test
    void importingASnapshotNobodyHoldsIsUnavailableNotFatal() throws Exception {
        TestingPostgres postgres = TestingPostgres.shared();
        String db = postgres.createDatabase();
        String id;
        try (Connection exporter = postgres.superuser(db); Statement statement = exporter.createStatement()) {
            exporter.setAutoCommit(false);
            statement.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
            try (ResultSet rs = statement.executeQuery("SELECT pg_export_snapshot()")) {
                rs.next();
                id = rs.getString(1);
            }
            exporter.commit();
        }
        String state;
        try (Connection importer = postgres.superuser(db); Statement statement = importer.createStatement()) {
            importer.setAutoCommit(false);
            statement.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
            SQLException e = assertThrows(SQLException.class, () -> statement.execute("SET TRANSACTION SNAPSHOT '" + id + "'"));
            state = e.getSQLState() + " " + e.getMessage();
        }
        ConnectionSettings settings = new ConnectionSettings(postgres.host(), postgres.port(), db, "postgres", null,
                "disable", 10);
        try {
            SnapshotSession.open(settings, "heal-it", new SnapshotId(id)).close();
            fail("imported a snapshot whose exporter has ended");
        } catch (SnapshotUnavailableException expected) {
            // What SnapshotPhase waits on.
        } catch (SQLException e) {
            fail("PostgreSQL says " + state + "; SnapshotSession.open throws " + e.getClass().getSimpleName()
                    + " instead of SnapshotUnavailableException, which SnapshotPhase treats as fatal", e);
        }
    }

    @Test
    void postgresRestartWhileStreaming() throws Exception {
        TestingPostgres postgres = TestingPostgres.start(Map.of());
        try {
            Tables tables = new Tables(postgres, Map.of("alpha", 3_000, "beta", 500));
            try (Writer writer = new Writer(postgres, tables, 1)) {
                watch("heal-crash-stream");
                connect.deploy("heal-crash-stream", config(postgres.superuserConnectorConfig(tables.db), "healcs",
                        "heal_cs", Map.of("max.batch.size", "500")));
                awaitStreaming("healcs", tables, postgres, "heal_cs");

                long before = writer.commits();
                postgres.crashRestart();
                writer.awaitCommitsAfter(before + 300, Duration.ofSeconds(30));
                writer.stop();
            }
            assertTopicsEqualTables("healcs", tables);
            assertRunningWithoutRestarts("heal-crash-stream");
            assertNeverFailed();
        } finally {
            deleteQuietly("heal-crash-stream");
            postgres.close();
        }
    }

    @Test
    void postgresRestartDuringSnapshot() throws Exception {
        TestingPostgres postgres = TestingPostgres.start(Map.of());
        try {
            Tables tables = new Tables(postgres, Map.of("big", 200_000, "small", 2_000, "gate", 100));
            try (Writer writer = new Writer(postgres, tables, 2, "big", "small")) {
                try (Connection locker = postgres.superuser(tables.db); Statement lock = locker.createStatement()) {
                    watch("heal-crash-snap");
                connect.deploy("heal-crash-snap", config(postgres.superuserConnectorConfig(tables.db), "healcn",
                            "heal_cn", Map.of("max.batch.size", "200", "snapshot.chunk.size", "1048576",
                                    "tasks.max", "2")));
                    Poll.until(Duration.ofSeconds(60), "the plan", () -> !connect.taskConfigs("heal-crash-snap").isEmpty());
                    // Holds the snapshot back: the chunk of gate cannot be read while this lock is held.
                    locker.setAutoCommit(false);
                    lock.execute("LOCK TABLE gate IN ACCESS EXCLUSIVE MODE");
                    long sent = Poll.until(Duration.ofSeconds(60), "a part of big committed", () -> {
                        long rows = committedRows("heal-crash-snap", "big");
                        return rows >= 20_000 ? rows : null;
                    });
                    System.out.printf("HealIT.postgresRestartDuringSnapshot: crashing with %d rows of big committed, "
                            + "events %s%n", sent, connect.progressEvents("healcn"));
                    assertTrue(!connect.progressEvents("healcn").contains("snapshot.completed"), "mid-snapshot");
                    long before = writer.commits();
                    postgres.crashRestart(); // ends the lock too
                    writer.awaitCommitsAfter(before + 300, Duration.ofSeconds(30));
                }
                Poll.until(Duration.ofSeconds(120), "the snapshot to complete after the crash",
                        () -> connect.progressEvents("healcn").contains("snapshot.completed"));
                writer.awaitCommitsAfter(writer.commits() + 200, Duration.ofSeconds(30)); // into the stream
                writer.stop();
            }
            assertTopicsEqualTables("healcn", tables);
            List<String> events = connect.progressEvents("healcn");
            assertTrue(events.contains("snapshot.retaken"), "no session held the snapshot after the crash: " + events);
            assertRunningWithoutRestarts("heal-crash-snap");
            assertNeverFailed();
        } finally {
            deleteQuietly("heal-crash-snap");
            postgres.close();
        }
    }

    @Test
    void networkCutWhileStreaming() throws Exception {
        TestingPostgres postgres = TestingPostgres.shared();
        Tables tables = new Tables(postgres, Map.of("alpha", 3_000, "beta", 500));
        // Closed after the connector is deleted: closing it cuts the connector's connections.
        TcpProxy proxy = TcpProxy.start(postgres.host(), postgres.port());
        try {
            try (Writer writer = new Writer(postgres, tables, 3)) {
                watch("heal-cut-stream");
                connect.deploy("heal-cut-stream", config(throughProxy(postgres, tables.db, proxy), "healns",
                        "heal_ns", Map.of("max.batch.size", "500")));
                awaitStreaming("healns", tables, postgres, "heal_ns");

                long before = writer.commits();
                proxy.cut();
                writer.awaitCommitsAfter(before + 300, Duration.ofSeconds(30));
                Poll.until(Duration.ofSeconds(10), "5 s of cut", new Elapsed(Duration.ofSeconds(5)));
                proxy.restore();
                writer.awaitCommitsAfter(writer.commits() + 200, Duration.ofSeconds(30));
                writer.stop();
            }
            assertTopicsEqualTables("healns", tables);
            assertRunningWithoutRestarts("heal-cut-stream");
            assertNeverFailed();
        } finally {
            deleteQuietly("heal-cut-stream");
            proxy.close();
            dropSlot(postgres, tables.db, "heal_ns");
        }
    }

    @Test
    void networkCutDuringSnapshot() throws Exception {
        TestingPostgres postgres = TestingPostgres.shared();
        Tables tables = new Tables(postgres, Map.of("big", 200_000, "small", 2_000, "gate", 100));
        // Closed after the connector is deleted: closing it cuts the connector's connections.
        TcpProxy proxy = TcpProxy.start(postgres.host(), postgres.port());
        try {
            try (Writer writer = new Writer(postgres, tables, 4, "big", "small")) {
                // The lock goes around the proxy: the cut must not end it.
                try (Connection locker = postgres.superuser(tables.db); Statement lock = locker.createStatement()) {
                    watch("heal-cut-snap");
                connect.deploy("heal-cut-snap", config(throughProxy(postgres, tables.db, proxy), "healnn",
                            "heal_nn", Map.of("max.batch.size", "200", "snapshot.chunk.size", "1048576",
                                    "tasks.max", "2")));
                    Poll.until(Duration.ofSeconds(60), "the plan", () -> !connect.taskConfigs("heal-cut-snap").isEmpty());
                    locker.setAutoCommit(false);
                    lock.execute("LOCK TABLE gate IN ACCESS EXCLUSIVE MODE");
                    long sent = Poll.until(Duration.ofSeconds(60), "a part of big committed", () -> {
                        long rows = committedRows("heal-cut-snap", "big");
                        return rows >= 20_000 ? rows : null;
                    });
                    System.out.printf("HealIT.networkCutDuringSnapshot: cutting with %d rows of big committed, "
                            + "events %s%n", sent, connect.progressEvents("healnn"));
                    assertTrue(!connect.progressEvents("healnn").contains("snapshot.completed"), "mid-snapshot");
                    proxy.cut();
                    Poll.until(Duration.ofSeconds(10), "5 s of cut", new Elapsed(Duration.ofSeconds(5)));
                    proxy.restore();
                    locker.rollback();
                }
                Poll.until(Duration.ofSeconds(120), "the snapshot to complete after the cut",
                        () -> connect.progressEvents("healnn").contains("snapshot.completed"));
                writer.awaitCommitsAfter(writer.commits() + 200, Duration.ofSeconds(30)); // into the stream
                writer.stop();
            }
            assertTopicsEqualTables("healnn", tables);
            assertRunningWithoutRestarts("heal-cut-snap");
            assertNeverFailed();
            System.out.println("HealIT.networkCutDuringSnapshot: events " + connect.progressEvents("healnn"));
        } finally {
            deleteQuietly("heal-cut-snap");
            proxy.close();
            dropSlot(postgres, tables.db, "heal_nn");
        }
    }

    @Test
    void silentPartitionWhileStreaming() throws Exception {
        TestingPostgres postgres = TestingPostgres.shared();
        Tables tables = new Tables(postgres, Map.of("alpha", 3_000, "beta", 500));
        // Closed after the connector is deleted: closing it cuts the connector's connections.
        TcpProxy proxy = TcpProxy.start(postgres.host(), postgres.port());
        try {
            try (Writer writer = new Writer(postgres, tables, 5)) {
                watch("heal-hole-stream");
                connect.deploy("heal-hole-stream", config(throughProxy(postgres, tables.db, proxy), "healbs",
                        "heal_bs", Map.of("max.batch.size", "500")));
                awaitStreaming("healbs", tables, postgres, "heal_bs");

                long before = writer.commits();
                proxy.blackhole();
                writer.awaitCommitsAfter(before + 300, Duration.ofSeconds(30));
                Poll.until(Duration.ofSeconds(15), "8 s of silence", new Elapsed(Duration.ofSeconds(8)));
                proxy.restore();
                writer.awaitCommitsAfter(writer.commits() + 200, Duration.ofSeconds(30));
                writer.stop();
            }
            assertTopicsEqualTables("healbs", tables);
            assertRunningWithoutRestarts("heal-hole-stream");
            assertNeverFailed();
        } finally {
            deleteQuietly("heal-hole-stream");
            proxy.close();
            dropSlot(postgres, tables.db, "heal_bs");
        }
    }

    /**
     * A silent partition that never heals for the connections already open (a NAT or firewall
     * that lost its state, a failover behind a virtual IP), while new connections work: nothing
     * fails and nothing arrives. Only deadlines notice: the catalog session's read deadline and
     * the check that the slot's reader is still this task's replication connection.
     */
    @Test
    void strandedStreamIsNoticedAndReplaced() throws Exception {
        TestingPostgres postgres = TestingPostgres.shared();
        Tables tables = new Tables(postgres, Map.of("alpha", 3_000, "beta", 500));
        TcpProxy proxy = TcpProxy.start(postgres.host(), postgres.port());
        try {
            try (Writer writer = new Writer(postgres, tables, 6)) {
                watch("heal-strand-stream");
                connect.deploy("heal-strand-stream", config(throughProxy(postgres, tables.db, proxy), "healss",
                        "heal_ss", Map.of("max.batch.size", "500")));
                awaitStreaming("healss", tables, postgres, "heal_ss");
                long stranded = activePid(postgres, tables.db, "heal_ss");
                proxy.strand();
                long replaced = Poll.until(Duration.ofSeconds(90), "the stream to notice the silence and read the slot "
                        + "through a new session (the stranded one is " + stranded + ")", () -> {
                    long pid = activePid(postgres, tables.db, "heal_ss");
                    return pid != 0 && pid != stranded ? pid : null;
                });
                System.out.println("HealIT.strandedStreamIsNoticedAndReplaced: walsender " + stranded + " replaced by "
                        + replaced);
                writer.awaitCommitsAfter(writer.commits() + 200, Duration.ofSeconds(30));
                writer.stop();
            }
            assertTopicsEqualTables("healss", tables);
            assertRunningWithoutRestarts("heal-strand-stream");
            assertNeverFailed();
        } finally {
            deleteQuietly("heal-strand-stream");
            proxy.close();
            dropSlot(postgres, tables.db, "heal_ss");
        }
    }

    private static long activePid(TestingPostgres postgres, String db, String slot) throws SQLException {
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT coalesce(active_pid, 0) FROM pg_replication_slots "
                     + "WHERE slot_name = '" + slot + "'")) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    private static Map<String, String> config(Map<String, String> database, String prefix, String slot,
                                              Map<String, String> overrides) {
        Map<String, String> config = new HashMap<>(HEALING);
        config.put("slot.name", slot);
        config.put("publication.name", slot);
        config.putAll(overrides);
        int tasks = Integer.parseInt(config.getOrDefault("tasks.max", "1"));
        return TestingConnect.connectorConfig(database, prefix, tasks, config);
    }

    private static Map<String, String> throughProxy(TestingPostgres postgres, String db, TcpProxy proxy) {
        Map<String, String> database = postgres.superuserConnectorConfig(db);
        database.put("database.hostname", proxy.host());
        database.put("database.port", Integer.toString(proxy.port()));
        return database;
    }

    /** The snapshot is complete, the slot is read, and a change from the stream has reached a topic. */
    private void awaitStreaming(String prefix, Tables tables, TestingPostgres postgres, String slot) {
        Poll.until(Duration.ofSeconds(90), "the snapshot to complete",
                () -> connect.progressEvents(prefix).contains("snapshot.completed"));
        Poll.until(Duration.ofSeconds(60), "slot " + slot + " to be read", () -> slotActive(postgres, tables.db, slot));
        Poll.until(Duration.ofSeconds(60), "a change from the stream", () -> {
            for (String table : tables.rows.keySet()) {
                for (ConsumerRecord<byte[], byte[]> record : connect.readAll(prefix + ".public." + table)) {
                    if (record.value() != null && !"r".equals(JSON.readTree(record.value()).get("op").asText())) {
                        return true;
                    }
                }
            }
            return false;
        });
    }

    private static boolean slotActive(TestingPostgres postgres, String db, String slot) throws SQLException {
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT active FROM pg_replication_slots WHERE slot_name = '" + slot + "'")) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    /** Rows of a table committed so far, summed over its chunks' committed offsets. */
    private long committedRows(String connector, String table) {
        long rows = 0;
        for (ConnectorOffset offset : connect.offsets(connector).offsets()) {
            if (offset.offset() != null && table.equals(offset.partition().get("table"))
                    && offset.offset().get("rows") instanceof Number number) {
                rows += number.longValue();
            }
        }
        return rows;
    }

    /** Every topic replayed equals its table; on a time-out, says which keys differ and how. */
    private void assertTopicsEqualTables(String prefix, Tables tables) throws Exception {
        Map<String, Map<Long, String>> expected = tables.read();
        AtomicReference<Map<String, Map<Long, String>>> last = new AtomicReference<>();
        try {
            Poll.until(Duration.ofSeconds(90), "the topics to equal the tables", () -> {
                Map<String, Map<Long, String>> topics = new TreeMap<>();
                for (String table : expected.keySet()) {
                    topics.put(table, TopicReplay.replay(connect.readAll(prefix + ".public." + table)));
                }
                last.set(topics);
                return topics.equals(expected);
            });
        } catch (AssertionError e) {
            fail("topics differ from tables: " + difference(expected, last.get()), e);
        }
    }

    private static String difference(Map<String, Map<Long, String>> tables, Map<String, Map<Long, String>> topics) {
        if (topics == null) {
            return "topics never read";
        }
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, Map<Long, String>> table : tables.entrySet()) {
            Map<Long, String> want = table.getValue();
            Map<Long, String> got = topics.getOrDefault(table.getKey(), Map.of());
            List<String> missing = new ArrayList<>();
            List<String> phantoms = new ArrayList<>();
            List<String> stale = new ArrayList<>();
            want.forEach((id, row) -> {
                if (!got.containsKey(id)) {
                    missing.add(id + "=" + row);
                } else if (!got.get(id).equals(row)) {
                    stale.add(id + ": table " + row + ", topic " + got.get(id));
                }
            });
            got.forEach((id, row) -> {
                if (!want.containsKey(id)) {
                    phantoms.add(id + "=" + row);
                }
            });
            if (!missing.isEmpty() || !phantoms.isEmpty() || !stale.isEmpty()) {
                out.append(String.format("%n  %s: %d rows in table, %d in topic; %d missing %s; %d phantoms %s; "
                        + "%d different %s", table.getKey(), want.size(), got.size(), missing.size(), first(missing),
                        phantoms.size(), first(phantoms), stale.size(), first(stale)));
            }
        }
        return out.toString();
    }

    private static List<String> first(List<String> items) {
        return items.subList(0, Math.min(5, items.size()));
    }

    /** Connector and every task RUNNING through REST; no test here ever calls a REST restart. */
    private void assertRunningWithoutRestarts(String connector) {
        ConnectorStateInfo[] status = new ConnectorStateInfo[1];
        try {
            Poll.until(Duration.ofSeconds(30), connector + " and its tasks RUNNING", () -> {
                status[0] = connect.connectorStatus(connector);
                return "RUNNING".equals(status[0].connector().state()) && !status[0].tasks().isEmpty()
                        && status[0].tasks().stream().allMatch(task -> "RUNNING".equals(task.state()));
            });
        } catch (AssertionError e) {
            StringBuilder states = new StringBuilder();
            if (status[0] != null) {
                states.append("connector ").append(status[0].connector().state()).append(' ')
                        .append(status[0].connector().trace());
                status[0].tasks().forEach(task -> states.append("; task ").append(task.id()).append(' ')
                        .append(task.state()).append(' ').append(task.trace()));
            }
            fail("not healed by itself: " + states, e);
        }
        assertEquals("RUNNING", status[0].connector().state());
    }

    private void assertNeverFailed() {
        watcher.close();
        assertTrue(watcher.failures.isEmpty(), "a task or the connector FAILED on the way (REST status seen "
                + "every 100 ms, and Connect's log): " + watcher.failures);
    }

    /** Samples the REST status every 200 ms and records every FAILED state it sees. */
    private final class StatusWatcher implements AutoCloseable {
        final List<String> failures = new CopyOnWriteArrayList<>();
        private final Thread thread;
        private volatile boolean stop;

        private final AbstractAppender appender;

        StatusWatcher(String connector) {
            // A reconfiguration can restart a FAILED task within 100 ms: Connect's log sees every failure.
            appender = new AbstractAppender("heal-" + connector, null, null, true, Property.EMPTY_ARRAY) {
                @Override
                public void append(LogEvent event) {
                    String message = event.getMessage().getFormattedMessage();
                    if (event.getLevel().isMoreSpecificThan(Level.ERROR) && event.getThreadName().contains(connector)
                            && message.contains("unrecoverable")) {
                        Throwable thrown = event.getThrown();
                        failures.add(event.getThreadName() + " logged: " + message
                                + (thrown == null ? "" : " " + thrown));
                    }
                }
            };
            appender.start();
            LoggerContext context = (LoggerContext) LogManager.getContext(false);
            context.getConfiguration().getRootLogger().addAppender(appender, Level.ERROR, null);
            context.updateLoggers();
            thread = new Thread(() -> {
                while (!stop) {
                    try {
                        ConnectorStateInfo status = connect.connectorStatus(connector);
                        if ("FAILED".equals(status.connector().state())) {
                            failures.add("connector: " + firstLine(status.connector().trace()));
                        }
                        status.tasks().stream().filter(task -> "FAILED".equals(task.state())).forEach(task ->
                                failures.add("task " + task.id() + ": " + firstLine(task.trace())));
                    } catch (RuntimeException e) {
                        // Not deployed yet, or being reconfigured.
                    }
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
                }
            }, "heal-status-" + connector);
            thread.setDaemon(true);
            thread.start();
        }

        private String firstLine(String trace) {
            return trace == null ? "" : trace.lines().findFirst().orElse("");
        }

        @Override
        public void close() {
            stop = true;
            LoggerContext context = (LoggerContext) LogManager.getContext(false);
            context.getConfiguration().getRootLogger().removeAppender(appender.getName());
            context.updateLoggers();
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void deleteQuietly(String connector) {
        try {
            connect.delete(connector);
        } catch (RuntimeException e) {
            System.out.println("HealIT: could not delete " + connector + ": " + e);
        }
    }

    /** Slots outlive connectors and keep WAL on the shared server. */
    private static void dropSlot(TestingPostgres postgres, String db, String slot) {
        try {
            Poll.until(Duration.ofSeconds(30), "slot " + slot + " released", () -> !slotActive(postgres, db, slot));
            try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
                statement.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
                        + "WHERE slot_name = '" + slot + "'");
            }
        } catch (Exception | AssertionError e) {
            System.out.println("HealIT: could not drop slot " + slot + ": " + e);
        }
    }

    /** True once {@code duration} has passed since it was made: a fault that lasts, without a sleep. */
    private static final class Elapsed implements java.util.concurrent.Callable<Boolean> {
        private final long end;

        Elapsed(Duration duration) {
            this.end = System.nanoTime() + duration.toNanos();
        }

        @Override
        public Boolean call() {
            return System.nanoTime() - end >= 0;
        }
    }

    /** Tables {@code (id bigint PRIMARY KEY, v int NOT NULL, note text)} in a new database of their own. */
    private static final class Tables {
        final TestingPostgres postgres;
        final String db;
        final Map<String, Integer> rows;

        Tables(TestingPostgres postgres, Map<String, Integer> rows) throws SQLException {
            this.postgres = postgres;
            this.db = postgres.createDatabase();
            this.rows = new LinkedHashMap<>(rows);
            try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
                for (Map.Entry<String, Integer> table : rows.entrySet()) {
                    statement.execute("CREATE TABLE " + table.getKey() + " (id bigint PRIMARY KEY, v int NOT NULL, note text)");
                    statement.execute("INSERT INTO " + table.getKey() + " SELECT g, 0, 'start ' || g FROM generate_series(1, "
                            + table.getValue() + ") g");
                    statement.execute("ANALYZE " + table.getKey());
                }
            }
        }

        /** The committed state of every table. */
        Map<String, Map<Long, String>> read() throws SQLException {
            Map<String, Map<Long, String>> tables = new TreeMap<>();
            try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
                for (String table : rows.keySet()) {
                    Map<Long, String> content = new HashMap<>();
                    try (ResultSet rs = statement.executeQuery("SELECT id, v, note FROM " + table)) {
                        while (rs.next()) {
                            content.put(rs.getLong(1), rs.getInt(2) + "|" + rs.getString(3));
                        }
                    }
                    tables.put(table, content);
                }
            }
            return tables;
        }
    }

    /**
     * Commits random inserts, updates (also of primary keys) and deletes, some rolled back, about
     * 200 transactions a second, straight to PostgreSQL (never through a proxy). While the server is
     * down it retries with a new connection; a transaction whose commit failed may or may not have
     * committed, which is why tests compare the tables as they end, not a count.
     */
    private static final class Writer implements AutoCloseable {
        private final TestingPostgres postgres;
        private final Tables tables;
        private final List<String> written;
        private final Random random;
        private final AtomicLong commits = new AtomicLong();
        private final AtomicLong failures = new AtomicLong();
        private final Thread thread;
        private volatile boolean stop;
        private volatile Throwable died;
        private long nextId = 1_000_000;

        Writer(TestingPostgres postgres, Tables tables, long seed, String... written) {
            this.postgres = postgres;
            this.tables = tables;
            this.written = written.length == 0 ? List.copyOf(tables.rows.keySet()) : List.of(written);
            this.random = new Random(seed);
            this.thread = new Thread(this::run, "heal-writer-" + seed);
            thread.setDaemon(true);
            thread.start();
        }

        long commits() {
            return commits.get();
        }

        void awaitCommitsAfter(long count, Duration timeout) {
            Poll.until(timeout, count + " commits (writer failures so far " + failures.get() + ")", () -> {
                if (died != null) {
                    throw new AssertionError("the writer died", died);
                }
                return commits.get() >= count;
            });
        }

        void stop() throws InterruptedException {
            stop = true;
            thread.join(TimeUnit.SECONDS.toMillis(30));
            if (died != null) {
                throw new AssertionError("the writer died", died);
            }
            System.out.printf("HealIT writer %s: %d commits, %d failed attempts%n", thread.getName(), commits.get(),
                    failures.get());
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            thread.join(TimeUnit.SECONDS.toMillis(30));
        }

        private void run() {
            Connection connection = null;
            try {
                while (!stop) {
                    try {
                        if (connection == null) {
                            connection = postgres.superuser(tables.db);
                            connection.setAutoCommit(false);
                        }
                        transaction(connection);
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                    } catch (SQLException e) {
                        // The server is down or restarting: try again with a new connection.
                        failures.incrementAndGet();
                        closeQuietly(connection);
                        connection = null;
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
                    }
                }
            } catch (RuntimeException | Error e) {
                died = e;
            } finally {
                closeQuietly(connection);
            }
        }

        private void transaction(Connection connection) throws SQLException {
            try (Statement statement = connection.createStatement()) {
                for (int i = 0; i < 1 + random.nextInt(4); i++) {
                    String table = written.get(random.nextInt(written.size()));
                    long id = 1 + random.nextInt(tables.rows.get(table));
                    switch (random.nextInt(6)) {
                        case 0 -> statement.execute("INSERT INTO " + table + " VALUES (" + nextId++ + ", 1, 'inserted')");
                        case 1, 2 -> statement.execute("UPDATE " + table + " SET v = v + 1, note = 'updated' WHERE id = " + id);
                        case 3 -> statement.execute("UPDATE " + table + " SET id = " + nextId++ + " WHERE id = " + id);
                        case 4 -> statement.execute("DELETE FROM " + table + " WHERE id = " + id);
                        default -> statement.execute("UPDATE " + table + " SET v = v + 1, note = 'moved' WHERE id = "
                                + (nextId - 1 - random.nextInt(50)));
                    }
                }
                if (random.nextInt(10) == 0) {
                    connection.rollback();
                } else {
                    connection.commit();
                    commits.incrementAndGet();
                }
            }
        }

        private static void closeQuietly(Connection connection) {
            if (connection != null) {
                try {
                    connection.close();
                } catch (SQLException ignored) {
                    // Broken anyway.
                }
            }
        }
    }
}

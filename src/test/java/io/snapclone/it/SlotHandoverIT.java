package io.snapclone.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapclone.pg.ConnectionSettings;
import io.snapclone.pg.Lsn;
import io.snapclone.pg.TableId;
import io.snapclone.pg.pgoutput.ColumnValue;
import io.snapclone.pg.pgoutput.Commit;
import io.snapclone.pg.pgoutput.Delete;
import io.snapclone.pg.pgoutput.Insert;
import io.snapclone.pg.pgoutput.Relation;
import io.snapclone.pg.pgoutput.Relations;
import io.snapclone.pg.pgoutput.TupleData;
import io.snapclone.pg.pgoutput.Update;
import io.snapclone.pg.replication.ChangeStream;
import io.snapclone.pg.replication.CreatedSlot;
import io.snapclone.pg.replication.Publications;
import io.snapclone.pg.replication.ReplicationSlots;
import io.snapclone.pg.snapshot.SnapshotSession;
import io.snapclone.testing.Poll;
import io.snapclone.testing.TestingPostgres;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The handover invariant at the PostgreSQL level, before any Kafka: the rows a slot's exported
 * snapshot shows, plus the changes the slot then streams, are exactly the table — no change missing,
 * none already in the snapshot — while a writer commits (and rolls back) throughout.
 */
class SlotHandoverIT {
    private final TestingPostgres postgres = TestingPostgres.shared();

    @Test
    void theSnapshotPlusTheStreamIsExactlyTheTable() throws Exception {
        String db = postgres.createDatabase();
        ConnectionSettings settings = superuser(db);
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE acct (id int PRIMARY KEY, v int NOT NULL, note text)");
            statement.execute("INSERT INTO acct SELECT g, 0, 'start' FROM generate_series(1, 2000) g");
            // A row in here, committed after the writer stopped, marks the end of the stream to read.
            statement.execute("CREATE TABLE handover_end (id int PRIMARY KEY)");
            Publications.ensure(connection, "handover", Publications.Mode.FILTERED,
                    List.of(new TableId("public", "acct"), new TableId("public", "handover_end")), true);
        }
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Future<Long> writer = pool.submit(() -> write(db, stop));
        Poll.until(Duration.ofSeconds(10), "the writer", () -> rowCount(db) > 2000);

        Map<Integer, String> state;
        try (CreatedSlot slot = ReplicationSlots.create(settings, "handover", "snapclone-test", Duration.ofSeconds(30),
                Duration.ofSeconds(5), message -> { })) {
            try (SnapshotSession session = SnapshotSession.open(settings, "snapclone-test", slot.snapshot())) {
                state = read(session.connection());
            }
        }
        Thread.sleep(1000); // let the writer commit well past the consistent point
        stop.set(true);
        long commits = writer.get();
        pool.shutdown();
        Map<Integer, String> table;
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            table = read(connection);
            statement.execute("INSERT INTO handover_end VALUES (1)");
        }
        assertTrue(commits > 50, "the writer committed during the test: " + commits);

        Relations relations = new Relations();
        Lsn lastCommit = Lsn.INVALID;
        boolean ended = false;
        List<String> violations = new CopyOnWriteArrayList<>();
        try (ChangeStream stream = ChangeStream.open(settings, "snapclone-test", "handover", java.util.List.of("handover"), Lsn.INVALID)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!ended && System.nanoTime() < deadline) {
                ChangeStream.Message received = stream.poll();
                if (received == null) {
                    Thread.sleep(10);
                    continue;
                }
                var message = received.message();
                if (message instanceof Relation relation) {
                    relations.put(relation);
                } else if (message instanceof Insert insert && relations.get(insert.relationOid()).name().equals("handover_end")) {
                    ended = true;
                } else if (message instanceof Insert insert) {
                    int id = id(insert.newTuple());
                    if (state.put(id, row(insert.newTuple())) != null) {
                        violations.add("insert of " + id + ", which the snapshot already had");
                    }
                } else if (message instanceof Update update) {
                    int id = id(update.newTuple());
                    update.oldTuple().ifPresent(old -> state.remove(id(old.tuple())));
                    state.put(id, row(update.newTuple()));
                } else if (message instanceof Delete delete) {
                    int id = id(delete.oldTuple().tuple());
                    if (state.remove(id) == null) {
                        violations.add("delete of " + id + ", which neither snapshot nor stream had");
                    }
                } else if (message instanceof Commit commit) {
                    lastCommit = commit.endLsn();
                }
            }
            stream.confirm(lastCommit);
            Lsn confirmed = lastCommit;
            Poll.until(Duration.ofSeconds(10), "confirmed_flush_lsn to advance", () -> {
                try (Connection connection = postgres.superuser(db)) {
                    return ReplicationSlots.find(connection, "handover").orElseThrow().confirmedFlush()
                            .compareTo(confirmed) >= 0;
                }
            });
        }
        assertTrue(ended, "the stream reached the end marker");
        assertEquals(List.of(), violations);
        assertEquals(table.size(), state.size(), "rows");
        assertEquals(table, state);
        try (Connection connection = postgres.superuser(db)) {
            ReplicationSlots.drop(connection, "handover");
        }
    }

    @Test
    void creatingASlotSaysWhichTransactionsItWaitsForAndGivesUpClearly() throws Exception {
        String db = postgres.createDatabase();
        ConnectionSettings settings = superuser(db);
        try (Connection writer = postgres.superuser(db); Statement statement = writer.createStatement()) {
            statement.execute("CREATE TABLE t (id int)");
            writer.setAutoCommit(false);
            statement.execute("INSERT INTO t VALUES (1)");
            int pid;
            try (ResultSet rs = statement.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                pid = rs.getInt(1);
            }
            List<String> reports = new CopyOnWriteArrayList<>();
            ReplicationSlots.SlotCreationTimeoutException timeout = assertThrows(
                    ReplicationSlots.SlotCreationTimeoutException.class,
                    () -> ReplicationSlots.create(settings, "blocked", "snapclone-test", Duration.ofSeconds(3),
                            Duration.ofMillis(500), reports::add));
            assertTrue(timeout.getMessage().contains("pid " + pid), timeout.getMessage());
            assertTrue(reports.stream().anyMatch(r -> r.contains("pid " + pid)), "reported while waiting: " + reports);
            writer.rollback();
        }
        try (Connection connection = postgres.superuser(db)) {
            assertTrue(ReplicationSlots.find(connection, "blocked").isEmpty(), "nothing half-created");
        }
    }

    private static ConnectionSettings superuser(String db) {
        TestingPostgres postgres = TestingPostgres.shared();
        return new ConnectionSettings(postgres.host(), postgres.port(), db, "postgres", null, "disable", 10);
    }

    /** Commits random inserts, updates (some of the key), deletes and rollbacks until stopped. */
    private static long write(String db, AtomicBoolean stop) throws SQLException {
        Random random = new Random(7);
        long commits = 0;
        int nextId = 100_000;
        try (Connection connection = TestingPostgres.shared().superuser(db); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            while (!stop.get()) {
                for (int i = 0; i < 1 + random.nextInt(3); i++) {
                    int id = 1 + random.nextInt(2000);
                    switch (random.nextInt(4)) {
                        case 0 -> statement.execute("INSERT INTO acct VALUES (" + nextId++ + ", 1, 'inserted')");
                        case 1 -> statement.execute("UPDATE acct SET v = v + 1, note = 'updated' WHERE id = " + id);
                        case 2 -> statement.execute("UPDATE acct SET id = " + nextId++ + " WHERE id = " + id);
                        default -> statement.execute("DELETE FROM acct WHERE id = " + id);
                    }
                }
                if (random.nextInt(10) == 0) {
                    connection.rollback();
                } else {
                    connection.commit();
                    commits++;
                }
            }
        }
        return commits;
    }

    private int rowCount(String db) throws SQLException {
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT count(*) FROM acct")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static Map<Integer, String> read(Connection connection) throws SQLException {
        Map<Integer, String> rows = new HashMap<>();
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT id, v, note FROM acct")) {
            while (rs.next()) {
                rows.put(rs.getInt(1), rs.getInt(2) + "|" + rs.getString(3));
            }
        }
        return rows;
    }

    private static int id(TupleData tuple) {
        return Integer.parseInt(((ColumnValue.Text) tuple.get(0)).value());
    }

    private static String row(TupleData tuple) {
        ColumnValue note = tuple.get(2);
        return ((ColumnValue.Text) tuple.get(1)).value() + "|"
                + (note instanceof ColumnValue.Text text ? text.value() : null);
    }
}

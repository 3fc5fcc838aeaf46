package io.snapclone.it;

import io.snapclone.testing.TestingPostgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The application of {@link RealSchemasOracleIT}: one transaction at a time, random inserts,
 * updates (of a small column only, of the big TOASTed ones, of primary keys) and deletes in every
 * table, until stopped; it runs the DDL of table {@code evolving} itself when asked, so that it
 * always writes exactly the columns that exist. A failed statement is counted against its table
 * (the application must never break because of the connector) and the writer goes on.
 *
 * <p>{@link #run()} on one thread; everything else from any thread.
 */
final class RealSchemasWriter {
    static final String[] DDL = {
        "ALTER TABLE evolving ADD COLUMN extra text DEFAULT 'x'",
        "ALTER TABLE evolving ALTER COLUMN v TYPE bigint",
        "ALTER TABLE evolving RENAME COLUMN note TO remark",
        "ALTER TABLE evolving DROP COLUMN extra",
    };
    static final List<String> TOAST_COLUMNS = List.of("blob", "doc", "nums", "body");
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:-";

    private final TestingPostgres postgres;
    private final String db;
    private final Random random = new Random(29);
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicInteger requestedStage = new AtomicInteger();
    private final AtomicInteger stage = new AtomicInteger();
    private final AtomicLong commits = new AtomicLong();
    /** Whole-table updates of {@code evolving} after its last DDL: they rewrite every key in the final shape. */
    private final AtomicLong finalShapeRewrites = new AtomicLong();
    private final Map<String, List<String>> failures = new ConcurrentHashMap<>();
    private long nextId = 100_000;
    private long nextN = 1_000_000;

    RealSchemasWriter(TestingPostgres postgres, String db) {
        this.postgres = postgres;
        this.db = db;
    }

    /** Creates the tables and their first rows. */
    static void createTables(TestingPostgres postgres, String db, int toastRows) throws SQLException {
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            for (String table : List.of("full_toast", "default_toast")) {
                statement.execute("CREATE TABLE " + table + " (id bigint PRIMARY KEY, v int NOT NULL, blob bytea, "
                        + "doc jsonb, nums int[], body text)");
            }
            statement.execute("ALTER TABLE full_toast REPLICA IDENTITY FULL");
            statement.execute("CREATE TABLE keyless (n bigint NOT NULL, v int NOT NULL, note text)");
            statement.execute("INSERT INTO keyless SELECT g, 0, 'start ' || g FROM generate_series(1, 200) g");
            statement.execute("CREATE TABLE with_generated (id bigint PRIMARY KEY, v int NOT NULL, note text, "
                    + "doubled bigint GENERATED ALWAYS AS (v * 2) STORED)");
            statement.execute("INSERT INTO with_generated (id, v, note) SELECT g, 0, 'start ' || g FROM generate_series(1, 200) g");
            statement.execute("CREATE TABLE evolving (id bigint PRIMARY KEY, v int NOT NULL, note text)");
            statement.execute("INSERT INTO evolving SELECT g, 0, 'start ' || g FROM generate_series(1, 40) g");
        }
        RealSchemasWriter seeder = new RealSchemasWriter(postgres, db);
        try (Connection connection = postgres.superuser(db)) {
            for (String table : List.of("full_toast", "default_toast")) {
                for (long id = 1; id <= toastRows; id++) {
                    seeder.insertToast(connection, table, id);
                }
            }
        }
    }

    /** Writes until {@link #stop()}; returns the number of commits. */
    long run() throws SQLException {
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            while (!stop.get()) {
                int wanted = requestedStage.get();
                if (wanted > stage.get()) {
                    attempt(connection, "evolving", () -> statement.execute(DDL[stage.get()]));
                    stage.incrementAndGet();
                    continue;
                }
                int pick = random.nextInt(100);
                String table = pick < 20 ? "full_toast" : pick < 40 ? "default_toast" : pick < 55 ? "keyless"
                        : pick < 70 ? "with_generated" : "evolving";
                attempt(connection, table, () -> change(connection, statement, table));
                // Pacing, not waiting: keeps the stream of big records within what two shared cores replay quickly.
                Thread.sleep(15);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return commits.get();
    }

    private interface Change {
        void run() throws SQLException;
    }

    private void attempt(Connection connection, String table, Change change) throws SQLException {
        try {
            change.run();
            connection.commit();
            commits.incrementAndGet();
        } catch (SQLException e) {
            connection.rollback();
            failures.computeIfAbsent(table, t -> Collections.synchronizedList(new ArrayList<>()))
                    .add(e.getSQLState() + ": " + e.getMessage());
        }
    }

    private void change(Connection connection, Statement statement, String table) throws SQLException {
        String anyId = "(SELECT id FROM " + table + " ORDER BY random() LIMIT 1)";
        int op = random.nextInt(100);
        switch (table) {
            case "full_toast", "default_toast" -> {
                if (op < 45) {
                    statement.execute("UPDATE " + table + " SET v = v + 1 WHERE id = " + anyId);
                } else if (op < 60) {
                    try (PreparedStatement update = connection.prepareStatement("UPDATE " + table
                            + " SET v = v + 1, blob = ?, doc = ?::jsonb, nums = ?::int[], body = ? WHERE id = " + anyId)) {
                        bindToast(update, 1);
                        update.executeUpdate();
                    }
                } else if (op < 75) {
                    statement.execute("UPDATE " + table + " SET id = id + 1000000 WHERE id = " + anyId);
                } else if (op < 88) {
                    insertToast(connection, table, nextId++);
                } else {
                    statement.execute("DELETE FROM " + table + " WHERE id = " + anyId);
                }
            }
            case "keyless" -> {
                String anyRow = "(SELECT ctid FROM keyless ORDER BY random() LIMIT 1)";
                if (op < 35) {
                    statement.execute("INSERT INTO keyless VALUES (" + nextN++ + ", 0, 'inserted')");
                } else if (op < 70) {
                    statement.execute("UPDATE keyless SET v = v + 1, note = 'updated' WHERE ctid = " + anyRow);
                } else {
                    statement.execute("DELETE FROM keyless WHERE ctid = " + anyRow);
                }
            }
            case "with_generated" -> {
                if (op < 25) {
                    statement.execute("INSERT INTO with_generated (id, v, note) VALUES (" + nextId++ + ", 0, 'inserted')");
                } else if (op < 70) {
                    statement.execute("UPDATE with_generated SET v = v + 1, note = 'updated' WHERE id = " + anyId);
                } else if (op < 85) {
                    statement.execute("UPDATE with_generated SET id = id + 1000000 WHERE id = " + anyId);
                } else {
                    statement.execute("DELETE FROM with_generated WHERE id = " + anyId);
                }
            }
            default -> changeEvolving(statement, op, anyId);
        }
    }

    /** Writes every column {@code evolving} has at the current stage. */
    private void changeEvolving(Statement statement, int op, String anyId) throws SQLException {
        int at = stage.get();
        String text = at >= 3 ? "remark" : "note";
        String extra = at >= 1 && at < 4 ? ", extra" : "";
        String extraValue = at >= 1 && at < 4 ? ", 'e" + at + "'" : "";
        String extraSet = at >= 1 && at < 4 ? ", extra = 'e" + at + "'" : "";
        // From stage 2 on v is bigint: new rows start beyond the int range.
        long start = at >= 2 ? 5_000_000_000L : 0;
        if (at == DDL.length && op < 15) {
            statement.execute("UPDATE evolving SET v = v + 1, " + text + " = 'rewritten'");
            finalShapeRewrites.incrementAndGet();
        } else if (op < 30) {
            statement.execute("INSERT INTO evolving (id, v, " + text + extra + ") VALUES (" + nextId++ + ", " + start
                    + ", 'inserted'" + extraValue + ")");
        } else if (op < 85) {
            statement.execute("UPDATE evolving SET v = v + 1, " + text + " = 'updated " + at + "'" + extraSet
                    + " WHERE id = " + anyId);
        } else {
            statement.execute("DELETE FROM evolving WHERE id = " + anyId);
        }
    }

    private void insertToast(Connection connection, String table, long id) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + table
                + " (blob, doc, nums, body, id, v) VALUES (?, ?::jsonb, ?::int[], ?, ?, 0)")) {
            bindToast(insert, 1);
            insert.setLong(5, id);
            insert.executeUpdate();
        }
    }

    /** Big values PostgreSQL keeps out of line: incompressible, several kB each. */
    private void bindToast(PreparedStatement statement, int first) throws SQLException {
        byte[] blob = new byte[6000];
        random.nextBytes(blob);
        StringBuilder doc = new StringBuilder("{\"items\": [");
        for (int i = 0; i < 300; i++) {
            byte[] item = new byte[8];
            random.nextBytes(item);
            doc.append(i == 0 ? "" : ", ").append('"').append(HexFormat.of().formatHex(item)).append('"');
        }
        doc.append("], \"n\": ").append(random.nextInt()).append('}');
        StringBuilder nums = new StringBuilder("{");
        for (int i = 0; i < 2000; i++) {
            nums.append(i == 0 ? "" : ",").append(random.nextInt());
        }
        nums.append('}');
        StringBuilder body = new StringBuilder(6000);
        for (int i = 0; i < 6000; i++) {
            body.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        statement.setBytes(first, blob);
        statement.setString(first + 1, doc.toString());
        statement.setString(first + 2, nums.toString());
        statement.setString(first + 3, body.toString());
    }

    void stop() {
        stop.set(true);
    }

    /** Asks for the DDL up to {@code stage} (1..4) to run between two transactions. */
    void requestStage(int stage) {
        requestedStage.set(stage);
    }

    int stage() {
        return stage.get();
    }

    long commits() {
        return commits.get();
    }

    long finalShapeRewrites() {
        return finalShapeRewrites.get();
    }

    /** Failed statements of {@code table}, as SQL state and message. */
    List<String> failures(String table) {
        List<String> list = failures.get(table);
        return list == null ? List.of() : List.copyOf(list);
    }
}

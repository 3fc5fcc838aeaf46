package io.snapclone.it;

import io.snapclone.testing.TestingPostgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The oracle's tables {@code (id bigint PRIMARY KEY, v int NOT NULL, note text)} in one database,
 * and its writer: random inserts, updates (also of primary keys), deletes, multi-table and
 * rolled-back transactions, and a TRUNCATE of {@code truncated} when asked.
 */
final class OracleTables {
    private final TestingPostgres postgres;
    private final String db;
    private final Map<String, Integer> tables;

    /** Creates the tables with their rows. */
    OracleTables(TestingPostgres postgres, String db, Map<String, Integer> tables) throws SQLException {
        this.postgres = postgres;
        this.db = db;
        this.tables = Map.copyOf(tables);
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            for (Map.Entry<String, Integer> table : tables.entrySet()) {
                statement.execute("CREATE TABLE " + table.getKey() + " (id bigint PRIMARY KEY, v int NOT NULL, note text)");
                statement.execute("INSERT INTO " + table.getKey() + " SELECT g, 0, 'start ' || g FROM generate_series(1, "
                        + table.getValue() + ") g");
            }
        }
    }

    String db() {
        return db;
    }

    /** By id, {@code v|note}: what {@link io.snapclone.testing.TopicReplay} makes of the topic. */
    Map<Long, String> read(String table) throws SQLException {
        Map<Long, String> rows = new HashMap<>();
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT id, v, note FROM " + table)) {
            while (rs.next()) {
                rows.put(rs.getLong(1), rs.getInt(2) + "|" + rs.getString(3));
            }
        }
        return rows;
    }

    /**
     * Random changes across {@code written} until stopped; one TRUNCATE of {@code truncated} when
     * asked (then clears the flag). Returns the commits.
     */
    long write(List<String> written, long seed, AtomicBoolean stop, AtomicBoolean truncate) throws SQLException {
        Random random = new Random(seed);
        long nextId = 1_000_000;
        long commits = 0;
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            while (!stop.get()) {
                if (truncate.get()) {
                    statement.execute("TRUNCATE truncated");
                    statement.execute("INSERT INTO truncated VALUES (1, 1, 'after truncate')");
                    connection.commit();
                    truncate.set(false);
                    continue;
                }
                for (int i = 0; i < 1 + random.nextInt(4); i++) {
                    String table = written.get(random.nextInt(written.size()));
                    long id = 1 + random.nextInt(tables.get(table));
                    switch (random.nextInt(5)) {
                        case 0 -> statement.execute("INSERT INTO " + table + " VALUES (" + nextId++ + ", 1, 'inserted')");
                        case 1, 2 -> statement.execute("UPDATE " + table + " SET v = v + 1, note = 'updated' WHERE id = " + id);
                        case 3 -> statement.execute("UPDATE " + table + " SET id = " + nextId++ + " WHERE id = " + id);
                        default -> statement.execute("DELETE FROM " + table + " WHERE id = " + id);
                    }
                }
                if (random.nextInt(8) == 0) {
                    connection.rollback();
                } else {
                    connection.commit();
                    commits++;
                }
            }
        }
        return commits;
    }
}

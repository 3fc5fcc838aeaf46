package io.snapclone.bench;

import io.snapclone.testing.TestingPostgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

/** The benchmarks' data set: pgbench's accounts table and a wide table, sized by {@code -Dbench.scale}. */
final class BenchData {
    static final int SCALE = Integer.getInteger("bench.scale", 5);
    static final int ROUNDS = Integer.getInteger("bench.rounds", 3);
    static final long ACCOUNTS = SCALE * 100_000L;
    static final long WIDE = SCALE * 10_000L;
    static final long ROWS = ACCOUNTS + WIDE;
    static final String TABLES = "public\\.(pgbench_accounts|wide)";

    private BenchData() {
    }

    /** Creates and fills both tables in {@code db}; returns their size on disk in bytes. */
    static long load(TestingPostgres postgres, String db) throws Exception {
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE pgbench_accounts (aid int PRIMARY KEY, bid int, abalance int, filler character(84))");
            statement.execute("INSERT INTO pgbench_accounts SELECT g, (g - 1) / 100000 + 1, 0, '' FROM generate_series(1, "
                    + ACCOUNTS + ") g");
            statement.execute("CREATE TABLE wide (id bigint PRIMARY KEY, amount numeric(18,4), created timestamptz, "
                    + "note text, doc jsonb)");
            statement.execute("INSERT INTO wide SELECT g, g * 1.2345, now() - g * interval '1 minute', "
                    + "repeat('note ', 20) || g, jsonb_build_object('id', g, 'tags', jsonb_build_array('a', 'b'), "
                    + "'nested', jsonb_build_object('x', g % 7)) FROM generate_series(1, " + WIDE + ") g");
            statement.execute("VACUUM ANALYZE");
            try (ResultSet rs = statement.executeQuery("SELECT pg_total_relation_size('pgbench_accounts') "
                    + "+ pg_total_relation_size('wide')")) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    static void say(String line) {
        System.out.println("[bench] " + line);
    }
}

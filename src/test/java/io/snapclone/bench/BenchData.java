package io.snapclone.bench;

import io.snapclone.testing.TestingPostgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * The benchmarks' data set: pgbench's accounts table ({@code scale × 100,000} rows) and a wide
 * table ({@code scale × 10,000} rows with numeric, timestamptz, text and jsonb columns).
 */
record BenchData(int scale) {
    static final int SCALE = Integer.getInteger("bench.scale", 5);
    static final int ROUNDS = Integer.getInteger("bench.rounds", 3);
    static final String TABLES = "public\\.(pgbench_accounts|wide)";

    long accounts() {
        return scale * 100_000L;
    }

    long wide() {
        return scale * 10_000L;
    }

    long rows() {
        return accounts() + wide();
    }

    /** Creates and fills both tables in {@code db}; returns their size on disk in bytes. */
    long load(TestingPostgres postgres, String db) throws Exception {
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE pgbench_accounts (aid int PRIMARY KEY, bid int, abalance int, filler character(84))");
            statement.execute("INSERT INTO pgbench_accounts SELECT g, (g - 1) / 100000 + 1, 0, '' FROM generate_series(1, "
                    + accounts() + ") g");
            statement.execute("CREATE TABLE wide (id bigint PRIMARY KEY, amount numeric(18,4), created timestamptz, "
                    + "note text, doc jsonb)");
            statement.execute("INSERT INTO wide SELECT g, g * 1.2345, now() - g * interval '1 minute', "
                    + "repeat('note ', 20) || g, jsonb_build_object('id', g, 'tags', jsonb_build_array('a', 'b'), "
                    + "'nested', jsonb_build_object('x', g % 7)) FROM generate_series(1, " + wide() + ") g");
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

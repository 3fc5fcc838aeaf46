package io.snapclone.bench;

import static java.util.Objects.requireNonNull;

import io.snapclone.testing.TestingPostgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * pgbench's four tables (accounts as {@link BenchData} has them) and a TPC-B-like load on them, as
 * the streaming benchmarks write it: each transaction updates an account, a teller and a branch and
 * inserts a history row, paced to a schedule (a late transaction runs at once, so the rate holds).
 *
 * <p>{@link #write} is called from one thread per writer.
 */
final class TpcbLoad {
    private final TestingPostgres postgres;
    private final String db;
    private final long accounts;
    private final int branches;
    private final int tellers;

    TpcbLoad(TestingPostgres postgres, String db, BenchData data, int scale) {
        this.postgres = requireNonNull(postgres, "postgres is null");
        this.db = requireNonNull(db, "db is null");
        this.accounts = data.accounts();
        this.branches = scale;
        this.tellers = scale * 10;
    }

    /** Accounts, then branches, tellers and history (with a bigserial key). */
    void createTables(BenchData data) throws Exception {
        data.load(postgres, db);
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE pgbench_branches (bid int PRIMARY KEY, bbalance int, filler character(88))");
            statement.execute("INSERT INTO pgbench_branches SELECT g, 0, '' FROM generate_series(1, " + branches + ") g");
            statement.execute("CREATE TABLE pgbench_tellers (tid int PRIMARY KEY, bid int, tbalance int, filler character(84))");
            statement.execute("INSERT INTO pgbench_tellers SELECT g, (g - 1) / 10 + 1, 0, '' FROM generate_series(1, "
                    + tellers + ") g");
            // pgbench's history has no key; a bigserial one keeps keys (and one record per change) in both connectors.
            statement.execute("CREATE TABLE pgbench_history (hid bigserial PRIMARY KEY, tid int, bid int, aid int, "
                    + "delta int, mtime timestamp, filler character(22))");
            statement.execute("VACUUM ANALYZE");
        }
    }

    int tellers() {
        return tellers;
    }

    int branches() {
        return branches;
    }

    /**
     * Writer {@code writer} of {@code writers}' share of {@code tps} transactions a second, from now
     * while {@code goOn} says so (asked before each transaction); returns its committed transactions.
     */
    long write(int writer, int writers, int tps, BooleanSupplier goOn) throws Exception {
        long intervalNanos = 1_000_000_000L * writers / tps;
        long startNanos = System.nanoTime() + intervalNanos * writer / writers;
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long done = 0;
        try (Connection connection = session();
             PreparedStatement account = connection.prepareStatement(
                     "UPDATE pgbench_accounts SET abalance = abalance + ? WHERE aid = ?");
             PreparedStatement teller = connection.prepareStatement(
                     "UPDATE pgbench_tellers SET tbalance = tbalance + ? WHERE tid = ?");
             PreparedStatement branch = connection.prepareStatement(
                     "UPDATE pgbench_branches SET bbalance = bbalance + ? WHERE bid = ?");
             PreparedStatement history = connection.prepareStatement(
                     "INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (?, ?, ?, ?, now())")) {
            for (long due = startNanos; ; due = startNanos + done * intervalNanos) {
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                if (!goOn.getAsBoolean()) {
                    break;
                }
                int aid = random.nextInt(1, (int) accounts + 1);
                int tid = random.nextInt(1, tellers + 1);
                int bid = random.nextInt(1, branches + 1);
                int delta = random.nextInt(-5000, 5001);
                // The same table order in every transaction, as pgbench: writers never deadlock.
                execute(account, delta, aid);
                execute(teller, delta, tid);
                execute(branch, delta, bid);
                history.setInt(1, tid);
                history.setInt(2, bid);
                history.setInt(3, aid);
                history.setInt(4, delta);
                history.executeUpdate();
                connection.commit();
                done++;
            }
        }
        return done;
    }

    /**
     * A writing session. The server runs synchronous_commit=off, whose commits reach WAL (and so
     * logical decoding) only at the WAL writer's next round, up to 200 ms later: that would be the
     * server's latency, not the connectors'. With fsync=off a synchronous commit costs nothing.
     */
    Connection session() throws Exception {
        Connection connection = postgres.superuser(db);
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET synchronous_commit = on");
        }
        connection.setAutoCommit(false);
        return connection;
    }

    private static void execute(PreparedStatement statement, int delta, int id) throws Exception {
        statement.setInt(1, delta);
        statement.setInt(2, id);
        if (statement.executeUpdate() != 1) {
            throw new IllegalStateException("no row " + id);
        }
    }
}

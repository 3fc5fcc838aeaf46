package io.snapclone.bench;

import io.snapclone.testing.TestingPostgres;

import java.sql.Connection;
import java.sql.Statement;

/**
 * Commits a transaction to another table every 100 ms, as a live database does: a snapshot
 * taken anew then shows another fingerprint than the one it replaces. Reconnects after a crash.
 */
final class SideWriter implements AutoCloseable {
    private final Thread thread;
    private volatile boolean running = true;

    SideWriter(TestingPostgres postgres, String db) throws Exception {
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS side (id bigserial PRIMARY KEY, at timestamptz)");
        }
        thread = new Thread(() -> {
            while (running) {
                try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
                    while (running) {
                        statement.execute("INSERT INTO side (at) VALUES (now())");
                        Thread.sleep(100);
                    }
                } catch (Exception e) {
                    sleep(200); // the server restarts: connect again
                }
            }
        }, "side-writer");
        thread.setDaemon(true);
        thread.start();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(10_000);
    }
}

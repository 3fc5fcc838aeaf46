package io.snapclone.connect.stream;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * Runs {@code heartbeat.action.query} every {@code heartbeat.interval.ms}: the user's SQL, on the
 * stream's catalog session in autocommit, e.g. to write to a table that the publication includes
 * so that a slot on a database whose captured tables are idle still sees traffic.
 *
 * <p>Called from the task's poll thread only.
 */
final class Heartbeats {
    private final Connection connection;
    private final long intervalNanos;
    private final String query;
    private long lastNanos = System.nanoTime();

    Heartbeats(Connection connection, Duration interval, String query) {
        this.connection = requireNonNull(connection, "connection is null");
        this.intervalNanos = interval.toNanos();
        this.query = requireNonNull(query, "query is null");
    }

    /** Runs the query if it is due. */
    void beatIfDue() throws SQLException {
        if (intervalNanos == 0 || query.isBlank() || System.nanoTime() - lastNanos < intervalNanos) {
            return;
        }
        lastNanos = System.nanoTime();
        try (Statement statement = connection.createStatement()) {
            statement.execute(query);
        }
    }
}

package io.snapclone.pg.snapshot;

import static java.util.Objects.requireNonNull;

import io.snapclone.pg.ConnectionSettings;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A read-only REPEATABLE READ transaction that imported an exported snapshot and checked that it
 * sees exactly what the exporter saw. Everything read through {@link #connection()} belongs to
 * the snapshot.
 */
public final class SnapshotSession implements AutoCloseable {
    private final Connection connection;
    private final Fingerprint fingerprint;

    private SnapshotSession(Connection connection, Fingerprint fingerprint) {
        this.connection = connection;
        this.fingerprint = fingerprint;
    }

    /**
     * @throws SnapshotUnavailableException when the id can no longer be imported (its exporter
     *         is gone) or the imported snapshot is not the expected one
     */
    public static SnapshotSession open(ConnectionSettings settings, String applicationName,
                                       SnapshotId id, Fingerprint expected) throws SQLException {
        requireNonNull(expected, "expected is null");
        return open(settings, applicationName, id, (Fingerprint) expected, true);
    }

    /** Imports a snapshot whose fingerprint is not known yet (one a slot just exported). */
    public static SnapshotSession open(ConnectionSettings settings, String applicationName, SnapshotId id)
            throws SQLException {
        return open(settings, applicationName, id, null, false);
    }

    private static SnapshotSession open(ConnectionSettings settings, String applicationName, SnapshotId id,
                                        Fingerprint expected, boolean check) throws SQLException {
        requireNonNull(id, "id is null");
        Connection connection = settings.open(applicationName);
        try (Statement statement = connection.createStatement()) {
            statement.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
            try {
                statement.execute("SET TRANSACTION SNAPSHOT '" + id.value() + "'");
            } catch (SQLException e) {
                // 42704 "snapshot ... does not exist": the exporting transaction has ended (22023 in some
                // versions and for an id that is not one at all).
                if ("42704".equals(e.getSQLState()) || "22023".equals(e.getSQLState())) {
                    throw new SnapshotUnavailableException("snapshot " + id + " can no longer be imported: "
                            + e.getMessage(), e);
                }
                throw e;
            }
            Fingerprint actual;
            try (ResultSet rs = statement.executeQuery("SELECT pg_current_snapshot()::text")) {
                rs.next();
                actual = new Fingerprint(rs.getString(1));
            }
            if (check && !actual.equals(expected)) {
                throw new SnapshotUnavailableException("snapshot " + id + " has fingerprint " + actual
                        + " but the plan expects " + expected);
            }
            // Waits for table locks stay short: see TableLock.
            statement.execute("SET lock_timeout = '1s'");
            return new SnapshotSession(connection, actual);
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /** An id under which others can import this same snapshot for as long as this session is open. */
    public SnapshotId exportAgain() throws SQLException {
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT pg_export_snapshot()")) {
            rs.next();
            return new SnapshotId(rs.getString(1));
        }
    }

    public Connection connection() {
        return connection;
    }

    public Fingerprint fingerprint() {
        return fingerprint;
    }

    /** Ends the transaction. Safe to call twice. */
    @Override
    public void close() throws SQLException {
        if (!connection.isClosed()) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("ROLLBACK");
            } catch (SQLException ignored) {
                // Closing ends the transaction anyway.
            }
            connection.close();
        }
    }
}

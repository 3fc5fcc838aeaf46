package io.snapclone.pg.snapshot;

import static java.util.Objects.requireNonNull;

import io.snapclone.pg.ConnectionSettings;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A session that exported its snapshot and holds it: the id stays importable for as long as
 * this transaction is open. Close it once no one needs to import the id any more.
 */
public final class SnapshotExport implements AutoCloseable {
    private final Connection connection;
    private final SnapshotId id;
    private final Fingerprint fingerprint;

    private SnapshotExport(Connection connection, SnapshotId id, Fingerprint fingerprint) {
        this.connection = connection;
        this.id = id;
        this.fingerprint = fingerprint;
    }

    public static SnapshotExport export(ConnectionSettings settings, String applicationName) throws SQLException {
        requireNonNull(settings, "settings is null");
        Connection connection = settings.open(applicationName);
        try (Statement statement = connection.createStatement()) {
            statement.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
            try (ResultSet rs = statement.executeQuery("SELECT pg_export_snapshot(), pg_current_snapshot()::text")) {
                rs.next();
                return new SnapshotExport(connection, new SnapshotId(rs.getString(1)), new Fingerprint(rs.getString(2)));
            }
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /**
     * Takes over a snapshot through an id that another holder exported: imports it, checks the
     * fingerprint, and exports it again, so that the snapshot outlives the session that took it.
     *
     * @throws SnapshotUnavailableException when the id cannot be imported or is not that snapshot
     */
    public static SnapshotExport reexport(ConnectionSettings settings, String applicationName, SnapshotId held,
                                          Fingerprint fingerprint) throws SQLException {
        SnapshotSession session = SnapshotSession.open(settings, applicationName, held, fingerprint);
        try {
            return new SnapshotExport(session.connection(), session.exportAgain(), fingerprint);
        } catch (SQLException | RuntimeException e) {
            session.close();
            throw e;
        }
    }

    /**
     * Takes over a snapshot that another session exported and that nobody has imported yet (a new
     * slot's): imports it and exports it again from a session this object holds.
     */
    public static SnapshotExport takeOver(ConnectionSettings settings, String applicationName, SnapshotId exported)
            throws SQLException {
        SnapshotSession session = SnapshotSession.open(settings, applicationName, exported);
        try {
            return new SnapshotExport(session.connection(), session.exportAgain(), session.fingerprint());
        } catch (SQLException | RuntimeException e) {
            session.close();
            throw e;
        }
    }

    public SnapshotId id() {
        return id;
    }

    public Fingerprint fingerprint() {
        return fingerprint;
    }

    /** Whether the session still holds the snapshot (false once its connection is lost). */
    public boolean isAlive() {
        try {
            return connection.isValid(5);
        } catch (SQLException e) {
            return false;
        }
    }

    /** Ends the transaction, and with it the exported id. Safe to call twice. */
    @Override
    public void close() throws SQLException {
        connection.close();
    }
}

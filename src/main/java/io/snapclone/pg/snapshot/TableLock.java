package io.snapclone.pg.snapshot;

import io.snapclone.pg.TableId;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Takes the ACCESS SHARE lock a COPY needs before the COPY starts, giving up after the session's
 * {@code lock_timeout} without losing the snapshot transaction. A reader therefore never blocks
 * for long behind an ALTER TABLE or LOCK TABLE: it can report, be stopped, and try again.
 */
public final class TableLock {
    private static final String LOCK_NOT_AVAILABLE = "55P03";

    private TableLock() {
    }

    /** @return whether the lock is now held until the end of the transaction */
    public static boolean tryAcquire(Connection connection, TableId table) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            // A failed statement would abort the whole transaction; a savepoint keeps it (and the snapshot).
            statement.execute("SAVEPOINT snapclone_lock");
            try {
                statement.execute("LOCK TABLE " + table.quoted() + " IN ACCESS SHARE MODE");
            } catch (SQLException e) {
                statement.execute("ROLLBACK TO SAVEPOINT snapclone_lock");
                statement.execute("RELEASE SAVEPOINT snapclone_lock");
                if (LOCK_NOT_AVAILABLE.equals(e.getSQLState())) {
                    return false;
                }
                throw e;
            }
            statement.execute("RELEASE SAVEPOINT snapclone_lock");
            return true;
        }
    }
}

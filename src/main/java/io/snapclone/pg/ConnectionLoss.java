package io.snapclone.pg;

import java.io.IOException;
import java.sql.SQLException;
import java.util.Set;

/**
 * Decides, in one place, whether a failure talking to PostgreSQL is one that heals by itself:
 * the connection was lost or refused, the server is shutting down, restarting or recovering, or
 * out of connection slots. Everything else (privileges, missing objects, bad SQL) needs a person.
 */
public final class ConnectionLoss {
    /** Server shutting down or crashed (57P01/57P02), not accepting connections yet (57P03), too many connections (53300). */
    private static final Set<String> TRANSIENT_STATES = Set.of("57P01", "57P02", "57P03", "53300");

    private ConnectionLoss() {
    }

    public static boolean isTransient(SQLException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof IOException) {
                return true;
            }
            if (cause instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                // Class 08: connection exceptions (lost, refused, broken while sending or reading).
                if (state.startsWith("08") || TRANSIENT_STATES.contains(state)) {
                    return true;
                }
            }
        }
        return false;
    }
}

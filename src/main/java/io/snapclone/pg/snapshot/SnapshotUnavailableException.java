package io.snapclone.pg.snapshot;

import java.sql.SQLException;

/** The planned snapshot cannot be imported any more, or is not the one that was planned. */
public final class SnapshotUnavailableException extends SQLException {
    public SnapshotUnavailableException(String message) {
        super(message);
    }

    public SnapshotUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}

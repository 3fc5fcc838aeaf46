package io.snapclone.pg.replication;

import static java.util.Objects.requireNonNull;

import io.snapclone.pg.Lsn;
import io.snapclone.pg.snapshot.SnapshotId;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * A logical slot just created with an exported snapshot: everything committed before
 * {@code consistentPoint} is in the snapshot, everything after comes from the slot. The snapshot
 * id lives only until the next command on the replication connection or its close: import it first.
 */
public final class CreatedSlot implements AutoCloseable {
    private final String name;
    private final Lsn consistentPoint;
    private final SnapshotId snapshot;
    private final Connection replicationConnection;

    CreatedSlot(String name, Lsn consistentPoint, SnapshotId snapshot, Connection replicationConnection) {
        this.name = requireNonNull(name, "name is null");
        this.consistentPoint = requireNonNull(consistentPoint, "consistentPoint is null");
        this.snapshot = requireNonNull(snapshot, "snapshot is null");
        this.replicationConnection = requireNonNull(replicationConnection, "replicationConnection is null");
    }

    public String name() {
        return name;
    }

    public Lsn consistentPoint() {
        return consistentPoint;
    }

    public SnapshotId snapshot() {
        return snapshot;
    }

    /** Ends the exported snapshot (not the slot, which stays until dropped). Safe to call twice. */
    @Override
    public void close() throws SQLException {
        replicationConnection.close();
    }
}

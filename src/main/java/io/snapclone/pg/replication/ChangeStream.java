package io.snapclone.pg.replication;

import static java.util.Objects.requireNonNull;

import io.snapclone.pg.ConnectionSettings;
import io.snapclone.pg.Lsn;
import io.snapclone.pg.pgoutput.PgOutputDecoder;
import io.snapclone.pg.pgoutput.PgOutputMessage;

import org.postgresql.PGConnection;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A pgoutput stream from a slot: decoded messages in commit order, and the LSN up to which the
 * client has everything safely stored, reported back so that the slot (and the WAL it keeps)
 * advances. Never blocks: {@link #poll()} returns null when nothing is pending.
 */
public final class ChangeStream implements AutoCloseable {
    private static final int PROTOCOL_VERSION = 1;

    private final Connection connection;
    private final PGReplicationStream stream;
    private final PgOutputDecoder decoder = new PgOutputDecoder(PROTOCOL_VERSION);

    private ChangeStream(Connection connection, PGReplicationStream stream) {
        this.connection = connection;
        this.stream = stream;
    }

    /**
     * @param startAfter where to start; {@link Lsn#INVALID} lets the server start at the slot's
     *        confirmed position (for a new slot: its consistent point)
     */
    public static ChangeStream open(ConnectionSettings settings, String applicationName, String slot,
                                    List<String> publications, Lsn startAfter) throws SQLException {
        requireNonNull(startAfter, "startAfter is null");
        Connection connection = settings.openReplication(applicationName);
        try {
            PGReplicationStream stream = connection.unwrap(PGConnection.class).getReplicationAPI()
                    .replicationStream().logical()
                    .withSlotName(slot)
                    .withStartPosition(LogSequenceNumber.valueOf(startAfter.value()))
                    .withSlotOption("proto_version", Integer.toString(PROTOCOL_VERSION))
                    .withSlotOption("publication_names", Publications.namesOption(publications))
                    .withStatusInterval(1, TimeUnit.SECONDS)
                    .start();
            return new ChangeStream(connection, stream);
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /** The next message, or null if none is pending now. */
    public Message poll() throws SQLException {
        ByteBuffer buffer = stream.readPending();
        if (buffer == null) {
            return null;
        }
        return new Message(new Lsn(stream.getLastReceiveLSN().asLong()), decoder.decode(buffer));
    }

    /** A decoded message and the WAL position it was sent at. */
    public record Message(Lsn lsn, PgOutputMessage message) {
    }

    /**
     * Tells the server everything up to {@code lsn} is stored: the slot's confirmed_flush_lsn moves
     * there, and a restart from the slot starts after it.
     */
    public void confirm(Lsn lsn) throws SQLException {
        LogSequenceNumber position = LogSequenceNumber.valueOf(lsn.value());
        stream.setFlushedLSN(position);
        stream.setAppliedLSN(position);
        stream.forceUpdateStatus();
    }

    /** The newest WAL position the server has told us of (keepalives included). */
    public Lsn lastReceived() {
        return new Lsn(stream.getLastReceiveLSN().asLong());
    }

    @Override
    public void close() throws SQLException {
        try {
            if (!stream.isClosed()) {
                stream.close();
            }
        } finally {
            connection.close();
        }
    }
}

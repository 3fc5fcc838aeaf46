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
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A pgoutput stream from a slot: decoded messages in commit order, and the LSN up to which the
 * client has everything safely stored, reported back so that the slot (and the WAL it keeps)
 * advances. Never blocks: {@link #poll()} returns null when nothing is pending.
 *
 * <p>When nobody reads for a while (Kafka applies back-pressure and the task's poll() waits), a
 * thread of its own sends the server status updates, so that the walsender does not drop the
 * connection after {@code wal_sender_timeout}; it reads nothing ahead, so memory stays bounded.
 * Every method may be called from any thread; they take turns on this object.
 */
public final class ChangeStream implements AutoCloseable {
    /** pgoutput's proto_version: {@link PgOutputDecoder} reads version 1 only (no streaming of open transactions). */
    private static final int PROTOCOL_VERSION = 1;
    /** Unread for this long, the stream tells the server it is alive (wal_sender_timeout is 60 s by default). */
    static final Duration KEEP_ALIVE_AFTER = Duration.ofSeconds(5);

    private final Connection connection;
    private final PGReplicationStream stream;
    private final PgOutputDecoder decoder = new PgOutputDecoder();
    private final ScheduledExecutorService keeper;
    private final long keepAliveAfterNanos;
    private long lastReadNanos = System.nanoTime();

    private ChangeStream(Connection connection, PGReplicationStream stream, String applicationName,
                         Duration keepAliveAfter) {
        this.connection = connection;
        this.stream = stream;
        this.keepAliveAfterNanos = keepAliveAfter.toNanos();
        this.keeper = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "snapclone-keepalive " + applicationName);
            thread.setDaemon(true);
            return thread;
        });
        long period = Math.max(1, keepAliveAfter.toMillis() / 2);
        keeper.scheduleWithFixedDelay(this::keepAliveIfUnread, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * @param startAfter where to start; {@link Lsn#INVALID} lets the server start at the slot's
     *        confirmed position (for a new slot: its consistent point)
     */
    public static ChangeStream open(ConnectionSettings settings, String applicationName, String slot,
                                    List<String> publications, Lsn startAfter) throws SQLException {
        return open(settings, applicationName, slot, publications, startAfter, KEEP_ALIVE_AFTER);
    }

    /** @param keepAliveAfter how long the stream may go unread before it sends status updates by itself */
    public static ChangeStream open(ConnectionSettings settings, String applicationName, String slot,
                                    List<String> publications, Lsn startAfter, Duration keepAliveAfter)
            throws SQLException {
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
            return new ChangeStream(connection, stream, applicationName, keepAliveAfter);
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /** The next message, or null if none is pending now. */
    public synchronized Message poll() throws SQLException {
        lastReadNanos = System.nanoTime();
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
    public synchronized void confirm(Lsn lsn) throws SQLException {
        LogSequenceNumber position = LogSequenceNumber.valueOf(lsn.value());
        stream.setFlushedLSN(position);
        stream.setAppliedLSN(position);
        stream.forceUpdateStatus();
    }

    /** The server process of this stream, as {@code pg_replication_slots.active_pid} shows it. */
    public int backendPid() throws SQLException {
        return connection.unwrap(PGConnection.class).getBackendPID();
    }

    /** The newest WAL position the server has told us of (keepalives included). */
    public synchronized Lsn lastReceived() {
        return new Lsn(stream.getLastReceiveLSN().asLong());
    }

    private synchronized void keepAliveIfUnread() {
        if (System.nanoTime() - lastReadNanos < keepAliveAfterNanos || stream.isClosed()) {
            return;
        }
        try {
            stream.forceUpdateStatus();
        } catch (SQLException e) {
            // The connection is gone: the next poll() says so to whoever reads.
        }
    }

    /**
     * Ends the session without the copy's closing handshake, which would wait for an answer
     * that a lost connection never sends; the server ends the walsender on the terminate message
     * or, if that is lost too, after wal_sender_timeout.
     */
    @Override
    public void close() throws SQLException {
        keeper.shutdownNow();
        synchronized (this) {
            connection.close();
        }
    }
}

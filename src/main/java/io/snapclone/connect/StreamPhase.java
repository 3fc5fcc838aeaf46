package io.snapclone.connect;

import static java.util.Objects.requireNonNull;

import io.snapclone.connect.config.TaskConfig;
import io.snapclone.connect.metrics.StreamingMetrics;
import io.snapclone.connect.stream.StreamReader;
import io.snapclone.pg.ConnectionLoss;

import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A task's streaming phase: the {@link StreamReader}, kept connected. A lost connection (server
 * restart, failover, network cut) is retried with backoff, and the stream resumes from the slot's
 * confirmed position, skipping what this task already handed to Connect; only errors that cannot
 * heal fail the task, with the remedy in the message.
 *
 * <p>{@link #poll}, {@link #start} and {@link #close} are called from the task's thread,
 * {@link #committed} from Connect's offset-commit thread.
 */
final class StreamPhase implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StreamPhase.class);
    private static final Duration FIRST_RETRY = Duration.ofMillis(500);
    /** How long an idle stream waits before looking again: most of an idle-to-busy change's latency. */
    private static final long IDLE_WAIT_MS = 10;

    private final TaskConfig config;
    private final StreamReader reader;
    private final String name;
    private final Backoff backoff;
    private final StreamingMetrics metrics;
    private boolean connected;

    StreamPhase(TaskConfig config, StreamReader reader, StreamingMetrics metrics, String name) {
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.config = requireNonNull(config, "config is null");
        this.reader = requireNonNull(reader, "reader is null");
        this.name = requireNonNull(name, "name is null");
        this.backoff = new Backoff(FIRST_RETRY, config.maxRetryWait(), config.maxRetries());
    }

    void start() {
        connect();
    }

    /** Pending changes, up to max.batch.size; empty when there are none now (then wait {@link #idleWaitMs()}). */
    List<SourceRecord> poll() {
        if (!connected) {
            if (backoff.due(System.nanoTime())) {
                connect();
            }
            if (!connected) {
                return List.of();
            }
        }
        try {
            return reader.poll(config.maxBatchSize());
        } catch (SQLException e) {
            lost(e);
            return List.of();
        }
    }

    long idleWaitMs() {
        return connected ? IDLE_WAIT_MS
                : Math.max(IDLE_WAIT_MS, TimeUnit.NANOSECONDS.toMillis(backoff.waitNanos(System.nanoTime())));
    }

    /** Whether no transaction is half read: records of another kind may go to Kafka in between. */
    boolean betweenTransactions() {
        return reader.betweenTransactions();
    }

    void committed() {
        reader.committed();
    }

    private void connect() {
        try {
            reader.open();
        } catch (SQLException e) {
            if (!ConnectionLoss.isTransient(e)) {
                throw new ConnectException("Task " + name + " could not stream from slot " + config.slotName() + ": "
                        + e.getMessage() + remedy(e), e);
            }
            retryLater(e);
            return;
        }
        if (backoff.failures() > 0) {
            log.info("Task {}: reconnected to slot {} after {} attempt(s)", name, config.slotName(), backoff.failures());
            metrics.reconnected();
        }
        backoff.succeeded();
        connected = true;
        metrics.connected(true);
    }

    private void lost(SQLException e) {
        reader.disconnect();
        connected = false;
        metrics.connected(false);
        if (!ConnectionLoss.isTransient(e)) {
            throw new ConnectException("Task " + name + " failed streaming from slot " + config.slotName() + ": "
                    + e.getMessage() + remedy(e), e);
        }
        retryLater(e);
    }

    private void retryLater(SQLException cause) {
        if (!backoff.failed(System.nanoTime())) {
            throw new ConnectException("Task " + name + " gave up after " + (backoff.failures() - 1) + " attempts to "
                    + "reach PostgreSQL (errors.max.retries): " + cause.getMessage() + ". Check the server, then "
                    + "restart the task (POST /connectors/<name>/tasks/<id>/restart): it resumes from the slot.", cause);
        }
        log.warn("Task {}: lost the stream from slot {} ({}: {}); trying again in {} ms (attempt {}{})", name,
                config.slotName(), cause.getSQLState(), cause.getMessage(),
                TimeUnit.NANOSECONDS.toMillis(backoff.waitNanos(System.nanoTime())), backoff.failures(),
                config.maxRetries() < 0 ? "" : " of " + config.maxRetries());
    }

    private String remedy(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        return switch (state) {
            case "55006" -> " (another client reads this slot: slot.name must be this connector's own)";
            case "42704" -> " (the slot or publication is gone: changes since the last confirmed position are lost; "
                    + "reset the connector's offsets or use a new topic.prefix to load again under a new slot)";
            case "55000" -> " (the slot was invalidated, e.g. by max_slot_wal_keep_size: the WAL it needed is gone and "
                    + "so are those changes; reset the connector's offsets or use a new topic.prefix to load again)";
            case "42501" -> " (the user lacks a privilege: it needs REPLICATION and SELECT on the captured tables)";
            default -> "";
        };
    }

    @Override
    public void close() {
        reader.close();
        metrics.connected(false);
        metrics.close();
    }
}

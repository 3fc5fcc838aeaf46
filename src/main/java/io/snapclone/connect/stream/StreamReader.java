package io.snapclone.connect.stream;

import static java.util.Objects.requireNonNull;

import io.snapclone.connect.config.TaskConfig;
import io.snapclone.connect.metrics.StreamingMetrics;
import io.snapclone.connect.offset.SnapshotOffsets;
import io.snapclone.connect.offset.ReloadRequests;
import io.snapclone.connect.offset.SnapshotOffsets.StreamPosition;
import io.snapclone.connect.record.ProgressEvents;
import io.snapclone.connect.record.TableRecordBuilder;
import io.snapclone.pg.Lsn;
import io.snapclone.pg.TableId;
import io.snapclone.pg.catalog.Catalog;
import io.snapclone.pg.replication.ChangeStream;
import io.snapclone.pg.replication.ReplicationSlots;

import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.TransactionContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The streaming phase: reads the slot from where Kafka's committed offsets stop, turns pgoutput
 * messages into c/u/d/t records with the same builders (so the same schemas) as the snapshot, and
 * confirms to PostgreSQL only what Kafka has committed. This class does the I/O; each concern is
 * a class of its own: {@link StreamMessages} (dispatch), {@link StreamTables} (relations),
 * {@link ChangeRecords} (change to records), {@link StreamCursor} (positions, skipping what was
 * sent), {@link LsnConfirmations}, {@link Heartbeats} and {@link TransactionBoundaries}.
 *
 * <p>{@link #open}, {@link #poll}, {@link #disconnect} and {@link #close} are called from the task's thread,
 * {@link #committed} from Connect's offset-commit thread.
 */
public final class StreamReader implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StreamReader.class);

    private final TaskConfig config;
    private final OffsetStorageReader offsets;
    private final TransactionBoundaries transactions;
    private final String name;
    private final Map<String, Object> partition;
    private static final long SLOT_CHECK_INTERVAL_NANOS = 10_000_000_000L;
    /**
     * A catalog or heartbeat query unanswered for this long means the connection is lost without
     * an error (a silent partition): without a deadline the task would wait on it for ever.
     */
    private static final int CATALOG_READ_TIMEOUT_MS = 30_000;

    private final LsnConfirmations confirmations = new LsnConfirmations();
    private final StreamingMetrics metrics;
    private long lastSlotCheckNanos = System.nanoTime();
    /** By table, the latest reload request Kafka had at start: a signal read again is not taken again. */
    private final Map<TableId, Long> requested = new HashMap<>();
    /** Kept across reconnects: what this task already handed to Connect is not read again. */
    private StreamCursor cursor;
    private ChangeRecords changes;
    private ChangeStream stream;
    private Connection catalogConnection;
    private StreamMessages messages;
    private Heartbeats heartbeats;
    /** The kafka signal channel, if enabled; kept across reconnects. */
    private KafkaSignals kafkaSignals;
    private Map<String, Object> signalPartition;

    /** @param transactions Connect's, when the connector defines transaction boundaries; else null */
    public StreamReader(TaskConfig config, OffsetStorageReader offsets, TransactionContext transactions,
                        StreamingMetrics metrics, String name) {
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.config = requireNonNull(config, "config is null");
        this.offsets = requireNonNull(offsets, "offsets is null");
        this.transactions = new TransactionBoundaries(transactions, config.kafkaTransactionSplit(), name);
        this.name = requireNonNull(name, "name is null");
        this.partition = SnapshotOffsets.streamPartition(config.topicPrefix(), config.slotName());
    }

    /**
     * Connects and starts reading at the slot's confirmed position, skipping what Kafka committed
     * or, after a reconnect, what this reader already handed to Connect. Call {@link #disconnect}
     * before opening again.
     */
    public void open() throws SQLException {
        // What a signal may name: the tables read and those they are published as.
        Set<TableId> captured = new java.util.HashSet<>(config.streamTables());
        captured.addAll(config.recordTables().values());
        if (cursor == null) {
            start(captured);
        }
        try {
            catalogConnection = config.connectionSettings().open("snapclone-stream-catalog " + name);
            catalogConnection.setNetworkTimeout(Runnable::run, CATALOG_READ_TIMEOUT_MS);
            StreamTables tables = new StreamTables(config.tableFilter(),
                    new CatalogRelationDescriber(new Catalog(catalogConnection)),
                    schema -> new TableRecordBuilder(schema, config.topicPrefix(), config.connectionSettings().database(),
                            config.recordOptions()), name);
            messages = new StreamMessages(tables, cursor, changes, transactions, new Signals(config.signalTable(),
                    config.topicPrefix(), config.progressTopic(), captured, config.recordTables(), requested, changes::hold, name));
            heartbeats = new Heartbeats(catalogConnection, config.heartbeatInterval(), config.heartbeatActionQuery());
            String applicationName = TaskConfig.streamApplicationName(name);
            if (ReplicationSlots.endStaleReader(catalogConnection, config.slotName(), applicationName)) {
                log.warn("Task {}: slot {} was still held by this task's earlier connection (its server side had not "
                        + "noticed the loss yet); ended that session", name, config.slotName());
            }
            stream = ChangeStream.open(config.connectionSettings(), applicationName, config.slotName(),
                    config.publicationNames(), Lsn.INVALID);
        } catch (SQLException | RuntimeException e) {
            disconnect();
            throw e;
        }
        StreamPosition skipping = cursor.alreadySent();
        log.info("Task {}: streaming changes from slot {} (publications {}), after commit {} change {}", name,
                config.slotName(), config.publicationNames(), new Lsn(skipping.commitLsn()), skipping.seq());
    }

    /**
     * Where Kafka's offsets leave the stream: what was sent, and the incremental reloads whose
     * changes are held back (under way, also those asked for since this task's config was made)
     * or are to be sent now (done, unless the offsets show them sent).
     */
    private void start(Set<TableId> captured) {
        Map<String, Object> committed = offsets.offset(partition);
        Map<TableId, Long> held = new HashMap<>(config.held());
        Map<TableId, Long> planned = config.reloads();
        ReloadRequests.of(config.topicPrefix(), captured, config::recordTable, offsets::offsets).forEach((table, request) -> {
            if (request.incremental() && Long.compareUnsigned(request.lsn(), planned.getOrDefault(table, 0L)) > 0) {
                held.merge(table, request.lsn(), (a, b) -> Long.compareUnsigned(a, b) <= 0 ? a : b);
            }
            requested.merge(table, request.lsn(), Math::max);
            requested.merge(config.recordTable(table), request.lsn(), Math::max);
        });
        planned.forEach((table, lsn) -> requested.merge(table, lsn, Math::max));
        long replayed = SnapshotOffsets.replayedLsn(committed);
        Map<TableId, Long> replays = new HashMap<>(config.replays());
        replays.entrySet().removeIf(e -> held.containsKey(e.getKey()) || Long.compareUnsigned(e.getValue(), replayed) <= 0);
        long replayFrom = replays.values().stream().reduce(0L, (a, b) -> a == 0 || Long.compareUnsigned(b, a) < 0 ? b : a);
        long replayTarget = replays.values().stream().reduce(0L, (a, b) -> Long.compareUnsigned(a, b) >= 0 ? a : b);
        cursor = new StreamCursor(SnapshotOffsets.streamPosition(committed), SnapshotOffsets.replayPosition(committed),
                replayed, replayFrom, replayTarget);
        changes = new ChangeRecords(partition, config.tombstonesOnDelete(), config.skippedOperations(),
                config.snapshotLsns(), held, replays, cursor, confirmations, config.lsnHeaders());
        if (config.kafkaSignals()) {
            signalPartition = SnapshotOffsets.signalTopicPartition(config.topicPrefix(), config.signalKafkaTopic());
            kafkaSignals = new KafkaSignals(config.signalConsumerProps(), config.signalKafkaTopic(), config.topicPrefix(),
                    SnapshotOffsets.nextSignal(offsets.offset(signalPartition)), name);
        }
        if (!held.isEmpty()) {
            log.info("Task {}: holding back the changes of {} (being loaded again incrementally) from {} on", name,
                    held.keySet(), held.values().stream().map(Lsn::new).toList());
        }
        if (!replays.isEmpty()) {
            StreamPosition sent = SnapshotOffsets.streamPosition(committed);
            log.info("Task {}: sending the held-back changes of {} (loaded again incrementally) from {} on, up to "
                    + "commit {} change {}", name, replays.keySet(), replays.values().stream().map(Lsn::new).toList(),
                    new Lsn(sent.commitLsn()), sent.seq());
        }
    }

    /**
     * Signals from the signal topic, taken between transactions at the stream's position: the
     * changes committed after it come after the signal. Each is acknowledged with
     * {@code signal.received}, whose offset says where the next one is.
     */
    private void kafkaSignals(long nowMs, List<SourceRecord> out) {
        long position = Math.max(cursor.lastCommitEndLsn(), stream.lastReceived().value());
        if (kafkaSignals == null || messages.inTransaction() || position == 0) {
            return;
        }
        for (KafkaSignals.Signal signal : kafkaSignals.poll()) {
            String id = "kafka-" + signal.offset();
            out.add(ProgressEvents.signalReceived(config.progressTopic(), id, signalPartition,
                    SnapshotOffsets.nextSignal(signal.offset() + 1), nowMs));
            messages.signals().signal(id, signal.type(), signal.data(), position, nowMs, out);
        }
    }

    /** Whether no transaction is half read: records of another kind may go to Kafka in between. */
    public boolean betweenTransactions() {
        return messages == null || !messages.inTransaction();
    }

    /** Up to {@code max} records of what is pending now; never waits. */
    public List<SourceRecord> poll(int max) throws SQLException {
        heartbeats.beatIfDue();
        checkSlot();
        List<SourceRecord> batch = new ArrayList<>();
        long commitsBefore = messages.commits();
        kafkaSignals(System.currentTimeMillis(), batch);
        boolean drained = false;
        while (batch.size() < max) {
            ChangeStream.Message received = stream.poll();
            if (received == null) {
                drained = true;
                break;
            }
            messages.handle(received.message(), received.lsn().value(), System.currentTimeMillis(), batch);
        }
        transactions.batchDone();
        long now = System.currentTimeMillis();
        if (!batch.isEmpty()) {
            metrics.eventsRead(batch.size(), cursor.commitMs(), now);
            metrics.changesRead(batch);
        }
        for (long c = messages.commits(); c > commitsBefore; c--) {
            metrics.transactionCommitted();
        }
        metrics.received(stream.lastReceived().value());
        // Idle between transactions, with Kafka holding all we sent: the server's position is done too.
        long toConfirm = confirmations.toConfirm(stream.lastReceived().value(),
                drained && batch.isEmpty() && !messages.inTransaction(), cursor.confirmBelow());
        if (toConfirm != 0) {
            stream.confirm(new Lsn(toConfirm));
            metrics.confirmed(toConfirm);
        }
        return batch;
    }

    /** Called after Kafka committed offsets: what they cover may be confirmed to PostgreSQL. */
    public void committed() {
        Map<String, Object> committed = offsets.offset(partition);
        confirmations.committed(SnapshotOffsets.confirmablePosition(committed));
        metrics.committed(SnapshotOffsets.streamPosition(committed).commitLsn());
    }

    /**
     * Every 10 s: how much WAL the slot keeps unconfirmed (a gauge for alerts on a growing backlog),
     * and whether the server still streams to us. A partition that drops packets silently leaves
     * the replication connection open with nothing to read; the server ends its side after
     * wal_sender_timeout, and then the slot's reader is no longer our connection's process.
     */
    private void checkSlot() throws SQLException {
        if (System.nanoTime() - lastSlotCheckNanos < SLOT_CHECK_INTERVAL_NANOS) {
            return;
        }
        lastSlotCheckNanos = System.nanoTime();
        try (PreparedStatement statement = catalogConnection.prepareStatement("""
                SELECT (pg_catalog.pg_current_wal_lsn() - confirmed_flush_lsn)::bigint, active_pid
                FROM pg_catalog.pg_replication_slots WHERE slot_name = ?""")) {
            statement.setString(1, config.slotName());
            try (ResultSet rs = statement.executeQuery()) {
                boolean found = rs.next();
                metrics.slotLag(found ? rs.getLong(1) : -1);
                int reader = found ? rs.getInt(2) : 0;
                if (reader != stream.backendPid()) {
                    throw new SQLException("slot " + config.slotName() + " is " + (reader == 0 ? "not read by anyone"
                            : "read by server process " + reader) + ", not by this task's replication connection "
                            + "(process " + stream.backendPid() + "): the connection was lost without an error",
                            "08006");
                }
            }
        }
    }

    /** Closes both connections; what was read and sent is kept for the next {@link #open}. */
    public void disconnect() {
        try {
            if (stream != null) {
                stream.close();
            }
        } catch (SQLException e) {
            log.debug("Task {}: closing the replication stream failed", name, e);
        }
        stream = null;
        try {
            if (catalogConnection != null) {
                catalogConnection.close();
            }
        } catch (SQLException e) {
            log.debug("Task {}: closing the catalog session failed", name, e);
        }
        catalogConnection = null;
    }

    @Override
    public void close() {
        disconnect();
        if (kafkaSignals != null) {
            kafkaSignals.close();
        }
    }
}

package io.snapclone.connect;

import static java.util.Objects.requireNonNull;

import io.snapclone.connect.config.ClusterDatabases;
import io.snapclone.connect.config.TaskConfig;
import io.snapclone.connect.metrics.SnapshotMetrics;
import io.snapclone.connect.offset.SnapshotOffsets;
import io.snapclone.connect.record.ProgressEvents;
import io.snapclone.connect.record.SnapshotNotifications;
import io.snapclone.connect.record.TableRecordBuilder;
import io.snapclone.pg.ConnectionLoss;
import io.snapclone.pg.Lsn;
import io.snapclone.pg.TableId;
import io.snapclone.pg.catalog.Catalog;
import io.snapclone.pg.snapshot.Chunk;
import io.snapclone.pg.snapshot.ChunkReader;
import io.snapclone.pg.snapshot.Ctid;
import io.snapclone.pg.snapshot.SnapshotId;
import io.snapclone.pg.snapshot.SnapshotSession;
import io.snapclone.pg.snapshot.SnapshotUnavailableException;
import io.snapclone.pg.snapshot.TableLock;

import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A task's snapshot phase: reads its chunks under the imported snapshot and emits one record per
 * row, then a progress record per chunk whose committed offset marks the chunk done. It keeps its
 * snapshot transaction open, and publishes an id exported from it, until the coordinator ends the
 * snapshot phase: a restarted coordinator or task can then import the same snapshot.
 *
 * <p>A lost connection heals here: the phase reconnects with backoff, imports the snapshot again
 * and resumes each chunk right after the last row it handed to Connect. When the snapshot can no
 * longer be imported (no session holds it: the server restarted), it waits for the coordinator,
 * which notices the same and plans the rest under a new snapshot.
 *
 * <p>Called from the task's thread only.
 */
final class SnapshotPhase implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SnapshotPhase.class);
    private static final long LOCK_WARNING_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final Duration FIRST_RETRY = Duration.ofMillis(500);

    private final TaskConfig config;
    /** The snapshot's LSN for each row's header (several databases: see ClusterDatabases), else null. */
    private String lsnHeader;
    private final OffsetStorageReader offsets;
    private final SnapshotMetrics metrics;
    private final SnapshotNotifications notifications;
    /** Tables loaded again on request: their chunks' offsets are kept under the request (SnapshotOffsets.partition). */
    private final Map<TableId, Long> reloads;
    /** Tables loaded again incrementally: their rows are marked so. */
    private final java.util.Set<TableId> incrementalTables;
    private final String connector;
    private final String name;
    private final Backoff backoff;
    private final Map<TableId, TableRecordBuilder> builders = new HashMap<>();
    private final Deque<ChunkWork> todo = new ArrayDeque<>();
    /** Progress records to send before the next rows. */
    private final List<SourceRecord> pending = new ArrayList<>();
    private SnapshotSession session;
    private Catalog catalog;
    private ChunkWork work;
    private ChunkReader reader;
    private TableRecordBuilder builder;
    private Map<String, Object> partition;
    private long chunkStartedNanos;
    private long rowsSent;
    private String lastCtid;
    /** The table's first row is next (its first chunk, read from the start): Debezium's first_in_data_collection. */
    private boolean firstOfTable;
    /**
     * In a table's last (open-ended) chunk, the row after the one being built, read ahead to know
     * whether that one is the table's last (Debezium's last_in_data_collection); null when none is
     * read ahead, and {@code exhausted} once COPY has ended.
     */
    private String[] lookahead;
    private boolean exhausted;
    private long bytesRead;
    private long lastLockWarningNanos = System.nanoTime() - LOCK_WARNING_INTERVAL_NANOS;
    private long lastProgressLogNanos = System.nanoTime();
    private boolean allRead;
    private boolean announcedHeld;
    private boolean waitingForNewSnapshot;

    SnapshotPhase(TaskConfig config, OffsetStorageReader offsets, SnapshotMetrics metrics, String connector,
                  String name) {
        this.config = requireNonNull(config, "config is null");
        this.lsnHeader = config.lsnHeaders() && config.snapshotLsn() != null
                ? Long.toUnsignedString(config.snapshotLsn()) : null;
        this.offsets = requireNonNull(offsets, "offsets is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.notifications = config.notifications();
        this.reloads = config.reloads();
        this.incrementalTables = config.incremental();
        this.connector = requireNonNull(connector, "connector is null");
        this.name = requireNonNull(name, "name is null");
        this.backoff = new Backoff(FIRST_RETRY, config.maxRetryWait(), config.maxRetries());
    }

    /** Finds what committed offsets leave to read and imports the snapshot. */
    void start() {
        List<Chunk> chunks = config.chunks();
        List<Map<String, Object>> partitions = chunks.stream()
                .map(c -> SnapshotOffsets.partition(config.topicPrefix(), c, reloads.getOrDefault(c.table(), 0L))).toList();
        Map<Map<String, Object>, Map<String, Object>> committed = offsets.offsets(partitions);
        for (int i = 0; i < chunks.size(); i++) {
            SnapshotOffsets.Progress progress = SnapshotOffsets.progress(committed.get(partitions.get(i)));
            if (progress.done()) {
                metrics.chunkAlreadyDone(chunks.get(i), progress.rows());
            } else {
                metrics.rowsAlreadySent(chunks.get(i).table(), progress.rows());
                todo.add(new ChunkWork(chunks.get(i), progress.lastRow(), progress.rows()));
            }
        }
        if (config.snapshotRetaken()) {
            // Task 0 announces even with nothing left to read: the other tasks may hold all the work.
            announceRetaken();
        }
        if (todo.isEmpty()) {
            log.info("Task {}: no snapshot work left ({} chunks assigned, all done)", name, chunks.size());
            return;
        }
        connect();
        if (config.snapshotRetaken()) {
            log.warn("Task {}: reading under a NEW snapshot {}: no session held the original one any more; "
                    + "see docs/snapshots.md", name, config.fingerprint());
        }
    }

    /** The next batch, or null when there is nothing to send now (then wait {@link #idleWaitMs()}). */
    List<SourceRecord> poll() {
        return poll(config.maxBatchSize());
    }

    /** As {@link #poll()}, with at most {@code maxRows} rows. */
    List<SourceRecord> poll(int maxRows) {
        if (session == null && !todo.isEmpty() && backoff.due(System.nanoTime())) {
            connect();
        }
        if (!pending.isEmpty()) {
            List<SourceRecord> batch = new ArrayList<>(pending);
            pending.clear();
            return batch;
        }
        if (session == null) {
            return null;
        }
        try {
            if (reader == null && !openNextChunk()) {
                return null;
            }
            List<SourceRecord> batch = readBatch(maxRows);
            logProgress();
            return batch;
        } catch (SQLException e) {
            lost(e);
            return null;
        }
    }

    /** How long to wait after a poll that returned nothing: until a reconnect is due, or a second. */
    long idleWaitMs() {
        return session == null ? Math.max(10, TimeUnit.NANOSECONDS.toMillis(backoff.waitNanos(System.nanoTime())))
                : 1000;
    }

    /**
     * A snapshot taken anew has no exact LSN (pg_export_snapshot gives none): the server's WAL
     * position now, after it was taken, bounds it, so that no cluster cut before it holds its rows.
     */
    private String retakenSnapshotBound() throws SQLException {
        try (Statement statement = session.connection().createStatement();
             ResultSet rs = statement.executeQuery("SELECT pg_catalog.pg_current_wal_insert_lsn()::text")) {
            rs.next();
            long bound = Lsn.parse(rs.getString(1)).value();
            return Long.toUnsignedString(Long.compareUnsigned(bound, config.snapshotLsn()) > 0 ? bound : config.snapshotLsn());
        }
    }

    private void connect() {
        SnapshotId held;
        try {
            session = SnapshotSession.open(config.connectionSettings(), "snapclone-task " + name,
                    config.snapshotId(), config.fingerprint());
            catalog = new Catalog(session.connection());
            held = session.exportAgain();
            if (lsnHeader != null && config.snapshotRetaken()) {
                lsnHeader = retakenSnapshotBound();
            }
        } catch (SnapshotUnavailableException e) {
            closeSession();
            if (!waitingForNewSnapshot) {
                waitingForNewSnapshot = true;
                log.warn("Task {}: snapshot {} can no longer be imported ({}): no session holds it any more. Waiting "
                        + "for the connector to plan the rest under another snapshot", name, config.snapshotId(),
                        e.getMessage());
            }
            retryLater(e);
            return;
        } catch (SQLException e) {
            closeSession();
            if (!ConnectionLoss.isTransient(e)) {
                throw new ConnectException("Task " + name + " could not import snapshot " + config.snapshotId() + ": "
                        + e.getMessage(), e);
            }
            retryLater(e);
            return;
        }
        if (backoff.failures() > 0) {
            log.info("Task {}: reconnected after {} attempt(s); the snapshot is the same (fingerprint {})", name,
                    backoff.failures(), config.fingerprint());
        }
        backoff.succeeded();
        waitingForNewSnapshot = false;
        pending.add(ProgressEvents.snapshotHeld(config.progressTopic(), config.taskIndex(), held.value(),
                config.fingerprint().value(), SnapshotOffsets.holderPartition(config.topicPrefix(), config.taskIndex()),
                SnapshotOffsets.holding(held, config.fingerprint(), config.chunkBytes(),
                        config.snapshotLsn() == null ? 0 : config.snapshotLsn()), System.currentTimeMillis()));
        if (!announcedHeld) {
            announcedHeld = true;
            if (config.taskIndex() == 0) {
                notifications.started(pending, System.currentTimeMillis());
            }
            log.info("Task {}: imported snapshot {} (fingerprint {}), holding it as {}; {} of {} chunks to read", name,
                    config.snapshotId(), config.fingerprint(), held, todo.size(), config.chunks().size());
        }
    }

    /** The connection broke mid-read: resume the chunk after the last row handed to Connect, later. */
    private void lost(SQLException e) {
        if (!ConnectionLoss.isTransient(e)) {
            throw new ConnectException("Task " + name + " failed reading " + (work == null ? "" : work.chunk()) + ": "
                    + e.getMessage(), e);
        }
        if (reader != null) {
            todo.addFirst(new ChunkWork(work.chunk(), lastCtid == null ? work.resumeAfter() : Ctid.parse(lastCtid),
                    rowsSent));
        }
        closeSession();
        retryLater(e);
    }

    private void retryLater(SQLException cause) {
        if (!backoff.failed(System.nanoTime())) {
            throw new ConnectException("Task " + name + " gave up after " + (backoff.failures() - 1) + " attempts to "
                    + "reach PostgreSQL (errors.max.retries): " + cause.getMessage() + ". Check the server, then "
                    + "restart the task (POST /connectors/<name>/tasks/<id>/restart): the snapshot resumes where it "
                    + "stopped.", cause);
        }
        log.warn("Task {}: lost PostgreSQL ({}: {}); trying again in {} ms (attempt {}{})", name, cause.getSQLState(),
                cause.getMessage(), TimeUnit.NANOSECONDS.toMillis(backoff.waitNanos(System.nanoTime())),
                backoff.failures(), config.maxRetries() < 0 ? "" : " of " + config.maxRetries());
    }

    private boolean openNextChunk() throws SQLException {
        work = todo.poll();
        if (work == null) {
            if (!allRead) {
                allRead = true;
                log.info("Task {}: all chunks read ({}); holding the snapshot until the snapshot phase ends",
                        name, metrics.summary());
            }
            return false;
        }
        Chunk chunk = work.chunk();
        builder = builders.get(chunk.table());
        if (builder == null) {
            builder = new TableRecordBuilder(catalog.describe(config.recordTable(chunk.table())), config.topicPrefix(),
                    config.connectionSettings().database(), config.recordOptions(), config.snapshotLsn());
            builders.put(chunk.table(), builder);
        }
        if (!TableLock.tryAcquire(session.connection(), chunk.table())) {
            if (System.nanoTime() - lastLockWarningNanos > LOCK_WARNING_INTERVAL_NANOS) {
                lastLockWarningNanos = System.nanoTime();
                log.warn("Task {}: waiting to read {}: another session holds a conflicting lock on it "
                        + "(ALTER TABLE, LOCK TABLE, VACUUM FULL...); see pg_locks", name, chunk.table());
            }
            todo.addFirst(work);
            return false;
        }
        partition = SnapshotOffsets.partition(config.topicPrefix(), chunk, reloads.getOrDefault(chunk.table(), 0L));
        reader = ChunkReader.open(session.connection(), builder.table(), chunk, work.resumeAfter());
        rowsSent = work.rowsBefore();
        lastCtid = null;
        firstOfTable = chunk.startBlock() == 0 && work.resumeAfter() == null;
        if (firstOfTable) {
            notifications.tableInProgress(pending, chunk.table().qualifiedName(), System.currentTimeMillis());
        }
        lookahead = null;
        exhausted = false;
        chunkStartedNanos = System.nanoTime();
        if (work.resumeAfter() != null) {
            log.info("Task {}: resuming {} after row {} ({} rows sent before)", name, chunk, work.resumeAfter(),
                    rowsSent);
        }
        return true;
    }

    private List<SourceRecord> readBatch(int max) throws SQLException {
        List<SourceRecord> batch = new ArrayList<>(Math.min(max, 1024));
        long now = System.currentTimeMillis();
        Chunk chunk = work.chunk();
        long rowsBefore = rowsSent;
        long bytesBefore = bytesRead;
        boolean chunkDone = false;
        boolean lastChunkOfTable = chunk.isOpenEnded();
        // Debezium marks every row of an incremental snapshot so, with no first or last.
        boolean incremental = incrementalTables.contains(chunk.table());
        while (batch.size() < max) {
            String[] fields = lookahead != null ? lookahead : nextRow();
            lookahead = null;
            if (fields == null) {
                chunkDone = true;
                break;
            }
            String marker = incremental ? TableRecordBuilder.INCREMENTAL : TableRecordBuilder.SNAPSHOT;
            if (firstOfTable && !incremental) {
                firstOfTable = false;
                marker = TableRecordBuilder.FIRST_IN_TABLE;
            }
            if (lastChunkOfTable && !incremental) {
                lookahead = nextRow();
                if (lookahead == null) {
                    marker = TableRecordBuilder.LAST_IN_TABLE;
                }
            }
            rowsSent++;
            // fields[0] is the row's ctid: where a restart resumes.
            lastCtid = fields[0];
            SourceRecord row = builder.snapshotRecord(fields, 1, partition, SnapshotOffsets.rowsSent(rowsSent, fields[0]),
                    now, marker);
            if (lsnHeader != null) {
                row.headers().addString(ClusterDatabases.SNAPSHOT_LSN_HEADER, lsnHeader);
            }
            batch.add(row);
        }
        metrics.rowsSent(chunk.table(), (int) (rowsSent - rowsBefore), bytesRead - bytesBefore);
        if (chunkDone) {
            batch.add(ProgressEvents.chunkCompleted(config.progressTopic(), chunk, rowsSent,
                    config.fingerprint().value(), partition, SnapshotOffsets.finished(chunk, rowsSent,
                    config.snapshotLsn() == null ? 0 : config.snapshotLsn()), now));
            long nanos = System.nanoTime() - chunkStartedNanos;
            metrics.chunkRead(chunk, nanos);
            log.info("Task {}: read {}: {} rows in {} s", name, chunk, rowsSent, String.format("%.1f", nanos / 1e9));
            reader = null;
        }
        return batch;
    }

    /** The chunk's next row from COPY, or null once it has ended (and from then on). */
    private String[] nextRow() throws SQLException {
        if (exhausted) {
            return null;
        }
        String[] fields = reader.next();
        if (fields == null) {
            exhausted = true;
        } else {
            bytesRead += reader.lastRowBytes();
        }
        return fields;
    }

    /** Task 0 says once, on the progress topic, that this snapshot replaced the original. */
    private void announceRetaken() {
        Map<String, Object> announcement = SnapshotOffsets.announcementPartition(config.topicPrefix(), "snapshot.retaken");
        if (config.taskIndex() == 0 && !SnapshotOffsets.isAnnounced(offsets.offset(announcement), config.fingerprint())) {
            pending.add(ProgressEvents.snapshotRetaken(config.progressTopic(), config.fingerprint().value(),
                    announcement, SnapshotOffsets.announced(config.fingerprint()), System.currentTimeMillis()));
        }
    }

    private void logProgress() {
        if (System.nanoTime() - lastProgressLogNanos >= config.progressInterval().toNanos()) {
            lastProgressLogNanos = System.nanoTime();
            log.info("Task {}: snapshot progress: {}", name, metrics.summary());
        }
    }

    private void closeReader() {
        // A row read ahead was not sent: a resumed chunk reads it again after lastCtid.
        lookahead = null;
        exhausted = false;
        if (reader != null) {
            try {
                reader.close();
            } catch (SQLException e) {
                log.debug("Task {}: cancelling COPY failed", name, e);
            }
            reader = null;
        }
    }

    private void closeSession() {
        closeReader();
        if (session != null) {
            try {
                session.close();
            } catch (SQLException e) {
                log.debug("Task {}: closing the snapshot session failed", name, e);
            }
            session = null;
        }
    }

    /**
     * A graceful stop: the session keeps holding the snapshot for {@code snapshot.holder.grace.ms},
     * so that the next task or coordinator re-imports it through the id this task published.
     */
    @Override
    public void close() {
        closeReader();
        if (session != null) {
            LingeringSnapshots.keep(connector, session, config.holderGrace(), "task " + name + "'s session");
            session = null;
        }
    }
}

package io.snapclone.connect;

import io.snapclone.connect.config.TaskConfig;
import io.snapclone.connect.metrics.SnapshotMetrics;
import io.snapclone.connect.offset.CompletedRanges;
import io.snapclone.connect.offset.SnapshotOffsets;
import io.snapclone.connect.record.ProgressEvents;
import io.snapclone.connect.record.TableRecordBuilder;
import io.snapclone.connect.stream.StreamReader;
import io.snapclone.pg.TableId;
import io.snapclone.pg.catalog.Catalog;
import io.snapclone.pg.snapshot.Chunk;
import io.snapclone.pg.snapshot.ChunkReader;
import io.snapclone.pg.snapshot.SnapshotId;
import io.snapclone.pg.snapshot.SnapshotSession;
import io.snapclone.pg.snapshot.TableLock;

import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.apache.kafka.connect.source.TransactionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Reads its chunks under the imported snapshot and emits one record per row, then a progress
 * record per chunk whose committed offset marks the chunk done. It keeps its snapshot transaction
 * open, and publishes an id exported from it, until the coordinator ends the snapshot phase: a
 * restarted coordinator or task can then import the same snapshot instead of taking a new one.
 */
public class SnapcloneSourceTask extends SourceTask {
    private static final Logger log = LoggerFactory.getLogger(SnapcloneSourceTask.class);
    private static final long IDLE_WAIT_MS = 1000;
    /** How long an idle stream waits before looking again: most of an idle-to-busy change's latency. */
    private static final long STREAM_IDLE_WAIT_MS = 10;
    private static final long LOCK_WARNING_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Map<TableId, TableRecordBuilder> builders = new HashMap<>();
    private final Deque<ChunkWork> todo = new ArrayDeque<>();
    private final List<SourceRecord> pending = new ArrayList<>();
    private TaskConfig config;
    private String name;
    private SnapshotMetrics metrics;
    private SnapshotSession session;
    private Catalog catalog;
    private List<TableId> toAnnounce = List.of();
    private ChunkWork work;
    private ChunkReader reader;
    private TableRecordBuilder builder;
    private Map<String, Object> partition;
    private long chunkStartedNanos;
    private long rowsSent;
    private long lastLockWarningNanos = System.nanoTime() - LOCK_WARNING_INTERVAL_NANOS;
    private long lastProgressLogNanos = System.nanoTime();
    private boolean allRead;
    private StreamReader streamReader;
    private boolean streamedBatch;
    private volatile boolean stopping;

    @Override
    public String version() {
        return Version.VERSION;
    }

    @Override
    public void start(Map<String, String> props) {
        config = new TaskConfig(props);
        String connector = props.getOrDefault("name", config.topicPrefix());
        name = connector + "-" + config.taskIndex();
        toAnnounce = config.tablesToAnnounce();
        List<Chunk> chunks = config.chunks();
        metrics = new SnapshotMetrics(connector, config.taskIndex(), chunks).register();
        if (config.streamsChanges()) {
            streamReader = new StreamReader(config, context.offsetStorageReader(), context.transactionContext(), name);
            try {
                streamReader.start();
            } catch (SQLException e) {
                streamReader.close();
                throw new ConnectException("Task " + name + " could not stream from slot " + config.slotName() + ": "
                        + e.getMessage() + " (is another connector or client reading this slot? slot.name must be "
                        + "this connector's own)", e);
            }
            return;
        }
        findUnfinished(chunks);
        if (todo.isEmpty()) {
            log.info("Task {}: no snapshot work left ({} chunks assigned, all done)", name, chunks.size());
            return;
        }
        SnapshotId held;
        try {
            session = SnapshotSession.open(config.connectionSettings(), "snapclone-task " + name,
                    config.snapshotId(), config.fingerprint());
            catalog = new Catalog(session.connection());
            held = session.exportAgain();
        } catch (SQLException e) {
            closeSession();
            throw new ConnectException("Task " + name + " could not import snapshot " + config.snapshotId() + ": "
                    + e.getMessage(), e);
        }
        pending.add(ProgressEvents.snapshotHeld(config.progressTopic(), config.taskIndex(), held.value(),
                config.fingerprint().value(), SnapshotOffsets.holderPartition(config.topicPrefix(), config.taskIndex()),
                SnapshotOffsets.holding(held, config.fingerprint()), System.currentTimeMillis()));
        log.info("Task {}: imported snapshot {} (fingerprint {}), holding it as {}; {} of {} chunks to read", name,
                config.snapshotId(), config.fingerprint(), held, todo.size(), chunks.size());
        if (config.snapshotRetaken()) {
            log.warn("Task {}: reading under a NEW snapshot {}: no session held the original one any more; "
                    + "see docs/snapshots.md", name, config.fingerprint());
            announceRetaken();
        }
    }

    private void findUnfinished(List<Chunk> chunks) {
        List<Map<String, Object>> partitions = chunks.stream()
                .map(c -> SnapshotOffsets.partition(config.topicPrefix(), c)).toList();
        Map<Map<String, Object>, Map<String, Object>> committed = context.offsetStorageReader().offsets(partitions);
        for (int i = 0; i < chunks.size(); i++) {
            SnapshotOffsets.Progress progress = SnapshotOffsets.progress(committed.get(partitions.get(i)));
            if (progress.done()) {
                metrics.chunkAlreadyDone(chunks.get(i), progress.rows());
            } else {
                metrics.rowsAlreadySent(chunks.get(i).table(), progress.rows());
                todo.add(new ChunkWork(chunks.get(i), progress.lastRow(), progress.rows()));
            }
        }
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        List<SourceRecord> batch = nextBatch();
        TransactionContext transactions = context.transactionContext();
        if (transactions != null && batch != null && !batch.isEmpty() && !streamedBatch) {
            // Outside the stream, each batch is its own transaction (the stream commits per PostgreSQL one).
            transactions.commitTransaction();
        }
        return batch;
    }

    private List<SourceRecord> nextBatch() throws InterruptedException {
        streamedBatch = false;
        if (stopping) {
            return null;
        }
        try {
            if (!pending.isEmpty()) {
                List<SourceRecord> batch = new ArrayList<>(pending);
                pending.clear();
                return batch;
            }
            if (!toAnnounce.isEmpty()) {
                return announceCompletion();
            }
            if (streamReader != null) {
                List<SourceRecord> changes = streamReader.poll(config.maxBatchSize());
                streamedBatch = true;
                if (changes.isEmpty()) {
                    stopped.await(STREAM_IDLE_WAIT_MS, TimeUnit.MILLISECONDS);
                    return null;
                }
                return changes;
            }
            if (reader == null && !openNextChunk()) {
                stopped.await(IDLE_WAIT_MS, TimeUnit.MILLISECONDS);
                return null;
            }
            List<SourceRecord> batch = readBatch();
            logProgress();
            return batch;
        } catch (SQLException e) {
            if (stopping) {
                return null;
            }
            String state = e.getSQLState() == null ? "" : e.getSQLState();
            String advice = state.startsWith("08") || state.startsWith("57P0")
                    ? " The connection to PostgreSQL was lost (server restarted?). Restart the connector with its tasks "
                    + "(POST /connectors/<name>/restart?includeTasks=true): finished chunks are kept and the rest is "
                    + "re-planned, under the original snapshot if a session still holds it."
                    : "";
            throw new ConnectException("Task " + name + " failed reading " + (work == null ? "" : work.chunk()) + ": "
                    + e.getMessage() + advice, e);
        }
    }

    private boolean openNextChunk() throws SQLException {
        work = todo.poll();
        if (work == null) {
            if (session != null && !allRead) {
                allRead = true;
                log.info("Task {}: all chunks read ({}); holding the snapshot until the snapshot phase ends",
                        name, metrics.summary());
            }
            return false;
        }
        Chunk chunk = work.chunk();
        builder = builders.get(chunk.table());
        if (builder == null) {
            builder = new TableRecordBuilder(catalog.describe(chunk.table()), config.topicPrefix(),
                    config.connectionSettings().database(), config.recordOptions());
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
        partition = SnapshotOffsets.partition(config.topicPrefix(), chunk);
        reader = ChunkReader.open(session.connection(), builder.table(), chunk, work.resumeAfter());
        rowsSent = work.rowsBefore();
        chunkStartedNanos = System.nanoTime();
        if (work.resumeAfter() != null) {
            log.info("Task {}: resuming {} after row {} ({} rows sent before)", name, chunk, work.resumeAfter(),
                    rowsSent);
        }
        return true;
    }

    private List<SourceRecord> readBatch() throws SQLException {
        int max = config.maxBatchSize();
        List<SourceRecord> batch = new ArrayList<>(Math.min(max, 1024));
        long now = System.currentTimeMillis();
        Chunk chunk = work.chunk();
        long rowsBefore = rowsSent;
        long bytes = 0;
        boolean chunkDone = false;
        while (batch.size() < max) {
            String[] fields = reader.next();
            if (fields == null) {
                chunkDone = true;
                break;
            }
            rowsSent++;
            bytes += reader.lastRowBytes();
            // fields[0] is the row's ctid: where a restart resumes.
            batch.add(builder.snapshotRecord(fields, 1, partition, SnapshotOffsets.rowsSent(rowsSent, fields[0]), now));
        }
        metrics.rowsSent(chunk.table(), (int) (rowsSent - rowsBefore), bytes);
        if (chunkDone) {
            batch.add(ProgressEvents.chunkCompleted(config.progressTopic(), chunk, rowsSent,
                    config.fingerprint().value(), partition, SnapshotOffsets.finished(chunk, rowsSent), now));
            long nanos = System.nanoTime() - chunkStartedNanos;
            metrics.chunkRead(chunk, nanos);
            log.info("Task {}: read {}: {} rows in {} s", name, chunk, rowsSent, String.format("%.1f", nanos / 1e9));
            reader = null;
        }
        return batch;
    }

    /** Task 0 says once, on the progress topic, that this snapshot replaced the original. */
    private void announceRetaken() {
        Map<String, Object> announcement = SnapshotOffsets.announcementPartition(config.topicPrefix(), "snapshot.retaken");
        if (config.taskIndex() == 0 && !SnapshotOffsets.isAnnounced(
                context.offsetStorageReader().offset(announcement), config.fingerprint())) {
            pending.add(ProgressEvents.snapshotRetaken(config.progressTopic(), config.fingerprint().value(),
                    announcement, SnapshotOffsets.announced(config.fingerprint()), System.currentTimeMillis()));
        }
    }

    /** Announces each table and then the whole snapshot as complete, once. */
    private List<SourceRecord> announceCompletion() {
        List<TableId> tables = toAnnounce;
        toAnnounce = List.of();
        Map<String, Object> announcement = SnapshotOffsets.announcementPartition(config.topicPrefix(),
                "snapshot.completed");
        Map<String, Object> committed = context.offsetStorageReader().offset(announcement);
        if (SnapshotOffsets.isAnnounced(committed)) {
            return null;
        }
        Map<TableId, CompletedRanges.TableState> states = CompletedRanges.of(config.topicPrefix(), tables,
                partitions -> new HashMap<>(context.offsetStorageReader().offsets(partitions)));
        long now = System.currentTimeMillis();
        List<SourceRecord> batch = new ArrayList<>();
        long rows = 0;
        for (TableId table : tables) {
            long tableRows = states.get(table).rowsSent();
            rows += tableRows;
            batch.add(ProgressEvents.tableCompleted(config.progressTopic(), table, tableRows, now));
        }
        batch.add(ProgressEvents.snapshotCompleted(config.progressTopic(), tables.size(), rows, announcement,
                SnapshotOffsets.announced(), now));
        log.info("Task {}: announced the completed snapshot ({} tables, {} rows) on {}", name, tables.size(), rows,
                config.progressTopic());
        return batch;
    }

    private void logProgress() {
        if (System.nanoTime() - lastProgressLogNanos >= config.progressInterval().toNanos()) {
            lastProgressLogNanos = System.nanoTime();
            log.info("Task {}: snapshot progress: {}", name, metrics.summary());
        }
    }

    /** Offsets up to here are in Kafka: the stream may confirm them to PostgreSQL. */
    @Override
    public void commit() {
        if (streamReader != null && !stopping) {
            try {
                streamReader.committed();
            } catch (RuntimeException e) {
                // The worker may be closing the offset reader while stopping this task: confirm next time.
                log.debug("Task {}: could not read committed offsets to confirm them", name, e);
            }
        }
    }

    @Override
    public void stop() {
        stopping = true;
        stopped.countDown();
        closeSession();
        if (streamReader != null) {
            streamReader.close();
        }
        if (metrics != null) {
            metrics.close();
        }
    }

    private void closeSession() {
        if (reader != null) {
            try {
                reader.close();
            } catch (SQLException e) {
                log.debug("Task {}: cancelling COPY failed", name, e);
            }
            reader = null;
        }
        if (session != null) {
            try {
                session.close();
            } catch (SQLException e) {
                log.warn("Task {}: closing the snapshot session failed", name, e);
            }
            session = null;
        }
    }
}

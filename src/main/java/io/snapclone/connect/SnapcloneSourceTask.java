package io.snapclone.connect;

import io.snapclone.connect.config.TaskConfig;
import io.snapclone.connect.offset.SnapshotOffsets;
import io.snapclone.connect.record.ProgressEvents;
import io.snapclone.connect.record.SnapshotRecordBuilder;
import io.snapclone.pg.TableId;
import io.snapclone.pg.catalog.Catalog;
import io.snapclone.pg.snapshot.Chunk;
import io.snapclone.pg.snapshot.ChunkReader;
import io.snapclone.pg.snapshot.SnapshotSession;
import io.snapclone.pg.snapshot.TableLock;

import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
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
 * record per chunk whose committed offset marks the chunk done. Finished chunks are skipped on
 * restart.
 */
public class SnapcloneSourceTask extends SourceTask {
    private static final Logger log = LoggerFactory.getLogger(SnapcloneSourceTask.class);
    private static final long IDLE_WAIT_MS = 1000;
    private static final long LOCK_WARNING_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Map<TableId, SnapshotRecordBuilder> builders = new HashMap<>();
    private final Deque<Chunk> todo = new ArrayDeque<>();
    private TaskConfig config;
    private String name;
    private SnapshotSession session;
    private Catalog catalog;
    private Chunk chunk;
    private ChunkReader reader;
    private SnapshotRecordBuilder builder;
    private Map<String, Object> partition;
    private long chunkStartedNanos;
    private long rowsSent;
    private long lastLockWarningNanos = System.nanoTime() - LOCK_WARNING_INTERVAL_NANOS;
    private volatile boolean stopping;

    @Override
    public String version() {
        return Version.VERSION;
    }

    @Override
    public void start(Map<String, String> props) {
        config = new TaskConfig(props);
        name = props.getOrDefault("name", config.topicPrefix()) + "-" + config.taskIndex();
        List<Chunk> chunks = config.chunks();
        List<Map<String, Object>> partitions = chunks.stream()
                .map(c -> SnapshotOffsets.partition(config.topicPrefix(), c)).toList();
        Map<Map<String, Object>, Map<String, Object>> committed = context.offsetStorageReader().offsets(partitions);
        for (int i = 0; i < chunks.size(); i++) {
            if (!SnapshotOffsets.progress(committed.get(partitions.get(i))).done()) {
                todo.add(chunks.get(i));
            }
        }
        if (todo.isEmpty()) {
            log.info("Task {}: no snapshot work left ({} chunks assigned, all done)", name, chunks.size());
            return;
        }
        try {
            session = SnapshotSession.open(config.connectionSettings(), "snapclone-task " + name,
                    config.snapshotId(), config.fingerprint());
            catalog = new Catalog(session.connection());
        } catch (SQLException e) {
            throw new ConnectException("Task " + name + " could not import snapshot " + config.snapshotId() + ": "
                    + e.getMessage(), e);
        }
        log.info("Task {}: imported snapshot {} (fingerprint {}); {} of {} chunks to read", name,
                config.snapshotId(), config.fingerprint(), todo.size(), chunks.size());
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        if (stopping) {
            return null;
        }
        try {
            if (reader == null && !openNextChunk()) {
                stopped.await(IDLE_WAIT_MS, TimeUnit.MILLISECONDS);
                return null;
            }
            return readBatch();
        } catch (SQLException e) {
            if (stopping) {
                return null;
            }
            throw new ConnectException("Task " + name + " failed reading " + chunk + ": " + e.getMessage(), e);
        }
    }

    private boolean openNextChunk() throws SQLException {
        chunk = todo.poll();
        if (chunk == null) {
            if (session != null) {
                log.info("Task {}: all assigned chunks read; ending its snapshot transaction", name);
                closeSession();
            }
            return false;
        }
        builder = builders.get(chunk.table());
        if (builder == null) {
            builder = new SnapshotRecordBuilder(catalog.describe(chunk.table()), config.topicPrefix(),
                    config.connectionSettings().database());
            builders.put(chunk.table(), builder);
        }
        if (!TableLock.tryAcquire(session.connection(), chunk.table())) {
            if (System.nanoTime() - lastLockWarningNanos > LOCK_WARNING_INTERVAL_NANOS) {
                lastLockWarningNanos = System.nanoTime();
                log.warn("Task {}: waiting to read {}: another session holds a conflicting lock on it "
                        + "(ALTER TABLE, LOCK TABLE, VACUUM FULL...); see pg_locks", name, chunk.table());
            }
            todo.addFirst(chunk);
            return false;
        }
        partition = SnapshotOffsets.partition(config.topicPrefix(), chunk);
        reader = ChunkReader.open(session.connection(), builder.table(), chunk);
        rowsSent = 0;
        chunkStartedNanos = System.nanoTime();
        return true;
    }

    private List<SourceRecord> readBatch() throws SQLException {
        int max = config.maxBatchSize();
        List<SourceRecord> batch = new ArrayList<>(Math.min(max, 1024));
        long now = System.currentTimeMillis();
        while (batch.size() < max) {
            String[] fields = reader.next();
            if (fields == null) {
                batch.add(ProgressEvents.chunkCompleted(config.progressTopic(), chunk, rowsSent,
                        config.fingerprint().value(), partition, SnapshotOffsets.finished(chunk, rowsSent), now));
                log.info("Task {}: read {}: {} rows in {} s", name, chunk, rowsSent,
                        String.format("%.1f", (System.nanoTime() - chunkStartedNanos) / 1e9));
                reader = null;
                break;
            }
            rowsSent++;
            batch.add(builder.snapshotRecord(fields, partition, SnapshotOffsets.rowsSent(rowsSent), now));
        }
        return batch;
    }

    @Override
    public void stop() {
        stopping = true;
        stopped.countDown();
        closeSession();
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

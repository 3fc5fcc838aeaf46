package io.snapclone.connect.metrics;

import io.snapclone.pg.TableId;
import io.snapclone.pg.snapshot.Chunk;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.ObjectName;

/**
 * One task's snapshot progress, registered as
 * {@code io.snapclone:type=snapshot-metrics,connector="<name>",task=<n>} and, read through
 * {@link DebeziumSnapshotMetrics}, under Debezium's name ({@link TaskBeanNames#debezium}). Updated by
 * the task thread, read by JMX threads and the progress log: every field is final, atomic or volatile.
 */
public final class SnapshotMetrics implements SnapshotMetricsMXBean, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SnapshotMetrics.class);

    private final ObjectName name;
    private final ObjectName debeziumName;
    private final Set<TableId> tables;
    private final Map<TableId, Integer> chunksPerTable = new TreeMap<>();
    private final Set<TableId> remainingTables = ConcurrentHashMap.newKeySet();
    private final Map<TableId, Integer> chunksLeftPerTable = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> rowsPerTable = new ConcurrentHashMap<>();
    private final int totalChunks;
    private final AtomicInteger completedChunks = new AtomicInteger();
    private final AtomicLong rows = new AtomicLong();
    private final AtomicLong rowsThisRun = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final long startedNanos = System.nanoTime();
    private volatile long chunkNanosThisRun;
    private volatile int chunksThisRun;
    private volatile long finishedNanos;
    private volatile long lastBatchMillis = -1;
    private volatile TableId lastTable;

    public SnapshotMetrics(TaskBeanNames names, List<Chunk> assigned) {
        this.name = objectName(names.connector(), names.task());
        this.debeziumName = names.debezium("snapshot");
        this.tables = assigned.stream().map(Chunk::table).collect(Collectors.toSet());
        this.totalChunks = assigned.size();
        for (Chunk chunk : assigned) {
            chunksLeftPerTable.merge(chunk.table(), 1, Integer::sum);
            chunksPerTable.merge(chunk.table(), 1, Integer::sum);
            rowsPerTable.putIfAbsent(chunk.table().qualifiedName(), new AtomicLong());
        }
        remainingTables.addAll(tables);
        if (assigned.isEmpty()) {
            // No snapshot work (the streaming phase, or a task with nothing to read): not running.
            finishedNanos = startedNanos;
        }
    }

    public static ObjectName objectName(String connector, int task) {
        return TaskBeans.name("snapshot-metrics", connector, task);
    }

    /** Our name of the bean (Debezium's is {@link TaskBeanNames#debezium}). */
    public ObjectName name() {
        return name;
    }

    /**
     * Registers the bean and its Debezium-compatible view; beans left by an earlier instance of
     * the same task are replaced.
     */
    public SnapshotMetrics register() {
        TaskBeans.register(this, name);
        TaskBeans.register(new DebeziumSnapshotMetrics(this), debeziumName);
        return this;
    }

    /** A chunk finished before this run (per committed offsets). */
    public void chunkAlreadyDone(Chunk chunk, long chunkRows) {
        rowsPerTable.get(chunk.table().qualifiedName()).addAndGet(chunkRows);
        rows.addAndGet(chunkRows);
        chunkCompleted(chunk);
    }

    /** Rows sent by an interrupted earlier run of a chunk this run resumes. */
    public void rowsAlreadySent(TableId table, long chunkRows) {
        rowsPerTable.get(table.qualifiedName()).addAndGet(chunkRows);
        rows.addAndGet(chunkRows);
    }

    /** Called once a batch, not a row: the per-row counting showed in the hot path's profile. */
    public void rowsSent(TableId table, int batchRows, long batchBytes) {
        rowsPerTable.get(table.qualifiedName()).addAndGet(batchRows);
        rows.addAndGet(batchRows);
        rowsThisRun.addAndGet(batchRows);
        bytes.addAndGet(batchBytes);
        lastTable = table;
        lastBatchMillis = System.currentTimeMillis();
    }

    public void chunkRead(Chunk chunk, long nanos) {
        chunkNanosThisRun += nanos;
        chunksThisRun++;
        chunkCompleted(chunk);
    }

    private void chunkCompleted(Chunk chunk) {
        completedChunks.incrementAndGet();
        if (chunksLeftPerTable.merge(chunk.table(), -1, Integer::sum) == 0) {
            remainingTables.remove(chunk.table());
        }
        if (completedChunks.get() == totalChunks && finishedNanos == 0) {
            finishedNanos = System.nanoTime();
        }
    }

    @Override
    public int getTotalTableCount() {
        return tables.size();
    }

    @Override
    public int getRemainingTableCount() {
        return remainingTables.size();
    }

    @Override
    public int getTotalChunkCount() {
        return totalChunks;
    }

    @Override
    public int getCompletedChunkCount() {
        return completedChunks.get();
    }

    @Override
    public Map<String, Long> getRowsScanned() {
        Map<String, Long> copy = new TreeMap<>();
        rowsPerTable.forEach((table, count) -> copy.put(table, count.get()));
        return copy;
    }

    @Override
    public long getTotalRowsScanned() {
        return rows.get();
    }

    @Override
    public long getBytesScanned() {
        return bytes.get();
    }

    @Override
    public double getRowsPerSecond() {
        double seconds = (endNanos() - startedNanos) / 1e9;
        return seconds <= 0 ? 0 : rowsThisRun.get() / seconds;
    }

    @Override
    public boolean getSnapshotRunning() {
        return finishedNanos == 0;
    }

    @Override
    public boolean getSnapshotCompleted() {
        return finishedNanos != 0;
    }

    @Override
    public long getSnapshotDurationInSeconds() {
        return (endNanos() - startedNanos) / 1_000_000_000L;
    }

    @Override
    public long getEstimatedSecondsRemaining() {
        int done = chunksThisRun;
        if (finishedNanos != 0) {
            return 0;
        }
        return done == 0 ? -1 : chunkNanosThisRun / done * (totalChunks - completedChunks.get()) / 1_000_000_000L;
    }

    /** The tables this task reads ({@code schema.table}), sorted. */
    public List<String> tableNames() {
        return tables.stream().map(TableId::qualifiedName).sorted().toList();
    }

    /** Rows this run sent (rows sent before a restart are not counted). */
    public long rowsSentThisRun() {
        return rowsThisRun.get();
    }

    /** When this run last sent rows (ms since the epoch); -1 before it sent any. */
    public long lastBatchMillis() {
        return lastBatchMillis;
    }

    /** The table whose rows this run sent last; null before it sent any. */
    public TableId lastTable() {
        return lastTable;
    }

    /** Chunks per table ({@code schema.table}) assigned to this task. */
    public Map<String, Long> chunkCounts() {
        Map<String, Long> counts = new TreeMap<>();
        chunksPerTable.forEach((table, count) -> counts.put(table.qualifiedName(), (long) count));
        return counts;
    }

    /** Chunks per table ({@code schema.table}) this task has read, in this run or before a restart. */
    public Map<String, Long> completedChunkCounts() {
        Map<String, Long> counts = new TreeMap<>();
        chunksPerTable.forEach((table, count) ->
                counts.put(table.qualifiedName(), (long) (count - chunksLeftPerTable.get(table))));
        return counts;
    }

    /** One line for the log. */
    public String summary() {
        return String.format("%d/%d chunks, %d/%d tables done, %,d rows (%,.0f rows/s), %s left",
                completedChunks.get(), totalChunks, tables.size() - remainingTables.size(), tables.size(), rows.get(),
                getRowsPerSecond(), getEstimatedSecondsRemaining() < 0 ? "?" : getEstimatedSecondsRemaining() + " s");
    }

    private long endNanos() {
        return finishedNanos != 0 ? finishedNanos : System.nanoTime();
    }

    @Override
    public void close() {
        TaskBeans.unregister(name);
        TaskBeans.unregister(debeziumName);
    }
}

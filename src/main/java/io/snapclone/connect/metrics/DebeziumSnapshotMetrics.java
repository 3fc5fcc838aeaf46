package io.snapclone.connect.metrics;

import static java.util.Objects.requireNonNull;

import io.snapclone.pg.TableId;

import java.util.Map;

/**
 * Our snapshot metrics under Debezium's attribute names. It holds no state of its own: every
 * attribute is read from {@link SnapshotMetrics} when a JMX client asks (from JMX threads), or is
 * the value Debezium shows when it has nothing to report.
 *
 * <p>Snapshot rows are {@code op=r} events: the event counters are the rows this run sent. We
 * have no queue between reading and {@code poll()} (rows are read inside it), so the queue
 * attributes show an always empty queue ({@link DebeziumQueueAttributes}).
 */
final class DebeziumSnapshotMetrics implements DebeziumSnapshotMetricsMXBean {
    private final SnapshotMetrics metrics;

    DebeziumSnapshotMetrics(SnapshotMetrics metrics) {
        this.metrics = requireNonNull(metrics, "metrics is null");
    }

    /** The table of the last rows sent; null before any (as Debezium's before its first event). */
    @Override
    public String getLastEvent() {
        TableId table = metrics.lastTable();
        return table == null ? null : "op=r table=" + table.qualifiedName();
    }

    @Override
    public long getMilliSecondsSinceLastEvent() {
        long last = metrics.lastBatchMillis();
        return last < 0 ? -1 : System.currentTimeMillis() - last;
    }

    @Override
    public long getTotalNumberOfEventsSeen() {
        return metrics.rowsSentThisRun();
    }

    @Override
    public long getTotalNumberOfCreateEventsSeen() {
        return 0;
    }

    @Override
    public long getTotalNumberOfUpdateEventsSeen() {
        return 0;
    }

    @Override
    public long getTotalNumberOfDeleteEventsSeen() {
        return 0;
    }

    @Override
    public long getTotalNumberOfReadEventsSeen() {
        return metrics.rowsSentThisRun();
    }

    /** Tables outside the include lists are never read, so no row is filtered. */
    @Override
    public long getNumberOfEventsFiltered() {
        return 0;
    }

    /** The tables this task reads: with several tasks, each bean lists its own share. */
    @Override
    public String[] getCapturedTables() {
        return metrics.tableNames().toArray(String[]::new);
    }

    @Override
    public int getTotalTableCount() {
        return metrics.getTotalTableCount();
    }

    @Override
    public int getRemainingTableCount() {
        return metrics.getRemainingTableCount();
    }

    @Override
    public boolean getSnapshotRunning() {
        return metrics.getSnapshotRunning();
    }

    /** Our snapshots cannot be paused. */
    @Override
    public boolean getSnapshotPaused() {
        return false;
    }

    @Override
    public boolean getSnapshotCompleted() {
        return metrics.getSnapshotCompleted();
    }

    /**
     * A stopped or failed snapshot task resumes from its committed offsets; it is not aborted, and
     * its beans leave with it.
     */
    @Override
    public boolean getSnapshotAborted() {
        return false;
    }

    /** A task knows no snapshot mode of its own; a task with no chunks shows as completed. */
    @Override
    public boolean getSnapshotSkipped() {
        return false;
    }

    @Override
    public long getSnapshotDurationInSeconds() {
        return metrics.getSnapshotDurationInSeconds();
    }

    @Override
    public long getSnapshotPausedDurationInSeconds() {
        return 0;
    }

    @Override
    public Map<String, Long> getRowsScanned() {
        return metrics.getRowsScanned();
    }

    /** Debezium's incremental-snapshot window; ours are not incremental (see docs/snapshots.md). */
    @Override
    public String getChunkId() {
        return null;
    }

    @Override
    public String getChunkFrom() {
        return null;
    }

    @Override
    public String getChunkTo() {
        return null;
    }

    @Override
    public String getTableFrom() {
        return null;
    }

    @Override
    public String getTableTo() {
        return null;
    }

    @Override
    public Map<String, Long> getTableChunkCounts() {
        return metrics.chunkCounts();
    }

    @Override
    public Map<String, Long> getTableChunksCompletedCounts() {
        return metrics.completedChunkCounts();
    }
}

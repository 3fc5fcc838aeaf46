package io.snapclone.connect.metrics;

import java.util.Map;

/** A snapshot task's progress over JMX; names follow Debezium's snapshot metrics where they match. */
public interface SnapshotMetricsMXBean {
    int getTotalTableCount();

    int getRemainingTableCount();

    int getTotalChunkCount();

    int getCompletedChunkCount();

    /** Rows sent per table ({@code schema.table}) by this task, including rows sent before a restart. */
    Map<String, Long> getRowsScanned();

    long getTotalRowsScanned();

    long getBytesScanned();

    double getRowsPerSecond();

    boolean getSnapshotRunning();

    boolean getSnapshotCompleted();

    long getSnapshotDurationInSeconds();

    /** From the chunks left and the time finished chunks took; -1 until one chunk is done. */
    long getEstimatedSecondsRemaining();
}

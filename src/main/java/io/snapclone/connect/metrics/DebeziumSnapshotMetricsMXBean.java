package io.snapclone.connect.metrics;

import java.util.Map;

/**
 * The attributes of Debezium 3.x's snapshot bean ({@code SnapshotChangeEventSourceMetricsMXBean}
 * and the traits it extends), names and types as Debezium declares them, so that dashboards and
 * JMX exporter rules written for Debezium read our snapshot. Operations ({@code reset()}) are left
 * out. docs/snapshots.md says which attributes are real and which are constant.
 */
public interface DebeziumSnapshotMetricsMXBean extends DebeziumEventAttributes {
    // CommonEventMetricsMXBean, QueueMetricsMXBean, SchemaMetricsMXBean: DebeziumEventAttributes

    // SnapshotMetricsMXBean
    int getTotalTableCount();

    int getRemainingTableCount();

    boolean getSnapshotRunning();

    boolean getSnapshotPaused();

    boolean getSnapshotCompleted();

    boolean getSnapshotAborted();

    boolean getSnapshotSkipped();

    long getSnapshotDurationInSeconds();

    long getSnapshotPausedDurationInSeconds();

    Map<String, Long> getRowsScanned();

    String getChunkId();

    String getChunkFrom();

    String getChunkTo();

    String getTableFrom();

    String getTableTo();

    Map<String, Long> getTableChunkCounts();

    Map<String, Long> getTableChunksCompletedCounts();
}

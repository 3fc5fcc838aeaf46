package io.snapclone.connect.metrics;

/**
 * Debezium's queue attributes ({@code QueueMetricsMXBean}), shared by both Debezium-compatible
 * beans. Records go from poll() straight to Connect, with no queue between a reader thread and
 * the task as in Debezium: every value is 0 (also Debezium's {@code max.queue.size.in.bytes}
 * default, no byte bound).
 */
public interface DebeziumQueueAttributes {
    default int getQueueTotalCapacity() {
        return 0;
    }

    default int getQueueRemainingCapacity() {
        return 0;
    }

    default long getMaxQueueSizeInBytes() {
        return 0;
    }

    default long getCurrentQueueSizeInBytes() {
        return 0;
    }
}

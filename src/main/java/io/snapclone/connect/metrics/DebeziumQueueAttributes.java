package io.snapclone.connect.metrics;

/**
 * Debezium's queue attributes ({@code QueueMetricsMXBean}), shared by both Debezium-compatible
 * beans. Records go from poll() straight to Connect, with no queue between a reader thread and
 * the task as in Debezium: shown as an always empty queue of Debezium's default size
 * ({@code max.queue.size} 8192), so that alerts on a full queue ({@code QueueRemainingCapacity}
 * 0) stay quiet, with no byte bound (0, Debezium's {@code max.queue.size.in.bytes} default).
 */
public interface DebeziumQueueAttributes {
    int DEBEZIUM_DEFAULT_QUEUE_SIZE = 8192;

    default int getQueueTotalCapacity() {
        return DEBEZIUM_DEFAULT_QUEUE_SIZE;
    }

    default int getQueueRemainingCapacity() {
        return DEBEZIUM_DEFAULT_QUEUE_SIZE;
    }

    default long getMaxQueueSizeInBytes() {
        return 0;
    }

    default long getCurrentQueueSizeInBytes() {
        return 0;
    }
}

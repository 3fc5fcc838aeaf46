package io.snapclone.connect.metrics;

/**
 * The attributes both Debezium-compatible beans share ({@code CommonEventMetricsMXBean},
 * {@code QueueMetricsMXBean} through {@link DebeziumQueueAttributes}, {@code SchemaMetricsMXBean}).
 */
public interface DebeziumEventAttributes extends DebeziumQueueAttributes {
    String getLastEvent();

    long getMilliSecondsSinceLastEvent();

    long getTotalNumberOfEventsSeen();

    long getTotalNumberOfCreateEventsSeen();

    long getTotalNumberOfUpdateEventsSeen();

    long getTotalNumberOfDeleteEventsSeen();

    long getTotalNumberOfReadEventsSeen();

    long getNumberOfEventsFiltered();

    /** A row or change that cannot be converted fails the task; none is skipped. */
    default long getNumberOfErroneousEvents() {
        return 0;
    }

    String[] getCapturedTables();
}

package io.snapclone.connect.metrics;

import java.util.Map;

/**
 * The attributes of Debezium 3.x's PostgreSQL streaming bean
 * ({@code PostgresStreamingChangeEventSourceMetricsMXBean} and the traits it extends), names and
 * types as Debezium declares them. Operations ({@code reset()}, {@code resetLagBehindSource()},
 * {@code pause()}, {@code resume()}) are left out. docs/streaming.md says which attributes are real
 * and which are constant.
 */
public interface DebeziumStreamingMetricsMXBean extends DebeziumEventAttributes {
    // CommonEventMetricsMXBean, QueueMetricsMXBean, SchemaMetricsMXBean: DebeziumEventAttributes

    // ConnectionMetricsMXBean (Debezium declares isConnected(); the attribute is Connected either way)
    boolean isConnected();

    // StreamingMetricsMXBean
    Map<String, String> getSourceEventPosition();

    long getMilliSecondsBehindSource();

    long getNumberOfCommittedTransactions();

    String getLastTransactionId();

    long getNumberOfUnchangedEventsSkipped();

    // StreamingStatisticsMXBean
    Long getMilliSecondsBehindSourceMinValue();

    Long getMilliSecondsBehindSourceMaxValue();

    Double getMilliSecondsBehindSourceAverageValue();

    Double getMilliSecondsBehindSourceP50();

    Double getMilliSecondsBehindSourceP95();

    Double getMilliSecondsBehindSourceP99();

    // ActivityMonitoringMXBean
    Map<String, Long> getNumberOfCreateEventsSeen();

    Map<String, Long> getNumberOfDeleteEventsSeen();

    Map<String, Long> getNumberOfUpdateEventsSeen();

    Map<String, Long> getNumberOfTruncateEventsSeen();

    // PostgresStreamingChangeEventSourceMetricsMXBean
    long getTotalNumberOfLogicalMessageEventsSeen();
}

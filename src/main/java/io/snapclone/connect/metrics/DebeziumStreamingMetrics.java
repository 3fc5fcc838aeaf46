package io.snapclone.connect.metrics;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * Our streaming metrics under Debezium's attribute names. It holds no state of its own: every
 * attribute is read from {@link StreamingMetrics} when a JMX client asks (from JMX threads), or is
 * the value Debezium shows when it has nothing to report.
 *
 * <p>We have no queue between the replication stream and {@code poll()} (changes are read inside
 * it), so the queue attributes show an always empty queue ({@link DebeziumQueueAttributes}).
 */
final class DebeziumStreamingMetrics implements DebeziumStreamingMetricsMXBean {
    private final StreamingMetrics metrics;

    DebeziumStreamingMetrics(StreamingMetrics metrics) {
        this.metrics = requireNonNull(metrics, "metrics is null");
    }

    /** {@code table=<schema.table> lsn=<X/Y> txId=<n>} of the last change; null before the first. */
    @Override
    public String getLastEvent() {
        return metrics.lastEvent();
    }

    @Override
    public long getMilliSecondsSinceLastEvent() {
        return metrics.getMilliSecondsSinceLastEvent();
    }

    @Override
    public long getTotalNumberOfEventsSeen() {
        return metrics.getTotalNumberOfEventsSeen();
    }

    @Override
    public long getTotalNumberOfCreateEventsSeen() {
        return metrics.creates();
    }

    @Override
    public long getTotalNumberOfUpdateEventsSeen() {
        return metrics.updates();
    }

    @Override
    public long getTotalNumberOfDeleteEventsSeen() {
        return metrics.deletes();
    }

    /** The stream emits no {@code op=r} events. */
    @Override
    public long getTotalNumberOfReadEventsSeen() {
        return 0;
    }

    /**
     * Not counted: the publication lists the captured tables, so changes of other tables reach us
     * only from a publication shared with something else, and are dropped uncounted.
     */
    @Override
    public long getNumberOfEventsFiltered() {
        return 0;
    }

    @Override
    public String[] getCapturedTables() {
        return metrics.capturedTables().toArray(String[]::new);
    }

    @Override
    public boolean isConnected() {
        return metrics.getConnected();
    }

    /** As Debezium's PostgreSQL connector: {@code lsn} of the last change, in decimal; empty before the first. */
    @Override
    public Map<String, String> getSourceEventPosition() {
        long lsn = metrics.lastEventLsn();
        return lsn < 0 ? Map.of() : Map.of("lsn", Long.toString(lsn));
    }

    @Override
    public long getMilliSecondsBehindSource() {
        return metrics.getMilliSecondsBehindSource();
    }

    @Override
    public long getNumberOfCommittedTransactions() {
        return metrics.getNumberOfCommittedTransactions();
    }

    /** The xid of the last change's transaction; null before the first. */
    @Override
    public String getLastTransactionId() {
        long txId = metrics.lastTransactionId();
        return txId < 0 ? null : Long.toString(txId);
    }

    /** -1, Debezium's value without skip.messages.without.change: we skip no unchanged updates. */
    @Override
    public long getNumberOfUnchangedEventsSkipped() {
        return -1;
    }

    /** Over the transactions read in this run (one sample per poll batch); null before the first change. */
    @Override
    public Long getMilliSecondsBehindSourceMinValue() {
        return metrics.behindMinMs();
    }

    @Override
    public Long getMilliSecondsBehindSourceMaxValue() {
        return metrics.behindMaxMs();
    }

    @Override
    public Double getMilliSecondsBehindSourceAverageValue() {
        return metrics.behindAverageMs();
    }

    /** Null, as Debezium's when its lag statistics are off (its default): we keep no histogram. */
    @Override
    public Double getMilliSecondsBehindSourceP50() {
        return null;
    }

    @Override
    public Double getMilliSecondsBehindSourceP95() {
        return null;
    }

    @Override
    public Double getMilliSecondsBehindSourceP99() {
        return null;
    }

    /** Per-table activity counts: empty, we keep none. */
    @Override
    public Map<String, Long> getNumberOfCreateEventsSeen() {
        return Map.of();
    }

    @Override
    public Map<String, Long> getNumberOfDeleteEventsSeen() {
        return Map.of();
    }

    @Override
    public Map<String, Long> getNumberOfUpdateEventsSeen() {
        return Map.of();
    }

    @Override
    public Map<String, Long> getNumberOfTruncateEventsSeen() {
        return Map.of();
    }

    /** pgoutput logical messages are not emitted (Debezium emits them as records). */
    @Override
    public long getTotalNumberOfLogicalMessageEventsSeen() {
        return 0;
    }
}

package io.snapclone.connect.metrics;

/**
 * The streaming task over JMX; names follow Debezium's streaming metrics where they match
 * ({@code Connected}, {@code MilliSecondsBehindSource}, {@code TotalNumberOfEventsSeen},
 * {@code NumberOfCommittedTransactions}, {@code MilliSecondsSinceLastEvent}). LSNs are in
 * PostgreSQL's {@code X/Y} form, empty until known.
 */
public interface StreamingMetricsMXBean {
    boolean getConnected();

    /** Between the last change's commit time and when it was read; -1 before the first change. */
    long getMilliSecondsBehindSource();

    /** Commit time (ms since the epoch) of the last change read; 0 before the first. */
    long getLastEventTimestamp();

    /** -1 before the first change. */
    long getMilliSecondsSinceLastEvent();

    long getTotalNumberOfEventsSeen();

    double getEventsPerSecond();

    long getNumberOfCommittedTransactions();

    /** The newest WAL position the server told us of (keepalives included). */
    String getLastReceivedLsn();

    /** The commit LSN of the last change Kafka committed. */
    String getLastCommittedLsn();

    /** The last position confirmed to PostgreSQL (the slot's confirmed_flush_lsn follows it). */
    String getLastConfirmedLsn();

    /** WAL the slot keeps that is not confirmed yet (pg_current_wal_lsn() - confirmed_flush_lsn); -1 if unknown. */
    long getSlotLagBytes();

    long getReconnects();
}

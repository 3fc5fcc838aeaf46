package io.snapclone.connect.metrics;

import io.snapclone.pg.Lsn;

import java.util.concurrent.atomic.AtomicLong;

import javax.management.ObjectName;

/**
 * The streaming task's metrics. Updated from the task's poll thread (and, for what Kafka
 * committed, Connect's offset-commit thread); read from JMX threads: every field is atomic or volatile.
 */
public final class StreamingMetrics implements StreamingMetricsMXBean, AutoCloseable {

    private final ObjectName name;
    private final long startedNanos = System.nanoTime();
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong transactions = new AtomicLong();
    private final AtomicLong reconnects = new AtomicLong();
    private volatile boolean connected;
    private volatile long behindMs = -1;
    private volatile long lastEventCommitMs;
    private volatile long lastEventReadMs;
    private volatile long lastReceived;
    private volatile long lastCommitted;
    private volatile long lastConfirmed;
    private volatile long slotLagBytes = -1;

    public StreamingMetrics(String connector, int task) {
        this.name = TaskBeans.name("streaming-metrics", connector, task);
    }

    /** Registers the bean; a bean left by an earlier instance of the same task is replaced. */
    public StreamingMetrics register() {
        TaskBeans.register(this, name);
        return this;
    }

    public ObjectName name() {
        return name;
    }

    public void connected(boolean connected) {
        this.connected = connected;
    }

    public void reconnected() {
        reconnects.incrementAndGet();
    }

    /** {@code count} changes of a transaction that committed at {@code commitMs} were read now. */
    public void eventsRead(int count, long commitMs, long nowMs) {
        events.addAndGet(count);
        lastEventCommitMs = commitMs;
        lastEventReadMs = nowMs;
        behindMs = Math.max(0, nowMs - commitMs);
    }

    public void transactionCommitted() {
        transactions.incrementAndGet();
    }

    public void received(long lsn) {
        lastReceived = lsn;
    }

    public void committed(long commitLsn) {
        lastCommitted = commitLsn;
    }

    public void confirmed(long lsn) {
        lastConfirmed = lsn;
    }

    public void slotLag(long bytes) {
        slotLagBytes = bytes;
    }

    @Override
    public boolean getConnected() {
        return connected;
    }

    @Override
    public long getMilliSecondsBehindSource() {
        return behindMs;
    }

    @Override
    public long getLastEventTimestamp() {
        return lastEventCommitMs;
    }

    @Override
    public long getMilliSecondsSinceLastEvent() {
        long read = lastEventReadMs;
        return read == 0 ? -1 : System.currentTimeMillis() - read;
    }

    @Override
    public long getTotalNumberOfEventsSeen() {
        return events.get();
    }

    @Override
    public double getEventsPerSecond() {
        double seconds = (System.nanoTime() - startedNanos) / 1e9;
        return seconds <= 0 ? 0 : events.get() / seconds;
    }

    @Override
    public long getNumberOfCommittedTransactions() {
        return transactions.get();
    }

    @Override
    public String getLastReceivedLsn() {
        return lsn(lastReceived);
    }

    @Override
    public String getLastCommittedLsn() {
        return lsn(lastCommitted);
    }

    @Override
    public String getLastConfirmedLsn() {
        return lsn(lastConfirmed);
    }

    @Override
    public long getSlotLagBytes() {
        return slotLagBytes;
    }

    @Override
    public long getReconnects() {
        return reconnects.get();
    }

    private static String lsn(long value) {
        return value == 0 ? "" : new Lsn(value).toString();
    }

    @Override
    public void close() {
        TaskBeans.unregister(name);
    }
}

package io.snapclone.connect.metrics;

import io.snapclone.pg.Lsn;
import io.snapclone.pg.TableId;

import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import javax.management.ObjectName;

/**
 * The streaming task's metrics, registered as
 * {@code io.snapclone:type=streaming-metrics,connector="<name>",task=<n>} and, read through
 * {@link DebeziumStreamingMetrics}, under Debezium's name ({@link TaskBeanNames#debezium}). Updated
 * from the task's poll thread (and, for what Kafka committed, Connect's offset-commit thread); read
 * from JMX threads: every field is final, atomic or volatile.
 */
public final class StreamingMetrics implements StreamingMetricsMXBean, AutoCloseable {

    private final ObjectName name;
    private final ObjectName debeziumName;
    private final List<String> snapshotTables;
    /** Topic → {@code schema.table} of every table a change was streamed from. */
    private final Map<String, String> streamedTables = new ConcurrentHashMap<>();
    private final AtomicLong creates = new AtomicLong();
    private final AtomicLong updates = new AtomicLong();
    private final AtomicLong deletes = new AtomicLong();
    private final AtomicLong behindSamples = new AtomicLong();
    private final AtomicLong behindSumMs = new AtomicLong();
    private volatile long behindMinMs = Long.MAX_VALUE;
    private volatile long behindMaxMs = -1;
    private volatile String lastEvent;
    private volatile long lastEventLsn = -1;
    private volatile long lastTxId = -1;
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

    /** @param snapshotTables the tables of the snapshot phase, captured before the stream shows any change */
    public StreamingMetrics(TaskBeanNames names, List<TableId> snapshotTables) {
        this.name = names.ours("streaming-metrics");
        this.debeziumName = names.debezium("streaming");
        this.snapshotTables = snapshotTables.stream().map(TableId::qualifiedName).toList();
    }

    /**
     * Registers the bean and its Debezium-compatible view; beans left by an earlier instance of
     * the same task are replaced.
     */
    public StreamingMetrics register() {
        TaskBeans.register(this, name);
        TaskBeans.register(new DebeziumStreamingMetrics(this), debeziumName);
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
        long behind = Math.max(0, nowMs - commitMs);
        behindMs = behind;
        behindSamples.incrementAndGet();
        behindSumMs.addAndGet(behind);
        // Only the poll thread writes these two.
        behindMinMs = Math.min(behindMinMs, behind);
        behindMaxMs = Math.max(behindMaxMs, behind);
    }

    /**
     * Counts a batch's changes by operation and remembers where the last came from, read from each
     * record's envelope ({@code op}, {@code source.lsn}, {@code source.txId}) as Debezium reads its own.
     */
    public void changesRead(List<SourceRecord> batch) {
        Struct last = null;
        for (SourceRecord record : batch) {
            if (!(record.value() instanceof Struct value) || value.schema().field("op") == null) {
                continue;
            }
            switch (value.getString("op")) {
                case "c" -> creates.incrementAndGet();
                case "u" -> updates.incrementAndGet();
                case "d" -> deletes.incrementAndGet();
                default -> {
                }
            }
            Struct source = value.schema().field("source") == null ? null : value.getStruct("source");
            if (source != null) {
                last = source;
                if (!streamedTables.containsKey(record.topic())) {
                    streamedTables.put(record.topic(), source.getString("schema") + "." + source.getString("table"));
                }
            }
        }
        if (last != null) {
            Long lsn = last.getInt64("lsn");
            Long txId = last.getInt64("txId");
            lastEventLsn = lsn == null ? -1 : lsn;
            lastTxId = txId == null ? -1 : txId;
            lastEvent = "table=" + last.getString("schema") + "." + last.getString("table")
                    + (lsn == null ? "" : " lsn=" + new Lsn(lsn)) + (txId == null ? "" : " txId=" + txId);
        }
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

    long creates() {
        return creates.get();
    }

    long updates() {
        return updates.get();
    }

    long deletes() {
        return deletes.get();
    }

    /** A summary of the last change read ({@code table=... lsn=... txId=...}); null before the first. */
    String lastEvent() {
        return lastEvent;
    }

    /** The WAL position of the last change read; -1 before the first. */
    long lastEventLsn() {
        return lastEventLsn;
    }

    /** The transaction id of the last change read; -1 before the first. */
    long lastTransactionId() {
        return lastTxId;
    }

    /** The snapshot's tables and those the stream showed changes of, sorted. */
    Set<String> capturedTables() {
        Set<String> tables = new TreeSet<>(snapshotTables);
        tables.addAll(streamedTables.values());
        return tables;
    }

    /** Null before the first change. */
    Long behindMinMs() {
        return behindSamples.get() == 0 ? null : behindMinMs;
    }

    Long behindMaxMs() {
        return behindSamples.get() == 0 ? null : behindMaxMs;
    }

    Double behindAverageMs() {
        long samples = behindSamples.get();
        return samples == 0 ? null : (double) behindSumMs.get() / samples;
    }

    private static String lsn(long value) {
        return value == 0 ? "" : new Lsn(value).toString();
    }

    @Override
    public void close() {
        TaskBeans.unregister(name);
        TaskBeans.unregister(debeziumName);
    }
}

package io.snapclone.connect.watermark;

import static java.util.Objects.requireNonNull;

import io.snapclone.connect.config.ClusterDatabases;
import io.snapclone.connect.config.SnapcloneConfig;
import io.snapclone.connect.metrics.WatermarkMetrics;
import io.snapclone.connect.offset.SnapshotOffsets;
import io.snapclone.connect.watermark.CutBoundaries.Partition;
import io.snapclone.connect.watermark.WatermarkEvents.DatabasePosition;
import io.snapclone.pg.Lsn;
import io.snapclone.pg.replication.ReplicationSlots;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The cluster's cuts, published by Connect task 0 when several databases are captured. PostgreSQL
 * orders the commits of every database by LSN, and each database's slot confirms an LSN only once
 * Kafka holds all that its stream sent of the transactions committed up to it (an idle database's
 * slot follows the server's position). So the smallest confirmed LSN of the slots, W, is a moment
 * that every database's topics hold whole. Where W lies in each topic partition is read from the
 * records' LSN headers ({@link CutBoundaries}), reading on from where the last cut stood; the
 * first cut lies exactly at the latest snapshot.
 *
 * <p>Its own thread does the work (a query for the slots' positions, a consumer that reads the
 * headers from where the last cut stood); {@link #take} is called from the task's poll thread and
 * hands over the event, whose record offset keeps the cut for a restart.
 */
public final class ClusterWatermarks implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClusterWatermarks.class);
    private static final long INFO_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(60);

    private final SnapcloneConfig config;
    private final List<String> databases;
    private final OffsetStorageReader offsets;
    private final String name;
    private final ScheduledExecutorService thread;
    private final ConcurrentLinkedQueue<SourceRecord> ready = new ConcurrentLinkedQueue<>();
    private final WatermarkMetrics metrics;
    /** Used by this class's thread; {@link #close} only wakes it up before closing it. */
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile boolean closing;
    private Connection connection;
    private CutBoundaries cut;
    /** The LSN of the last cut published; 0 before the first ({@code cluster.consistent}). */
    private long lastLsn;
    private String waitingFor = "";
    private boolean allLoaded;
    private long lastInfoNanos;

    /** @param connector the connector's name, which the metrics bean carries */
    public ClusterWatermarks(SnapcloneConfig config, List<String> databases, OffsetStorageReader offsets, String connector) {
        this.config = requireNonNull(config, "config is null");
        this.name = requireNonNull(connector, "connector is null") + "-0";
        this.metrics = new WatermarkMetrics(connector);
        this.databases = List.copyOf(databases);
        this.offsets = requireNonNull(offsets, "offsets is null");
        this.thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread t = new Thread(runnable, "snapclone-watermarks-" + name);
            t.setDaemon(true);
            return t;
        });
    }

    public void start() {
        Map<String, Object> committed = offsets.offset(WatermarkEvents.partition(config.topicPrefix()));
        lastLsn = WatermarkEvents.lsn(committed);
        cut = WatermarkEvents.boundaries(committed);
        metrics.register();
        log.info("Task {}: publishing cluster watermarks of {} databases on {} every {} ms{}", name, databases.size(),
                config.progressTopic(), config.watermarkInterval().toMillis(),
                lastLsn == 0 ? "" : ", on from the last one at " + new Lsn(lastLsn));
        long interval = config.watermarkInterval().toMillis();
        thread.scheduleWithFixedDelay(this::round, 0, interval, TimeUnit.MILLISECONDS);
    }

    /** The events computed since the last call, for the poll thread to send. */
    public List<SourceRecord> take() {
        List<SourceRecord> events = new ArrayList<>();
        for (SourceRecord event = ready.poll(); event != null; event = ready.poll()) {
            events.add(event);
        }
        return events;
    }

    private void round() {
        if (closing || !ready.isEmpty()) {
            return; // stopping, or the last one is not sent yet
        }
        try {
            publishIfRisen();
        } catch (RuntimeException | SQLException e) {
            if (closing) {
                log.debug("Task {}: the cluster watermark stopped while computing", name, e);
                return;
            }
            failed(e);
        }
    }

    private void failed(Exception e) {
        if (e instanceof SQLException) {
            log.warn("Task {}: cannot read the slots' positions for the cluster watermark ({}); trying again", name,
                    e.getMessage());
            closeConnection();
        } else {
            log.warn("Task {}: cannot compute the cluster watermark now; trying again", name, e);
            closeConsumer();
        }
    }

    private void publishIfRisen() throws SQLException {
        String waiting = notLoaded();
        metrics.loading(waiting);
        if (!waiting.isEmpty()) {
            if (!waiting.equals(waitingFor)) {
                log.info("Task {}: no cluster watermark until the snapshot of {} is complete", name, waiting);
                waitingFor = waiting;
            }
            return;
        }
        waitingFor = "";
        if (connection == null) {
            connection = config.connectionSettings().open("snapclone-watermarks " + name);
        }
        Map<String, String> slots = new HashMap<>();
        databases.forEach(database -> slots.put(ClusterDatabases.slotName(config.slotName(), database), database));
        Map<String, Lsn> confirmed = ReplicationSlots.confirmedPositions(connection, slots.keySet());
        if (confirmed.size() < slots.size()) {
            return; // a slot is not there (yet)
        }
        long target = confirmed.values().stream().mapToLong(Lsn::value)
                .reduce(-1L, (a, b) -> Long.compareUnsigned(a, b) <= 0 ? a : b);
        metrics.confirmed(target);
        if (lastLsn != 0 && Long.compareUnsigned(target, lastLsn) <= 0) {
            return; // no rise (or, after a crash, a slot not yet back where it was)
        }
        Map<Partition, TopicPartition> partitions = partitions();
        Map<TopicPartition, Long> end = consumer().endOffsets(partitions.values());
        if (lastLsn == 0) {
            // The first cut lies exactly at the latest snapshot: its rows (first in every partition) say where.
            cut = scan(cut, target, partitions, end, true);
            if (cut.blocked()) {
                return;
            }
            long latestSnapshot = cut.maxSnapshotLsn();
            if (latestSnapshot != 0 && Long.compareUnsigned(latestSnapshot, target) < 0) {
                target = latestSnapshot;
            }
        }
        CutBoundaries scan = scan(cut, target, partitions, end, false);
        if (scan.blocked()) {
            cut = scan; // a reload's rows lie ahead: no cut until every stream is past them
            return;
        }
        List<DatabasePosition> positions = new ArrayList<>();
        slots.forEach((slot, database) -> positions.add(new DatabasePosition(database, slot, confirmed.get(slot).value())));
        positions.sort(Comparator.comparing(DatabasePosition::database));
        boolean first = lastLsn == 0;
        cut = scan;
        lastLsn = target;
        long now = System.currentTimeMillis();
        ready.add(WatermarkEvents.event(config.progressTopic(), config.topicPrefix(), first, target, positions, cut, now));
        metrics.cut(target, now);
        if (first || System.nanoTime() - lastInfoNanos > INFO_INTERVAL_NANOS) {
            lastInfoNanos = System.nanoTime();
            log.info("Task {}: {} at {} ({} topic partitions)", name, first ? "the cluster's topics are consistent"
                    : "cluster watermark", new Lsn(target), cut.offsets().size());
        }
    }

    /**
     * The databases whose first load is not complete, comma-separated; empty if none. Once all are
     * loaded they stay so (a database added later restarts the tasks, and this with them).
     */
    private String notLoaded() {
        if (allLoaded || SnapcloneConfig.SNAPSHOT_MODE_NEVER.equals(config.snapshotMode())) {
            return "";
        }
        Map<String, Map<String, Object>> partitions = new LinkedHashMap<>();
        databases.forEach(database -> partitions.put(database, SnapshotOffsets.announcementPartition(
                ClusterDatabases.topicPrefix(config.topicPrefix(), database), "snapshot.completed")));
        Map<Map<String, Object>, Map<String, Object>> announced = offsets.offsets(partitions.values());
        List<String> loading = new ArrayList<>();
        partitions.forEach((database, partition) -> {
            if (!SnapshotOffsets.isAnnounced(announced.get(partition))) {
                loading.add(database);
            }
        });
        allLoaded = loading.isEmpty();
        return String.join(", ", loading);
    }

    /**
     * Every partition of the databases' topics; those new to the cut start at their first offset,
     * those gone (a database taken off the list, a topic deleted) leave it.
     */
    private Map<Partition, TopicPartition> partitions() {
        Set<String> prefixes = new HashSet<>();
        databases.forEach(database -> prefixes.add(ClusterDatabases.topicPrefix(config.topicPrefix(), database) + "."));
        Map<Partition, TopicPartition> partitions = new HashMap<>();
        for (Map.Entry<String, List<PartitionInfo>> topic : consumer().listTopics().entrySet()) {
            if (prefixes.stream().noneMatch(topic.getKey()::startsWith) || topic.getKey().equals(config.progressTopic())) {
                continue;
            }
            for (PartitionInfo info : topic.getValue()) {
                partitions.put(new Partition(info.topic(), info.partition()),
                        new TopicPartition(info.topic(), info.partition()));
            }
        }
        // Assigned before anything is asked about them, the same every round (those not read are paused):
        // the client's answers for partitions not assigned are dropped, each with a warning.
        Set<TopicPartition> all = new HashSet<>(partitions.values());
        if (!consumer().assignment().equals(all)) {
            consumer().assign(all);
            consumer().pause(all);
        }
        cut.retainOnly(partitions.keySet());
        List<TopicPartition> unseen = partitions.entrySet().stream()
                .filter(e -> !cut.has(e.getKey())).map(Map.Entry::getValue).toList();
        if (!unseen.isEmpty()) {
            consumer().beginningOffsets(unseen).forEach((tp, first) ->
                    cut.add(new Partition(tp.topic(), tp.partition()), first));
        }
        return partitions;
    }

    /** Moves a copy of {@code from} to {@code target}: each partition up to its first record after it, or its end. */
    private CutBoundaries scan(CutBoundaries from, long target, Map<Partition, TopicPartition> partitions,
                               Map<TopicPartition, Long> end, boolean snapshotRowsOnly) {
        CutBoundaries scan = from.copy();
        scan.newScan();
        KafkaConsumer<byte[], byte[]> consumer = consumer();
        Map<TopicPartition, Partition> remaining = new HashMap<>();
        partitions.forEach((partition, tp) -> {
            if (scan.next(partition) < end.getOrDefault(tp, 0L)) {
                remaining.put(tp, partition);
            }
        });
        consumer.pause(partitions.values());
        remaining.forEach((tp, partition) -> consumer.seek(tp, scan.next(partition)));
        consumer.resume(remaining.keySet());
        long started = System.nanoTime();
        long lastReport = started;
        while (!remaining.isEmpty()) {
            if (System.nanoTime() - lastReport > INFO_INTERVAL_NANOS) {
                lastReport = System.nanoTime();
                log.info("Task {}: reading the topics' headers for the cluster watermark for {} s; {} partitions to go",
                        name, TimeUnit.NANOSECONDS.toSeconds(lastReport - started), remaining.size());
            }
            ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
            for (TopicPartition tp : records.partitions()) {
                Partition partition = remaining.get(tp);
                if (partition == null) {
                    continue;
                }
                for (ConsumerRecord<byte[], byte[]> record : records.records(tp)) {
                    long commitLsn = header(record, ClusterDatabases.COMMIT_LSN_HEADER);
                    long snapshotLsn = header(record, ClusterDatabases.SNAPSHOT_LSN_HEADER);
                    boolean taken = record.offset() < end.get(tp) && (snapshotRowsOnly
                            ? scan.offerSnapshotRow(partition, record.offset(), commitLsn, snapshotLsn, target)
                            : scan.offer(partition, record.offset(), commitLsn, snapshotLsn, target));
                    if (!taken) {
                        remaining.remove(tp);
                        consumer.pause(List.of(tp));
                        break;
                    }
                }
            }
            for (TopicPartition tp : List.copyOf(remaining.keySet())) {
                if (consumer.position(tp) >= end.get(tp)) {
                    scan.reached(remaining.remove(tp), end.get(tp));
                    consumer.pause(List.of(tp));
                }
            }
        }
        return scan;
    }

    /** An LSN header's value (an unsigned decimal, maybe quoted by a JSON header converter), or 0. */
    static long header(ConsumerRecord<byte[], byte[]> record, String key) {
        Header header = record.headers().lastHeader(key);
        if (header == null || header.value() == null) {
            return 0;
        }
        String text = new String(header.value(), StandardCharsets.UTF_8).replaceAll("[^0-9]", "");
        return text.isEmpty() ? 0 : Long.parseUnsignedLong(text);
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        if (consumer == null) {
            Map<String, Object> props = new HashMap<>(config.watermarkConsumerProps());
            props.putIfAbsent("client.id", "snapclone-watermarks-" + config.topicPrefix());
            props.put("enable.auto.commit", "false");
            props.putIfAbsent("isolation.level", "read_committed");
            props.putIfAbsent("auto.offset.reset", "earliest");
            consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        }
        return consumer;
    }

    private void closeConsumer() {
        if (consumer != null) {
            try {
                consumer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                log.debug("Task {}: closing the watermark consumer failed", name, e);
            }
            consumer = null;
        }
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                log.debug("Task {}: closing the watermark session failed", name, e);
            }
            connection = null;
        }
    }

    @Override
    public void close() {
        closing = true;
        thread.shutdown();
        KafkaConsumer<byte[], byte[]> reading = consumer;
        if (reading != null) {
            reading.wakeup(); // ends a poll under way
        }
        try {
            if (!thread.awaitTermination(10, TimeUnit.SECONDS)) {
                thread.shutdownNow();
                thread.awaitTermination(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeConsumer();
        closeConnection();
        metrics.close();
    }
}

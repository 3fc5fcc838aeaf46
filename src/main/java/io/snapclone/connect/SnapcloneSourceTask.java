package io.snapclone.connect;

import io.snapclone.connect.config.ClusterTasks;
import io.snapclone.connect.config.TaskConfig;
import io.snapclone.connect.metrics.SnapshotMetrics;
import io.snapclone.connect.metrics.StreamingMetrics;
import io.snapclone.connect.metrics.TaskBeanNames;
import io.snapclone.connect.offset.CompletedRanges;
import io.snapclone.connect.offset.SnapshotOffsets;
import io.snapclone.connect.record.ProgressEvents;
import io.snapclone.connect.record.SnapshotNotifications;
import io.snapclone.connect.stream.StreamReader;
import io.snapclone.pg.TableId;
import io.snapclone.pg.snapshot.Fingerprint;

import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.apache.kafka.connect.source.TransactionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One task: a snapshot phase ({@link SnapshotPhase}) or a stream phase ({@link StreamPhase}),
 * whichever its task config says, after announcing, once, a snapshot that completed; or both, in
 * turns, while tables are loaded again incrementally.
 *
 * <p>With database.names a task runs a {@link CombinedTask}: one or more such tasks, of several databases.
 *
 * <p>{@link #start}, {@link #poll} and (on Kafka 4) {@link #stop} are called from the task's thread,
 * {@link #commit} from Connect's offset-commit thread; {@code stopping} is what they share.
 */
public class SnapcloneSourceTask extends SourceTask {
    private static final Logger log = LoggerFactory.getLogger(SnapcloneSourceTask.class);
    private static final long IDLE_WAIT_MS = 1000;
    /** With both phases, the rows read between two looks at the stream: few, so that changes wait little. */
    private static final int ROWS_BETWEEN_CHANGES = 256;

    private final CountDownLatch stopped = new CountDownLatch(1);
    private TaskConfig config;
    private String name;
    private SnapshotMetrics metrics;
    private List<TableId> toAnnounce = List.of();
    private SnapshotPhase snapshot;
    private volatile StreamPhase stream;
    private volatile boolean stopping;
    /** With both phases: whether the snapshot's turn is next. */
    private boolean chunksNext;
    /** How long to wait after {@link #next} returned null. */
    private long idleMs;
    /** With database.names: the parts this task runs, each a task of one database's plan; else null. */
    private CombinedTask combined;

    @Override
    public String version() {
        return Version.VERSION;
    }

    @Override
    public void start(Map<String, String> props) {
        if (ClusterTasks.isCombined(props)) {
            combined = new CombinedTask(props, context, stopped);
            combined.start();
            return;
        }
        config = new TaskConfig(props);
        String connector = props.getOrDefault("name", config.topicPrefix());
        name = connector + "-" + config.taskIndex();
        toAnnounce = config.tablesToAnnounce();
        TaskBeanNames beans = new TaskBeanNames(connector, config.topicPrefix(), config.taskIndex(), config.taskCount());
        metrics = new SnapshotMetrics(beans, config.chunks()).register();
        if (config.chunks().isEmpty()) {
            // The snapshot phase is over (or there was none): sessions kept for a restart are not needed.
            LingeringSnapshots.releaseAll(connector);
        }
        if (config.streamsChanges()) {
            StreamingMetrics streaming = new StreamingMetrics(beans, config.streamTables()).register();
            StreamPhase phase = new StreamPhase(config, new StreamReader(config, context.offsetStorageReader(),
                    context.transactionContext(), streaming, name), streaming, name);
            try {
                phase.start();
            } catch (RuntimeException e) {
                phase.close();
                throw e;
            }
            stream = phase;
            if (config.chunks().isEmpty()) {
                return;
            }
            // An incremental reload: this task streams and reads chunks, in turns.
        }
        snapshot = new SnapshotPhase(config, context.offsetStorageReader(), metrics, connector, name);
        try {
            snapshot.start();
        } catch (RuntimeException e) {
            snapshot.close();
            if (stream != null) {
                stream.close();
            }
            throw e;
        }
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        if (stopping) {
            return null;
        }
        if (combined != null) {
            return combined.poll();
        }
        List<SourceRecord> records = next();
        if (records == null && idleMs > 0) {
            stopped.await(idleMs, TimeUnit.MILLISECONDS);
        }
        return records;
    }

    /**
     * What to send now, or null (then {@link #idleMs} says how long to wait before asking again);
     * never waits itself, so that a {@link CombinedTask} can ask its other parts meanwhile.
     */
    List<SourceRecord> next() {
        idleMs = 0;
        if (stopping) {
            return null;
        }
        if (!toAnnounce.isEmpty()) {
            return endTransaction(announceCompletion());
        }
        // With both phases (an incremental reload), they take turns, a chunk batch only between transactions.
        boolean snapshotsTurn = snapshot != null && chunksNext && stream != null && stream.betweenTransactions();
        if (stream != null && !snapshotsTurn) {
            chunksNext = true;
            // The stream ends Kafka transactions itself, where PostgreSQL transactions end.
            List<SourceRecord> changes = stream.poll();
            if (!changes.isEmpty()) {
                return changes;
            }
            if (snapshot == null || !stream.betweenTransactions()) {
                idleMs = stream.idleWaitMs();
                return null;
            }
        }
        chunksNext = false;
        if (snapshot == null) {
            idleMs = IDLE_WAIT_MS;
            return null;
        }
        List<SourceRecord> batch = stream == null ? snapshot.poll()
                : snapshot.poll(Math.min(config.maxBatchSize(), ROWS_BETWEEN_CHANGES));
        if (batch == null) {
            idleMs = stream != null ? stream.idleWaitMs() : snapshot.idleWaitMs();
        }
        return endTransaction(batch);
    }

    /** How long to wait after {@link #next} returned null. */
    long idleMs() {
        return idleMs;
    }

    /** Whether no PostgreSQL transaction is half sent: another part's records may go to Kafka now. */
    boolean betweenTransactions() {
        StreamPhase phase = stream;
        return phase == null || phase.betweenTransactions();
    }

    /** Outside the stream, each batch is its own Kafka transaction (when the connector defines them). */
    private List<SourceRecord> endTransaction(List<SourceRecord> batch) {
        TransactionContext transactions = context.transactionContext();
        if (transactions != null && batch != null && !batch.isEmpty()) {
            transactions.commitTransaction();
        }
        return batch;
    }

    /**
     * Announces each table and then the whole snapshot as complete, once per load: a reload (offsets
     * reset or removed, a table added) is a load of its own and is announced again.
     */
    private List<SourceRecord> announceCompletion() {
        List<TableId> tables = toAnnounce;
        toAnnounce = List.of();
        Map<String, Object> announcement = SnapshotOffsets.announcementPartition(config.topicPrefix(),
                "snapshot.completed");
        Map<String, Object> committed = context.offsetStorageReader().offset(announcement);
        Fingerprint load = config.completedLoad();
        if (load == null ? SnapshotOffsets.isAnnounced(committed) : SnapshotOffsets.isAnnounced(committed, load)) {
            return null;
        }
        Map<TableId, CompletedRanges.TableState> states = CompletedRanges.of(config.topicPrefix(), tables,
                config.reloads(), partitions -> new HashMap<>(context.offsetStorageReader().offsets(partitions)));
        long now = System.currentTimeMillis();
        List<SourceRecord> batch = new ArrayList<>();
        SnapshotNotifications notifications = config.notifications();
        List<String> names = tables.stream().map(TableId::qualifiedName).toList();
        long rows = 0;
        for (TableId table : tables) {
            long tableRows = states.get(table).rowsSent();
            rows += tableRows;
            batch.add(ProgressEvents.tableCompleted(config.progressTopic(), table, tableRows, now));
            notifications.tableScanCompleted(batch, table.qualifiedName(), names, tableRows, now);
        }
        notifications.completed(batch, now);
        // Last: its offset marks the announcement done, so a restart does not repeat any of it.
        batch.add(ProgressEvents.snapshotCompleted(config.progressTopic(), tables.size(), rows, announcement,
                load == null ? SnapshotOffsets.announced() : SnapshotOffsets.announced(load), now));
        log.info("Task {}: announced the completed snapshot ({} tables, {} rows) on {}", name, tables.size(), rows,
                config.progressTopic());
        return batch;
    }

    /** Offsets up to here are in Kafka: the stream may confirm them to PostgreSQL. */
    @Override
    public void commit() {
        if (combined != null) {
            combined.commit();
            return;
        }
        StreamPhase phase = stream;
        if (phase != null && !stopping) {
            try {
                phase.committed();
            } catch (RuntimeException e) {
                // The worker may be closing the offset reader while stopping this task: confirm next time.
                log.debug("Task {}: could not read committed offsets to confirm them", name, e);
            }
        }
    }

    @Override
    public void stop() {
        stopping = true;
        stopped.countDown();
        if (combined != null) {
            combined.stop();
        }
        if (snapshot != null) {
            snapshot.close();
        }
        if (stream != null) {
            stream.close();
        }
        if (metrics != null) {
            metrics.close();
        }
    }
}

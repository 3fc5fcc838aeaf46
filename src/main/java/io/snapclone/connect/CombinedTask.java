package io.snapclone.connect;

import static java.util.Objects.requireNonNull;

import io.snapclone.connect.config.ClusterTasks;
import io.snapclone.connect.config.SnapcloneConfig;
import io.snapclone.connect.watermark.ClusterWatermarks;

import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.apache.kafka.connect.source.TransactionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A Connect task that runs tasks of several databases' plans side by side (database.names), each
 * a {@link SnapcloneSourceTask} of one database, asked in turn for what it has; one in the middle
 * of a PostgreSQL transaction keeps its turn, so that Kafka transactions hold whole ones. Connect
 * task 0 also publishes the {@link ClusterWatermarks}.
 *
 * <p>{@link #start}, {@link #poll} and {@link #stop} are called from the task's thread, {@link #commit}
 * from Connect's offset-commit thread.
 */
final class CombinedTask {
    private static final Logger log = LoggerFactory.getLogger(CombinedTask.class);
    private static final long IDLE_WAIT_MS = 100;

    private final Map<String, String> props;
    private final SourceTaskContext context;
    private final CountDownLatch stopped;
    private final List<SnapcloneSourceTask> parts = new ArrayList<>();
    private ClusterWatermarks watermarks;
    private int current;

    CombinedTask(Map<String, String> props, SourceTaskContext context, CountDownLatch stopped) {
        this.props = Map.copyOf(props);
        this.context = requireNonNull(context, "context is null");
        this.stopped = requireNonNull(stopped, "stopped is null");
    }

    void start() {
        try {
            for (Map<String, String> part : ClusterTasks.parts(props)) {
                SnapcloneSourceTask task = new SnapcloneSourceTask();
                task.initialize(context);
                parts.add(task);
                task.start(part);
            }
            List<String> databases = ClusterTasks.watermarkDatabases(props);
            SnapcloneConfig config = new SnapcloneConfig(props);
            if (!databases.isEmpty() && !config.watermarkConsumerProps().isEmpty() && config.streams()) {
                watermarks = new ClusterWatermarks(config, databases, context.offsetStorageReader(),
                        props.getOrDefault("name", config.topicPrefix()));
                watermarks.start();
            }
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
        log.info("Task {}-{}: runs {} part(s) of the databases' plans{}", props.getOrDefault("name", "?"),
                props.get("task.index"), parts.size(), watermarks == null ? "" : " and the cluster watermarks");
    }

    List<SourceRecord> poll() throws InterruptedException {
        long wait = IDLE_WAIT_MS;
        for (int asked = 0; asked < parts.size(); asked++) {
            SnapcloneSourceTask part = parts.get(current);
            if (part.betweenTransactions() && watermarks != null) {
                List<SourceRecord> events = watermarks.take();
                if (!events.isEmpty()) {
                    return endTransaction(events);
                }
            }
            List<SourceRecord> records = part.next();
            if (!part.betweenTransactions()) {
                // Keeps its turn until the transaction ends.
                if (records == null || records.isEmpty()) {
                    stopped.await(Math.max(part.idleMs(), 1), TimeUnit.MILLISECONDS);
                }
                return records;
            }
            current = (current + 1) % parts.size();
            if (records != null && !records.isEmpty()) {
                return records;
            }
            wait = Math.min(wait, part.idleMs());
        }
        stopped.await(Math.max(wait, 1), TimeUnit.MILLISECONDS);
        return null;
    }

    private List<SourceRecord> endTransaction(List<SourceRecord> events) {
        TransactionContext transactions = context.transactionContext();
        if (transactions != null) {
            transactions.commitTransaction();
        }
        return events;
    }

    void commit() {
        parts.forEach(SnapcloneSourceTask::commit);
    }

    void stop() {
        if (watermarks != null) {
            watermarks.close();
        }
        parts.forEach(SnapcloneSourceTask::stop);
    }
}

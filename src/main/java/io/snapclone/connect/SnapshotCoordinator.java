package io.snapclone.connect;

import static java.util.Objects.requireNonNull;

import io.snapclone.connect.config.SnapcloneConfig;
import io.snapclone.connect.config.TaskConfig;
import io.snapclone.connect.offset.CompletedRanges;
import io.snapclone.connect.offset.CompletedRanges.TableState;
import io.snapclone.pg.ConnectionSettings;
import io.snapclone.pg.TableId;
import io.snapclone.pg.catalog.Catalog;
import io.snapclone.pg.catalog.TableInfo;
import io.snapclone.pg.snapshot.Chunk;
import io.snapclone.pg.snapshot.ChunkPlanner;
import io.snapclone.pg.snapshot.SnapshotExport;

import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The coordinator's snapshot phase: exports the snapshot, plans the chunks across tasks, and
 * releases the snapshot once committed offsets show every chunk done. What is done is always read
 * from committed offsets, so a restarted coordinator picks up where the last one stopped.
 */
final class SnapshotCoordinator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SnapshotCoordinator.class);
    private static final long CHECK_INTERVAL_MS = 1000;

    private final String connectorName;
    private final SnapcloneConfig config;
    private final OffsetStorageReader offsets;
    private final ScheduledExecutorService monitor;
    private final long startedNanos = System.nanoTime();
    private List<Map<String, String>> taskConfigs = List.of();
    private List<TableId> pending = List.of();
    private SnapshotExport export;
    private long lastProgressLogNanos = System.nanoTime();

    SnapshotCoordinator(String connectorName, SnapcloneConfig config, OffsetStorageReader offsets) {
        this.connectorName = requireNonNull(connectorName, "connectorName is null");
        this.config = requireNonNull(config, "config is null");
        this.offsets = requireNonNull(offsets, "offsets is null");
        this.monitor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "snapclone-coordinator-" + connectorName);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Exports and plans, unless committed offsets show the snapshot complete already. */
    synchronized void start(Map<String, String> connectorProps, int maxTasks) {
        ConnectionSettings settings = config.connectionSettings();
        List<TableInfo> tables;
        int blockSize;
        try (Connection connection = settings.open("snapclone-coordinator " + connectorName)) {
            Catalog catalog = new Catalog(connection);
            tables = catalog.tables(config.tableFilter());
            blockSize = catalog.blockSize();
        } catch (SQLException e) {
            throw new ConnectException(io.snapclone.connect.config.DatabaseChecks.connectionProblem(settings, e).message(), e);
        }
        if (tables.isEmpty()) {
            throw new ConnectException("No table matches " + SnapcloneConfig.TABLE_INCLUDE_LIST_CONFIG + " and "
                    + SnapcloneConfig.TABLE_EXCLUDE_LIST_CONFIG + "; fix the lists (see the validate endpoint).");
        }
        Map<TableId, TableState> states = tableStates(tables.stream().map(TableInfo::id).toList());
        List<ChunkPlanner.SizedChunk> chunks = new ArrayList<>();
        ChunkPlanner planner = new ChunkPlanner(config.chunkSizeBytes(), blockSize);
        List<TableId> unfinished = new ArrayList<>();
        for (TableInfo table : tables) {
            TableState state = states.get(table.id());
            if (!state.complete()) {
                unfinished.add(table.id());
                chunks.addAll(planner.split(new ChunkPlanner.Remaining(table.id(), state.resumeBlock(), table.sizeBytes())));
            }
        }
        if (unfinished.isEmpty()) {
            log.info("Connector {}: committed offsets show the snapshot of all {} tables complete; nothing to do",
                    connectorName, tables.size());
            taskConfigs = List.of(TaskConfig.of(connectorProps, 0, null, null, List.of()));
            return;
        }
        try {
            export = SnapshotExport.export(settings, "snapclone-coordinator " + connectorName);
        } catch (SQLException e) {
            throw new ConnectException("Could not export a snapshot: " + e.getMessage(), e);
        }
        if (unfinished.size() < tables.size()) {
            log.warn("Connector {}: {} of {} tables were finished before a restart; the other {} are read under a "
                    + "NEW snapshot {} (rows of those tables may repeat downstream)", connectorName,
                    tables.size() - unfinished.size(), tables.size(), unfinished.size(), export.fingerprint());
        }
        List<List<Chunk>> assignment = planner.assign(chunks, maxTasks);
        List<Map<String, String>> configs = new ArrayList<>();
        for (int i = 0; i < assignment.size(); i++) {
            configs.add(TaskConfig.of(connectorProps, i, export.id(), export.fingerprint(), assignment.get(i)));
        }
        taskConfigs = List.copyOf(configs);
        pending = List.copyOf(unfinished);
        log.info("Connector {}: exported snapshot {} (fingerprint {}); {} tables in {} chunks across {} tasks",
                connectorName, export.id(), export.fingerprint(), unfinished.size(), chunks.size(), assignment.size());
        monitor.scheduleWithFixedDelay(this::checkProgress, CHECK_INTERVAL_MS, CHECK_INTERVAL_MS, TimeUnit.MILLISECONDS);
    }

    synchronized List<Map<String, String>> taskConfigs() {
        return taskConfigs;
    }

    private synchronized void checkProgress() {
        try {
            Map<TableId, TableState> states = tableStates(pending);
            long done = states.values().stream().filter(TableState::complete).count();
            long rows = states.values().stream().mapToLong(TableState::rowsSent).sum();
            double seconds = (System.nanoTime() - startedNanos) / 1e9;
            if (done == pending.size()) {
                releaseExport();
                log.info("Connector {}: snapshot complete: {} tables, {} rows in {} s (committed in Kafka); "
                        + "snapshot released, connector now idle", connectorName, pending.size(), rows,
                        String.format("%.1f", seconds));
                monitor.shutdown();
            } else if (System.nanoTime() - lastProgressLogNanos >= config.progressInterval().toNanos()) {
                lastProgressLogNanos = System.nanoTime();
                log.info("Connector {}: snapshot progress: {}/{} tables done, {} rows of finished chunks committed, "
                        + "{} s", connectorName, done, pending.size(), rows, String.format("%.1f", seconds));
            }
        } catch (RuntimeException e) {
            log.warn("Connector {}: could not read snapshot progress from committed offsets; will retry", connectorName, e);
        }
    }

    private Map<TableId, TableState> tableStates(Collection<TableId> tables) {
        return CompletedRanges.of(config.topicPrefix(), tables, partitions -> {
            Map<Map<String, Object>, Map<String, Object>> result = new HashMap<>();
            offsets.offsets(partitions).forEach(result::put);
            return result;
        });
    }

    private void releaseExport() {
        if (export != null) {
            try {
                export.close();
            } catch (SQLException e) {
                log.warn("Connector {}: closing the snapshot export failed", connectorName, e);
            }
            export = null;
        }
    }

    @Override
    public void close() {
        monitor.shutdownNow();
        synchronized (this) {
            releaseExport();
        }
    }
}

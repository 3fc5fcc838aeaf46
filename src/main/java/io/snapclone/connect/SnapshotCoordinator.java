package io.snapclone.connect;

import static java.util.Objects.requireNonNull;

import io.snapclone.connect.config.DatabaseChecks;
import io.snapclone.connect.config.SnapcloneConfig;
import io.snapclone.connect.config.TaskConfig;
import io.snapclone.connect.offset.CompletedRanges;
import io.snapclone.connect.offset.ReloadRequests;
import io.snapclone.connect.offset.CompletedRanges.TableState;
import io.snapclone.connect.offset.SnapshotOffsets;
import io.snapclone.pg.ConnectionSettings;
import io.snapclone.pg.Lsn;
import io.snapclone.pg.TableId;
import io.snapclone.pg.catalog.CapturedTables;
import io.snapclone.pg.catalog.Catalog;
import io.snapclone.pg.catalog.TableInfo;
import io.snapclone.pg.snapshot.Chunk;
import io.snapclone.pg.snapshot.ChunkPlanner;
import io.snapclone.pg.replication.CreatedSlot;
import io.snapclone.pg.replication.Publications;
import io.snapclone.pg.replication.ReplicationSlots;
import io.snapclone.pg.snapshot.SnapshotExport;

import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The coordinator's snapshot phase: exports the snapshot, plans the chunks across tasks, and
 * releases the snapshot once committed offsets show every chunk done. What is done is always read
 * from committed offsets, so a restarted coordinator picks up where the last one stopped. While
 * the connector streams it watches the offsets for reload requests (signals) and plans those
 * loads the same way, on a snapshot whose LSN is exact (a temporary slot's): blocking ones with the
 * stream stopped, incremental ones with task 0 streaming on (holding back the reloaded tables'
 * changes) and, once they are done, sending what it held back.
 *
 * <p>{@link #start}, {@link #taskConfigs} and {@link #close} are called from Connect's threads,
 * the checks from this class's monitor thread; all of them under this object's lock.
 */
final class SnapshotCoordinator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SnapshotCoordinator.class);
    private static final long CHECK_INTERVAL_MS = 1000;
    /** Holders of tasks beyond tasks.max are checked too, in case tasks.max was lowered. */
    private static final int EXTRA_HOLDERS_CHECKED = 8;
    private static final Duration SLOT_CREATION_TIMEOUT = Duration.ofMinutes(10);
    private static final Duration SLOT_WAIT_REPORT_INTERVAL = Duration.ofSeconds(10);

    private final String connectorName;
    private final SnapcloneConfig config;
    private final OffsetStorageReader offsets;
    private final Runnable requestReconfiguration;
    private final ScheduledExecutorService monitor;
    /** When the load (or reload) under way was planned. */
    private long startedNanos = System.nanoTime();
    private List<Map<String, String>> taskConfigs = List.of();
    private List<TableId> pending = List.of();
    /** Tables loaded again on request (a signal), with the request's LSN: see SnapshotOffsets.partition. */
    private Map<TableId, Long> reloads = Map.of();
    /** The latest request of each table that has one: incremental ones keep the stream going. */
    private Map<TableId, ReloadRequests.Request> requests = Map.of();
    /** The tables the snapshot reads: ordinary tables and leaf partitions. */
    private List<TableId> allTables = List.of();
    /** What the lists capture, partitions resolved: what the publication lists, whose records partitions are. */
    private CapturedTables captured;
    private Map<String, String> connectorProps = Map.of();
    private int maxTasks;
    private boolean monitoring;
    private boolean replanning;
    /** Tables new to the stream wait for this connector's running stream to stop (see {@link #start}). */
    private boolean waitingForStream;
    private SnapshotExport export;
    /** The slot's consistent point (where streaming takes over), or invalid without a slot. */
    private Lsn consistentPoint = Lsn.INVALID;
    private long lastProgressLogNanos = System.nanoTime();

    SnapshotCoordinator(String connectorName, SnapcloneConfig config, OffsetStorageReader offsets,
                        Runnable requestReconfiguration) {
        this.connectorName = requireNonNull(connectorName, "connectorName is null");
        this.config = requireNonNull(config, "config is null");
        this.offsets = requireNonNull(offsets, "offsets is null");
        this.requestReconfiguration = requireNonNull(requestReconfiguration, "requestReconfiguration is null");
        this.monitor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "snapclone-coordinator-" + connectorName);
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Plans what committed offsets show unfinished, under the snapshot a task still holds if any,
     * else under a new one; if nothing is unfinished, hands tasks the completion to announce.
     */
    synchronized void start(Map<String, String> connectorProps, int maxTasks) {
        this.connectorProps = Map.copyOf(connectorProps);
        this.maxTasks = maxTasks;
        ConnectionSettings settings = config.connectionSettings();
        List<TableInfo> tables = new ArrayList<>();
        int blockSize;
        try (Connection connection = settings.open("snapclone-coordinator " + connectorName);
             Statement statement = connection.createStatement()) {
            // Planning must not hang behind someone's ALTER TABLE: see Catalog.currentSize.
            statement.execute("SET lock_timeout = '1s'");
            Catalog catalog = new Catalog(connection);
            captured = config.capturedTables(catalog.relations());
            for (TableInfo table : captured.sources()) {
                tables.add(new TableInfo(table.id(), catalog.currentSize(table), table.selectable()));
            }
            blockSize = catalog.blockSize();
        } catch (SQLException e) {
            throw new ConnectException(DatabaseChecks.connectionProblem(settings, e).message(), e);
        }
        if (captured.published().isEmpty()) {
            throw new ConnectException("No table matches " + SnapcloneConfig.TABLE_INCLUDE_LIST_CONFIG + " and "
                    + SnapcloneConfig.TABLE_EXCLUDE_LIST_CONFIG + "; fix the lists (see the validate endpoint).");
        }
        allTables = tables.stream().map(TableInfo::id).toList();
        requests = reloadRequests();
        reloads = ReloadRequests.lsns(requests);
        Map<TableId, TableState> states = tableStates(allTables);
        boolean neverSnapshot = neverSnapshot();
        List<TableId> unfinished = allTables.stream().filter(table -> !states.get(table).complete())
                .filter(this::loads).toList();
        // Only tables asked for again incrementally: the stream goes on meanwhile, holding back their changes.
        boolean incremental = config.streams() && !unfinished.isEmpty() && unfinished.stream()
                .allMatch(table -> requests.containsKey(table) && requests.get(table).incremental());
        boolean resumed = states.values().stream().anyMatch(s -> s.complete() || s.resumeBlock() > 0 || s.rowsSent() > 0);
        if (config.streams()) {
            export = prepareSlot(settings, resumed || unfinished.isEmpty() || neverSnapshot);
        }
        if (unfinished.isEmpty()) {
            log.info("Connector {}: {}; {}", connectorName, neverSnapshot ? "snapshot.mode=never"
                    : "committed offsets show the snapshot of all " + tables.size() + " tables complete",
                    config.streams() ? "streaming from slot " + config.slotName() : "nothing to do");
            taskConfigs = List.of(completed(loaded()));
            pending = List.of();
            if (config.streams()) {
                monitor(); // for reload requests
            }
            return;
        }
        long plannedChunkBytes = 0;
        boolean loadFinished = SnapshotOffsets.isAnnounced(offsets.offset(
                SnapshotOffsets.announcementPartition(config.topicPrefix(), "snapshot.completed")));
        if (export == null) {
            // Also before any offset was committed: a restart then keeps the snapshot the slot exported.
            SnapshotOffsets.Holder holder = takeOverHeldSnapshot(settings, maxTasks,
                    incremental ? latestRequest(unfinished) : 0);
            plannedChunkBytes = holder == null ? 0 : holder.chunkBytes();
            if (holder != null && holder.snapshotLsn() != 0) {
                // A snapshot taken after the slot (a reload) stands ahead of it: its rows and cut keep its LSN.
                consistentPoint = new Lsn(holder.snapshotLsn());
            }
        }
        boolean untouched = unfinished.stream()
                .allMatch(table -> states.get(table).resumeBlock() == 0 && states.get(table).rowsSent() == 0);
        // Mixed snapshots: a table partly read under the lost one, or (within one load) tables finished under it.
        boolean retaken = export == null && (!untouched || resumed && !loadFinished);
        if (export == null && incremental) {
            export = exportAtLsn(settings);
        } else if (export == null && untouched && config.streams()) {
            // The slot was there before (offsets reset, tables added, or the original snapshot lost before
            // these tables were read): it stands behind now, so the snapshot's own LSN must be known.
            String runningStream = ownStreamReading(settings);
            if (runningStream != null) {
                // After a config update the old stream runs on until Connect restarts the tasks. Were the
                // snapshot taken now, that stream would pass its LSN without these tables: a gap. So no
                // tasks for a moment, and the snapshot once the stream has stopped (checkProgress).
                if (!waitingForStream) {
                    log.info("Connector {}: {} table(s) to load on the streaming slot {}: waiting for its running stream "
                            + "({}) to stop first, so that the new snapshot starts where that stream ends", connectorName,
                            unfinished.size(), config.slotName(), runningStream);
                }
                waitingForStream = true;
                taskConfigs = List.of();
                monitor();
                return;
            }
            waitingForStream = false;
            export = exportAtLsn(settings);
        } else if (export == null) {
            export = exportNew(settings);
        }
        if (retaken) {
            log.warn("Connector {}: NO SESSION HOLDS THE ORIGINAL SNAPSHOT ANY MORE (was the database restarted?). "
                    + "The {} unfinished tables are read under a NEW snapshot {}: downstream, tables or chunks "
                    + "finished before reflect the old snapshot and the rest the new one, and rows of interrupted "
                    + "chunks may repeat. See docs/snapshots.md.", connectorName, unfinished.size(), export.fingerprint());
        }
        ChunkPlanner planner = planner(tables, blockSize, plannedChunkBytes);
        List<ChunkPlanner.SizedChunk> chunks = new ArrayList<>();
        for (TableInfo table : tables) {
            TableState state = states.get(table.id());
            if (unfinished.contains(table.id())) {
                chunks.addAll(planner.split(new ChunkPlanner.Remaining(table.id(), state.resumeBlock(), table.sizeBytes())));
            }
        }
        List<List<Chunk>> assignment = planner.assign(chunks, maxTasks);
        List<Map<String, String>> configs = new ArrayList<>();
        for (int i = 0; i < assignment.size(); i++) {
            Map<String, String> task = TaskConfig.of(connectorProps, i, export.id(), export.fingerprint(), assignment.get(i));
            task.put(TaskConfig.TASK_COUNT_CONFIG, Integer.toString(assignment.size()));
            task.put(TaskConfig.RETAKEN_CONFIG, Boolean.toString(retaken));
            task.put(TaskConfig.CHUNK_BYTES_CONFIG, Long.toString(planner.chunkSizeBytes()));
            task.put(TaskConfig.SNAPSHOT_LSN_CONFIG, Long.toString(consistentPoint.value()));
            TaskConfig.putReloads(task, reloads);
            TaskConfig.putRecordTables(task, captured.recordTables());
            if (incremental) {
                TaskConfig.putIncremental(task, unfinished);
                if (i == 0) {
                    streams(task, unfinished);
                }
            }
            configs.add(task);
        }
        taskConfigs = List.copyOf(configs);
        if (pending.isEmpty()) {
            startedNanos = System.nanoTime();
        }
        pending = List.copyOf(unfinished);
        log.info("Connector {}: snapshot {} (fingerprint {}); {} of {} tables to read in {} chunks across {} tasks{}",
                connectorName, export.id(), export.fingerprint(), unfinished.size(), tables.size(), chunks.size(),
                assignment.size(), incremental ? "; task 0 streams on meanwhile (an incremental reload)" : "");
        monitor();
    }

    private void monitor() {
        if (!monitoring) {
            monitoring = true;
            monitor.scheduleWithFixedDelay(this::checkProgress, CHECK_INTERVAL_MS, CHECK_INTERVAL_MS,
                    TimeUnit.MILLISECONDS);
        }
    }

    /** The application_name of this connector's streaming task if one reads the slot now, else null. */
    private String ownStreamReading(ConnectionSettings settings) {
        try (Connection connection = settings.open("snapclone-coordinator " + connectorName)) {
            return ReplicationSlots.readerApplication(connection, config.slotName())
                    .filter(application -> TaskConfig.isStreamOf(application, connectorName)).orElse(null);
        } catch (SQLException e) {
            throw new ConnectException(DatabaseChecks.connectionProblem(settings, e).message(), e);
        }
    }

    /**
     * Makes sure the publication and the slot exist. A slot created now exports the snapshot the
     * load must use (returned); an existing slot keeps its consistent point, which is what makes a
     * retaken snapshot safe: the stream replays every change since the original one.
     *
     * @param mustExist the slot is expected (a load under way or done, or stream only)
     */
    private SnapshotExport prepareSlot(ConnectionSettings settings, boolean mustExist) {
        String slot = config.slotName();
        try (Connection connection = settings.open("snapclone-coordinator " + connectorName)) {
            preparePublications(connection);
            Optional<ReplicationSlots.SlotInfo> existing = ReplicationSlots.find(connection, slot);
            if (existing.isPresent()) {
                ReplicationSlots.SlotInfo info = existing.get();
                if (!"pgoutput".equals(info.plugin()) || !settings.database().equals(info.database())) {
                    throw new ConnectException("Replication slot " + slot + " exists but is for plugin '" + info.plugin()
                            + "' in database '" + info.database() + "': choose another slot.name");
                }
                log.info("Connector {}: using existing slot {} (confirmed up to {})", connectorName, slot,
                        info.confirmedFlush());
                // Nothing is confirmed before the stream starts: in the snapshot phase this is the consistent point.
                consistentPoint = info.confirmedFlush() == null ? Lsn.INVALID : info.confirmedFlush();
                return null;
            }
            boolean streamedBefore = SnapshotOffsets.streamPosition(offsets.offset(
                    SnapshotOffsets.streamPartition(config.topicPrefix(), slot))).commitLsn() != 0;
            if (streamedBefore || (mustExist && !SnapcloneConfig.SNAPSHOT_MODE_NEVER.equals(config.snapshotMode()))) {
                // Never a silent restart from a new position: the changes in between are gone.
                throw new ConnectException("Replication slot " + slot + " is gone (dropped, invalidated by "
                        + "max_slot_wal_keep_size, or not on this server after a failover), but committed offsets show "
                        + (streamedBefore ? "changes streamed from it" : "a load under way or done")
                        + ": the changes since then are lost. Reset the connector's offsets (DELETE "
                        + "/connectors/<name>/offsets while it is stopped) or use a new topic.prefix to load again, "
                        + "under a new slot.");
            }
        } catch (SQLException e) {
            throw new ConnectException("Could not prepare publication " + config.publicationName() + ": "
                    + e.getMessage(), e);
        }
        try (CreatedSlot created = ReplicationSlots.create(settings, slot, "snapclone-coordinator " + connectorName,
                config.slotFailover(), SLOT_CREATION_TIMEOUT, SLOT_WAIT_REPORT_INTERVAL, message -> log.warn("Connector {}: {}", connectorName, message))) {
            log.info("Connector {}: created replication slot {} at consistent point {}", connectorName, slot,
                    created.consistentPoint());
            consistentPoint = created.consistentPoint();
            if (SnapcloneConfig.SNAPSHOT_MODE_NEVER.equals(config.snapshotMode())) {
                return null;
            }
            return SnapshotExport.takeOver(settings, "snapclone-coordinator " + connectorName, created.snapshot());
        } catch (SQLException e) {
            throw new ConnectException("Could not create replication slot " + slot + ": " + e.getMessage()
                    + " (the user needs REPLICATION, wal_level must be logical, and a free slot must be left: "
                    + "max_replication_slots)", e);
        }
    }

    /**
     * Creates or sets the publication(s) the stream reads. A filtered publication leaves out the
     * captured tables without a replica identity: PostgreSQL would reject the application's UPDATE
     * and DELETE on them. Those are not streamed, or streamed for inserts only through a second
     * publication, or fail the start, as publication.keyless.tables says; the log names each one.
     */
    private void preparePublications(Connection connection) throws SQLException {
        Publications.Mode mode = config.publicationAutocreateMode();
        List<Publications.Unpublishable> keyless = mode == Publications.Mode.FILTERED
                ? Publications.unpublishable(connection, allTables) : List.of();
        SnapcloneConfig.KeylessTables policy = config.publicationKeylessTables();
        if (!keyless.isEmpty() && policy == SnapcloneConfig.KeylessTables.FAIL) {
            throw new ConnectException("Captured tables without a replica identity cannot be published without "
                    + "breaking the application's UPDATE and DELETE on them: " + keyless + ". For each one, "
                    + keyless.get(0).fix() + ". Or set " + SnapcloneConfig.PUBLICATION_KEYLESS_TABLES_CONFIG
                    + "=exclude to snapshot them without streaming their changes.");
        }
        boolean insertsOnly = policy == SnapcloneConfig.KeylessTables.INSERTS_ONLY;
        for (Publications.Unpublishable table : keyless) {
            TableId entry = captured.publishedAs(table.table());
            log.warn("Connector {}: table {} is LEFT OUT of publication {}: {}. Its rows are snapshotted, but {}. "
                    + "Fix: {}. A table fixed later joins the publication at the next start; changes made before "
                    + "that are not streamed, so load it again.", connectorName, entry.equals(table.table())
                    ? table.table().qualifiedName() : entry.qualifiedName() + " (for its partition "
                    + table.table().qualifiedName() + ")", config.publicationName(), table.reason(), insertsOnly
                    ? "only its later INSERTs (and TRUNCATEs) are streamed, through publication "
                    + config.insertsPublicationName() + ": its UPDATEs and DELETEs are NOT"
                    : "its later changes are NOT streamed", table.fix());
        }
        // A partition without a replica identity keeps the whole partitioned table it is published through out.
        List<TableId> left = keyless.stream().map(u -> captured.publishedAs(u.table())).distinct().toList();
        boolean viaRoot = config.publishViaPartitionRoot();
        List<TableId> published = new ArrayList<>(captured.published().stream().filter(table -> !left.contains(table)).toList());
        TableId signals = config.signalTable();
        if (signals != null && !published.contains(signals)) {
            if (Publications.tableExists(connection, signals)) {
                published.add(signals); // its inserts are the signals the stream reads
            } else {
                log.warn("Connector {}: {}", connectorName, config.missingSignalTable());
            }
        }
        Publications.ensure(connection, config.publicationName(), mode, published, viaRoot);
        if (config.publicationNames().size() > 1) {
            Publications.ensureInsertsOnly(connection, config.insertsPublicationName(), left, viaRoot);
        }
        List<TableId> generated = Publications.generatedColumnsUnpublished(connection, config.publicationName(),
                allTables);
        if (!generated.isEmpty()) {
            log.warn("Connector {}: publication {} does not publish stored generated columns, which the snapshot reads "
                    + "from {}: their records lose those columns at the handover. Run ALTER PUBLICATION {} SET "
                    + "(publish_generated_columns = stored).", connectorName, config.publicationName(), generated,
                    io.snapclone.pg.Identifiers.quote(config.publicationName()));
        }
    }

    /**
     * A new snapshot and its exact place in the WAL, from a temporary slot created with it: what
     * committed before that place is in the snapshot, what committed after is not. The stream
     * (from the connector's own slot, which stands behind) skips the former ({@link #consistentPoint}).
     */
    private SnapshotExport exportAtLsn(ConnectionSettings settings) {
        String slot = config.slotName();
        String temporary = slot.substring(0, Math.min(slot.length(), 50)) + "_snapshot";
        String application = "snapclone-coordinator " + connectorName;
        try (CreatedSlot created = ReplicationSlots.createTemporary(settings, temporary, application,
                SLOT_CREATION_TIMEOUT, SLOT_WAIT_REPORT_INTERVAL, message -> log.warn("Connector {}: {}", connectorName, message))) {
            SnapshotExport taken = SnapshotExport.takeOver(settings, application, created.snapshot());
            log.info("Connector {}: loading under a new snapshot at {} (through temporary slot {}); slot {} stands at {}: "
                    + "the changes it holds from before {} are in the snapshot and will not be sent again",
                    connectorName, created.consistentPoint(), temporary, slot, consistentPoint, created.consistentPoint());
            consistentPoint = created.consistentPoint();
            return taken;
        } catch (SQLException e) {
            throw new ConnectException("Could not take a snapshot through temporary replication slot " + temporary + ": "
                    + e.getMessage() + " (a free slot must be left for it while the snapshot is taken: "
                    + "max_replication_slots)", e);
        }
    }

    private SnapshotExport exportNew(ConnectionSettings settings) {
        try {
            return SnapshotExport.export(settings, "snapclone-coordinator " + connectorName);
        } catch (SQLException e) {
            throw new ConnectException("Could not export a snapshot: " + e.getMessage(), e);
        }
    }

    /**
     * Imports the snapshot through an id that a task published from its open transaction, if one
     * still works: then {@link #export} holds it, and the holder says what plan it was read with.
     *
     * @param heldFrom for an incremental reload, where the stream holds back its tables' changes; else 0
     */
    private SnapshotOffsets.Holder takeOverHeldSnapshot(ConnectionSettings settings, int maxTasks, long heldFrom) {
        long streamed = SnapshotOffsets.streamPosition(offsets.offset(
                SnapshotOffsets.streamPartition(config.topicPrefix(), config.slotName()))).commitLsn();
        List<Map<String, Object>> partitions = new ArrayList<>();
        for (int task = 0; task < maxTasks + EXTRA_HOLDERS_CHECKED; task++) {
            partitions.add(SnapshotOffsets.holderPartition(config.topicPrefix(), task));
        }
        Map<Map<String, Object>, Map<String, Object>> offsets = this.offsets.offsets(partitions);
        for (int task = 0; task < partitions.size(); task++) {
            SnapshotOffsets.Holder holder = SnapshotOffsets.holder(offsets.get(partitions.get(task)));
            if (holder == null || !serves(holder, streamed, heldFrom)) {
                continue;
            }
            try {
                export = SnapshotExport.reexport(settings, "snapclone-coordinator " + connectorName,
                        holder.id(), holder.fingerprint());
                log.info("Connector {}: re-imported the original snapshot (fingerprint {}) through id {} held by task {}",
                        connectorName, holder.fingerprint(), holder.id(), task);
                return holder;
            } catch (SQLException e) {
                log.info("Connector {}: task {}'s snapshot id {} cannot be imported: {}", connectorName, task,
                        holder.id(), e.getMessage());
            }
        }
        return null;
    }

    /**
     * Whether a held snapshot may load what is left: only if the stream has gone past nothing it
     * lacks (a finished load's snapshot, still held for a while, would miss the changes streamed
     * since for a table added now). One that does not say its LSN: only before anything was streamed.
     * An incremental reload's tables are held back by the stream: a snapshot from then on serves.
     */
    private boolean serves(SnapshotOffsets.Holder holder, long streamed, long heldFrom) {
        if (holder.snapshotLsn() == 0) {
            return streamed == 0;
        }
        long after = heldFrom != 0 ? heldFrom - 1 : streamed;
        return Long.compareUnsigned(holder.snapshotLsn(), after) > 0
                && (!consistentPoint.isValid() || Long.compareUnsigned(holder.snapshotLsn(), consistentPoint.value()) >= 0);
    }

    /**
     * The task of the finished snapshot phase, streaming if the connector streams; it sends none of
     * a table's changes from before the snapshot it was loaded under, as committed offsets say.
     */
    private Map<String, String> completed(List<TableId> announced) {
        Map<String, String> task = TaskConfig.completed(connectorProps, 0, announced, config.streams(),
                export == null ? null : export.fingerprint());
        TaskConfig.putReloads(task, reloads);
        if (config.streams()) {
            streams(task, List.of());
        }
        return task;
    }

    /**
     * Makes {@code task} the streaming one: it sends none of a table's changes from before the
     * snapshot it was loaded under, holds back those of the tables being loaded again incrementally
     * ({@code loading}, under {@link #consistentPoint}) and sends those it held back for tables that
     * were. All by the table the stream sees: a partition's own, or the root it is published through.
     */
    private void streams(Map<String, String> task, List<TableId> loading) {
        task.put(TaskConfig.STREAM_CONFIG, "true");
        TaskConfig.putStreamTables(task, allTables);
        Map<TableId, Long> snapshotLsns = new HashMap<>();
        Map<TableId, Long> held = new HashMap<>();
        Map<TableId, Long> replays = new HashMap<>();
        for (TableState state : tableStates(allTables).values()) {
            TableId seen = captured.recordTable(state.table());
            boolean reloading = loading.contains(state.table());
            snapshotLsns.merge(seen, reloading ? consistentPoint.value() : state.snapshotLsn(), CompletedRanges::earliest);
            ReloadRequests.Request request = requests.get(state.table());
            if (reloading) {
                held.merge(seen, request.lsn(), CompletedRanges::earliest);
            } else if (request != null && request.incremental() && state.complete() && state.snapshotLsn() != 0) {
                replays.merge(seen, state.snapshotLsn(), CompletedRanges::earliest);
            }
        }
        TaskConfig.putSnapshotLsns(task, snapshotLsns);
        TaskConfig.putHeld(task, held);
        TaskConfig.putReplays(task, replays);
        if (!config.publishViaPartitionRoot()) {
            TaskConfig.putCapturedPartitions(task, captured.partitionsOfSelected());
        }
    }

    /** Whether the table is loaded at all: with snapshot.mode=never only when asked for again (a signal). */
    private boolean loads(TableId table) {
        return !neverSnapshot() || requests.containsKey(table);
    }

    private boolean neverSnapshot() {
        return SnapcloneConfig.SNAPSHOT_MODE_NEVER.equals(config.snapshotMode());
    }

    /** The tables a load announces as complete: those it loads. */
    private List<TableId> loaded() {
        return allTables.stream().filter(this::loads).toList();
    }

    private long latestRequest(List<TableId> tables) {
        return tables.stream().mapToLong(table -> requests.get(table).lsn())
                .reduce(0L, (a, b) -> Long.compareUnsigned(a, b) >= 0 ? a : b);
    }

    /**
     * The plan of a snapshot is fixed for its life: a re-imported snapshot continues with the chunk
     * size it was planned with, so the chunks line up with those partly read (each resumes after
     * its last committed row). Only a new snapshot is planned anew, for what is left to read.
     */
    private ChunkPlanner planner(List<TableInfo> tables, int blockSize, long plannedChunkBytes) {
        if (plannedChunkBytes > 0) {
            log.info("Connector {}: continuing the snapshot's plan: chunks of {} MB", connectorName,
                    plannedChunkBytes >> 20);
            return new ChunkPlanner(plannedChunkBytes, blockSize);
        }
        long totalBytes = tables.stream().mapToLong(TableInfo::sizeBytes).sum();
        ChunkPlanner planner = ChunkPlanner.forLoad(config.chunkSizeBytes(), config.chunkSizeSet(), blockSize,
                totalBytes, maxTasks);
        if (planner.chunkSizeBytes() != config.chunkSizeBytes()) {
            log.info("Connector {}: {} MB to read with tasks.max={}: chunks of {} MB instead of {} (at least {}, at most {} "
                    + "chunks per task)", connectorName, totalBytes >> 20, maxTasks, planner.chunkSizeBytes() >> 20,
                    config.chunkSizeBytes() >> 20, ChunkPlanner.MIN_CHUNKS_PER_TASK, ChunkPlanner.MAX_CHUNKS_PER_TASK);
        }
        return planner;
    }

    synchronized List<Map<String, String>> taskConfigs() {
        return taskConfigs;
    }

    private synchronized void checkProgress() {
        if (replanning || waitingForStream || (export != null && !export.isAlive())) {
            replan();
            return;
        }
        if (pending.isEmpty()) {
            // Streaming: a signal may ask for tables to be loaded again.
            try {
                Map<TableId, Long> requested = ReloadRequests.lsns(reloadRequests());
                if (!requested.equals(reloads)) {
                    log.info("Connector {}: loading again on request: {}", connectorName, requested.entrySet().stream()
                            .filter(e -> !e.getValue().equals(reloads.get(e.getKey())))
                            .map(e -> e.getKey().qualifiedName() + " (requested at " + new Lsn(e.getValue()) + ")").toList());
                    replan();
                }
            } catch (RuntimeException e) {
                log.warn("Connector {}: could not read reload requests from committed offsets; will retry", connectorName, e);
            }
            return;
        }
        try {
            Map<TableId, TableState> states = tableStates(pending);
            long done = states.values().stream().filter(TableState::complete).count();
            long rows = states.values().stream().mapToLong(TableState::rowsSent).sum();
            double seconds = (System.nanoTime() - startedNanos) / 1e9;
            if (done == pending.size()) {
                // Restarting the tasks into the finished phase ends their snapshot transactions.
                taskConfigs = List.of(completed(loaded()));
                requestReconfiguration.run();
                releaseExport();
                LingeringSnapshots.releaseAll(connectorName);
                log.info("Connector {}: snapshot complete: {} tables, {} rows in {} s (committed in Kafka); "
                        + "snapshot released; {}", connectorName, pending.size(), rows, String.format("%.1f", seconds),
                        config.streams() ? "streaming from slot " + config.slotName() + " now" : "connector now idle");
                pending = List.of();
                if (!config.streams()) {
                    monitor.shutdown();
                }
            } else if (System.nanoTime() - lastProgressLogNanos >= config.progressInterval().toNanos()) {
                lastProgressLogNanos = System.nanoTime();
                log.info("Connector {}: snapshot progress: {}/{} tables done, {} rows committed, "
                        + "{} s", connectorName, done, pending.size(), rows, String.format("%.1f", seconds));
            }
        } catch (RuntimeException e) {
            log.warn("Connector {}: could not read snapshot progress from committed offsets; will retry", connectorName, e);
        }
    }

    /**
     * The session that held the snapshot is gone (server restart, network cut): plan what is left
     * again, under the snapshot a task still holds if any, else under a new one, and restart the
     * tasks with that plan. Tried again every second while the database cannot be reached.
     */
    private void replan() {
        if (!replanning && !waitingForStream) {
            if (export != null) {
                log.warn("Connector {}: lost the session that held snapshot {} (server restart or network cut?); "
                        + "planning the rest again", connectorName, export.fingerprint());
            }
            replanning = true;
            releaseExport();
        }
        boolean wasWaiting = waitingForStream;
        try {
            start(connectorProps, maxTasks);
        } catch (ConnectException e) {
            log.warn("Connector {}: cannot plan yet ({}); trying again in {} ms", connectorName, e.getMessage(),
                    CHECK_INTERVAL_MS);
            return;
        }
        if (waitingForStream) {
            if (!wasWaiting) {
                requestReconfiguration.run(); // no tasks until the running stream has stopped
            }
            return;
        }
        replanning = false;
        requestReconfiguration.run();
    }

    /** The reload requests (signals) committed for the captured tables: see {@link ReloadRequests}. */
    private Map<TableId, ReloadRequests.Request> reloadRequests() {
        return ReloadRequests.of(config.topicPrefix(), allTables, captured::recordTable, this::committed);
    }

    private Map<Map<String, Object>, Map<String, Object>> committed(Collection<Map<String, Object>> partitions) {
        Map<Map<String, Object>, Map<String, Object>> result = new HashMap<>();
        offsets.offsets(partitions).forEach(result::put);
        return result;
    }

    private Map<TableId, TableState> tableStates(Collection<TableId> tables) {
        return CompletedRanges.of(config.topicPrefix(), tables, reloads, this::committed);
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

    /** A graceful stop: the export keeps holding the snapshot for the grace period, for the next coordinator. */
    @Override
    public void close() {
        monitor.shutdownNow();
        synchronized (this) {
            if (export != null) {
                LingeringSnapshots.keep(connectorName, export, config.holderGrace(), "the coordinator's export");
                export = null;
            }
        }
    }
}

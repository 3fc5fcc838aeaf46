package io.snapclone.connect.config;

import io.snapclone.pg.TableId;
import io.snapclone.pg.snapshot.Chunk;
import io.snapclone.pg.snapshot.Fingerprint;
import io.snapclone.pg.snapshot.SnapshotId;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A task's configuration: the connector's, plus the snapshot to import and the chunks to read. */
public final class TaskConfig extends SnapcloneConfig {
    public static final String TASK_INDEX_CONFIG = "task.index";
    public static final String TASK_COUNT_CONFIG = "task.count";
    public static final String SNAPSHOT_ID_CONFIG = "task.snapshot.id";
    public static final String FINGERPRINT_CONFIG = "task.snapshot.fingerprint";
    public static final String CHUNKS_CONFIG = "task.chunks";
    public static final String ANNOUNCE_CONFIG = "task.announce.tables";
    public static final String RETAKEN_CONFIG = "task.snapshot.retaken";
    public static final String STREAM_CONFIG = "task.stream";
    public static final String RECORD_TABLES_CONFIG = "task.record.tables";
    public static final String SNAPSHOT_LSN_TABLES_CONFIG = "task.stream.snapshot.tables";
    public static final String SNAPSHOT_LSNS_CONFIG = "task.stream.snapshot.lsns";
    public static final String RELOAD_TABLES_CONFIG = "task.reload.tables";
    public static final String RELOAD_LSNS_CONFIG = "task.reload.lsns";
    public static final String PARTITIONS_CONFIG = "task.captured.partitions";
    public static final String HELD_TABLES_CONFIG = "task.stream.held.tables";
    public static final String HELD_LSNS_CONFIG = "task.stream.held.lsns";
    public static final String REPLAY_TABLES_CONFIG = "task.stream.replay.tables";
    public static final String REPLAY_LSNS_CONFIG = "task.stream.replay.lsns";
    public static final String INCREMENTAL_CONFIG = "task.reload.incremental";
    public static final String STREAM_TABLES_CONFIG = "task.stream.tables";
    public static final String CHUNK_BYTES_CONFIG = "task.chunk.bytes";
    public static final String SNAPSHOT_LSN_CONFIG = "task.snapshot.lsn";

    private static final ConfigDef TASK_CONFIG_DEF = new ConfigDef(CONFIG_DEF)
            .define(TASK_INDEX_CONFIG, Type.INT, Importance.HIGH, "Index of this task, for logs and metrics.")
            .define(TASK_COUNT_CONFIG, Type.INT, 1, Importance.LOW,
                    "How many tasks the connector runs in this phase: with one, the Debezium-compatible beans "
                    + "carry no task key, as Debezium's own.")
            .define(SNAPSHOT_ID_CONFIG, Type.STRING, "", Importance.HIGH, "Snapshot id to import.")
            .define(FINGERPRINT_CONFIG, Type.STRING, "", Importance.HIGH, "pg_current_snapshot() the import must show.")
            .define(CHUNKS_CONFIG, Type.STRING, "", Importance.HIGH, "Chunks to read, encoded by Chunk.encodeAll.")
            .define(STREAM_CONFIG, Type.BOOLEAN, false, Importance.HIGH,
                    "Whether this task streams changes from the slot (the streaming phase).")
            .define(CHUNK_BYTES_CONFIG, Type.LONG, 0L, Importance.LOW,
                    "The chunk size of the snapshot's plan: a coordinator that re-imports the snapshot plans the rest "
                    + "with it, so that chunks line up with what was read.")
            .define(SNAPSHOT_LSN_CONFIG, Type.LONG, 0L, Importance.LOW,
                    "The slot's consistent point, where the stream takes over from the snapshot: snapshot records' "
                    + "source.lsn (0: none, without a slot).")
            .define(SNAPSHOT_LSN_TABLES_CONFIG, Type.STRING, "", Importance.HIGH,
                    "Tables with the LSN of the snapshot they were loaded under (the stream sends none of their "
                    + "changes committed before it), encoded by Chunk.encodeAll as whole-table chunks.")
            .define(SNAPSHOT_LSNS_CONFIG, Type.LIST, "", Importance.HIGH,
                    "The snapshot LSN of each table of " + SNAPSHOT_LSN_TABLES_CONFIG + ", in the same order.")
            .define(RELOAD_TABLES_CONFIG, Type.STRING, "", Importance.HIGH,
                    "Tables loaded again on request, with the LSN of the request, which their chunks' offsets are "
                    + "kept under, encoded by Chunk.encodeAll as whole-table chunks.")
            .define(RELOAD_LSNS_CONFIG, Type.LIST, "", Importance.HIGH,
                    "The request LSN of each table of " + RELOAD_TABLES_CONFIG + ", in the same order.")
            .define(HELD_TABLES_CONFIG, Type.STRING, "", Importance.HIGH,
                    "Tables being loaded again incrementally, with the LSN of the request: the stream holds back "
                    + "their changes committed from then on (and confirms nothing past it) until they are loaded, "
                    + "encoded by Chunk.encodeAll as whole-table chunks.")
            .define(HELD_LSNS_CONFIG, Type.LIST, "", Importance.HIGH,
                    "The request LSN of each table of " + HELD_TABLES_CONFIG + ", in the same order.")
            .define(REPLAY_TABLES_CONFIG, Type.STRING, "", Importance.HIGH,
                    "Tables loaded again incrementally, with the LSN of that snapshot: the stream sends their changes "
                    + "from it on that it held back, unless its offsets say it did, encoded by Chunk.encodeAll as "
                    + "whole-table chunks.")
            .define(REPLAY_LSNS_CONFIG, Type.LIST, "", Importance.HIGH,
                    "The snapshot LSN of each table of " + REPLAY_TABLES_CONFIG + ", in the same order.")
            .define(STREAM_TABLES_CONFIG, Type.STRING, "", Importance.HIGH,
                    "The captured tables (ordinary tables and leaf partitions) of a streaming task, encoded by "
                    + "Chunk.encodeAll as whole-table chunks; empty: those of " + ANNOUNCE_CONFIG + ".")
            .define(INCREMENTAL_CONFIG, Type.STRING, "", Importance.LOW,
                    "Tables loaded again incrementally: their rows say source.snapshot=incremental, encoded by "
                    + "Chunk.encodeAll as whole-table chunks.")
            .define(ClusterDatabases.LSN_HEADERS_CONFIG, Type.BOOLEAN, false, Importance.LOW,
                    "Whether records carry their LSN in a header, for the cluster watermark (database.names).")
            .define(RETAKEN_CONFIG, Type.BOOLEAN, false, Importance.LOW,
                    "Whether the snapshot was taken anew because no session held the original any more.")
            .define(ANNOUNCE_CONFIG, Type.STRING, "", Importance.LOW,
                    "Tables whose completion this task announces once the snapshot is complete.")
            .define(RECORD_TABLES_CONFIG, Type.STRING, "", Importance.HIGH,
                    "Partitions whose rows are records of another table (publish.via.partition.root): pairs of "
                    + "partition and table, encoded by Chunk.encodeAll as whole-table chunks.")
            .define(PARTITIONS_CONFIG, Type.STRING, "", Importance.HIGH,
                    "Partitions captured as tables of their own because their parent is selected "
                    + "(publish.via.partition.root=false), encoded by Chunk.encodeAll as whole-table chunks.");

    public TaskConfig(Map<String, String> props) {
        super(TASK_CONFIG_DEF, props);
    }

    /** Builds the properties of one task from the connector's own. */
    public static Map<String, String> of(Map<String, String> connectorProps, int index, SnapshotId id,
                                         Fingerprint fingerprint, List<Chunk> chunks) {
        Map<String, String> props = new HashMap<>(connectorProps);
        props.put(TASK_INDEX_CONFIG, Integer.toString(index));
        props.put(SNAPSHOT_ID_CONFIG, id == null ? "" : id.value());
        props.put(FINGERPRINT_CONFIG, fingerprint == null ? "" : fingerprint.value());
        props.put(CHUNKS_CONFIG, Chunk.encodeAll(chunks));
        return props;
    }

    /**
     * A task of the finished snapshot phase: it holds nothing; the first one announces completion
     * (of the load under {@code fingerprint}; null: of whichever load finished last) and, when the
     * connector streams, reads the slot.
     */
    public static Map<String, String> completed(Map<String, String> connectorProps, int index, List<TableId> tables,
                                                boolean stream, Fingerprint fingerprint) {
        Map<String, String> props = of(connectorProps, index, null, fingerprint, List.of());
        props.put(ANNOUNCE_CONFIG, Chunk.encodeAll(tables.stream().map(Chunk::whole).toList()));
        props.put(STREAM_CONFIG, Boolean.toString(stream));
        return props;
    }

    /** Records the rows of each partition in {@code recordTables} as rows of the table it maps to. */
    public static void putRecordTables(Map<String, String> props, Map<TableId, TableId> recordTables) {
        List<Chunk> pairs = new java.util.ArrayList<>();
        recordTables.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(entry -> {
            pairs.add(Chunk.whole(entry.getKey()));
            pairs.add(Chunk.whole(entry.getValue()));
        });
        props.put(RECORD_TABLES_CONFIG, Chunk.encodeAll(pairs));
    }

    /** The application_name of task {@code taskName}'s replication connection (pg_stat_activity shows it). */
    public static String streamApplicationName(String taskName) {
        return "snapclone-stream " + taskName;
    }

    /** Whether a session's application_name is that of a streaming task of {@code connector}. */
    public static boolean isStreamOf(String applicationName, String connector) {
        String prefix = streamApplicationName(connector + "-");
        return applicationName.startsWith(prefix) && applicationName.substring(prefix.length()).matches("[0-9]+");
    }

    /** Where each table's snapshot stands: the stream sends none of its changes committed before. */
    public static void putSnapshotLsns(Map<String, String> props, Map<TableId, Long> lsns) {
        putTableLsns(props, SNAPSHOT_LSN_TABLES_CONFIG, SNAPSHOT_LSNS_CONFIG, lsns);
    }

    /** As {@link #putSnapshotLsns} put them; a table not there has none (0: every change is sent). */
    public Map<TableId, Long> snapshotLsns() {
        return tableLsns(SNAPSHOT_LSN_TABLES_CONFIG, SNAPSHOT_LSNS_CONFIG);
    }

    /** The tables loaded again on request, with the request's LSN (see SnapshotOffsets.partition). */
    public static void putReloads(Map<String, String> props, Map<TableId, Long> reloads) {
        putTableLsns(props, RELOAD_TABLES_CONFIG, RELOAD_LSNS_CONFIG, reloads);
    }

    public Map<TableId, Long> reloads() {
        return tableLsns(RELOAD_TABLES_CONFIG, RELOAD_LSNS_CONFIG);
    }

    /** Incremental reloads under way: see {@link #HELD_TABLES_CONFIG}. */
    public static void putHeld(Map<String, String> props, Map<TableId, Long> requestLsns) {
        putTableLsns(props, HELD_TABLES_CONFIG, HELD_LSNS_CONFIG, requestLsns);
    }

    public Map<TableId, Long> held() {
        return tableLsns(HELD_TABLES_CONFIG, HELD_LSNS_CONFIG);
    }

    /** Incremental reloads done: see {@link #REPLAY_TABLES_CONFIG}. */
    public static void putReplays(Map<String, String> props, Map<TableId, Long> snapshotLsns) {
        putTableLsns(props, REPLAY_TABLES_CONFIG, REPLAY_LSNS_CONFIG, snapshotLsns);
    }

    public Map<TableId, Long> replays() {
        return tableLsns(REPLAY_TABLES_CONFIG, REPLAY_LSNS_CONFIG);
    }

    /** The captured tables of a streaming task: see {@link #STREAM_TABLES_CONFIG}. */
    public static void putStreamTables(Map<String, String> props, List<TableId> tables) {
        props.put(STREAM_TABLES_CONFIG, Chunk.encodeAll(tables.stream().map(Chunk::whole).toList()));
    }

    public List<TableId> streamTables() {
        List<TableId> tables = Chunk.decodeAll(getString(STREAM_TABLES_CONFIG)).stream().map(Chunk::table).toList();
        return tables.isEmpty() ? tablesToAnnounce() : tables;
    }

    public static void putIncremental(Map<String, String> props, java.util.Collection<TableId> tables) {
        props.put(INCREMENTAL_CONFIG, Chunk.encodeAll(tables.stream().sorted().map(Chunk::whole).toList()));
    }

    /** The tables whose rows are those of an incremental reload. */
    public java.util.Set<TableId> incremental() {
        return java.util.Set.copyOf(Chunk.decodeAll(getString(INCREMENTAL_CONFIG)).stream().map(Chunk::table).toList());
    }

    private static void putTableLsns(Map<String, String> props, String tablesKey, String lsnsKey, Map<TableId, Long> lsns) {
        List<Map.Entry<TableId, Long>> entries = lsns.entrySet().stream().sorted(Map.Entry.comparingByKey()).toList();
        props.put(tablesKey, Chunk.encodeAll(entries.stream().map(e -> Chunk.whole(e.getKey())).toList()));
        props.put(lsnsKey, String.join(",", entries.stream().map(e -> Long.toString(e.getValue())).toList()));
    }

    private Map<TableId, Long> tableLsns(String tablesKey, String lsnsKey) {
        List<Chunk> tables = Chunk.decodeAll(getString(tablesKey));
        List<String> lsns = getList(lsnsKey);
        if (tables.size() != lsns.size()) {
            throw new IllegalArgumentException(lsnsKey + " does not match " + tablesKey);
        }
        Map<TableId, Long> result = new HashMap<>();
        for (int i = 0; i < tables.size(); i++) {
            result.put(tables.get(i).table(), Long.parseLong(lsns.get(i)));
        }
        return result;
    }

    /** The table whose records the rows of {@code source} are: itself unless it is a partition read as its root. */
    public TableId recordTable(TableId source) {
        return recordTables().getOrDefault(source, source);
    }

    public Map<TableId, TableId> recordTables() {
        List<Chunk> pairs = Chunk.decodeAll(getString(RECORD_TABLES_CONFIG));
        if (pairs.size() % 2 != 0) {
            throw new IllegalArgumentException(RECORD_TABLES_CONFIG + " holds an odd number of tables");
        }
        Map<TableId, TableId> tables = new HashMap<>();
        for (int i = 0; i < pairs.size(); i += 2) {
            tables.put(pairs.get(i).table(), pairs.get(i + 1).table());
        }
        return tables;
    }

    /** Partitions the stream captures as tables of their own though the lists name only their parent. */
    public static void putCapturedPartitions(Map<String, String> props, List<TableId> partitions) {
        props.put(PARTITIONS_CONFIG, Chunk.encodeAll(partitions.stream().map(Chunk::whole).toList()));
    }

    /**
     * The lists' filter, widened by the partitions captured as tables of their own: pgoutput names
     * their changes after them, not after the parent the lists select.
     */
    @Override
    public java.util.function.Predicate<TableId> tableFilter() {
        java.util.function.Predicate<TableId> lists = super.tableFilter();
        java.util.Set<TableId> partitions = java.util.Set.copyOf(Chunk.decodeAll(getString(PARTITIONS_CONFIG)).stream()
                .map(Chunk::table).toList());
        return table -> lists.test(table) || partitions.contains(table);
    }

    public int taskIndex() {
        return getInt(TASK_INDEX_CONFIG);
    }

    public int taskCount() {
        return getInt(TASK_COUNT_CONFIG);
    }

    public SnapshotId snapshotId() {
        return new SnapshotId(getString(SNAPSHOT_ID_CONFIG));
    }

    /** The load whose completion a task of the finished phase announces; null: whichever finished last. */
    public Fingerprint completedLoad() {
        String value = getString(FINGERPRINT_CONFIG);
        return value.isBlank() ? null : new Fingerprint(value);
    }

    public Fingerprint fingerprint() {
        return new Fingerprint(getString(FINGERPRINT_CONFIG));
    }

    public List<Chunk> chunks() {
        return Chunk.decodeAll(getString(CHUNKS_CONFIG));
    }

    public boolean streamsChanges() {
        return getBoolean(STREAM_CONFIG);
    }

    public long chunkBytes() {
        return getLong(CHUNK_BYTES_CONFIG);
    }

    /**
     * Where the snapshot stands in the WAL (the slot's consistent point, or a later snapshot's):
     * snapshot records carry it, and the stream sends no change committed before it, which the
     * snapshot has. Null without a slot (snapshot.mode=initial_only) or when not known.
     */
    /** Whether records carry their LSN in a header: set for each database of several (see ClusterDatabases). */
    public boolean lsnHeaders() {
        return getBoolean(ClusterDatabases.LSN_HEADERS_CONFIG);
    }

    public Long snapshotLsn() {
        long lsn = getLong(SNAPSHOT_LSN_CONFIG);
        return lsn == 0 ? null : lsn;
    }

    public boolean snapshotRetaken() {
        return getBoolean(RETAKEN_CONFIG);
    }

    public List<TableId> tablesToAnnounce() {
        return Chunk.decodeAll(getString(ANNOUNCE_CONFIG)).stream().map(Chunk::table).toList();
    }
}

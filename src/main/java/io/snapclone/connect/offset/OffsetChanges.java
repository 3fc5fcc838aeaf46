package io.snapclone.connect.offset;

import static java.util.Objects.requireNonNull;

import io.snapclone.pg.Lsn;
import io.snapclone.pg.TableId;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Judges offsets that a user sets through Connect's REST API (KIP-875: {@code PATCH} or
 * {@code DELETE /connectors/<name>/offsets}) before Connect writes them: what each change will do,
 * or why it makes no sense. Removing any offset is fine (removing a table's chunks loads the table
 * again; removing all is a fresh load, on the slot there is). Setting one is allowed for a chunk of a
 * table that exists and for the stream position, if the server's WAL has reached it; the offsets
 * the connector keeps for itself (snapshot holders, announcements) can only be removed.
 */
public final class OffsetChanges {
    private static final Set<String> CHUNK_KEYS = Set.of(SnapshotOffsets.SERVER, SnapshotOffsets.SCHEMA,
            SnapshotOffsets.TABLE, SnapshotOffsets.BLOCK);
    private static final Set<String> RELOAD_CHUNK_KEYS = Set.of(SnapshotOffsets.SERVER, SnapshotOffsets.SCHEMA,
            SnapshotOffsets.TABLE, SnapshotOffsets.BLOCK, SnapshotOffsets.RELOAD);
    private static final Set<String> REQUEST_KEYS = Set.of(SnapshotOffsets.SERVER, SnapshotOffsets.SCHEMA,
            SnapshotOffsets.TABLE, SnapshotOffsets.REQUEST);

    private OffsetChanges() {
    }

    /** What the checks need from the database, asked only for offsets that are set. */
    public interface Database {
        boolean tableExists(TableId table);

        /** The server's current WAL position. */
        Lsn currentWalLsn();
    }

    /** The kinds of partition the connector writes, by their keys. */
    enum Kind { CHUNK, STREAM, HOLDER, ANNOUNCEMENT, RELOAD_REQUEST }

    /**
     * Every problem with the changes, each naming the partition and the fix; empty if Connect may
     * write them. {@code database} is asked only when an offset is set, not removed.
     */
    public static List<String> problems(String topicPrefix, String slotName,
                                        Map<? extends Map<String, ?>, ? extends Map<String, ?>> changes,
                                        java.util.function.Supplier<Database> database) {
        requireNonNull(topicPrefix, "topicPrefix is null");
        List<String> problems = new ArrayList<>();
        Database db = null;
        for (Map.Entry<? extends Map<String, ?>, ? extends Map<String, ?>> change : changes.entrySet()) {
            Map<String, ?> partition = change.getKey();
            Map<String, ?> offset = change.getValue();
            if (!topicPrefix.equals(partition.get(SnapshotOffsets.SERVER))) {
                problems.add("partition " + partition + " is not one of this connector's: its \"server\" must be the "
                        + "topic.prefix, \"" + topicPrefix + "\"");
                continue;
            }
            Kind kind = kind(partition);
            if (kind == null) {
                problems.add("partition " + partition + " is none of the connector's: a table's chunk {server, schema, "
                        + "table, block} or the stream {server, stream}");
                continue;
            }
            if (offset == null) {
                continue; // removing is always possible
            }
            if (db == null) {
                db = database.get();
            }
            String problem = switch (kind) {
                case CHUNK -> chunkProblem(partition, offset, db::tableExists);
                case STREAM -> streamProblem(slotName, partition, offset, db);
                case HOLDER, ANNOUNCEMENT, RELOAD_REQUEST -> "the offset of " + partition + " is the connector's own "
                        + "bookkeeping: it can be removed (null), not set";
            };
            if (problem != null) {
                problems.add(problem);
            }
        }
        return problems;
    }

    /** What the changes will do, for the log: tables loaded again, where the stream resumes. */
    public static String describe(String slotName, Map<? extends Map<String, ?>, ? extends Map<String, ?>> changes) {
        java.util.SortedSet<String> reloaded = new java.util.TreeSet<>();
        List<String> said = new ArrayList<>();
        for (Map.Entry<? extends Map<String, ?>, ? extends Map<String, ?>> change : changes.entrySet()) {
            Map<String, ?> partition = change.getKey();
            Kind kind = kind(partition);
            if (kind == Kind.CHUNK && change.getValue() == null) {
                reloaded.add(new TableId((String) partition.get(SnapshotOffsets.SCHEMA),
                        (String) partition.get(SnapshotOffsets.TABLE)).qualifiedName());
            } else if (kind == Kind.STREAM) {
                said.add(change.getValue() == null ? "the stream resumes where slot " + slotName + " stands"
                        : "the stream resumes after change " + change.getValue().get(SnapshotOffsets.SEQ)
                        + " of the transaction that committed at " + new Lsn(((Number) change.getValue()
                        .get(SnapshotOffsets.LSN)).longValue()));
            }
        }
        if (!reloaded.isEmpty()) {
            said.add(0, "loaded again at the next start, under a new snapshot, while the stream sends none of their "
                    + "changes from before it: " + String.join(", ", reloaded));
        }
        return said.isEmpty() ? changes.size() + " offset(s) changed" : String.join("; ", said);
    }

    static Kind kind(Map<String, ?> partition) {
        boolean table = partition.get(SnapshotOffsets.SCHEMA) instanceof String
                && partition.get(SnapshotOffsets.TABLE) instanceof String;
        if (table && partition.get(SnapshotOffsets.BLOCK) instanceof Number && (partition.keySet().equals(CHUNK_KEYS)
                || partition.keySet().equals(RELOAD_CHUNK_KEYS) && partition.get(SnapshotOffsets.RELOAD) instanceof Number)) {
            return Kind.CHUNK;
        }
        if (table && partition.keySet().equals(REQUEST_KEYS)) {
            return Kind.RELOAD_REQUEST;
        }
        if (partition.size() == 2) {
            if (partition.get(SnapshotOffsets.STREAM) instanceof String) {
                return Kind.STREAM;
            }
            if (partition.get(SnapshotOffsets.HOLDER) instanceof Number) {
                return Kind.HOLDER;
            }
            if (partition.get(SnapshotOffsets.ANNOUNCEMENT) instanceof String) {
                return Kind.ANNOUNCEMENT;
            }
        }
        return null;
    }

    private static String chunkProblem(Map<String, ?> partition, Map<String, ?> offset, Predicate<TableId> exists) {
        TableId table = new TableId((String) partition.get(SnapshotOffsets.SCHEMA), (String) partition.get(SnapshotOffsets.TABLE));
        if (!exists.test(table)) {
            return "partition " + partition + " is a chunk of " + table.qualifiedName() + ", which is not a table of "
                    + "the database: remove its offset (null) instead";
        }
        try {
            SnapshotOffsets.progress(cast(offset));
            return null;
        } catch (IllegalArgumentException e) {
            return "the offset of " + partition + " cannot be read: " + e.getMessage();
        }
    }

    private static String streamProblem(String slotName, Map<String, ?> partition, Map<String, ?> offset, Database db) {
        if (!slotName.equals(partition.get(SnapshotOffsets.STREAM))) {
            return "partition " + partition + " is the stream of slot \"" + partition.get(SnapshotOffsets.STREAM)
                    + "\", but this connector reads slot \"" + slotName + "\" (slot.name)";
        }
        if (!(offset.get(SnapshotOffsets.LSN) instanceof Number lsn) || !(offset.get(SnapshotOffsets.SEQ) instanceof Number)) {
            return "the offset of " + partition + " must have a numeric \"lsn\" (a commit LSN) and \"seq\" (the last "
                    + "change sent of that transaction, from 1): " + offset;
        }
        Lsn current = db.currentWalLsn();
        if (Long.compareUnsigned(lsn.longValue(), current.value()) > 0) {
            return "the stream position of " + partition + ", " + new Lsn(lsn.longValue()) + ", is ahead of the server's "
                    + "WAL (now at " + current + "): no transaction has committed there; remove the offset (null) to "
                    + "stream from where the slot stands";
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<String, ?> offset) {
        return (Map<String, Object>) offset;
    }
}

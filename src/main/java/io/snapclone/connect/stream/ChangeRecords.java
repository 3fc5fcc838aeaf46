package io.snapclone.connect.stream;

import static java.util.Objects.requireNonNull;

import io.snapclone.connect.config.ClusterDatabases;
import io.snapclone.connect.record.RecordOptions.ValueFormat;
import io.snapclone.connect.record.TableRecordBuilder;
import io.snapclone.pg.Lsn;
import io.snapclone.pg.TableId;
import io.snapclone.pg.pgoutput.Delete;
import io.snapclone.pg.pgoutput.Insert;
import io.snapclone.pg.pgoutput.OldTuple;
import io.snapclone.pg.pgoutput.TupleData;
import io.snapclone.pg.pgoutput.Update;

import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns one row change into its records, as Debezium does: an insert is {@code c}; an update is
 * {@code u}, or, when it moved the row to another key (under any replica identity), a {@code d} of
 * the old key, its tombstone and a {@code c} of the new; a delete is {@code d} and a tombstone. In
 * the row format a delete is only its key's tombstone, and a truncate or a delete in a table
 * without a key cannot be said at all (logged once per table). Tables without a key get no
 * tombstones. Each record takes the cursor's next position and is skipped if Kafka already has it.
 * Changes whose operation is in {@code skipped.operations} (c, u, d, t, as Debezium: an update
 * that moved the key is an update) take their positions too but are not sent, so that positions
 * do not depend on the setting. So do a table's changes committed before its snapshot's LSN: the
 * snapshot it was loaded with has them (a load under a new snapshot on a slot that stands behind it).
 * While a table is loaded again incrementally its changes from the request on are held back: they
 * take positions, are not sent and nothing from them on is confirmed, so that once it is loaded the
 * stream reads them again and sends those after the snapshot (a replay, see {@link StreamCursor}).
 *
 * <p>Called from the task's poll thread only.
 */
final class ChangeRecords {
    private static final Logger log = LoggerFactory.getLogger(ChangeRecords.class);

    private final Map<String, Object> partition;
    private final boolean tombstonesOnDelete;
    private final Set<String> skippedOperations;
    private final Map<TableId, Long> snapshotLsns;
    private final StreamCursor cursor;
    private final LsnConfirmations confirmations;
    private final Set<TableId> reportedUnsayable = new HashSet<>();
    private final Set<TableId> reportedSnapshotSkips = new HashSet<>();
    /** By table, the commit LSN from which its changes are held back (an incremental reload under way). */
    private final Map<TableId, Long> held;
    /** By table, the snapshot LSN of an incremental reload whose held-back changes a replay sends. */
    private final Map<TableId, Long> replays;
    /** Whether the change being turned into records is of a skipped operation. */
    private boolean skipping;
    /** Whether the change being turned into records is one a replay sends. */
    private boolean heldBack;

    /**
     * @param skippedOperations of c, u, d and t, the operations whose changes are not sent
     * @param snapshotLsns by table, the LSN of the snapshot it was loaded under: its changes committed
     *        before are not sent (a table not there: all are)
     */
    private final boolean lsnHeaders;

    ChangeRecords(Map<String, Object> partition, boolean tombstonesOnDelete, Set<String> skippedOperations,
                  Map<TableId, Long> snapshotLsns, StreamCursor cursor, LsnConfirmations confirmations) {
        this(partition, tombstonesOnDelete, skippedOperations, snapshotLsns, Map.of(), Map.of(), cursor, confirmations);
    }

    /**
     * @param held by table, the LSN of an incremental reload's request: its changes from then on are held back
     * @param replays by table, the snapshot LSN of an incremental reload whose held-back changes are to be sent
     */
    ChangeRecords(Map<String, Object> partition, boolean tombstonesOnDelete, Set<String> skippedOperations,
                  Map<TableId, Long> snapshotLsns, Map<TableId, Long> held, Map<TableId, Long> replays,
                  StreamCursor cursor, LsnConfirmations confirmations) {
        this(partition, tombstonesOnDelete, skippedOperations, snapshotLsns, held, replays, cursor, confirmations, false);
    }

    /** @param lsnHeaders whether each record carries its transaction's commit LSN in a header (several databases) */
    ChangeRecords(Map<String, Object> partition, boolean tombstonesOnDelete, Set<String> skippedOperations,
                  Map<TableId, Long> snapshotLsns, Map<TableId, Long> held, Map<TableId, Long> replays,
                  StreamCursor cursor, LsnConfirmations confirmations, boolean lsnHeaders) {
        this.lsnHeaders = lsnHeaders;
        this.held = new java.util.HashMap<>(held);
        this.replays = Map.copyOf(replays);
        held.values().forEach(confirmations::hold);
        this.partition = requireNonNull(partition, "partition is null");
        this.tombstonesOnDelete = tombstonesOnDelete;
        this.skippedOperations = Set.copyOf(skippedOperations);
        this.snapshotLsns = Map.copyOf(snapshotLsns);
        this.cursor = requireNonNull(cursor, "cursor is null");
        this.confirmations = requireNonNull(confirmations, "confirmations is null");
    }

    /**
     * An incremental reload of {@code table} was asked for in the transaction committing at
     * {@code commitLsn}: its changes from there on are held back until it is loaded.
     */
    void hold(TableId table, long commitLsn) {
        if (held.putIfAbsent(table, commitLsn) == null) {
            confirmations.hold(commitLsn);
            log.info("Changes of {} from {} on are held back until it is loaded again; the other tables stream on",
                    table, new Lsn(commitLsn));
        }
    }

    void insert(StreamTable table, Insert insert, long lsn, long nowMs, List<SourceRecord> out) {
        skipping = skipped(table, "c");
        change(table, "c", null, table.fields(insert.newTuple(), null), lsn, nowMs, out);
    }

    void update(StreamTable table, Update update, long lsn, long nowMs, List<SourceRecord> out) {
        skipping = skipped(table, "u");
        OldTuple old = update.oldTuple().orElse(null);
        // Only a FULL old row has the values of unchanged TOASTed columns; a key tuple's others are NULL.
        TupleData fullOld = old != null && old.kind() == OldTuple.Kind.FULL ? old.tuple() : null;
        String[] after = table.fields(update.newTuple(), fullOld);
        String[] before = old == null ? null : table.fields(old.tuple(), null);
        if (before != null && table.builder().hasKey() && table.keyChanged(before, after)) {
            delete(table, before, lsn, nowMs, out);
            change(table, "c", null, after, lsn, nowMs, out);
        } else {
            change(table, "u", before, after, lsn, nowMs, out);
        }
    }

    void delete(StreamTable table, Delete delete, long lsn, long nowMs, List<SourceRecord> out) {
        skipping = skipped(table, "d");
        delete(table, table.fields(delete.oldTuple().tuple(), null), lsn, nowMs, out);
    }

    void truncate(StreamTable table, long lsn, long nowMs, List<SourceRecord> out) {
        skipping = skipped(table, "t");
        TableRecordBuilder builder = table.builder();
        if (builder.format() == ValueFormat.ROW) {
            if (!skipping) {
                reportUnsayable(builder, "a TRUNCATE");
            }
        } else if (cursor.next(heldBack)) {
            add(builder.truncateRecord(partition, cursor.offset(), cursor.source(lsn), nowMs), out);
        }
    }

    private boolean skipped(StreamTable table, String op) {
        TableId id = table.builder().table().id();
        long commitLsn = cursor.commitLsn();
        long snapshotLsn = snapshotLsns.getOrDefault(id, 0L);
        heldBack = false;
        if (Long.compareUnsigned(commitLsn, snapshotLsn) < 0) {
            if (reportedSnapshotSkips.add(id)) {
                log.info("Changes of {} committed before {} are in the snapshot it was loaded with: not sent again "
                        + "(reported once per table)", id, new Lsn(snapshotLsn));
            }
            return true;
        }
        Long heldFrom = held.get(id);
        if (heldFrom != null && Long.compareUnsigned(commitLsn, heldFrom) >= 0) {
            return true;
        }
        Long replayFrom = replays.get(id);
        heldBack = replayFrom != null && Long.compareUnsigned(commitLsn, replayFrom) >= 0;
        return skippedOperations.contains(op);
    }

    private void delete(StreamTable table, String[] before, long lsn, long nowMs, List<SourceRecord> out) {
        TableRecordBuilder builder = table.builder();
        if (builder.format() == ValueFormat.ROW) {
            if (!builder.hasKey()) {
                if (!skipping) {
                    reportUnsayable(builder, "a DELETE in a table without a key");
                }
            } else if (cursor.next(heldBack)) {
                add(builder.tombstone(before, partition, cursor.offset(), nowMs), out);
            }
            return;
        }
        change(table, "d", before, null, lsn, nowMs, out);
        if (tombstonesOnDelete && builder.hasKey() && cursor.next(heldBack)) {
            add(builder.tombstone(before, partition, cursor.offset(), nowMs), out);
        }
    }

    private void change(StreamTable table, String op, String[] before, String[] after, long lsn, long nowMs,
                        List<SourceRecord> out) {
        if (cursor.next(heldBack)) {
            add(table.builder().changeRecord(op, before, after, partition, cursor.offset(), cursor.source(lsn), nowMs),
                    out);
        }
    }

    private void add(SourceRecord record, List<SourceRecord> out) {
        if (skipping) {
            return;
        }
        confirmations.emitted(cursor.position());
        if (lsnHeaders) {
            record.headers().addString(ClusterDatabases.COMMIT_LSN_HEADER, Long.toUnsignedString(cursor.commitLsn()));
        }
        out.add(record);
    }

    private void reportUnsayable(TableRecordBuilder builder, String what) {
        if (reportedUnsayable.add(builder.table().id())) {
            log.warn("{} of {} has no record in record.value.format=row and is left out (this is reported once per "
                    + "table): use the envelope format to see it", what, builder.table().id());
        }
    }
}

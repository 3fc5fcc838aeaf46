package io.snapclone.connect.offset;

import io.snapclone.pg.TableId;
import io.snapclone.pg.snapshot.Chunk;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Finds, from committed offsets, where each table's snapshot stands: walking finished chunks from
 * block 0, the first block not yet covered, or complete.
 */
public final class CompletedRanges {
    /**
     * Where a table's snapshot resumes (the start of its first unfinished chunk); {@code complete}
     * when every block was read; {@code rowsSent}: rows committed so far; {@code snapshotLsn}: the
     * earliest snapshot LSN of its finished chunks, 0 if one does not say (or none is finished).
     */
    public record TableState(TableId table, long resumeBlock, boolean complete, long rowsSent, long snapshotLsn) {
    }

    private CompletedRanges() {
    }

    /**
     * @param reader reads committed offsets for a batch of partitions, as
     *        {@code OffsetStorageReader.offsets} does
     */
    public static Map<TableId, TableState> of(String topicPrefix, Collection<TableId> tables,
            Function<Collection<Map<String, Object>>, Map<Map<String, Object>, Map<String, Object>>> reader) {
        return of(topicPrefix, tables, Map.of(), reader);
    }

    /** @param reloads by table, the reload request its chunks belong to (see {@link SnapshotOffsets#partition}) */
    public static Map<TableId, TableState> of(String topicPrefix, Collection<TableId> tables, Map<TableId, Long> reloads,
            Function<Collection<Map<String, Object>>, Map<Map<String, Object>, Map<String, Object>>> reader) {
        Map<TableId, TableState> states = new HashMap<>();
        Map<TableId, Long> cursor = new HashMap<>();
        Map<TableId, Long> rows = new HashMap<>();
        Map<TableId, Long> lsns = new HashMap<>();
        for (TableId table : tables) {
            cursor.put(table, 0L);
            rows.put(table, 0L);
        }
        // One batched read per step along the chain of finished chunks.
        while (!cursor.isEmpty()) {
            Map<TableId, Map<String, Object>> partitions = new HashMap<>();
            cursor.forEach((table, block) -> partitions.put(table, SnapshotOffsets.partition(topicPrefix, table, block,
                    reloads.getOrDefault(table, 0L))));
            Map<Map<String, Object>, Map<String, Object>> offsets = reader.apply(new ArrayList<>(partitions.values()));
            List<TableId> settled = new ArrayList<>();
            for (Map.Entry<TableId, Map<String, Object>> entry : partitions.entrySet()) {
                TableId table = entry.getKey();
                SnapshotOffsets.Progress progress = SnapshotOffsets.progress(offsets.get(entry.getValue()));
                long block = cursor.get(table);
                // A chain that does not move forward would be corrupt: treat it as unfinished.
                boolean advances = progress.endBlock() == Chunk.OPEN || progress.endBlock() > cursor.get(table);
                if (progress.done() && advances) {
                    long total = rows.merge(table, progress.rows(), Long::sum);
                    long lsn = lsns.merge(table, progress.snapshotLsn(), CompletedRanges::earliest);
                    if (progress.endBlock() == Chunk.OPEN) {
                        states.put(table, new TableState(table, block, true, total, lsn));
                        settled.add(table);
                    } else {
                        cursor.put(table, progress.endBlock());
                    }
                } else {
                    // An unfinished chunk resumes after its last committed row, so its rows count too.
                    long partial = progress.done() ? 0 : progress.rows();
                    states.put(table, new TableState(table, block, false, rows.get(table) + partial,
                            lsns.getOrDefault(table, 0L)));
                    settled.add(table);
                }
            }
            settled.forEach(cursor::remove);
        }
        return states;
    }

    /** The earlier of two snapshot LSNs, where 0 (not known) wins: nothing may be skipped then. */
    public static long earliest(long a, long b) {
        return a == 0 || b == 0 ? 0 : Long.compareUnsigned(a, b) <= 0 ? a : b;
    }
}

package io.snapclone.connect.offset;

import io.snapclone.pg.TableId;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Finds, from committed offsets, the reload requests (signals) for captured tables: each table's
 * latest, asked for under its own name or the table it is published as (a partitioned table).
 */
public final class ReloadRequests {
    /**
     * A table's latest request: the LSN it committed at, and whether the stream goes on while the
     * table is loaded. A partition published as its root and asked for alone is never loaded
     * incrementally: the stream sees only the root, whose other partitions must not be held back.
     */
    public record Request(long lsn, boolean incremental) {
    }

    private ReloadRequests() {
    }

    /**
     * @param recordTable the table each one's records are (itself, or its partitioned root)
     * @param reader reads committed offsets for a batch of partitions, as {@code OffsetStorageReader.offsets} does
     * @return by table, its latest request; tables without one are left out
     */
    public static Map<TableId, Request> of(String topicPrefix, Collection<TableId> tables,
            UnaryOperator<TableId> recordTable,
            Function<Collection<Map<String, Object>>, Map<Map<String, Object>, Map<String, Object>>> reader) {
        Map<TableId, Map<String, Object>> byTable = new HashMap<>();
        for (TableId table : tables) {
            byTable.put(table, SnapshotOffsets.reloadPartition(topicPrefix, table));
            byTable.put(recordTable.apply(table), SnapshotOffsets.reloadPartition(topicPrefix, recordTable.apply(table)));
        }
        Map<Map<String, Object>, Map<String, Object>> committed = reader.apply(byTable.values());
        Map<TableId, Request> requests = new HashMap<>();
        for (TableId table : tables) {
            TableId published = recordTable.apply(table);
            Map<String, Object> own = committed.get(byTable.get(table));
            Map<String, Object> viaRecordTable = committed.get(byTable.get(published));
            boolean ownIsLatest = Long.compareUnsigned(SnapshotOffsets.reloadRequest(own),
                    SnapshotOffsets.reloadRequest(viaRecordTable)) >= 0;
            Map<String, Object> latest = ownIsLatest ? own : viaRecordTable;
            long lsn = SnapshotOffsets.reloadRequest(latest);
            if (lsn != 0) {
                requests.put(table, new Request(lsn, SnapshotOffsets.reloadIncremental(latest)
                        && (!ownIsLatest || published.equals(table))));
            }
        }
        return Map.copyOf(requests);
    }

    /** The requests' LSNs, by table. */
    public static Map<TableId, Long> lsns(Map<TableId, Request> requests) {
        Map<TableId, Long> lsns = new HashMap<>();
        requests.forEach((table, request) -> lsns.put(table, request.lsn()));
        return Map.copyOf(lsns);
    }
}

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
    private ReloadRequests() {
    }

    /**
     * @param recordTable the table each one's records are (itself, or its partitioned root)
     * @param reader reads committed offsets for a batch of partitions, as {@code OffsetStorageReader.offsets} does
     * @return by table, the LSN of its latest request; tables without one are left out
     */
    public static Map<TableId, Long> of(String topicPrefix, Collection<TableId> tables, UnaryOperator<TableId> recordTable,
            Function<Collection<Map<String, Object>>, Map<Map<String, Object>, Map<String, Object>>> reader) {
        Map<TableId, Map<String, Object>> byTable = new HashMap<>();
        for (TableId table : tables) {
            byTable.put(table, SnapshotOffsets.reloadPartition(topicPrefix, table));
            byTable.put(recordTable.apply(table), SnapshotOffsets.reloadPartition(topicPrefix, recordTable.apply(table)));
        }
        Map<Map<String, Object>, Map<String, Object>> committed = reader.apply(byTable.values());
        Map<TableId, Long> requests = new HashMap<>();
        for (TableId table : tables) {
            long own = SnapshotOffsets.reloadRequest(committed.get(byTable.get(table)));
            long viaRecordTable = SnapshotOffsets.reloadRequest(committed.get(byTable.get(recordTable.apply(table))));
            long latest = Long.compareUnsigned(own, viaRecordTable) >= 0 ? own : viaRecordTable;
            if (latest != 0) {
                requests.put(table, latest);
            }
        }
        return Map.copyOf(requests);
    }
}

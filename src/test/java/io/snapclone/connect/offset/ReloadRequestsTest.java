package io.snapclone.connect.offset;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.snapclone.connect.offset.ReloadRequests.Request;
import io.snapclone.pg.TableId;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

class ReloadRequestsTest {
    private static final TableId ROOT = new TableId("public", "orders");
    private static final TableId PART = new TableId("public", "orders_2026");
    private static final TableId ITEMS = new TableId("public", "items");

    @Test
    void eachTableGetsItsLatestRequestUnderItsOwnNameOrItsRoot() {
        Map<Map<String, Object>, Map<String, Object>> committed = new HashMap<>();
        committed.put(SnapshotOffsets.reloadPartition("srv", PART), requested(500, false));
        committed.put(SnapshotOffsets.reloadPartition("srv", ROOT), requested(900, true));
        Map<TableId, Request> requests = ReloadRequests.of("srv", List.of(PART, ITEMS),
                table -> table.equals(PART) ? ROOT : table, partitions -> committed);
        assertEquals(Map.of(PART, new Request(900, true)), requests,
                "the root's later request counts; a table without one is left out");
    }

    @Test
    void aPartitionAskedForAloneWhileItsRootIsStreamedIsNeverIncremental() {
        Map<Map<String, Object>, Map<String, Object>> committed = new HashMap<>();
        committed.put(SnapshotOffsets.reloadPartition("srv", PART), requested(500, true));
        committed.put(SnapshotOffsets.reloadPartition("srv", ITEMS), requested(700, true));
        Map<TableId, Request> requests = ReloadRequests.of("srv", List.of(PART, ITEMS),
                table -> table.equals(PART) ? ROOT : table, partitions -> committed);
        assertEquals(Map.of(PART, new Request(500, false), ITEMS, new Request(700, true)), requests);
        assertEquals(Map.of(PART, 500L, ITEMS, 700L), ReloadRequests.lsns(requests));
    }

    private static Map<String, Object> requested(long lsn, boolean incremental) {
        return new HashMap<>(SnapshotOffsets.reloadRequested(lsn, "signal", incremental));
    }
}

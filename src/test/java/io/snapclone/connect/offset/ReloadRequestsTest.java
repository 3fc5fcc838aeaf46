package io.snapclone.connect.offset;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
        committed.put(SnapshotOffsets.reloadPartition("srv", PART), new HashMap<>(SnapshotOffsets.reloadRequested(500, "a")));
        committed.put(SnapshotOffsets.reloadPartition("srv", ROOT), new HashMap<>(SnapshotOffsets.reloadRequested(900, "b")));
        Map<TableId, Long> requests = ReloadRequests.of("srv", List.of(PART, ITEMS),
                table -> table.equals(PART) ? ROOT : table, partitions -> committed);
        assertEquals(Map.of(PART, 900L), requests, "the root's later request counts; a table without one is left out");
    }
}

package io.snapclone.connect.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapclone.pg.TableId;
import io.snapclone.pg.snapshot.Chunk;
import io.snapclone.pg.snapshot.Fingerprint;
import io.snapclone.pg.snapshot.SnapshotId;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

class TaskConfigTest {
    private static final Map<String, String> CONNECTOR = Map.of(
            "database.hostname", "db", "database.user", "u", "database.dbname", "d", "topic.prefix", "shop");

    @Test
    void taskPropertiesRoundTrip() {
        List<Chunk> chunks = List.of(new Chunk(new TableId("my schema", "a.b,c"), 0, 10),
                new Chunk(new TableId("public", "orders"), 10, Chunk.OPEN));
        Map<String, String> props = TaskConfig.of(CONNECTOR, 3, new SnapshotId("00000003-0000001B-1"),
                new Fingerprint("100:105:101,103"), chunks);
        TaskConfig config = new TaskConfig(props);
        assertEquals(3, config.taskIndex());
        assertEquals(new SnapshotId("00000003-0000001B-1"), config.snapshotId());
        assertEquals(new Fingerprint("100:105:101,103"), config.fingerprint());
        assertEquals(chunks, config.chunks());
        assertEquals("shop", config.topicPrefix());
    }

    @Test
    void partitionsReadAsTheirRootRoundTrip() {
        TableId root = new TableId("my schema", "a.b,c");
        TableId leaf = new TableId("my schema", "a.b,c_p1:x");
        Map<String, String> props = TaskConfig.of(CONNECTOR, 0, null, null, List.of(Chunk.whole(leaf)));
        TaskConfig.putRecordTables(props, Map.of(leaf, root));
        TaskConfig config = new TaskConfig(props);
        assertEquals(root, config.recordTable(leaf));
        assertEquals(root, config.recordTable(root));
        TableId other = new TableId("public", "plain");
        assertEquals(other, config.recordTable(other));
        assertEquals(Map.of(), new TaskConfig(TaskConfig.of(CONNECTOR, 0, null, null, List.of())).recordTables());
    }

    @Test
    void partitionsCapturedAsTablesOfTheirOwnWidenTheFilter() {
        Map<String, String> props = new java.util.HashMap<>(CONNECTOR);
        props.put("table.include.list", "public\\.orders");
        props = TaskConfig.completed(props, 0, List.of(), true, null);
        TaskConfig.putCapturedPartitions(props, List.of(new TableId("public", "orders_p1")));
        TaskConfig config = new TaskConfig(props);
        assertTrue(config.tableFilter().test(new TableId("public", "orders")));
        assertTrue(config.tableFilter().test(new TableId("public", "orders_p1")));
        assertFalse(config.tableFilter().test(new TableId("public", "orders_p2")));
    }

    @Test
    void theFinishedPhaseKnowsWhichLoadItAnnouncesAndEachTablesSnapshotLsn() {
        TableId orders = new TableId("public", "orders");
        Map<String, String> props = TaskConfig.completed(CONNECTOR, 0, List.of(orders), true,
                new io.snapclone.pg.snapshot.Fingerprint("745:745:"));
        TaskConfig.putSnapshotLsns(props, Map.of(orders, 0x1_0000_0000L, new TableId("odd.schema", "t,1"), 7L));
        TaskConfig config = new TaskConfig(props);
        assertEquals("745:745:", config.completedLoad().value());
        assertEquals(Map.of(orders, 0x1_0000_0000L, new TableId("odd.schema", "t,1"), 7L), config.snapshotLsns());
        assertEquals(null, new TaskConfig(TaskConfig.completed(CONNECTOR, 0, List.of(), true, null)).completedLoad());
        assertEquals(Map.of(), new TaskConfig(TaskConfig.completed(CONNECTOR, 0, List.of(), true, null)).snapshotLsns());
    }

    @Test
    void nothingLeftToDoHasNoChunks() {
        TaskConfig config = new TaskConfig(TaskConfig.of(CONNECTOR, 0, null, null, List.of()));
        assertEquals(List.of(), config.chunks());
        // The task must not ask for a snapshot when it has no chunks: there is none.
        assertThrows(IllegalArgumentException.class, config::snapshotId);
    }

    @Test
    void connectorPropertiesAreNotModified() {
        Map<String, String> connector = new java.util.HashMap<>(CONNECTOR);
        TaskConfig.of(connector, 0, null, null, List.of());
        assertEquals(CONNECTOR, connector);
    }
}

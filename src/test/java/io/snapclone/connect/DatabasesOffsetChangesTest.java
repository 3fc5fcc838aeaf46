package io.snapclone.connect;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapclone.connect.offset.SnapshotOffsets;
import io.snapclone.connect.watermark.WatermarkEvents;

import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

/** Offsets changed through REST with database.names: each change as that database's connector judges it. */
class DatabasesOffsetChangesTest {
    private static final Map<String, String> CONFIG = Map.of("name", "shop", "database.hostname", "localhost",
            "database.port", "1", "database.user", "u", "database.dbname", "postgres", "topic.prefix", "shop",
            "database.names", "orders,payments", "slot.name", "snap");

    @Test
    void removingEveryDatabasesOffsetsAndTheCutsIsAllowedWithoutAskingTheDatabase() {
        Map<Map<String, ?>, Map<String, ?>> changes = new HashMap<>();
        changes.put(SnapshotOffsets.streamPartition("shop.orders", "snap_orders"), null);
        changes.put(SnapshotOffsets.streamPartition("shop.payments", "snap_payments"), null);
        changes.put(WatermarkEvents.partition("shop"), null);
        assertTrue(new SnapcloneSourceConnector().alterOffsets(CONFIG, changes));
    }

    @Test
    void aPartitionOfNoListedDatabaseIsRefused() {
        Map<Map<String, ?>, Map<String, ?>> changes = new HashMap<>();
        changes.put(SnapshotOffsets.streamPartition("shop.billing", "snap_billing"), null);
        ConnectException refused = assertThrows(ConnectException.class,
                () -> new SnapcloneSourceConnector().alterOffsets(CONFIG, changes));
        assertTrue(refused.getMessage().contains("<topic.prefix>.<database> for one of [orders, payments]"),
                refused.getMessage());
    }

    @Test
    void theCutsOffsetCanOnlyBeRemoved() {
        Map<Map<String, ?>, Map<String, ?>> changes = new HashMap<>();
        changes.put(WatermarkEvents.partition("shop"), Map.of("lsn", 5L));
        ConnectException refused = assertThrows(ConnectException.class,
                () -> new SnapcloneSourceConnector().alterOffsets(CONFIG, changes));
        assertTrue(refused.getMessage().contains("can be removed (null), not set"), refused.getMessage());
    }
}

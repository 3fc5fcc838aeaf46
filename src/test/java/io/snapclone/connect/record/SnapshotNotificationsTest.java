package io.snapclone.connect.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.debezium.schema.SchemaFactory;
import io.debezium.schema.SchemaNameAdjuster;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

class SnapshotNotificationsTest {
    @Test
    void theSchemasAreDebeziums() {
        assertEquals(SchemaFactory.get().notificationKeySchema(SchemaNameAdjuster.NO_OP), SnapshotNotifications.KEY_SCHEMA);
        assertEquals(SchemaFactory.get().notificationValueSchema(SchemaNameAdjuster.NO_OP),
                SnapshotNotifications.VALUE_SCHEMA);
    }

    @Test
    void theSinkChannelAddsARecordPerNotification() {
        List<SourceRecord> out = new ArrayList<>();
        SnapshotNotifications notifications = new SnapshotNotifications("shop", List.of("sink", "log"), "shop.notes");
        notifications.tableScanCompleted(out, "public.orders", List.of("public.orders", "public.items"), 42, 1000);
        assertEquals(1, out.size());
        SourceRecord record = out.get(0);
        assertEquals("shop.notes", record.topic());
        Struct value = (Struct) record.value();
        assertEquals(((Struct) record.key()).getString("id"), value.getString("id"));
        assertEquals("TABLE_SCAN_COMPLETED", value.getString("type"));
        assertEquals("Initial Snapshot", value.getString("aggregate_type"));
        assertEquals(1000L, value.getInt64("timestamp"));
        assertEquals(Map.of("connector_name", "shop", "scanned_collection", "public.orders",
                "data_collections", "public.orders,public.items", "total_rows_scanned", "42", "status", "SUCCEEDED"),
                value.getMap("additional_data"));
    }

    @Test
    void withoutTheSinkChannelNoRecord() {
        List<SourceRecord> out = new ArrayList<>();
        new SnapshotNotifications("shop", List.of("log"), "").started(out, 1);
        new SnapshotNotifications("shop", List.of(), "").completed(out, 1);
        assertTrue(out.isEmpty());
    }
}

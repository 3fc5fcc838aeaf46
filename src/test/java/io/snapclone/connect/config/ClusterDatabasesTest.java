package io.snapclone.connect.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapclone.pg.replication.ReplicationSlots;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

class ClusterDatabasesTest {
    @Test
    void slotNamesAreValidAndOnePerDatabase() {
        assertEquals("snapclone_orders", ClusterDatabases.slotName("snapclone", "orders"));
        String upper = ClusterDatabases.slotName("snapclone", "Orders");
        String spaced = ClusterDatabases.slotName("snapclone", "or ders");
        String longName = ClusterDatabases.slotName("snapclone", "x".repeat(80));
        for (String slot : List.of(upper, spaced, longName)) {
            assertTrue(ReplicationSlots.NAME.matcher(slot).matches(), slot);
        }
        assertNotEquals(upper, ClusterDatabases.slotName("snapclone", "orders"), "case kept apart by the hash");
        assertNotEquals(longName, ClusterDatabases.slotName("snapclone", "x".repeat(81)));
    }

    @Test
    void databasesThatWouldShareTopicsAreNamed() {
        assertNull(ClusterDatabases.collision(List.of("orders", "payments")));
        String collision = ClusterDatabases.collision(List.of("or.ders", "or-ders", "or ders"));
        assertTrue(collision.contains("'or.ders'") && collision.contains("'or ders'"), collision);
    }

    @Test
    void eachDatabaseIsCapturedAsIfAlone() {
        Map<String, String> props = new HashMap<>(Map.of("name", "shop", "database.hostname", "h", "database.user", "u",
                "database.dbname", "postgres", "topic.prefix", "shop", "database.names", "orders,payments"));
        SnapcloneConfig config = new SnapcloneConfig(props);
        assertTrue(ClusterDatabases.several(config));
        Map<String, Map<String, String>> configs = ClusterDatabases.configs(props, config, List.of("orders", "payments"));
        assertEquals(List.of("orders", "payments"), List.copyOf(configs.keySet()));
        SnapcloneConfig orders = new SnapcloneConfig(configs.get("orders"));
        assertEquals("orders", orders.connectionSettings().database());
        assertEquals("shop.orders", orders.topicPrefix());
        assertEquals("snapclone_orders", orders.slotName());
        assertEquals("shop.snapclone.progress", orders.progressTopic(), "one progress topic for all");
        assertFalse(ClusterDatabases.several(orders));
        assertEquals("shop.orders", configs.get("orders").get("name"));
        assertEquals("true", configs.get("orders").get(ClusterDatabases.LSN_HEADERS_CONFIG));
    }

    @Test
    void oneDatabaseIsNotSeveral() {
        SnapcloneConfig one = new SnapcloneConfig(Map.of("database.hostname", "h", "database.user", "u",
                "database.dbname", "postgres", "topic.prefix", "shop", "database.names", "orders"));
        assertFalse(ClusterDatabases.several(one));
        assertEquals("orders", one.connectionSettings().database(), "the one database listed is the one captured");
        SnapcloneConfig all = new SnapcloneConfig(Map.of("database.hostname", "h", "database.user", "u",
                "database.dbname", "postgres", "topic.prefix", "shop", "database.names", "*"));
        assertTrue(ClusterDatabases.several(all));
    }
}

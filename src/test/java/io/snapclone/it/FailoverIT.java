package io.snapclone.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.snapclone.testing.Poll;
import io.snapclone.testing.TcpProxy;
import io.snapclone.testing.TestingConnect;
import io.snapclone.testing.TestingPostgres;
import io.snapclone.testing.TopicReplay;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Failover to a promoted standby (PostgreSQL 17+): with {@code slot.failover=true} the slot is a
 * failover slot that the standby keeps in step, the connector reaches the new primary through the
 * same address (a proxy standing for a virtual IP that moves), and the stream goes on from its
 * committed position without a REST call: every change before and after the failover arrives, none
 * twice in the replayed state, none lost.
 */
class FailoverIT {
    private static final String SLOT = "failover_it";

    @Test
    void theStreamFollowsTheSlotToAPromotedStandby() throws Exception {
        TestingPostgres primary = TestingPostgres.start(Map.of());
        TestingPostgres.Standby standby = null;
        TcpProxy proxy = null;
        TestingConnect connect = TestingConnect.shared();
        try {
            String db = primary.createDatabase();
            try (Connection connection = primary.superuser(db); Statement statement = connection.createStatement()) {
                assumeTrue(connection.getMetaData().getDatabaseMajorVersion() >= 17, "failover slots need PostgreSQL 17+");
                statement.execute("CREATE TABLE items (id bigint PRIMARY KEY, v int NOT NULL, note text)");
                statement.execute("INSERT INTO items SELECT g, 0, 'snapshot' FROM generate_series(1, 1000) g");
            }
            standby = primary.startStandby();
            proxy = TcpProxy.start(primary.host(), primary.port());
            Map<String, String> database = new HashMap<>(primary.superuserConnectorConfig(db));
            database.put("database.hostname", proxy.host());
            database.put("database.port", Integer.toString(proxy.port()));
            connect.deploy("failover-it", TestingConnect.connectorConfig(database, "fo", 1, Map.of(
                    "snapshot.mode", "initial", "slot.name", SLOT, "publication.name", SLOT, "slot.failover", "true",
                    "skipped.operations", "none", "retriable.restart.connector.wait.ms", "2000")));
            Poll.until(Duration.ofSeconds(120), "the snapshot to complete",
                    () -> connect.progressEvents("fo").contains("snapshot.completed"));

            // Before the failover: changes streamed from the primary.
            try (Connection connection = primary.superuser(db); Statement statement = connection.createStatement()) {
                statement.execute("INSERT INTO items SELECT g, 1, 'before' FROM generate_series(1001, 1500) g");
                statement.execute("UPDATE items SET v = v + 1 WHERE id % 3 = 0");
                statement.execute("DELETE FROM items WHERE id % 10 = 0");
            }
            assertTopicEqualsTable(connect, () -> primary.superuser(db));
            TestingPostgres.Standby promoted = standby;
            // The standby has the slot, synchronised and persistent, at or past what the connector confirmed.
            Poll.until(Duration.ofSeconds(120), "the slot synchronised to the standby", () -> {
                try (Connection connection = promoted.superuser(db); Statement statement = connection.createStatement();
                     ResultSet rs = statement.executeQuery("SELECT synced AND NOT temporary FROM pg_replication_slots "
                             + "WHERE slot_name = '" + SLOT + "'")) {
                    return rs.next() && rs.getBoolean(1);
                }
            });

            // The primary dies; the standby takes over behind the same address.
            primary.stopImmediately();
            standby.promote();
            proxy.retarget(standby.port());
            proxy.cut();
            proxy.restore();
            try (Connection connection = standby.superuser(db); Statement statement = connection.createStatement()) {
                statement.execute("INSERT INTO items SELECT g, 2, 'after' FROM generate_series(1501, 2000) g");
                statement.execute("UPDATE items SET v = v + 10, note = 'after' WHERE id % 7 = 0");
                statement.execute("DELETE FROM items WHERE id % 11 = 0");
            }
            assertTopicEqualsTable(connect, () -> promoted.superuser(db));
            assertEquals("RUNNING", connect.connectorStatus("failover-it").tasks().get(0).state(),
                    "healed without a REST call");
            connect.delete("failover-it");
        } finally {
            if (proxy != null) {
                proxy.close();
            }
            if (standby != null) {
                standby.close();
            }
            try {
                primary.close();
            } catch (RuntimeException stoppedAlready) {
                // The old primary was killed for the failover: nothing left to stop.
            }
        }
    }

    private interface Database {
        Connection open() throws SQLException;
    }

    private static void assertTopicEqualsTable(TestingConnect connect, Database database) throws Exception {
        Map<Long, String> table = new HashMap<>();
        try (Connection connection = database.open(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT id, v, note FROM items")) {
            while (rs.next()) {
                table.put(rs.getLong(1), rs.getInt(2) + "|" + rs.getString(3));
            }
        }
        AtomicReference<Map<Long, String>> topic = new AtomicReference<>();
        try {
            Poll.until(Duration.ofSeconds(120), "the topic to equal the table", () -> {
                topic.set(TopicReplay.replay(connect.readAll("fo.public.items")));
                return topic.get().equals(table);
            });
        } catch (AssertionError e) {
            Map<Long, String> got = topic.get() == null ? Map.of() : topic.get();
            long missing = table.keySet().stream().filter(id -> !got.containsKey(id)).count();
            long phantoms = got.keySet().stream().filter(id -> !table.containsKey(id)).count();
            long different = table.entrySet().stream()
                    .filter(row -> got.containsKey(row.getKey()) && !got.get(row.getKey()).equals(row.getValue())).count();
            fail("table " + table.size() + " rows, topic " + got.size() + ": " + missing + " missing, " + phantoms
                    + " phantoms, " + different + " different", e);
        }
    }
}

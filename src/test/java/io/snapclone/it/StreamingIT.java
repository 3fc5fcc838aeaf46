package io.snapclone.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapclone.connect.metrics.SnapshotMetrics;
import io.snapclone.pg.Lsn;
import io.snapclone.pg.replication.ReplicationSlots;
import io.snapclone.testing.Poll;
import io.snapclone.testing.TestingConnect;
import io.snapclone.testing.TestingPostgres;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Streaming only (snapshot.mode=never): schema changes follow, an idle slot still advances, and
 * heartbeat.action.query runs.
 */
class StreamingIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final TestingPostgres postgres = TestingPostgres.shared();
    private final TestingConnect connect = TestingConnect.shared();

    @Test
    void anAddedColumnAppearsInLaterRecordsAndAnIdleSlotAdvances() throws Exception {
        String db = postgres.createDatabase();
        String other = postgres.createDatabase();
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE items (id int PRIMARY KEY, name text)");
            statement.execute("CREATE TABLE heartbeat (at timestamptz)");
        }
        connect.deploy("streaming", TestingConnect.connectorConfig(postgres.superuserConnectorConfig(db), "strm", 1,
                Map.of("snapshot.mode", "never", "slot.name", "streaming", "publication.name", "streaming",
                        "table.include.list", "public\\.items", "heartbeat.interval.ms", "200",
                        "heartbeat.action.query", "INSERT INTO heartbeat VALUES (now())")));
        Poll.until(Duration.ofSeconds(60), "the slot to be read", () -> slot(db).active());

        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO items VALUES (1, 'before')");
            statement.execute("ALTER TABLE items ADD COLUMN colour text");
            statement.execute("INSERT INTO items VALUES (2, 'after', 'blue')");
        }
        List<ConsumerRecord<byte[], byte[]>> records = Poll.until(Duration.ofSeconds(60), "both inserts",
                () -> connect.readAll("strm.public.items").size() >= 2 ? connect.readAll("strm.public.items") : null);
        JsonNode first = JSON.readTree(records.get(0).value()).get("after");
        JsonNode second = JSON.readTree(records.get(1).value()).get("after");
        assertTrue(!first.has("colour"), "the first record predates the column: " + first);
        assertEquals("blue", second.get("colour").asText());
        assertEquals("c", JSON.readTree(records.get(1).value()).get("op").asText());

        // Nothing happens in this database; WAL grows because of another one. The slot must follow.
        Lsn before = slot(db).confirmedFlush();
        try (Connection connection = postgres.superuser(other); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE noise AS SELECT g FROM generate_series(1, 100000) g");
        }
        Poll.until(Duration.ofSeconds(60), "confirmed_flush_lsn to advance on an idle database",
                () -> slot(db).confirmedFlush().compareTo(before) > 0);

        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        ObjectName streaming = new ObjectName("io.snapclone:type=streaming-metrics,connector=\"streaming\",task=0");
        assertEquals(true, jmx.getAttribute(streaming, "Connected"));
        assertTrue((Long) jmx.getAttribute(streaming, "TotalNumberOfEventsSeen") >= 2);
        assertTrue((Long) jmx.getAttribute(streaming, "NumberOfCommittedTransactions") >= 2);
        assertTrue((Long) jmx.getAttribute(streaming, "MilliSecondsBehindSource") >= 0);
        assertTrue(!((String) jmx.getAttribute(streaming, "LastReceivedLsn")).isEmpty());
        assertTrue(!((String) jmx.getAttribute(streaming, "LastConfirmedLsn")).isEmpty());
        Poll.until(Duration.ofSeconds(30), "the slot lag gauge",
                () -> (Long) jmx.getAttribute(streaming, "SlotLagBytes") >= 0);
        assertEquals(0L, jmx.getAttribute(streaming, "Reconnects"));
        assertEquals(false, jmx.getAttribute(SnapshotMetrics.objectName("streaming", 0), "SnapshotRunning"),
                "no snapshot runs in the streaming phase");
        // The same through Debezium's names: one task, so no task key, as Debezium's own.
        ObjectName debezium = new ObjectName("debezium.postgres:type=connector-metrics,context=streaming,server=strm");
        assertEquals(true, jmx.getAttribute(debezium, "Connected"));
        assertTrue((Long) jmx.getAttribute(debezium, "TotalNumberOfCreateEventsSeen") >= 2);
        assertTrue(!((String) jmx.getAttribute(debezium, "LastTransactionId")).isEmpty());
        assertEquals(false, jmx.getAttribute(
                new ObjectName("debezium.postgres:type=connector-metrics,context=snapshot,server=strm"), "SnapshotRunning"));

        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement();
             java.sql.ResultSet rs = statement.executeQuery("SELECT count(*) FROM heartbeat")) {
            rs.next();
            assertTrue(rs.getInt(1) > 0, "heartbeat.action.query ran");
        }
        connect.delete("streaming");
        Poll.until(Duration.ofSeconds(30), "the slot to be released", () -> !slot(db).active());
        try (Connection connection = postgres.superuser(db)) {
            ReplicationSlots.drop(connection, "streaming");
        }
    }

    private ReplicationSlots.SlotInfo slot(String db) throws Exception {
        try (Connection connection = postgres.superuser(db)) {
            return ReplicationSlots.find(connection, "streaming").orElseThrow();
        }
    }
}

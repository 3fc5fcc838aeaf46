package io.snapclone.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapclone.pg.ConnectionSettings;
import io.snapclone.pg.TableId;
import io.snapclone.pg.replication.CreatedSlot;
import io.snapclone.pg.replication.ReplicationSlots;
import io.snapclone.pg.snapshot.SnapshotExport;
import io.snapclone.pg.snapshot.SnapshotSession;
import io.snapclone.pg.snapshot.TableLock;
import io.snapclone.testing.Poll;
import io.snapclone.testing.TestingConnect;
import io.snapclone.testing.TestingPostgres;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A server whose defaults end idle and long sessions quickly: snapshot, catalog and replication
 * sessions sit idle (often inside a transaction) for as long as a load takes, and must survive.
 */
class ServerTimeoutsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Longer than every timeout below. */
    private static final String IDLE = "interval '3 seconds'";
    private static TestingPostgres postgres;

    @BeforeAll
    static void startServer() throws SQLException {
        postgres = TestingPostgres.start(Map.of("idle_in_transaction_session_timeout", "1s", "statement_timeout", "2s",
                "idle_session_timeout", "2s", "lock_timeout", "1s"));
        try (Connection connection = postgres.superuser("postgres"); Statement statement = connection.createStatement()) {
            if (connection.getMetaData().getDatabaseMajorVersion() >= 17) {
                // Not a command-line setting: the server would not start on 14-16, which do not know it.
                statement.execute("ALTER SYSTEM SET transaction_timeout = '2s'");
                statement.execute("SELECT pg_reload_conf()");
            }
        }
    }

    @AfterAll
    static void stopServer() {
        postgres.close();
    }

    @Test
    void snapshotSessionsOutliveTheServersTimeouts() throws Exception {
        String db = postgres.createDatabase();
        postgres.createTable(db, "items", 100);
        ConnectionSettings settings = superuser(db);
        try (SnapshotExport export = SnapshotExport.export(settings, "timeouts-export");
             SnapshotSession session = SnapshotSession.open(settings, "timeouts-session", export.id(), export.fingerprint());
             Connection catalog = settings.open("timeouts-catalog");
             CreatedSlot slot = ReplicationSlots.create(settings, "timeouts", "timeouts-slot", Duration.ofSeconds(30),
                     Duration.ofSeconds(5), message -> { })) {
            awaitIdle(db, "application_name LIKE 'timeouts-%'", 4);

            assertEquals("100", query(session.connection(), "SELECT count(*) FROM items"));
            // A statement may run longer than the server's statement_timeout.
            query(session.connection(), "SELECT pg_sleep(2.5)");
            assertEquals("0", query(catalog, "SHOW statement_timeout"));
            assertEquals("0", query(catalog, "SHOW lock_timeout"));
            assertEquals("0", query(catalog, "SHOW idle_session_timeout"));
            assertEquals("0", query(catalog, "SHOW idle_in_transaction_session_timeout"));
            if (catalog.getMetaData().getDatabaseMajorVersion() >= 17) {
                assertEquals("0", query(catalog, "SHOW transaction_timeout"));
            }
            // The exporter and the slot's replication connection still hold their snapshots.
            try (SnapshotSession again = SnapshotSession.open(settings, "timeouts-again", export.id(), export.fingerprint());
                 SnapshotSession fromSlot = SnapshotSession.open(settings, "timeouts-slot-import", slot.snapshot())) {
                assertEquals("100", query(again.connection(), "SELECT count(*) FROM items"));
                assertEquals("100", query(fromSlot.connection(), "SELECT count(*) FROM items"));
            }
        } finally {
            try (Connection connection = postgres.superuser(db)) {
                ReplicationSlots.drop(connection, "timeouts");
            }
        }
    }

    @Test
    void tableLockKeepsItsOwnShortWaitWhateverTheServerDefault() throws Exception {
        String db = postgres.createDatabase();
        postgres.createTable(db, "locked", 10);
        ConnectionSettings settings = superuser(db);
        try (SnapshotExport export = SnapshotExport.export(settings, "timeouts-export");
             SnapshotSession session = SnapshotSession.open(settings, "timeouts-session", export.id(), export.fingerprint());
             Connection blocker = postgres.superuser(db);
             Statement statement = blocker.createStatement()) {
            blocker.setAutoCommit(false);
            statement.execute("SET idle_in_transaction_session_timeout = 0");
            statement.execute("LOCK TABLE locked IN ACCESS EXCLUSIVE MODE");
            assertEquals(false, TableLock.tryAcquire(session.connection(), new TableId("public", "locked")));
            blocker.rollback();
            assertTrue(TableLock.tryAcquire(session.connection(), new TableId("public", "locked")));
            assertEquals("10", query(session.connection(), "SELECT count(*) FROM locked"));
        }
    }

    @Test
    void aConnectorStreamsAcrossIdlePeriodsLongerThanTheTimeouts() throws Exception {
        String db = postgres.createDatabase();
        postgres.createTable(db, "items", 50);
        TestingConnect connect = TestingConnect.shared();
        connect.deploy("timeouts", TestingConnect.connectorConfig(postgres.superuserConnectorConfig(db), "tmo", 1,
                Map.of("snapshot.mode", "initial", "slot.name", "timeouts_e2e", "publication.name", "timeouts_e2e",
                        "table.include.list", "public\\.items")));
        try {
            Poll.until(Duration.ofSeconds(90), "the snapshot", () -> connect.readAll("tmo.public.items").size() >= 50);
            Poll.until(Duration.ofSeconds(60), "the slot to be read", () -> slotActive(db));
            // Every session of the connector has been idle longer than every timeout, streaming still on.
            awaitIdle(db, "application_name LIKE 'snapclone-stream-catalog%'", 1);
            try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
                statement.execute("INSERT INTO items VALUES (1000, 'after the idle period')");
            }
            List<ConsumerRecord<byte[], byte[]>> records = Poll.until(Duration.ofSeconds(60), "the change after the idle period",
                    () -> connect.readAll("tmo.public.items").size() >= 51 ? connect.readAll("tmo.public.items") : null);
            JsonNode last = JSON.readTree(records.get(records.size() - 1).value());
            assertEquals("c", last.get("op").asText());
            assertEquals("after the idle period", last.get("after").get("v").asText());
            assertEquals(51, records.size(), "no record twice");
            var status = connect.connectorStatus("timeouts");
            assertEquals("RUNNING", status.tasks().get(0).state(), status.tasks().get(0).trace());
        } finally {
            connect.delete("timeouts");
            Poll.until(Duration.ofSeconds(30), "the slot to be released", () -> !slotActive(db));
            try (Connection connection = postgres.superuser(db)) {
                ReplicationSlots.drop(connection, "timeouts_e2e");
            }
        }
    }

    /** Waits until {@code count} sessions that meet {@code condition} have been idle past every timeout. */
    private static void awaitIdle(String db, String condition, int count) {
        Poll.until(Duration.ofSeconds(30), count + " session(s) idle longer than the server's timeouts (" + condition + ")",
                () -> postgres.sessions(db, condition + " AND state_change < now() - " + IDLE) >= count);
    }

    private static boolean slotActive(String db) throws SQLException {
        try (Connection connection = postgres.superuser(db)) {
            return ReplicationSlots.find(connection, "timeouts_e2e").map(ReplicationSlots.SlotInfo::active).orElse(false);
        }
    }

    private static ConnectionSettings superuser(String db) {
        return new ConnectionSettings(postgres.host(), postgres.port(), db, "postgres", null, "disable", 10);
    }

    private static String query(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}

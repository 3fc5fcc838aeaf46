package io.snapclone.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapclone.testing.Poll;
import io.snapclone.testing.TestingConnect;
import io.snapclone.testing.TestingPostgres;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;

/**
 * Privileges and objects that change under a running connector cannot heal by waiting: the task
 * fails, once, with a message that says what is missing and how to fix it, rather than retrying
 * for ever or going on silently.
 */
class PrivilegesIT {
    private final TestingPostgres postgres = TestingPostgres.shared();
    private final TestingConnect connect = TestingConnect.shared();

    @Test
    void replicationRevokedWhileStreamingFailsWithTheFix() throws Exception {
        String db = postgres.createDatabase();
        String role = "priv_" + db.replaceAll("[^a-z0-9_]", "_");
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            statement.execute("CREATE ROLE " + role + " LOGIN REPLICATION PASSWORD 'pw'");
            statement.execute("CREATE TABLE items (id int PRIMARY KEY)");
            statement.execute("GRANT SELECT ON items TO " + role);
            statement.execute("CREATE PUBLICATION priv_pub FOR TABLE items");
        }
        Map<String, String> database = postgres.connectorConfig(db);
        database.put("database.user", role);
        database.put("database.password", "pw");
        connect.deploy("revoked", TestingConnect.connectorConfig(database, "rvk", 1, Map.of("snapshot.mode", "initial",
                "slot.name", "revoked_slot", "publication.name", "priv_pub", "publication.autocreate.mode", "disabled",
                "retriable.restart.connector.wait.ms", "1000")));
        // The slot is active while the coordinator creates it too: wait for the stream proper.
        Poll.until(Duration.ofSeconds(90), "the snapshot to complete",
                () -> connect.progressEvents("rvk").contains("snapshot.completed"));
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            Poll.until(Duration.ofSeconds(60), "streaming", () -> slotActive(statement, "revoked_slot"));
            statement.execute("ALTER ROLE " + role + " NOREPLICATION");
            statement.execute("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots "
                    + "WHERE slot_name = 'revoked_slot'");
        }
        String trace = Poll.until(Duration.ofSeconds(60), "the task to fail", () -> {
            var status = connect.connectorStatus("revoked");
            return "FAILED".equals(status.tasks().get(0).state()) ? status.tasks().get(0).trace() : null;
        });
        assertTrue(trace.contains("it needs REPLICATION"), trace);
        connect.delete("revoked");
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            Poll.until(Duration.ofSeconds(30), "the slot released", () -> !slotActive(statement, "revoked_slot"));
            statement.execute("SELECT pg_drop_replication_slot('revoked_slot')");
        }
    }

    @Test
    void publicationDroppedWhileStreamingFailsWithTheConsequence() throws Exception {
        String db = postgres.createDatabase();
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE items (id int PRIMARY KEY)");
        }
        connect.deploy("nopub", TestingConnect.connectorConfig(postgres.superuserConnectorConfig(db), "npb", 1,
                Map.of("snapshot.mode", "initial", "slot.name", "nopub_slot", "publication.name", "nopub_pub",
                        "retriable.restart.connector.wait.ms", "1000")));
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            Poll.until(Duration.ofSeconds(60), "streaming", () -> slotActive(statement, "nopub_slot"));
            statement.execute("DROP PUBLICATION nopub_pub");
            statement.execute("INSERT INTO items VALUES (1)");
        }
        String trace = Poll.until(Duration.ofSeconds(60), "the task to fail", () -> {
            var status = connect.connectorStatus("nopub");
            return "FAILED".equals(status.tasks().get(0).state()) ? status.tasks().get(0).trace() : null;
        });
        assertTrue(trace.contains("nopub_pub") && trace.contains("publication"), trace);
        connect.delete("nopub");
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            Poll.until(Duration.ofSeconds(30), "the slot released", () -> !slotActive(statement, "nopub_slot"));
            statement.execute("SELECT pg_drop_replication_slot('nopub_slot')");
        }
    }

    private static boolean slotActive(Statement statement, String slot) throws java.sql.SQLException {
        try (ResultSet rs = statement.executeQuery("SELECT active FROM pg_replication_slots WHERE slot_name = '"
                + slot + "'")) {
            return rs.next() && rs.getBoolean(1);
        }
    }
}

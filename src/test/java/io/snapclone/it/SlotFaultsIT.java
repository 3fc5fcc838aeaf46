package io.snapclone.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * A slot that is gone cannot heal: the changes it kept are lost. The task and then the connector
 * fail with a message that says so and names the remedy, instead of restarting silently from a new
 * position. And a failover slot (PostgreSQL 17+) is created as one.
 */
class SlotFaultsIT {
    private final TestingPostgres postgres = TestingPostgres.shared();
    private final TestingConnect connect = TestingConnect.shared();

    @Test
    void aSlotDroppedWhileStreamingFailsWithTheConsequenceAndTheRemedy() throws Exception {
        String db = postgres.createDatabase();
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE items (id int PRIMARY KEY, v text)");
            statement.execute("INSERT INTO items VALUES (1, 'a')");
        }
        connect.deploy("dropped", TestingConnect.connectorConfig(postgres.superuserConnectorConfig(db), "drp", 1,
                Map.of("snapshot.mode", "initial", "slot.name", "dropped_slot", "publication.name", "dropped_pub",
                        "retriable.restart.connector.wait.ms", "1000")));
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            Poll.until(Duration.ofSeconds(60), "streaming", () -> active(statement));
            statement.execute("INSERT INTO items VALUES (2, 'b')");
            Poll.until(Duration.ofSeconds(60), "the change", () -> connect.readAll("drp.public.items").size() == 2);
            Poll.until(Duration.ofSeconds(60), "an offset commit", () -> !connect
                    .connectorStatus("dropped").tasks().isEmpty());
            // What someone else's clean-up does: end the reader, drop the slot.
            Poll.until(Duration.ofSeconds(30), "the slot dropped", () -> {
                try {
                    statement.execute("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots "
                            + "WHERE slot_name = 'dropped_slot' AND active_pid IS NOT NULL");
                    statement.execute("SELECT pg_drop_replication_slot('dropped_slot')");
                    return true;
                } catch (java.sql.SQLException e) {
                    return false; // still active: the task reconnected in between
                }
            });
        }
        String trace = Poll.until(Duration.ofSeconds(60), "the task to fail", () -> {
            var status = connect.connectorStatus("dropped");
            return "FAILED".equals(status.tasks().get(0).state()) ? status.tasks().get(0).trace() : null;
        });
        assertTrue(trace.contains("changes since the last confirmed position are lost"), trace);

        connect.restartConnectorAndTasks("dropped");
        String connectorTrace = Poll.until(Duration.ofSeconds(60), "the connector to fail", () -> {
            var status = connect.connectorStatus("dropped");
            return "FAILED".equals(status.connector().state()) ? status.connector().trace() : null;
        });
        assertTrue(connectorTrace.contains("is gone") && connectorTrace.contains("changes streamed from it")
                && connectorTrace.contains("Reset the connector's offsets"), connectorTrace);
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT count(*) FROM pg_replication_slots "
                     + "WHERE slot_name = 'dropped_slot'")) {
            rs.next();
            assertEquals(0, rs.getInt(1), "no new slot was created silently");
        }
        connect.delete("dropped");
    }

    @Test
    void slotFailoverCreatesAFailoverSlot() throws Exception {
        String db = postgres.createDatabase();
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE items (id int PRIMARY KEY)");
            if (connection.getMetaData().getDatabaseMajorVersion() < 17) {
                return;
            }
        }
        connect.deploy("failover", TestingConnect.connectorConfig(postgres.superuserConnectorConfig(db), "fov", 1,
                Map.of("snapshot.mode", "initial", "slot.name", "failover_slot", "publication.name", "failover_pub",
                        "slot.failover", "true")));
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            Poll.until(Duration.ofSeconds(60), "the failover slot", () -> {
                try (ResultSet rs = statement.executeQuery("SELECT failover FROM pg_replication_slots "
                        + "WHERE slot_name = 'failover_slot'")) {
                    return rs.next() && rs.getBoolean(1);
                }
            });
            connect.delete("failover");
            Poll.until(Duration.ofSeconds(30), "the slot released", () -> !active(statement, "failover_slot"));
            statement.execute("SELECT pg_drop_replication_slot('failover_slot')");
        }
    }

    private static boolean active(Statement statement) throws java.sql.SQLException {
        return active(statement, "dropped_slot");
    }

    private static boolean active(Statement statement, String slot) throws java.sql.SQLException {
        try (ResultSet rs = statement.executeQuery("SELECT active FROM pg_replication_slots WHERE slot_name = '"
                + slot + "'")) {
            return rs.next() && rs.getBoolean(1);
        }
    }
}

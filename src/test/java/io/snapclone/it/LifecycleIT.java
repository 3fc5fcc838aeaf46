package io.snapclone.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapclone.testing.Poll;
import io.snapclone.testing.TestingConnect;
import io.snapclone.testing.TestingPostgres;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorOffset;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Connectors come and go cleanly: nothing left open in PostgreSQL, finished work not repeated. */
class LifecycleIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final TestingPostgres postgres = TestingPostgres.shared();
    private final TestingConnect connect = TestingConnect.shared();

    @Test
    void deletingTheConnectorMidSnapshotLeavesNoSessionOrSnapshotBehind() throws Exception {
        String db = postgres.createDatabase();
        postgres.createTable(db, "public.large", 300_000);
        // Connect stops a deleted connector as it stops a restarted one: its sessions keep the
        // snapshot for the grace period in case it comes back, then end.
        connect.deploy("deleted", TestingConnect.connectorConfig(postgres.connectorConfig(db), "del", 2,
                Map.of("snapshot.chunk.size", "1048576", "snapshot.holder.grace.ms", "5000")));
        Poll.until(Duration.ofSeconds(60), "snapshot sessions to open", () -> postgres.sessions(db, "application_name LIKE 'snapclone%'") >= 3);
        Poll.until(Duration.ofSeconds(60), "the first records", () -> !connect.readAll("del.public.large").isEmpty());
        assertTrue(postgres.coordinatorHoldsSnapshot(db), "deleted while the snapshot is still running");

        connect.delete("deleted");

        Poll.until(Duration.ofSeconds(30), "every snapclone session to end after the 5 s grace", () -> postgres.sessions(db, "application_name LIKE 'snapclone%'") == 0);
        assertEquals(0, postgres.sessions(db, "backend_xmin IS NOT NULL"), "no transaction holds back the xmin horizon");
    }

    @Test
    void twoConnectorsRunSideBySide() throws Exception {
        String db = postgres.createDatabase();
        postgres.createTable(db, "public.left_t", 5_000);
        postgres.createTable(db, "public.right_t", 7_000);
        connect.deploy("left", TestingConnect.connectorConfig(postgres.connectorConfig(db), "left", 2, Map.of("table.include.list", "public\\.left_t")));
        connect.deploy("right", TestingConnect.connectorConfig(postgres.connectorConfig(db), "right", 2, Map.of("table.include.list", "public\\.right_t")));

        Poll.until(Duration.ofSeconds(120), "both snapshots to complete", () -> !postgres.coordinatorHoldsSnapshot(db)
                && connect.readAll("left.public.left_t").size() == 5_000
                && connect.readAll("right.public.right_t").size() == 7_000);
        assertEquals(Set.of(), connect.connectorTopics("left").stream()
                .filter(t -> t.contains("right")).collect(java.util.stream.Collectors.toSet()));
        assertEquals("RUNNING", connect.connectorStatus("left").connector().state(),
                "the connector stays up, idle, after its snapshot");
        connect.delete("left");
        connect.delete("right");
    }

    @Test
    void aRestartedTaskDoesNotResendFinishedTables() throws Exception {
        String db = postgres.createDatabase();
        postgres.createTable(db, "public.big_first", 60_000);
        postgres.createTable(db, "public.small_second", 500);
        try (Connection locker = postgres.superuser(db); Statement lock = locker.createStatement()) {
            // One task reads the largest table first; holding a lock on the other stops it there.
            connect.deploy("restarted", TestingConnect.connectorConfig(postgres.connectorConfig(db), "rst", 1, Map.of()));
            Poll.until(Duration.ofSeconds(60), "the plan", () -> !connect.taskConfigs("restarted").isEmpty());
            locker.setAutoCommit(false);
            lock.execute("LOCK TABLE public.small_second IN ACCESS EXCLUSIVE MODE");
            Poll.until(Duration.ofSeconds(60), "big_first's done offset", () -> isDone("restarted", "big_first"));

            connect.restartTask("restarted", 0);
            locker.rollback();
        }

        Poll.until(Duration.ofSeconds(120), "the snapshot to complete", () -> !postgres.coordinatorHoldsSnapshot(db));
        assertEquals(60_000, connect.readAll("rst.public.big_first").size(), "the finished table is not sent again");
        Set<Long> ids = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> record : connect.readAll("rst.public.small_second")) {
            ids.add(JSON.readTree(record.key()).get("id").asLong());
        }
        assertEquals(500, ids.size(), "every row of the interrupted table arrives");
        connect.delete("restarted");
    }







    private boolean isDone(String connector, String table) {
        Map<String, ?> offset = connect.firstChunkOffset(connector, table);
        return offset != null && Boolean.TRUE.equals(offset.get("done"));
    }
}

package io.snapclone.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapclone.connect.metrics.SnapshotMetrics;
import io.snapclone.testing.Poll;
import io.snapclone.testing.TestingConnect;
import io.snapclone.testing.TestingPostgres;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorOffset;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
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
import javax.management.MBeanServer;
import javax.management.ObjectName;

/** The snapshot survives restarts: finished work is kept, interrupted chunks resume, the snapshot is re-imported. */
class SnapshotResumeIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final TestingPostgres postgres = TestingPostgres.shared();
    private final TestingConnect connect = TestingConnect.shared();

    @Test
    void aTaskRestartedMidChunkResumesAfterItsLastCommittedRow() throws Exception {
        int rows = 300_000;
        String db = postgres.createDatabase();
        postgres.createTable(db, "public.one_chunk", rows);
        connect.deploy("midchunk", TestingConnect.connectorConfig(postgres.connectorConfig(db), "mid", 1,
                Map.of("max.batch.size", "200", "snapshot.chunk.size", Long.toString(1L << 30))));
        long committed = Poll.until(Duration.ofSeconds(120), "40% of the chunk's rows committed", () -> {
            long sent = committedRows("midchunk", "one_chunk");
            return sent >= rows * 4L / 10 ? sent : null;
        });
        assertTrue(committed < rows, "restarted in the middle of the chunk");

        connect.restartTask("midchunk", 0);

        Poll.until(Duration.ofSeconds(180), "the snapshot to complete", () -> snapshotCompleted("mid"));
        List<ConsumerRecord<byte[], byte[]>> records = connect.readAll("mid.public.one_chunk");
        Set<Long> ids = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            ids.add(JSON.readTree(record.key()).get("id").asLong());
        }
        assertEquals(rows, ids.size(), "no row is missing");
        int repeated = records.size() - rows;
        // Re-reading the chunk from its start would repeat at least the committed rows.
        assertTrue(repeated < committed / 2, repeated + " rows repeated, though " + committed + " were committed");
        connect.delete("midchunk");
    }

    @Test
    void aRestartedConnectorReimportsTheSnapshotATaskHolds() throws Exception {
        String db = postgres.createDatabase();
        postgres.createTable(db, "public.big_first", 50_000);
        postgres.createTable(db, "public.small_second", 500);
        String fingerprint;
        String firstId;
        try (Connection locker = postgres.superuser(db); Statement lock = locker.createStatement()) {
            connect.deploy("reimport", TestingConnect.connectorConfig(postgres.connectorConfig(db), "reimp", 1, Map.of()));
            Map<String, String> task = Poll.until(Duration.ofSeconds(60), "the plan",
                    () -> connect.taskConfigs("reimport").isEmpty() ? null : connect.taskConfigs("reimport").get(0));
            fingerprint = task.get("task.snapshot.fingerprint");
            firstId = task.get("task.snapshot.id");
            locker.setAutoCommit(false);
            lock.execute("LOCK TABLE public.small_second IN ACCESS EXCLUSIVE MODE");
            Poll.until(Duration.ofSeconds(60), "the task to publish the snapshot it holds",
                    () -> connect.progressEvents("reimp").contains("snapshot.held"));
            // Committed after the snapshot: a snapshot taken anew would see this row.
            try (Connection writer = postgres.superuser(db); Statement insert = writer.createStatement()) {
                insert.execute("INSERT INTO public.big_first VALUES (-1, 'after the snapshot')");
            }

            connect.restartConnector("reimport");

            Map<String, String> restarted = Poll.until(Duration.ofSeconds(60), "new task configs", () -> {
                List<Map<String, String>> configs = connect.taskConfigs("reimport");
                return configs.isEmpty() || configs.get(0).get("task.snapshot.id").equals(firstId) ? null : configs.get(0);
            });
            assertEquals(fingerprint, restarted.get("task.snapshot.fingerprint"), "the same snapshot, re-imported");
            locker.rollback();
        }
        Poll.until(Duration.ofSeconds(120), "the snapshot to complete", () -> snapshotCompleted("reimp"));
        Set<Long> ids = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> record : connect.readAll("reimp.public.big_first")) {
            ids.add(JSON.readTree(record.key()).get("id").asLong());
        }
        assertFalse(ids.contains(-1L), "a row committed after the snapshot is not in it");
        assertEquals(50_000, ids.size());
        assertEquals(500, connect.readAll("reimp.public.small_second").size());
        connect.delete("reimport");
    }

    /** A REST restart of the connector with its tasks stops every holder: they linger, and the snapshot is kept. */
    @Test
    void aRestartOfTheConnectorWithItsTasksKeepsTheSnapshot() throws Exception {
        String db = postgres.createDatabase();
        postgres.createTable(db, "public.big_first", 50_000);
        postgres.createTable(db, "public.small_second", 500);
        String fingerprint;
        try (Connection locker = postgres.superuser(db); Statement lock = locker.createStatement()) {
            connect.deploy("restartall", TestingConnect.connectorConfig(postgres.connectorConfig(db), "rstall", 1,
                    Map.of("snapshot.holder.grace.ms", System.getProperty("it.holder.grace.ms", "120000"))));
            Map<String, String> task = Poll.until(Duration.ofSeconds(60), "the plan",
                    () -> connect.taskConfigs("restartall").isEmpty() ? null : connect.taskConfigs("restartall").get(0));
            fingerprint = task.get("task.snapshot.fingerprint");
            locker.setAutoCommit(false);
            lock.execute("LOCK TABLE public.small_second IN ACCESS EXCLUSIVE MODE");
            Poll.until(Duration.ofSeconds(60), "big_first's done offset", () -> isDone("restartall", "big_first"));
            try (Connection writer = postgres.superuser(db); Statement insert = writer.createStatement()) {
                insert.execute("INSERT INTO public.big_first VALUES (-1, 'after the snapshot')");
            }

            connect.restartConnectorAndTasks("restartall");

            Map<String, String> restarted = Poll.until(Duration.ofSeconds(60), "the tasks to run again", () -> {
                List<Map<String, String>> configs = connect.taskConfigs("restartall");
                return configs.isEmpty() || !connect.progressEvents("rstall").contains("snapshot.held") ? null
                        : configs.get(0);
            });
            assertEquals(fingerprint, restarted.get("task.snapshot.fingerprint"), "the same snapshot, re-imported");
            locker.rollback();
        }
        Poll.until(Duration.ofSeconds(120), "the snapshot to complete", () -> snapshotCompleted("rstall"));
        assertFalse(connect.progressEvents("rstall").contains("snapshot.retaken"), connect.progressEvents("rstall")
                .toString());
        Set<Long> ids = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> record : connect.readAll("rstall.public.big_first")) {
            ids.add(JSON.readTree(record.key()).get("id").asLong());
        }
        assertFalse(ids.contains(-1L), "a row committed after the snapshot is not in it");
        assertEquals(50_000, ids.size());
        assertEquals(500, connect.readAll("rstall.public.small_second").size());
        connect.delete("restartall");
    }

    @Test
    void whenNoSessionHoldsTheSnapshotAnyMoreANewOneIsTakenAndAnnounced() throws Exception {
        String db = postgres.createDatabase();
        postgres.createTable(db, "public.big_first", 50_000);
        postgres.createTable(db, "public.small_second", 500);
        try (Connection locker = postgres.superuser(db); Statement lock = locker.createStatement()) {
            connect.deploy("retaken", TestingConnect.connectorConfig(postgres.connectorConfig(db), "retk", 1, Map.of()));
            Poll.until(Duration.ofSeconds(60), "the plan", () -> !connect.taskConfigs("retaken").isEmpty());
            locker.setAutoCommit(false);
            lock.execute("LOCK TABLE public.small_second IN ACCESS EXCLUSIVE MODE");
            Poll.until(Duration.ofSeconds(60), "big_first's done offset", () -> isDone("retaken", "big_first"));
            // What a database restart does to the sessions holding the snapshot.
            lock.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
                    + "AND application_name LIKE 'snapclone%'");
            locker.commit();
        }
        connect.restartConnectorAndTasks("retaken");

        Poll.until(Duration.ofSeconds(120), "the snapshot to complete", () -> snapshotCompleted("retk"));
        assertTrue(connect.progressEvents("retk").contains("snapshot.retaken"), "the new snapshot is announced: " + connect.progressEvents("retk"));
        assertEquals(50_000, connect.readAll("retk.public.big_first").size(), "the finished table is kept");
        assertEquals(500, connect.readAll("retk.public.small_second").size());
        connect.delete("retaken");
    }


    @Test
    void aSkewedLoadKeepsEveryTaskBusyAndMetricsShowIt() throws Exception {
        String db = postgres.createDatabase();
        postgres.createTable(db, "public.huge", 180_000);
        for (int i = 0; i < 4; i++) {
            postgres.createTable(db, "public.small" + i, 5_000);
        }
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        connect.deploy("skewed", TestingConnect.connectorConfig(postgres.connectorConfig(db), "skew", 3, Map.of("snapshot.chunk.size", "1048576")));
        Map<Integer, Long> rowsPerTask = new HashMap<>();
        Map<Integer, Long> finishedAt = new HashMap<>();
        long started = System.nanoTime();
        Poll.until(Duration.ofSeconds(180), "every task to finish its chunks", () -> {
            for (int task = 0; task < 3; task++) {
                ObjectName name = SnapshotMetrics.objectName("skewed", task);
                if (jmx.isRegistered(name) && (int) jmx.getAttribute(name, "TotalChunkCount") > 0) {
                    rowsPerTask.put(task, (Long) jmx.getAttribute(name, "TotalRowsScanned"));
                    if ((Boolean) jmx.getAttribute(name, "SnapshotCompleted")) {
                        finishedAt.putIfAbsent(task, System.nanoTime() - started);
                    }
                }
            }
            return finishedAt.size() == 3;
        });
        long total = rowsPerTask.values().stream().mapToLong(Long::longValue).sum();
        assertEquals(200_000, total, "rows per task: " + rowsPerTask);
        for (long taskRows : rowsPerTask.values()) {
            assertTrue(taskRows > total / 5, "every task reads a fair share: " + rowsPerTask);
        }
        long first = finishedAt.values().stream().mapToLong(Long::longValue).min().orElseThrow();
        long last = finishedAt.values().stream().mapToLong(Long::longValue).max().orElseThrow();
        assertTrue(first >= last * 6 / 10, "tasks finish close together (ns since start): " + finishedAt);

        Poll.until(Duration.ofSeconds(60), "the snapshot.completed event", () -> snapshotCompleted("skew"));
        List<String> events = connect.progressEvents("skew");
        assertEquals(5, events.stream().filter("table.completed"::equals).count());
        connect.delete("skewed");
    }

    @Test
    void aTableSmallerThanTheChunkSizeIsStillSharedByEveryTask() throws Exception {
        String db = postgres.createDatabase();
        postgres.createTable(db, "public.mid_sized", 250_000); // about 25 MB, far below the 256 MB default
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        connect.deploy("balanced", TestingConnect.connectorConfig(postgres.connectorConfig(db), "bal", 2, Map.of()));
        Map<Integer, Long> rowsPerTask = new HashMap<>();
        Poll.until(Duration.ofSeconds(180), "both tasks to finish their chunks", () -> {
            for (int task = 0; task < 2; task++) {
                ObjectName name = SnapshotMetrics.objectName("balanced", task);
                if (jmx.isRegistered(name) && (Boolean) jmx.getAttribute(name, "SnapshotCompleted")) {
                    rowsPerTask.put(task, (Long) jmx.getAttribute(name, "TotalRowsScanned"));
                }
            }
            return rowsPerTask.size() == 2;
        });
        assertEquals(250_000, rowsPerTask.values().stream().mapToLong(Long::longValue).sum(), rowsPerTask.toString());
        rowsPerTask.values().forEach(rows -> assertTrue(rows > 0, "every task read a part: " + rowsPerTask));
        connect.delete("balanced");
    }

    private boolean snapshotCompleted(String prefix) throws Exception {
        return connect.progressEvents(prefix).contains("snapshot.completed");
    }

    private boolean isDone(String connector, String table) {
        Map<String, ?> offset = connect.firstChunkOffset(connector, table);
        return offset != null && Boolean.TRUE.equals(offset.get("done"));
    }

    private long committedRows(String connector, String table) {
        Map<String, ?> offset = connect.firstChunkOffset(connector, table);
        return offset == null ? 0 : ((Number) offset.get("rows")).longValue();
    }



}

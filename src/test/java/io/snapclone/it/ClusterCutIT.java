package io.snapclone.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapclone.example.ClusterCutConsumer;
import io.snapclone.testing.Poll;
import io.snapclone.testing.TestingConnect;
import io.snapclone.testing.TestingPostgres;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The cluster cut: a writer commits an increasing counter (an update, and an insert into a log
 * table) to database A and then, in a transaction of its own, the same to database B, over and
 * over. At every cut the connector publishes, the values read from the topics up to its offsets
 * satisfy B ≤ A ≤ B + 1 — a cut taken at different moments per database would show B > A or
 * A > B + 1 — under concurrent writes, across a PostgreSQL crash during A's load (A's snapshot is
 * taken anew: its rows must not enter a cut before that new snapshot), a task restart and a
 * PostgreSQL crash while streaming, with the databases' tasks spread over two Connect tasks.
 */
class ClusterCutIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TestingConnect connect = TestingConnect.shared();

    @Test
    void everyCutShowsBothDatabasesAtOneMoment() throws Exception {
        TestingPostgres postgres = TestingPostgres.start(Map.of());
        String connector = "cluster-cut";
        try {
            String a = postgres.createDatabase("cut_a");
            String b = postgres.createDatabase("cut_b");
            for (String db : List.of(a, b)) {
                try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
                    statement.execute("CREATE TABLE counter (id int PRIMARY KEY, value bigint NOT NULL)");
                    statement.execute("INSERT INTO counter VALUES (1, 0)");
                    statement.execute("CREATE TABLE log (id bigint PRIMARY KEY)");
                    // Something to load, so that the writer runs during the snapshot too.
                    statement.execute("CREATE TABLE filler (id bigint PRIMARY KEY, v text)");
                    statement.execute("INSERT INTO filler SELECT g, repeat('x', 100) FROM generate_series(1, "
                            + (db.equals(a) ? 100_000 : 10_000) + ") g");
                }
            }
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong written = new AtomicLong();
            ExecutorService pool = Executors.newSingleThreadExecutor();
            Future<?> writer = pool.submit(() -> write(postgres, a, b, stop, written));

            Map<String, String> config = TestingConnect.connectorConfig(postgres.superuserConnectorConfig("postgres"), "cut",
                    2, Map.of("snapshot.mode", "initial", "slot.name", "cut", "publication.name", "cut",
                            "database.names", a + "," + b, "watermark.kafka.bootstrap.servers", connect.bootstrapServers(),
                            "watermark.interval.ms", "300", "snapshot.chunk.size", "1048576", "max.batch.size", "200"));
            ClusterCutConsumer consumer = new ClusterCutConsumer(connect.bootstrapServers());
            try (Connection locker = postgres.superuser(a); Statement lock = locker.createStatement()) {
                connect.deploy(connector, config);
                Poll.until(Duration.ofSeconds(60), "the plan", () -> !connect.taskConfigs(connector).isEmpty());
                // A's log cannot be read while this lock is held: A's load waits, B's completes.
                locker.setAutoCommit(false);
                lock.execute("LOCK TABLE log IN ACCESS EXCLUSIVE MODE");
                Poll.until(Duration.ofSeconds(120), "B's load to complete",
                        () -> connect.progressEvents("cut").contains("snapshot.completed"));
                long beforeCrash = written.get();
                postgres.crashRestart(); // ends the lock, and every session that held A's snapshot
                Poll.until(Duration.ofSeconds(60), "the writer to go on after the crash", () -> written.get() > beforeCrash + 50);
            }
            Poll.until(Duration.ofSeconds(180), "the first cut", () -> !consumer.cuts("cut.snapclone.progress").isEmpty());
            assertTrue(connect.progressEvents("cut").contains("snapshot.retaken"), "A's snapshot was taken anew");
            awaitMoreCuts(consumer, 3);

            assertWatermarkBean(connector);
            connect.restartTask(connector, 0);
            awaitMoreCuts(consumer, 3);
            long beforeCrash = written.get();
            postgres.crashRestart();
            Poll.until(Duration.ofSeconds(60), "the writer to go on after the crash", () -> written.get() > beforeCrash + 50);
            awaitMoreCuts(consumer, 3);
            stop.set(true);
            writer.get();
            pool.shutdown();
            long last = written.get();
            assertTrue(last > 100, "the writer committed throughout: " + last);
            Poll.until(Duration.ofSeconds(60), "a cut with the last value", () -> {
                List<ClusterCutConsumer.Cut> cuts = consumer.cuts("cut.snapclone.progress");
                return counters(consumer.tablesAt(cuts.get(cuts.size() - 1)))[1] == last;
            });

            List<ClusterCutConsumer.Cut> cuts = consumer.cuts("cut.snapclone.progress");
            assertEquals("cluster.consistent", cuts.get(0).event());
            assertTrue(cuts.stream().skip(1).allMatch(cut -> cut.event().equals("cluster.watermark")), cuts.toString());
            assertCuts(cuts);
        } finally {
            connect.delete(connector);
            postgres.close();
        }
    }

    /**
     * Each cut, from the topics read once: B ≤ A ≤ B + 1 for the counter and for the log, cuts
     * never go back, the LSN rises.
     */
    private void assertCuts(List<ClusterCutConsumer.Cut> cuts) throws Exception {
        Map<String, List<ConsumerRecord<byte[], byte[]>>> topics = new HashMap<>();
        for (String table : List.of("counter", "log")) {
            for (String db : List.of("cut_a", "cut_b")) {
                String topic = "cut." + db + ".public." + table;
                topics.put(topic, connect.readAll(topic));
            }
        }
        long previousLsn = 0;
        long[] previous = {0, 0, 0, 0};
        List<String> seen = new ArrayList<>();
        for (ClusterCutConsumer.Cut cut : cuts) {
            long[] values = {
                valueBefore(topics, cut, "cut.cut_a.public.counter"), valueBefore(topics, cut, "cut.cut_b.public.counter"),
                maxIdBefore(topics, cut, "cut.cut_a.public.log"), maxIdBefore(topics, cut, "cut.cut_b.public.log")};
            seen.add(cut.lsn() + ": counter A=" + values[0] + " B=" + values[1] + ", log A=" + values[2] + " B=" + values[3]);
            for (int i = 0; i < 4; i += 2) {
                assertTrue(values[i + 1] <= values[i] && values[i] <= values[i + 1] + 1, "B <= A <= B + 1 at every cut: "
                        + seen);
            }
            for (int i = 0; i < 4; i++) {
                assertTrue(values[i] >= previous[i], "cuts move forward: " + seen);
            }
            long lsn = io.snapclone.pg.Lsn.parse(cut.lsn()).value();
            assertTrue(Long.compareUnsigned(lsn, previousLsn) > 0, "the LSN rises: " + seen);
            previousLsn = lsn;
            previous = values;
        }
        System.out.printf("ClusterCutIT: %d cuts, first %s, last %s%n", cuts.size(), seen.get(0), seen.get(seen.size() - 1));
        assertTrue(cuts.size() >= 10, "cuts were published throughout: " + seen);
    }

    /** The counter's value in the last record before the cut's offset; -1 if none. */
    private static long valueBefore(Map<String, List<ConsumerRecord<byte[], byte[]>>> topics, ClusterCutConsumer.Cut cut,
                                    String topic) throws Exception {
        long end = cut.offsets().get(new TopicPartition(topic, 0));
        long value = -1;
        for (ConsumerRecord<byte[], byte[]> record : topics.get(topic)) {
            if (record.offset() < end && record.value() != null) {
                value = JSON.readTree(record.value()).get("after").get("value").asLong();
            }
        }
        return value;
    }

    /** The largest id the log holds before the cut's offset (it only gets inserts); 0 if none. */
    private static long maxIdBefore(Map<String, List<ConsumerRecord<byte[], byte[]>>> topics, ClusterCutConsumer.Cut cut,
                                    String topic) throws Exception {
        long end = cut.offsets().getOrDefault(new TopicPartition(topic, 0), 0L);
        long max = 0;
        for (ConsumerRecord<byte[], byte[]> record : topics.getOrDefault(topic, List.of())) {
            if (record.offset() < end && record.value() != null) {
                max = Math.max(max, JSON.readTree(record.value()).get("after").get("id").asLong());
            }
        }
        return max;
    }

    private static long[] counters(Map<String, Map<String, JsonNode>> tables) {
        return new long[] {value(tables, "cut.cut_a.public.counter"), value(tables, "cut.cut_b.public.counter")};
    }

    private static long value(Map<String, Map<String, JsonNode>> tables, String topic) {
        Map<String, JsonNode> table = tables.getOrDefault(topic, Map.of());
        return table.isEmpty() ? -1 : table.values().iterator().next().get("value").asLong();
    }

    /** Task 0's watermark bean (the worker runs in this JVM): the cuts it published, the last one's LSN. */
    private static void assertWatermarkBean(String connector) throws Exception {
        javax.management.MBeanServer server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        javax.management.ObjectName name = new javax.management.ObjectName("io.snapclone:type=watermark-metrics,connector="
                + javax.management.ObjectName.quote(connector) + ",task=0");
        assertTrue((Long) server.getAttribute(name, "Cuts") > 0, "cuts counted");
        assertTrue(((String) server.getAttribute(name, "LastCutLsn")).contains("/"), "the last cut's LSN");
        assertEquals("", server.getAttribute(name, "DatabasesLoading"));
        long since = (Long) server.getAttribute(name, "MilliSecondsSinceLastCut");
        assertTrue(since >= 0 && since < 60_000, "a recent cut: " + since);
    }

    private static void awaitMoreCuts(ClusterCutConsumer consumer, int more) {
        int[] before = {-1};
        Poll.until(Duration.ofSeconds(120), more + " more cuts", () -> {
            int now = consumer.cuts("cut.snapclone.progress").size();
            if (before[0] < 0) {
                before[0] = now;
            }
            return now >= before[0] + more;
        });
    }

    /** A then B, each its own transaction (the counter set, the log added to), the same rising value; goes on through crashes. */
    private static void write(TestingPostgres postgres, String a, String b, AtomicBoolean stop, AtomicLong written) {
        long value = 0;
        while (!stop.get()) {
            try (Connection ca = postgres.superuser(a); Connection cb = postgres.superuser(b)) {
                ca.setAutoCommit(false);
                cb.setAutoCommit(false);
                while (!stop.get()) {
                    long next = value + 1;
                    // A commits before B's transaction begins: its commit LSN is lower.
                    for (Connection connection : List.of(ca, cb)) {
                        try (Statement statement = connection.createStatement()) {
                            statement.execute("UPDATE counter SET value = " + next);
                            statement.execute("INSERT INTO log VALUES (" + next + ") ON CONFLICT DO NOTHING");
                        }
                        connection.commit();
                    }
                    value = next;
                    written.set(value);
                }
            } catch (SQLException e) {
                // A crash: reconnect and go on. A may have committed without B; the next round repeats the value in B.
                sleepQuietly();
            }
        }
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

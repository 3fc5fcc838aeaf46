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
 * The cluster cut: a writer commits a counter to database A and then, in a transaction of its
 * own, the same value to database B, over and over. At every cut the connector publishes, the
 * values read from the topics up to its offsets satisfy B ≤ A ≤ B + 1 — a cut taken at different
 * moments per database would show B > A or A > B + 1 — under concurrent writes, across a task
 * restart and a PostgreSQL crash, with the databases' tasks spread over two Connect tasks.
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
                    // Something to load, so that the writer runs during the snapshot too.
                    statement.execute("CREATE TABLE filler (id bigint PRIMARY KEY, v text)");
                    statement.execute("INSERT INTO filler SELECT g, repeat('x', 100) FROM generate_series(1, 10000) g");
                }
            }
            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong written = new AtomicLong();
            ExecutorService pool = Executors.newSingleThreadExecutor();
            Future<?> writer = pool.submit(() -> write(postgres, a, b, stop, written));

            Map<String, String> config = TestingConnect.connectorConfig(postgres.superuserConnectorConfig("postgres"), "cut",
                    2, Map.of("snapshot.mode", "initial", "slot.name", "cut", "publication.name", "cut",
                            "database.names", a + "," + b, "watermark.kafka.bootstrap.servers", connect.bootstrapServers(),
                            "watermark.interval.ms", "300", "snapshot.chunk.size", "1048576"));
            connect.deploy(connector, config);
            ClusterCutConsumer consumer = new ClusterCutConsumer(connect.bootstrapServers());
            Poll.until(Duration.ofSeconds(180), "the first cut", () -> !consumer.cuts("cut.snapclone.progress").isEmpty());
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

    /** Each cut, from the counter topics read once: B ≤ A ≤ B + 1, cuts never go back, the counters rise. */
    private void assertCuts(List<ClusterCutConsumer.Cut> cuts) throws Exception {
        Map<String, List<ConsumerRecord<byte[], byte[]>>> topics = new HashMap<>();
        for (String topic : List.of("cut.cut_a.public.counter", "cut.cut_b.public.counter")) {
            topics.put(topic, connect.readAll(topic));
        }
        long previousLsn = 0;
        long[] previous = {0, 0};
        List<String> seen = new ArrayList<>();
        for (ClusterCutConsumer.Cut cut : cuts) {
            long[] values = new long[2];
            int i = 0;
            for (String topic : List.of("cut.cut_a.public.counter", "cut.cut_b.public.counter")) {
                long end = cut.offsets().get(new TopicPartition(topic, 0));
                values[i++] = valueBefore(topics.get(topic), end);
            }
            seen.add(cut.lsn() + ": A=" + values[0] + " B=" + values[1]);
            assertTrue(values[1] <= values[0] && values[0] <= values[1] + 1, "B <= A <= B + 1 at every cut: " + seen);
            assertTrue(values[0] >= previous[0] && values[1] >= previous[1], "cuts move forward: " + seen);
            long lsn = io.snapclone.pg.Lsn.parse(cut.lsn()).value();
            assertTrue(Long.compareUnsigned(lsn, previousLsn) > 0, "the LSN rises: " + seen);
            previousLsn = lsn;
            previous = values;
        }
        System.out.printf("ClusterCutIT: %d cuts, first %s, last %s%n", cuts.size(), seen.get(0), seen.get(seen.size() - 1));
        assertTrue(cuts.size() >= 10, "cuts were published throughout: " + seen);
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

    /** The counter's value in the last record before {@code end}. */
    private static long valueBefore(List<ConsumerRecord<byte[], byte[]>> records, long end) throws Exception {
        long value = -1;
        for (ConsumerRecord<byte[], byte[]> record : records) {
            if (record.offset() < end && record.value() != null) {
                value = JSON.readTree(record.value()).get("after").get("value").asLong();
            }
        }
        return value;
    }

    private static long[] counters(Map<String, Map<String, JsonNode>> tables) {
        return new long[] {value(tables, "cut.cut_a.public.counter"), value(tables, "cut.cut_b.public.counter")};
    }

    private static long value(Map<String, Map<String, JsonNode>> tables, String topic) {
        Map<String, JsonNode> table = tables.getOrDefault(topic, Map.of());
        return table.isEmpty() ? -1 : table.values().iterator().next().get("value").asLong();
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

    /** A then B, each its own transaction, the same rising value; goes on through a crash. */
    private static void write(TestingPostgres postgres, String a, String b, AtomicBoolean stop, AtomicLong written) {
        long value = 0;
        while (!stop.get()) {
            try (Connection ca = postgres.superuser(a); Connection cb = postgres.superuser(b);
                 Statement sa = ca.createStatement(); Statement sb = cb.createStatement()) {
                while (!stop.get()) {
                    long next = value + 1;
                    sa.execute("UPDATE counter SET value = " + next);
                    // A committed (autocommit) before B's transaction begins: its commit LSN is lower.
                    sb.execute("UPDATE counter SET value = " + next);
                    value = next;
                    written.set(value);
                }
            } catch (SQLException e) {
                // The crash: reconnect and go on. A's update may have committed without B's; the next one repairs it.
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

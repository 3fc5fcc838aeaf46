package io.snapclone.bench;

import io.snapclone.testing.TestingConnect;
import io.snapclone.testing.TestingPostgres;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

import static io.snapclone.bench.BenchData.ROUNDS;
import static io.snapclone.bench.BenchData.say;

import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The snapshot benchmark ({@code mvn -Pbench verify}, see bench/README.md): one embedded
 * PostgreSQL, one in-process broker and Connect worker, the same data and worker settings for every
 * contender; rows per second from creating the connector until every row is in Kafka, median of
 * several rounds; ratios printed and written to target/benchmark/.
 */
class SnapshotBenchmark {
    private static final BenchData DATA = new BenchData(BenchData.SCALE);
    private static final long ACCOUNTS = DATA.accounts();
    private static final long WIDE = DATA.wide();

    private final TestingPostgres postgres = TestingPostgres.shared();
    private final TestingConnect connect = TestingConnect.shared();
    private final Map<String, List<Double>> results = new LinkedHashMap<>();
    private String db;
    private int run;

    @Test
    void run() throws Exception {
        db = postgres.createDatabase("bench");
        long bytes = DATA.load(postgres, db);
        say(String.format("data: pgbench_accounts %,d rows + wide %,d rows (%,d MB on disk); %d rounds",
                ACCOUNTS, WIDE, bytes >> 20, ROUNDS));
        // Round 0 warms the JIT, the broker and the worker up; its numbers are not kept.
        say("warm-up: " + String.format("%,.0f / %,.0f / %,.0f rows/s", ceiling(4), snapclone(2), debezium(Map.of())));
        for (int round = 1; round <= ROUNDS; round++) {
            record("PostgreSQL COPY, 1 session", copyCeiling(1));
            record("PostgreSQL COPY, 4 sessions", copyCeiling(4));
            record("pipeline ceiling, 1 task", ceiling(1));
            record("pipeline ceiling, 4 tasks", ceiling(4));
            for (int tasks : new int[] {1, 2, 4}) {
                record("snapclone, tasks.max=" + tasks, snapclone(tasks));
            }
            record("Debezium 3.7, defaults", debezium(Map.of()));
            record("Debezium 3.7, snapshot.max.threads=4", debezium(Map.of("snapshot.max.threads", "4")));
            say("round " + round + " done");
        }
        report();
    }

    /** What PostgreSQL alone can send: COPY of both tables to nowhere, in {@code sessions} ctid slices. */
    private double copyCeiling(int sessions) throws Exception {
        long blocks;
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT pg_relation_size('pgbench_accounts') / 8192")) {
            rs.next();
            blocks = rs.getLong(1) + 1;
        }
        ExecutorService pool = Executors.newFixedThreadPool(sessions);
        long start = System.nanoTime();
        List<Future<?>> copies = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
            long from = blocks * i / sessions;
            long to = i == sessions - 1 ? Long.MAX_VALUE : blocks * (i + 1) / sessions;
            boolean withWide = i == 0;
            copies.add(pool.submit(() -> {
                try (Connection connection = postgres.superuser(db)) {
                    String range = "ctid >= '(" + from + ",0)'::tid" + (to == Long.MAX_VALUE ? "" : " AND ctid < '(" + to + ",0)'::tid");
                    var copy = connection.unwrap(PGConnection.class).getCopyAPI();
                    copy.copyOut("COPY (SELECT * FROM pgbench_accounts WHERE " + range + ") TO STDOUT", OutputStream.nullOutputStream());
                    if (withWide) {
                        copy.copyOut("COPY (SELECT * FROM wide) TO STDOUT", OutputStream.nullOutputStream());
                    }
                }
                return null;
            }));
        }
        for (Future<?> copy : copies) {
            copy.get();
        }
        pool.shutdown();
        return (ACCOUNTS + WIDE) / ((System.nanoTime() - start) / 1e9);
    }

    private double snapclone(int tasks) throws Exception {
        String prefix = "sc" + (++run);
        Map<String, String> config = TestingConnect.connectorConfig(postgres.superuserConnectorConfig(db), prefix, tasks,
                Map.of("table.include.list", BenchData.TABLES));
        return timeRun(prefix, config, ACCOUNTS + WIDE);
    }

    private double ceiling(int tasks) throws Exception {
        String prefix = "ceil" + (++run);
        Map<String, String> config = TestingConnect.baseConnectorConfig(prefix, tasks);
        config.put("connector.class", PipelineCeilingConnector.class.getName());
        config.put(PipelineCeilingConnector.ROWS, Long.toString(ACCOUNTS + WIDE));
        return timeRun(prefix, config, ACCOUNTS + WIDE);
    }

    private double debezium(Map<String, String> overrides) throws Exception {
        String prefix = "dbz" + (++run);
        Map<String, String> config = TestingConnect.baseConnectorConfig(prefix, 1);
        config.putAll(postgres.superuserConnectorConfig(db));
        config.put("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        config.put("plugin.name", "pgoutput");
        config.put("slot.name", prefix);
        config.put("publication.name", prefix);
        config.put("publication.autocreate.mode", "filtered");
        config.put("snapshot.mode", "initial_only");
        config.put("table.include.list", BenchData.TABLES);
        config.putAll(overrides);
        double rate = timeRun(prefix, config, ACCOUNTS + WIDE);
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
                    + "WHERE slot_name = '" + prefix + "' AND NOT active");
            statement.execute("DROP PUBLICATION IF EXISTS " + prefix);
        }
        return rate;
    }

    /** Rows per second from PUT /connectors/.../config until every row is in the topics. */
    private double timeRun(String prefix, Map<String, String> config, long rows) throws Exception {
        List<TopicPartition> topics = List.of(new TopicPartition(prefix + ".public.pgbench_accounts", 0),
                new TopicPartition(prefix + ".public.wide", 0));
        long start = System.nanoTime();
        connect.deploy(prefix, config);
        long deadline = start + 30L * 60 * 1_000_000_000L;
        while (inKafka(topics) < rows) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(prefix + ": timed out with " + inKafka(topics) + " of " + rows + " rows");
            }
            Thread.sleep(50);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        connect.delete(prefix);
        for (TopicPartition topic : topics) {
            if (exists(topic.topic())) {
                connect.cluster().kafka().deleteTopic(topic.topic());
            }
        }
        return rows / seconds;
    }

    private long inKafka(List<TopicPartition> topics) throws Exception {
        long total = 0;
        for (TopicPartition topic : topics) {
            if (exists(topic.topic())) {
                total += connect.cluster().kafka().endOffset(topic);
            }
        }
        return total;
    }

    private boolean exists(String topic) {
        return connect.cluster().kafka().describeTopics(topic).get(topic).isPresent();
    }


    private void record(String contender, double rowsPerSecond) {
        results.computeIfAbsent(contender, k -> new ArrayList<>()).add(rowsPerSecond);
        say(String.format("%-40s %,12.0f rows/s", contender, rowsPerSecond));
    }

    private void report() throws Exception {
        Map<String, Double> medians = new LinkedHashMap<>();
        results.forEach((contender, rates) -> medians.put(contender, rates.stream().sorted().toList().get(rates.size() / 2)));
        double debezium = medians.get("Debezium 3.7, defaults");
        // The ceiling is the better of its two runs: more tasks can help or hurt on few cores.
        double pipeline = Math.max(medians.get("pipeline ceiling, 1 task"), medians.get("pipeline ceiling, 4 tasks"));
        double copy = medians.get("PostgreSQL COPY, 4 sessions");
        StringBuilder table = new StringBuilder("| contender | rows/s (median of " + ROUNDS + ") | all rounds | "
                + "× Debezium defaults | ÷ pipeline ceiling (best) | ÷ COPY, 4 sessions |\n|---|---:|---|---:|---:|---:|\n");
        medians.forEach((contender, median) -> table.append(String.format("| %s | %,.0f | %s | %.2f | %.0f%% | %.0f%% |%n",
                contender, median, results.get(contender).stream().map(r -> String.format("%,.0f", r)).toList(),
                median / debezium, 100 * median / pipeline, 100 * median / copy)));
        long heapPeak = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .map(MemoryPoolMXBean::getPeakUsage).mapToLong(u -> u.getUsed()).max().orElse(0);
        String rss = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmHWM"))
                .findFirst().orElse("VmHWM: ?").replaceAll("\\s+", " ");
        String text = String.format("Data: pgbench_accounts %,d rows and wide (numeric, timestamptz, text, jsonb) %,d rows; "
                + "JsonConverter without schemas; one worker, broker and PostgreSQL in one JVM/machine; "
                + "%d cores.%n%n%s%nPeak of the largest heap pool: %d MB; process peak RSS (%s).%n",
                ACCOUNTS, WIDE, Runtime.getRuntime().availableProcessors(), table, heapPeak >> 20, rss);
        Path out = Path.of("target/benchmark");
        Files.createDirectories(out);
        Files.writeString(out.resolve("results.md"), text);
        BarChart.write(medians, out.resolve("benchmark.png"));
        say("\n" + text);
        say("written: target/benchmark/results.md and target/benchmark/benchmark.png");
    }

}

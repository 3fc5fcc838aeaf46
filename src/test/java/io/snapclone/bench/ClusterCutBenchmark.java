package io.snapclone.bench;

import static io.snapclone.bench.BenchData.ROUNDS;
import static io.snapclone.bench.BenchData.say;

import io.snapclone.example.ClusterCutConsumer;
import io.snapclone.testing.Poll;
import io.snapclone.testing.TestingConnect;
import io.snapclone.testing.TestingPostgres;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * What capturing several databases in one connector costs ({@code mvn -Pbench verify
 * -Dit.test=ClusterCutBenchmark}): two databases, each with a backlog of {@code bench.cut.events}
 * row changes written while the connector is paused, drained by
 * <ol>
 * <li>two connectors, one per database (what one does without database.names);</li>
 * <li>one connector with database.names, no watermarks;</li>
 * <li>one connector with database.names and cluster watermarks (LSN headers, task 0 reading them),</li>
 * </ol>
 * each with two tasks in all, in the same in-process worker. Per run: events/s from resume until
 * every change is in Kafka, and, with watermarks, how long after that a cut covers them all.
 * Medians of {@link BenchData#ROUNDS} rounds go to target/benchmark/cluster-cut.md.
 */
class ClusterCutBenchmark {
    private static final long EVENTS = Long.getLong("bench.cut.events", 200_000L);
    private static final int TX_EVENTS = 1_000;
    private static final int ROWS = 100_000;
    private static final String SEPARATE = "two connectors, one per database";
    private static final String COMBINED = "one connector, database.names, no watermarks";
    private static final String WATERMARKS = "one connector, database.names, watermarks";

    private final TestingPostgres postgres = TestingPostgres.shared();
    private final TestingConnect connect = TestingConnect.shared();
    private final Map<String, List<double[]>> results = new LinkedHashMap<>();
    private final List<String> databases = new ArrayList<>();
    private int run;

    @Test
    void run() throws Exception {
        for (String name : List.of("cut_bench_a", "cut_bench_b")) {
            databases.add(postgres.createDatabase(name));
            try (Connection connection = postgres.superuser(name); Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE accounts (id int PRIMARY KEY, balance int, filler character(84))");
                statement.execute("INSERT INTO accounts SELECT g, 0, '' FROM generate_series(1, " + ROWS + ") g");
                statement.execute("VACUUM ANALYZE accounts");
            }
        }
        long started = System.nanoTime();
        say(String.format("cluster cut: 2 databases, a backlog of %,d events each; %d rounds", EVENTS, ROUNDS));
        for (String contender : List.of(SEPARATE, COMBINED, WATERMARKS)) {
            double[] warm = run(contender);
            say(String.format("warm-up %-50s %,9.0f events/s", contender, warm[0]));
        }
        for (int round = 1; round <= ROUNDS; round++) {
            for (String contender : List.of(SEPARATE, COMBINED, WATERMARKS)) {
                results.computeIfAbsent(contender, c -> new ArrayList<>()).add(run(contender));
            }
            say("round " + round + " done");
        }
        report((System.nanoTime() - started) / 1e9);
    }

    /** events/s draining both backlogs, and (with watermarks) seconds from the last change in Kafka to a cut covering it. */
    private double[] run(String contender) throws Exception {
        String prefix = "cb" + (++run);
        List<String> connectors = new ArrayList<>();
        List<TopicPartition> topics = new ArrayList<>();
        for (String db : databases) {
            topics.add(new TopicPartition(prefix + "." + db + ".public.accounts", 0));
        }
        topics.forEach(topic -> connect.createTopic(topic.topic(), 1));
        vacuum();
        try {
            if (contender.equals(SEPARATE)) {
                for (String db : databases) {
                    // Its own topic prefix so that topic names match the combined runs'.
                    Map<String, String> config = config(prefix + "." + db, db, 1);
                    config.put("slot.name", prefix + "_" + db);
                    connectors.add(deploy(prefix + "-" + db, config));
                }
            } else {
                Map<String, String> config = config(prefix, "postgres", 2);
                config.put("slot.name", prefix);
                config.put("database.names", String.join(",", databases));
                if (contender.equals(WATERMARKS)) {
                    config.put("watermark.kafka.bootstrap.servers", connect.bootstrapServers());
                    config.put("watermark.interval.ms", "200");
                }
                connectors.add(deploy(prefix, config));
            }
            for (String connector : connectors) {
                Poll.until(Duration.ofSeconds(120), connector + " streaming", () -> slotsActive(prefix));
                connect.rest().pause(connector);
            }
            for (String connector : connectors) {
                Poll.until(Duration.ofSeconds(60), connector + " paused", () -> connect.connectorStatus(connector).tasks()
                        .stream().allMatch(task -> "PAUSED".equals(task.state())));
            }
            writeBacklogs();
            long start = System.nanoTime();
            connectors.forEach(connect.rest()::resume);
            long total = 2 * EVENTS;
            long deadline = start + Duration.ofMinutes(5).toNanos();
            while (inKafka(topics) < total) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(prefix + ": timed out with " + inKafka(topics) + " of " + total + " events");
                }
                Thread.sleep(20);
            }
            long drained = System.nanoTime();
            double rate = total / ((drained - start) / 1e9);
            double cutLag = 0;
            if (contender.equals(WATERMARKS)) {
                ClusterCutConsumer consumer = new ClusterCutConsumer(connect.bootstrapServers());
                Poll.until(Duration.ofSeconds(120), "a cut covering the backlog", () -> {
                    List<ClusterCutConsumer.Cut> cuts = consumer.cuts(prefix + ".snapclone.progress");
                    return !cuts.isEmpty() && topics.stream().allMatch(topic ->
                            cuts.get(cuts.size() - 1).offsets().getOrDefault(topic, 0L) >= total / 2);
                });
                cutLag = (System.nanoTime() - drained) / 1e9;
            }
            if (inKafka(topics) != total) {
                throw new AssertionError(prefix + ": " + inKafka(topics) + " records, expected exactly " + total);
            }
            return new double[] {rate, cutLag};
        } finally {
            for (String connector : connectors) {
                connect.delete(connector);
            }
            for (String db : databases) {
                postgres.dropSlotsWhenReleased(db);
            }
            topics.forEach(topic -> connect.deleteTopic(topic.topic()));
        }
    }

    private Map<String, String> config(String prefix, String db, int tasks) {
        Map<String, String> config = TestingConnect.connectorConfig(postgres.superuserConnectorConfig(db), prefix, tasks,
                Map.of("snapshot.mode", "never", "publication.autocreate.mode", "filtered",
                        "table.include.list", "public\\.accounts", "tombstones.on.delete", "false"));
        config.put("publication.name", "cb");
        return config;
    }

    private String deploy(String name, Map<String, String> config) {
        connect.deploy(name, config);
        return name;
    }

    private boolean slotsActive(String prefix) throws Exception {
        try (Connection connection = postgres.superuser("postgres"); Statement statement = connection.createStatement();
             var rs = statement.executeQuery("SELECT count(*) FROM pg_replication_slots WHERE active AND slot_name LIKE '"
                     + prefix + "\\_%'")) {
            rs.next();
            return rs.getInt(1) == databases.size();
        }
    }

    private void vacuum() throws Exception {
        for (String db : databases) {
            try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
                statement.execute("VACUUM accounts");
            }
        }
    }

    /** Both databases' backlogs at once, each from a session of its own: transactions of 1,000 updates. */
    private void writeBacklogs() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(databases.size());
        List<Future<?>> writers = new ArrayList<>();
        for (String db : databases) {
            writers.add(pool.submit(() -> {
                try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
                    connection.setAutoCommit(false);
                    for (long tx = 0; tx < EVENTS / TX_EVENTS; tx++) {
                        long from = tx * TX_EVENTS % (ROWS - TX_EVENTS) + 1;
                        statement.execute("UPDATE accounts SET balance = balance + 1 WHERE id BETWEEN " + from + " AND "
                                + (from + TX_EVENTS - 1));
                        connection.commit();
                    }
                }
                return null;
            }));
        }
        for (Future<?> writer : writers) {
            writer.get();
        }
        pool.shutdown();
    }

    private long inKafka(List<TopicPartition> topics) {
        try (KafkaConsumer<byte[], byte[]> consumer = connect.consumer(Map.of())) {
            return consumer.endOffsets(topics, Duration.ofSeconds(30)).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private void report(double seconds) throws Exception {
        StringBuilder out = new StringBuilder("# Cluster cut benchmark\n\n");
        out.append(String.format("Two databases, a backlog of %,d row changes each (transactions of %,d updates), "
                + "written while the connector is paused, then drained; two tasks in all; medians of %d rounds "
                + "(%.0f s in all).%n%n", EVENTS, TX_EVENTS, ROUNDS, seconds));
        out.append("| | events/s | × two connectors | cut covers the backlog after, s |\n|---|---:|---:|---:|\n");
        double base = median(results.get(SEPARATE), 0);
        for (Map.Entry<String, List<double[]>> entry : results.entrySet()) {
            double rate = median(entry.getValue(), 0);
            out.append(String.format("| %s | %,.0f | %.2f | %s |%n", entry.getKey(), rate, rate / base,
                    entry.getKey().equals(WATERMARKS) ? String.format("%.2f", median(entry.getValue(), 1)) : "—"));
        }
        out.append("\nRounds (events/s): ");
        results.forEach((contender, runs) -> out.append(contender).append(": ")
                .append(runs.stream().map(r -> String.format("%,.0f", r[0])).toList()).append("; "));
        out.append('\n');
        Path file = Path.of("target/benchmark/cluster-cut.md");
        Files.createDirectories(file.getParent());
        Files.writeString(file, out.toString());
        say(out.toString());
    }

    private static double median(List<double[]> runs, int field) {
        double[] values = runs.stream().mapToDouble(r -> r[field]).sorted().toArray();
        return values[values.length / 2];
    }
}

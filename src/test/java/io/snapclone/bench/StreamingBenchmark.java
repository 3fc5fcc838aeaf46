package io.snapclone.bench;

import io.snapclone.testing.Poll;
import io.snapclone.testing.TestingConnect;
import io.snapclone.testing.TestingPostgres;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.junit.jupiter.api.Test;

import static io.snapclone.bench.BenchData.ROUNDS;
import static io.snapclone.bench.BenchData.SCALE;
import static io.snapclone.bench.BenchData.say;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The streaming benchmark ({@code mvn -Pbench verify -Dit.test=StreamingBenchmark}): snapclone and
 * Debezium's PostgreSQL connector, each already streaming from a slot of its own, in the same
 * in-process worker with the same converter. Per run, two measurements on one deployment:
 * <ol>
 * <li>backlog: a quick burst of {@code bench.stream.events} row changes (updates, inserts, deletes
 *     in transactions of 1,000), timed from the first write until every change is in Kafka;</li>
 * <li>latency: a paced TPC-B-like load ({@code bench.stream.tps} for {@code bench.stream.seconds})
 *     while a consumer reads the topics; latency = when the consumer got the record − the
 *     transaction's commit time ({@code source.ts_ms}).</li>
 * </ol>
 * Medians of {@link BenchData#ROUNDS} rounds go to target/benchmark/streaming.md.
 */
class StreamingBenchmark {
    private static final BenchData DATA = new BenchData(SCALE);
    private static final long ACCOUNTS = DATA.accounts();
    private static final long EVENTS = Long.getLong("bench.stream.events", SCALE * 60_000L);
    private static final int TPS = Integer.getInteger("bench.stream.tps", 200);
    private static final int SECONDS = Integer.getInteger("bench.stream.seconds", 10);
    private static final int WARMUP_SECONDS = Integer.getInteger("bench.stream.warmup", 3);
    private static final int WRITERS = Integer.getInteger("bench.stream.writers", 2);
    /** Debezium's reader sleeps poll.interval.ms (default 500) whenever the slot has nothing: a run with it at 50 too. */
    private static final boolean FAST_POLL = Boolean.parseBoolean(System.getProperty("bench.stream.fastpoll", "true"));
    private static final int TX_EVENTS = 1_000;
    private static final int TX_UPDATES = 900;
    private static final int TX_INSERTS = 50;
    private static final int TX_DELETES = TX_EVENTS - TX_UPDATES - TX_INSERTS;
    private static final int TPCB_EVENTS = 4;
    private static final int BRANCHES = SCALE;
    private static final int TELLERS = SCALE * 10;
    private static final List<String> TABLES = List.of("pgbench_accounts", "pgbench_tellers", "pgbench_branches",
            "pgbench_history");
    private static final String INCLUDE = "public\\.(" + String.join("|", TABLES) + ")";
    private static final String SNAPCLONE = "snapclone";
    private static final String DEBEZIUM = "Debezium 3.7, defaults (poll.interval.ms=500)";
    private static final String DEBEZIUM_FAST = "Debezium 3.7, poll.interval.ms=50";
    private static final String POSTGRES = "PostgreSQL alone (no connector), writing the backlog";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TestingPostgres postgres = TestingPostgres.shared();
    private final TestingConnect connect = TestingConnect.shared();
    private final Map<String, List<Result>> results = new LinkedHashMap<>();
    private Admin admin;
    private String db;
    private TpcbLoad load;
    private int run;

    /**
     * One run's numbers: events/s draining the backlog (for PostgreSQL alone: writing it), seconds
     * the drain took, and the latency run (null for PostgreSQL alone).
     */
    record Result(double eventsPerSecond, double drainSeconds, Latency latency) {
    }

    record Latency(long p50, long p99, long max, double eventsPerSecond, double txPerSecond, long transactions) {
    }

    @Test
    void run() throws Exception {
        // Debezium 3.7's metrics queue (1,000 entries) overflows in every burst and warns once per event.
        Configurator.setLevel("io.debezium.metrics.stats.MeasurementCollector", Level.ERROR);
        db = postgres.createDatabase("stream");
        load = new TpcbLoad(postgres, db, DATA, SCALE);
        load.createTables(DATA);
        admin = connect.admin();
        long started = System.nanoTime();
        String loadBefore = loadAverage();
        say(String.format("streaming: backlog %,d events; load %d tx/s (%d writers, %d events per tx) for %d s after %d s "
                + "warm-up; pgbench scale %d; %d rounds", events(EVENTS), TPS, WRITERS, TPCB_EVENTS, SECONDS,
                WARMUP_SECONDS, SCALE, ROUNDS));
        // A full-size warm-up run of each code base (JIT, broker, heap sizing); its numbers are not kept.
        for (String contender : List.of(SNAPCLONE, DEBEZIUM)) {
            Result warm = run(contender, EVENTS, 2);
            say(String.format("warm-up %-44s %,9.0f events/s", contender, warm.eventsPerSecond()));
        }
        for (int round = 1; round <= ROUNDS; round++) {
            record(POSTGRES, postgresAlone());
            for (String contender : contenders()) {
                record(contender, run(contender, EVENTS, SECONDS));
            }
            say("round " + round + " done");
        }
        admin.close();
        report((System.nanoTime() - started) / 1e9, loadBefore);
    }

    /** The machine's 1/5/15-minute load averages: anything else running shares the cores and skews the numbers. */
    private static String loadAverage() throws Exception {
        String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return fields[0] + " / " + fields[1] + " / " + fields[2];
    }

    private static List<String> contenders() {
        return FAST_POLL ? List.of(SNAPCLONE, DEBEZIUM, DEBEZIUM_FAST) : List.of(SNAPCLONE, DEBEZIUM);
    }

    /** Deploys a contender, waits for its slot to be read, measures backlog then latency, and cleans up. */
    private Result run(String contender, long backlogEvents, int loadSeconds) throws Exception {
        String name = (contender.equals(SNAPCLONE) ? "sc" : contender.equals(DEBEZIUM) ? "dbz" : "dbzp") + (++run);
        List<TopicPartition> topics = TABLES.stream().map(t -> new TopicPartition(name + ".public." + t, 0)).toList();
        vacuum();
        // Created up front so the consumer can be assigned before the first change; Connect reuses them.
        for (TopicPartition topic : topics) {
            connect.createTopic(topic.topic(), 1);
        }
        Poll.until(Duration.ofSeconds(30), "topics of " + name, () -> inKafka(topics) == 0);
        try {
            connect.deploy(name, config(contender, name));
            Poll.until(Duration.ofSeconds(120), "slot " + name + " to be active", () -> !failed(name) && slotActive(name));
            Result backlog = backlog(name, topics, backlogEvents);
            Latency latency = steadyLoad(name, topics, loadSeconds);
            // Exactly one record per row change, or the counts above measured something else.
            long expected = events(backlogEvents) + latency.transactions() * TPCB_EVENTS;
            long actual = inKafka(topics);
            if (actual != expected) {
                throw new AssertionError(name + ": " + actual + " records in Kafka, expected exactly " + expected);
            }
            return new Result(backlog.eventsPerSecond(), backlog.drainSeconds(), latency);
        } finally {
            cleanUp(name, topics);
        }
    }

    /** Earlier runs' dead tuples would slow later writers: every run starts from the same state. */
    private void vacuum() throws Exception {
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            statement.execute("VACUUM pgbench_accounts, pgbench_tellers, pgbench_branches, pgbench_history");
        }
    }

    private Map<String, String> config(String contender, String name) {
        Map<String, String> config;
        if (contender.equals(SNAPCLONE)) {
            config = TestingConnect.connectorConfig(postgres.superuserConnectorConfig(db), name, 1, Map.of());
            config.put("snapshot.mode", "never");
        } else {
            config = TestingConnect.baseConnectorConfig(name, 1);
            config.putAll(postgres.superuserConnectorConfig(db));
            config.put("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
            config.put("plugin.name", "pgoutput");
            // 3.x has no "never": no_data creates the slot and streams without reading the tables.
            config.put("snapshot.mode", "no_data");
            if (contender.equals(DEBEZIUM_FAST)) {
                config.put("poll.interval.ms", "50");
            }
        }
        config.put("slot.name", name);
        config.put("publication.name", name);
        config.put("publication.autocreate.mode", "filtered");
        config.put("table.include.list", INCLUDE);
        // One record per row change in both: no tombstone after a delete.
        config.put("tombstones.on.delete", "false");
        return config;
    }

    /** The writes of a backlog with no connector (and no slot) at all: what the server alone takes. */
    private Result postgresAlone() throws Exception {
        vacuum();
        double rate = events(EVENTS) / writeBacklog(EVENTS);
        return new Result(rate, 0, null);
    }

    /**
     * Writes {@code events} changes while the connector is paused, then resumes it and times until
     * all are in Kafka: how fast it drains a backlog already in its slot (a connector that keeps up
     * with a live writer would only show the writer's rate).
     */
    private Result backlog(String name, List<TopicPartition> topics, long events) throws Exception {
        long total = events(events);
        long before = inKafka(topics);
        connect.rest().pause(name);
        Poll.until(Duration.ofSeconds(60), name + " to pause", () -> tasksIn(name, "PAUSED"));
        writeBacklog(events);
        long start = System.nanoTime();
        connect.rest().resume(name);
        long deadline = start + Duration.ofMinutes(5).toNanos();
        while (inKafka(topics) - before < total) {
            if (System.nanoTime() > deadline || failed(name)) {
                throw new AssertionError(name + ": timed out with " + (inKafka(topics) - before) + " of " + total + " events");
            }
            Thread.sleep(20);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Result(total / seconds, seconds, null);
    }

    private boolean tasksIn(String name, String state) {
        var tasks = connect.connectorStatus(name).tasks();
        return !tasks.isEmpty() && tasks.stream().allMatch(task -> state.equals(task.state()));
    }

    /**
     * {@code events} changes, rounded up to transactions of exactly {@value #TX_EVENTS}, as fast as
     * one session can; returns the seconds it took.
     */
    private double writeBacklog(long events) throws Exception {
        long start = System.nanoTime();
        try (Connection connection = load.session(); Statement statement = connection.createStatement()) {
            for (long tx = 0; tx < events(events) / TX_EVENTS; tx++) {
                // 900 updates of consecutive accounts (never of a key), 50 inserts, and 50 deletes of the oldest history rows.
                long from = tx * TX_UPDATES % (ACCOUNTS - TX_UPDATES) + 1;
                statement.execute("UPDATE pgbench_accounts SET abalance = abalance + 1 WHERE aid BETWEEN " + from
                        + " AND " + (from + TX_UPDATES - 1));
                statement.execute("INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) SELECT g % " + TELLERS
                        + " + 1, g % " + BRANCHES + " + 1, g, 1, now() FROM generate_series(1, " + TX_INSERTS + ") g");
                statement.execute("DELETE FROM pgbench_history WHERE hid IN (SELECT hid FROM pgbench_history "
                        + "ORDER BY hid LIMIT " + TX_DELETES + ")");
                connection.commit();
            }
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /**
     * {@value #WRITERS} sessions run TPC-B-like transactions at {@code TPS} in all, paced to a
     * schedule (a late transaction runs at once, so the rate holds); the consumer times every record
     * committed after the warm-up.
     */
    private Latency steadyLoad(String name, List<TopicPartition> topics, int seconds) throws Exception {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            consumer.assign(topics);
            consumer.seekToEnd(topics);
            long startOffsets = 0;
            for (TopicPartition topic : topics) {
                startOffsets += consumer.position(topic); // resolves the seek now, before the first write
            }
            long start = System.currentTimeMillis();
            long measureFrom = start + WARMUP_SECONDS * 1000L;
            long measureTo = measureFrom + seconds * 1000L;
            ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
            List<Future<Long>> writers = new ArrayList<>();
            for (int i = 0; i < WRITERS; i++) {
                int writer = i;
                writers.add(pool.submit(() -> load.write(writer, WRITERS, TPS, () -> System.currentTimeMillis() < measureTo)));
            }
            List<Long> latencies = new ArrayList<>();
            long committed = -1;
            long drainDeadline = Long.MAX_VALUE;
            try {
                while (committed < 0 || position(consumer, topics) < startOffsets + committed * TPCB_EVENTS) {
                    if (committed < 0 && writers.stream().allMatch(Future::isDone)) {
                        committed = 0;
                        for (Future<Long> writer : writers) {
                            committed += writer.get();
                        }
                        drainDeadline = System.currentTimeMillis() + 60_000;
                    }
                    if (System.currentTimeMillis() > drainDeadline || committed >= 0 && failed(name)) {
                        throw new AssertionError(name + ": " + (position(consumer, topics) - startOffsets) + " of "
                                + committed * TPCB_EVENTS + " events a minute after the load ended");
                    }
                    var records = consumer.poll(Duration.ofMillis(50));
                    long received = System.currentTimeMillis();
                    for (ConsumerRecord<byte[], byte[]> record : records) {
                        long committedAt = JSON.readTree(record.value()).path("source").path("ts_ms").asLong();
                        if (committedAt >= measureFrom && committedAt < measureTo) {
                            latencies.add(received - committedAt);
                        }
                    }
                }
            } finally {
                pool.shutdownNow();
            }
            long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
            if (sorted.length == 0) {
                throw new AssertionError(name + ": no record committed in the measured window");
            }
            return new Latency(percentile(sorted, 50), percentile(sorted, 99), sorted[sorted.length - 1],
                    sorted.length / (double) seconds, committed / ((measureTo - start) / 1000.0), committed);
        }
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        return new KafkaConsumer<>(Map.of(
                "bootstrap.servers", connect.bootstrapServers(),
                // The broker answers a fetch at once when data is there; this bounds the wait when it is not.
                "fetch.max.wait.ms", 10,
                "enable.auto.commit", false),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static long position(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> topics) {
        return topics.stream().mapToLong(consumer::position).sum();
    }

    private static long percentile(long[] sorted, int p) {
        return sorted[Math.max(0, (int) Math.ceil(sorted.length * p / 100.0) - 1)];
    }

    /** {@code events} rounded up to whole backlog transactions. */
    private static long events(long events) {
        return (events + TX_EVENTS - 1) / TX_EVENTS * TX_EVENTS;
    }

    /** Records in the topics now: the sum of their end offsets, in one request. */
    private long inKafka(List<TopicPartition> topics) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = topics.stream().collect(Collectors.toMap(Function.identity(),
                t -> OffsetSpec.latest()));
        return admin.listOffsets(latest).all().get().values().stream().mapToLong(o -> o.offset()).sum();
    }

    private boolean slotActive(String slot) throws Exception {
        try (Connection connection = postgres.superuser(db);
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT active FROM pg_replication_slots WHERE slot_name = ?")) {
            statement.setString(1, slot);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** Throws with the trace if the connector or its task failed (a failed run must not just time out). */
    private boolean failed(String name) {
        var status = connect.connectorStatus(name);
        for (var state : status.tasks().isEmpty() ? List.of(status.connector()) : status.tasks()) {
            if ("FAILED".equals(state.state())) {
                throw new AssertionError(name + " failed: " + state.trace());
            }
        }
        return false;
    }

    /** Connector, slot (once released: a slot outlives its connector and keeps WAL), publication, topics. */
    private void cleanUp(String name, List<TopicPartition> topics) throws Exception {
        connect.delete(name);
        Poll.until(Duration.ofSeconds(60), "slot " + name + " to be released", () -> !slotActive(name));
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            try (PreparedStatement drop = connection.prepareStatement(
                    "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ?")) {
                drop.setString(1, name);
                drop.execute();
            }
            statement.execute("DROP PUBLICATION IF EXISTS \"" + name + "\"");
        }
        for (TopicPartition topic : topics) {
            connect.deleteTopic(topic.topic());
        }
    }

    private void record(String contender, Result result) {
        results.computeIfAbsent(contender, k -> new ArrayList<>()).add(result);
        Latency l = result.latency();
        say(String.format("%-52s backlog %,9.0f events/s", contender, result.eventsPerSecond())
                + (l == null ? "" : String.format(" (drained in %.1f s); load %,.0f events/s, %.0f tx/s: p50 %d ms, "
                + "p99 %d ms, max %d ms", result.drainSeconds(), l.eventsPerSecond(), l.txPerSecond(), l.p50(), l.p99(),
                l.max())));
    }

    private static double median(List<Result> runs, Function<Result, Double> value) {
        double[] values = runs.stream().mapToDouble(value::apply).sorted().toArray();
        return values[values.length / 2];
    }

    private static String latency(List<Result> runs, Function<Latency, Double> value) {
        return runs.get(0).latency() == null ? "–" : String.format("%.0f", median(runs, r -> value.apply(r.latency())));
    }

    private void report(double seconds, String loadBefore) throws Exception {
        double debezium = median(results.get(DEBEZIUM), Result::eventsPerSecond);
        StringBuilder table = new StringBuilder("| contender | events/s draining a backlog (median of " + ROUNDS + ") "
                + "| all rounds | × Debezium | latency p50 ms | p99 ms | max ms | events/s under load "
                + "| s to drain |\n|---|---:|---|---:|---:|---:|---:|---:|---:|\n");
        results.forEach((contender, runs) -> {
            boolean streamed = runs.get(0).latency() != null;
            table.append(String.format("| %s | %,.0f | %s | %.2f | %s | %s | %s | %s | %s |%n",
                    contender, median(runs, Result::eventsPerSecond),
                    runs.stream().map(r -> String.format("%,.0f", r.eventsPerSecond())).toList(),
                    median(runs, Result::eventsPerSecond) / debezium,
                    latency(runs, l -> (double) l.p50()), latency(runs, l -> (double) l.p99()),
                    latency(runs, l -> (double) l.max()), latency(runs, Latency::eventsPerSecond),
                    streamed ? String.format("%.1f", median(runs, Result::drainSeconds)) : "–"));
        });
        List<Result> snapclone = results.get(SNAPCLONE);
        List<Result> dbz = results.get(DEBEZIUM);
        Function<Function<Latency, Double>, Double> ratio = value -> median(snapclone, r -> value.apply(r.latency()))
                / median(dbz, r -> value.apply(r.latency()));
        String ratios = String.format("snapclone / Debezium defaults: backlog events/s × %.2f; latency p50 × %.2f, "
                        + "p99 × %.2f, max × %.2f (lower is better).",
                median(snapclone, Result::eventsPerSecond) / debezium, ratio.apply(l -> (double) l.p50()),
                ratio.apply(l -> (double) l.p99()), ratio.apply(l -> (double) l.max()));
        String text = String.format("Streaming: one PostgreSQL 17 (fsync=off; writers use synchronous_commit=on), broker and "
                + "Connect worker in one JVM on %d cores; JsonConverter without schemas; pgbench tables at scale %d "
                + "(%,d accounts); tombstones.on.delete=false in both; pgoutput, one slot and publication (filtered) "
                + "per run; Debezium with snapshot.mode=no_data, snapclone with snapshot.mode=never.%n%n"
                + "- backlog: %,d row changes (%d%% updates of accounts, %d%% history inserts, %d%% history deletes) in "
                + "transactions of %,d, written by one session while the connector is paused (its slot keeps them); "
                + "events/s from resuming it until every change is in Kafka (end offsets). \"PostgreSQL alone\" is how "
                + "fast that session writes the backlog with no connector and no slot.%n"
                + "- latency: TPC-B-like transactions (3 updates and 1 insert) at %d tx/s from %d paced sessions, %d s "
                + "measured after %d s warm-up; latency = consumer receive time − source.ts_ms (commit time). "
                + "Debezium's defaults include poll.interval.ms=500, which its reader also sleeps whenever the slot "
                + "has nothing new.%n%n%s%n%s%n%nMedians of %d rounds after a warm-up run of each code base; whole "
                + "benchmark %.0f s; machine load average (1/5/15 min) %s before, %s after.%n",
                Runtime.getRuntime().availableProcessors(), SCALE, ACCOUNTS, events(EVENTS),
                100 * TX_UPDATES / TX_EVENTS, 100 * TX_INSERTS / TX_EVENTS, 100 * TX_DELETES / TX_EVENTS, TX_EVENTS,
                TPS, WRITERS, SECONDS, WARMUP_SECONDS, table, ratios, ROUNDS, seconds, loadBefore, loadAverage());
        Path out = Path.of("target/benchmark");
        Files.createDirectories(out);
        Files.writeString(out.resolve("streaming.md"), text);
        say("\n" + text);
        say("written: target/benchmark/streaming.md");
    }
}

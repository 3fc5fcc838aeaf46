package io.snapclone.bench;

import static io.snapclone.bench.BenchData.say;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapclone.pg.snapshot.Chunk;
import io.snapclone.testing.ConnectRest;
import io.snapclone.testing.ConnectWorkerProcess;
import io.snapclone.testing.Poll;
import io.snapclone.testing.TestingConnect;
import io.snapclone.testing.TestingPostgres;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What each kind of restart costs a snapshot-only load: the rows sent twice, as a share of the
 * table, against the bound, what the stopped tasks sent in one {@code offset.flush.interval.ms}
 * (records sent after the last offset commit are sent again). Each kind runs on a Connect cluster
 * of its own (a broker in this JVM, in-process workers or workers in processes of their own, which
 * SIGKILL can kill) loading a table of {@code bench.restart.rows} rows with {@code tasks.max=2};
 * the fault comes when {@code bench.restart.at} of the rows is in the topic.
 */
class RestartCostBenchmark {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ROWS = Integer.getInteger("bench.restart.rows", 1_000_000);
    private static final long FLUSH_MS = Long.getLong("bench.restart.flush.ms", 5_000);
    private static final double FAULT_AT = Double.parseDouble(System.getProperty("bench.restart.at", "0.4"));
    /** How far back from the fault the stopped tasks' rate is measured (broker append times). */
    private static final long RATE_WINDOW_MS = Long.getLong("bench.restart.window.ms", FLUSH_MS);
    /** Comma-separated {@link Kind#id}s to run; all by default. */
    private static final String ONLY = System.getProperty("bench.restart.kinds", "");
    private static final Path WORKER_DIR = Path.of("target/restart-cost");
    private static final String TABLE = "big";

    enum Kind {
        TASK("task restart (`POST /connectors/<c>/tasks/0/restart`)", 1, 0),
        CONNECTOR("REST restart of the connector with its tasks (`POST /connectors/<c>/restart?includeTasks=true`)", 1, 0),
        STOP("the worker running the connector stopped gracefully (one of two workers)", 2, 0),
        KILL_ONE("SIGKILL of the worker running the connector (one of two worker processes)", 0, 2),
        KILL_ONLY("SIGKILL of the only worker (a new one started)", 0, 1),
        POSTGRES("PostgreSQL restart (crash: `pg_ctl stop -m immediate`, then start)", 1, 0);

        final String label;
        final int inProcessWorkers;
        final int processWorkers;

        Kind(String label, int inProcessWorkers, int processWorkers) {
            this.label = label;
            this.inProcessWorkers = inProcessWorkers;
            this.processWorkers = processWorkers;
        }

        String id() {
            return name().toLowerCase().replace('_', '-');
        }
    }

    /** One kind's outcome. */
    record Result(Kind kind, long records, long distinct, boolean complete, long inTopicAtFault, double stoppedRate,
                  String stoppedTasks, boolean retaken, boolean sameSnapshot, double secondsToComplete,
                  String placement) {
        long resent() {
            return records - ROWS;
        }

        long bound() {
            return Math.round(stoppedRate * FLUSH_MS / 1000.0);
        }
    }

    @Test
    void run() throws Exception {
        Files.createDirectories(WORKER_DIR);
        TestingPostgres shared = TestingPostgres.shared();
        String db = shared.createDatabase("restartcost");
        shared.createTable(db, "public." + TABLE, ROWS);
        List<Result> results = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            if (!ONLY.isEmpty() && !Arrays.asList(ONLY.split(",")).contains(kind.id())) {
                continue;
            }
            Result result;
            if (kind == Kind.POSTGRES) {
                TestingPostgres own = TestingPostgres.start(Map.of());
                try {
                    String ownDb = own.createDatabase("restartcost");
                    own.createTable(ownDb, "public." + TABLE, ROWS);
                    result = run(kind, own, ownDb);
                } finally {
                    own.close();
                }
            } else {
                result = run(kind, shared, db);
            }
            results.add(result);
            say(String.format("%s: %,d records, %,d re-sent (%.2f%%), bound %,d, retaken %s, same snapshot %s",
                    kind.id(), result.records(), result.resent(), 100.0 * result.resent() / ROWS, result.bound(),
                    result.retaken(), result.sameSnapshot()));
        }
        String report = report(results);
        Path out = Path.of("target/benchmark");
        Files.createDirectories(out);
        Files.writeString(out.resolve("restart-cost.md"), report);
        say("\n" + report);
        say("written: target/benchmark/restart-cost.md");
        for (Result result : results) {
            assertTrue(result.complete(), result.kind().id() + ": the load is incomplete (" + result.distinct() + " of "
                    + ROWS + " rows)");
        }
    }

    private Result run(Kind kind, TestingPostgres postgres, String db) throws Exception {
        String name = "rc-" + kind.id();
        Map<String, String> workerSettings = Map.of("offset.flush.interval.ms", Long.toString(FLUSH_MS),
                // A worker that left gets its work reassigned after this delay (5 minutes by default).
                "scheduled.rebalance.max.delay.ms", "2000");
        TestingConnect connect = TestingConnect.start(kind.inProcessWorkers, workerSettings);
        List<ConnectWorkerProcess> processes = new ArrayList<>();
        SideWriter writer = null;
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(connect);
             Admin admin = connect.admin()) {
            for (int i = 0; i < kind.processWorkers; i++) {
                processes.add(startProcess(connect, kind, i));
            }
            ConnectRest rest = rest(connect, processes);
            // Records carry the time the broker appended them: the rate is what reached Kafka, which is
            // what a restart can send twice (records still in the producer's buffer were never sent).
            Map<String, String> config = TestingConnect.connectorConfig(postgres.connectorConfig(db), name, 2,
                    Map.of("table.include.list", "public\\." + TABLE,
                            "topic.creation.default.message.timestamp.type", "LogAppendTime"));
            rest.deploy(name, config);
            List<Map<String, String>> plan = Poll.until(Duration.ofSeconds(120), "the plan", () -> {
                List<Map<String, String>> configs = rest.taskConfigs(name);
                return configs.size() == 2 && !configs.get(0).getOrDefault("task.snapshot.fingerprint", "").isEmpty()
                        ? configs : null;
            });
            String fingerprint = plan.get(0).get("task.snapshot.fingerprint");
            writer = new SideWriter(postgres, db);
            TopicPartition topic = new TopicPartition(name + ".public." + TABLE, 0);
            long threshold = (long) (ROWS * FAULT_AT);
            // Also after a first offset commit, so that a fault does not find nothing committed yet.
            Poll.until(Duration.ofMinutes(10), FAULT_AT + " of the rows in the topic and an offset commit", () -> {
                long inTopic = endOffset(admin, topic);
                if (inTopic >= ROWS) {
                    throw new AssertionError("the load ended before the fault: more rows (bench.restart.rows) or a "
                            + "shorter bench.restart.flush.ms");
                }
                return inTopic >= threshold && rest.committedRows(name) > 0;
            });
            JsonNode status = rest.status(name);
            String placement = placement(status);
            String connectorWorker = status.path("connector").path("worker_id").asText();
            List<Integer> stoppedTasks = kind == Kind.TASK ? List.of(0) : List.of(0, 1);
            long faultMs = System.currentTimeMillis();
            long inTopicAtFault = endOffset(admin, topic);
            say(kind.id() + ": fault with " + inTopicAtFault + " rows in the topic; " + placement);
            ConnectRest after = fault(kind, name, connect, processes, postgres, rest, connectorWorker);
            Poll.until(Duration.ofMinutes(10), "snapshot.completed after the fault", () -> {
                Thread.sleep(400);
                return events(connect, name).stream().anyMatch(e -> "snapshot.completed".equals(e.path("event").asText()));
            });
            double secondsToComplete = (System.currentTimeMillis() - faultMs) / 1000.0;
            List<JsonNode> events = events(connect, name);
            boolean retaken = events.stream().anyMatch(e -> "snapshot.retaken".equals(e.path("event").asText()));
            boolean sameSnapshot = !retaken && events.stream().filter(e -> e.hasNonNull("snapshot"))
                    .allMatch(e -> fingerprint.equals(e.get("snapshot").asText()));
            Scan scan = scan(consumer, topic, idRanges(postgres, db, plan, stoppedTasks), faultMs);
            after.delete(name);
            return new Result(kind, scan.records, scan.distinct, scan.complete, inTopicAtFault, scan.rate,
                    stoppedTasks.toString(), retaken, sameSnapshot, secondsToComplete, placement);
        } finally {
            if (writer != null) {
                writer.close();
            }
            for (ConnectWorkerProcess process : processes) {
                process.close();
            }
            connect.stop();
        }
    }

    /** Applies the fault; returns a REST client of a worker that is still there. */
    private ConnectRest fault(Kind kind, String name, TestingConnect connect, List<ConnectWorkerProcess> processes,
                              TestingPostgres postgres, ConnectRest rest, String connectorWorker) {
        switch (kind) {
            case TASK -> rest.restartTask(name, 0);
            case CONNECTOR -> rest.restartConnectorAndTasks(name);
            case STOP -> {
                connect.stopWorker(connectorWorker);
            }
            case KILL_ONE -> {
                ConnectWorkerProcess dying = processes.stream().filter(p -> p.workerId().equals(connectorWorker))
                        .findFirst().orElseThrow(() -> new AssertionError("the connector runs on " + connectorWorker
                                + ", not on a worker process: " + processes));
                dying.kill();
                processes.remove(dying);
            }
            case KILL_ONLY -> {
                processes.get(0).kill();
                processes.remove(0);
                processes.add(startProcess(connect, kind, 1));
            }
            case POSTGRES -> postgres.crashRestart();
        }
        return rest(connect, processes);
    }

    private static ConnectWorkerProcess startProcess(TestingConnect connect, Kind kind, int index) {
        return ConnectWorkerProcess.start(kind.id() + "-worker-" + index, connect.joiningWorkerProps(), WORKER_DIR, "1g");
    }

    private static ConnectRest rest(TestingConnect connect, List<ConnectWorkerProcess> processes) {
        if (!processes.isEmpty()) {
            return processes.get(0).rest();
        }
        return connect.rest();
    }

    /** Where the connector and its tasks run, e.g. {@code connector on :4711, task 0 on :4711, task 1 on :4712}. */
    private static String placement(JsonNode status) {
        StringBuilder text = new StringBuilder("connector on " + port(status.path("connector").path("worker_id").asText()));
        for (JsonNode task : status.path("tasks")) {
            text.append(", task ").append(task.path("id").asInt()).append(" on ").append(port(task.path("worker_id").asText()));
        }
        return text.toString();
    }

    private static String port(String workerId) {
        return workerId.substring(workerId.lastIndexOf(':'));
    }

    /** The id ranges of the chunks the stopped tasks were given (ids ascend with ctid in this table). */
    private static List<long[]> idRanges(TestingPostgres postgres, String db, List<Map<String, String>> plan,
                                         List<Integer> tasks) throws Exception {
        List<long[]> ranges = new ArrayList<>();
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            for (int task : tasks) {
                for (Chunk chunk : Chunk.decodeAll(plan.get(task).get("task.chunks"))) {
                    String where = chunk.ctidPredicate();
                    try (ResultSet rs = statement.executeQuery("SELECT min(id), max(id) FROM " + TABLE
                            + (where.isEmpty() ? "" : " WHERE " + where))) {
                        rs.next();
                        ranges.add(new long[] {rs.getLong(1), rs.getLong(2)});
                    }
                }
            }
        }
        return ranges;
    }

    /** What the topic holds: records, distinct ids, and the stopped tasks' rate just before the fault. */
    record Scan(long records, long distinct, boolean complete, double rate) {
    }

    private static Scan scan(KafkaConsumer<byte[], byte[]> consumer, TopicPartition topic, List<long[]> stoppedIds,
                             long faultMs) throws Exception {
        long end = consumer.endOffsets(List.of(topic)).get(topic);
        consumer.assign(List.of(topic));
        consumer.seekToBeginning(List.of(topic));
        BitSet seen = new BitSet(ROWS + 1);
        long records = 0;
        long foreign = 0;
        long inWindow = 0;
        long first = Long.MAX_VALUE;
        while (consumer.position(topic) < end) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofSeconds(1))) {
                records++;
                long id = JSON.readTree(record.key()).get("id").asLong();
                if (id < 1 || id > ROWS) {
                    foreign++;
                } else {
                    seen.set((int) id);
                }
                first = Math.min(first, record.timestamp());
                if (record.timestamp() >= faultMs - RATE_WINDOW_MS && record.timestamp() < faultMs
                        && stoppedIds.stream().anyMatch(r -> id >= r[0] && id <= r[1])) {
                    inWindow++;
                }
            }
        }
        long window = Math.max(1, Math.min(RATE_WINDOW_MS, faultMs - first));
        long distinct = seen.cardinality();
        return new Scan(records, distinct, distinct == ROWS && foreign == 0, inWindow * 1000.0 / window);
    }

    private static long endOffset(Admin admin, TopicPartition topic) throws Exception {
        if (!admin.listTopics().names().get().contains(topic.topic())) {
            return 0;
        }
        return admin.listOffsets(Map.of(topic, OffsetSpec.latest())).partitionResult(topic).get().offset();
    }

    /** The progress topic's events, in order. */
    private static List<JsonNode> events(TestingConnect connect, String prefix) throws Exception {
        List<JsonNode> events = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : connect.readAll(true, prefix + ".snapclone.progress")) {
            events.add(JSON.readTree(record.value()));
        }
        return events;
    }

    private static KafkaConsumer<byte[], byte[]> consumer(TestingConnect connect) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, connect.bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10000",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"));
    }

    private static String report(List<Result> results) {
        StringBuilder text = new StringBuilder(String.format(
                "Restart cost, %s: %,d rows (`id bigint PRIMARY KEY, v text`, 40 characters), `snapshot.mode=initial_only`, "
                + "`tasks.max=2`, `offset.flush.interval.ms=%d` on every worker, the fault once %.0f%% of the rows "
                + "is in the topic and offsets were committed; a transaction into another table every 100 ms; %d cores. Bound: the stopped tasks' rate over the %d ms before the fault (records "
                + "appended to the topic: `LogAppendTime`) × the flush interval.%n%n"
                + "| restart kind | rows | records | re-sent | re-sent, %% of table | bound (rows in one flush interval) "
                + "| bound, %% of table | within bound? | same snapshot re-imported? | in topic at the fault "
                + "| s from fault to `snapshot.completed` |%n"
                + "|---|---:|---:|---:|---:|---:|---:|---|---|---:|---:|%n",
                LocalDate.now(), ROWS, FLUSH_MS, FAULT_AT * 100, Runtime.getRuntime().availableProcessors(),
                RATE_WINDOW_MS));
        for (Result r : results) {
            text.append(String.format("| %s | %,d | %,d | %,d | %.2f%% | %,d (tasks %s at %,.0f rows/s) | %.1f%% | %s | %s "
                            + "| %,d | %.1f |%n",
                    r.kind().label, ROWS, r.records(), r.resent(), 100.0 * r.resent() / ROWS, r.bound(),
                    r.stoppedTasks(), r.stoppedRate(), 100.0 * r.bound() / ROWS,
                    !r.complete() ? "load incomplete (" + r.distinct() + " ids)" : r.resent() <= r.bound() ? "yes"
                            : String.format("no (+%,d)", r.resent() - r.bound()),
                    r.sameSnapshot() ? "yes" : r.retaken() ? "no: a new one (`snapshot.retaken`)"
                            : "no: a new one (fingerprint changed)",
                    r.inTopicAtFault(), r.secondsToComplete()));
        }
        text.append("\nWhere the work ran just before the fault (REST status, by port):\n\n");
        Map<String, String> placements = new LinkedHashMap<>();
        results.forEach(r -> placements.put(r.kind().id(), r.placement()));
        placements.forEach((kind, placement) -> text.append("- ").append(kind).append(": ").append(placement).append('\n'));
        return text.toString();
    }
}

package io.snapclone.bench;

import io.snapclone.connect.SnapcloneSourceConnector;
import io.snapclone.connect.SnapcloneSourceTask;
import io.snapclone.testing.TestingConnect;
import io.snapclone.testing.TestingPostgres;

import org.apache.kafka.connect.source.SourceConnectorContext;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static io.snapclone.bench.BenchData.ROUNDS;
import static io.snapclone.bench.BenchData.say;

/**
 * The connector's own cost, with no converter, producer or broker: tasks are started and their
 * {@code poll()} drained directly in this JVM (no Connect worker runs in it), for snapclone and for
 * Debezium's PostgreSQL task alike. Reports rows/s and CPU-seconds per million rows of this JVM
 * (the connector's threads, the JDBC driver, GC) and of the PostgreSQL server's processes.
 */
class ConnectorCostBenchmark {
    /** Four times the other benchmarks' data by default: without a pipeline, a load is over in about a second. */
    private static final BenchData DATA = new BenchData(Integer.getInteger("bench.cost.scale", 4 * BenchData.SCALE));
    private static final long ROWS = DATA.rows();
    private static final long DEADLINE_NANOS = 10L * 60 * 1_000_000_000L;

    private final TestingPostgres postgres = TestingPostgres.shared();
    private final Map<String, List<Cost>> results = new LinkedHashMap<>();
    private String db;
    private ServerCpu serverCpu;
    private int run;

    @Test
    void run() throws Exception {
        db = postgres.createDatabase("cost");
        DATA.load(postgres, db);
        serverCpu = new ServerCpu(postgres, db);
        say("connector cost alone: " + String.format("%,d", ROWS) + " rows, poll() drained directly, " + ROUNDS + " rounds");
        say("warm-up: snapclone " + snapclone(1) + "; Debezium " + debezium());
        for (int round = 1; round <= ROUNDS; round++) {
            record("snapclone, 1 task", snapclone(1));
            record("snapclone, 2 tasks", snapclone(2));
            record("Debezium 3.7, 1 task", debezium());
        }
        report();
    }

    private Cost snapclone(int tasks) throws Exception {
        String prefix = "costsc" + (++run);
        Map<String, String> config = TestingConnect.connectorConfig(postgres.superuserConnectorConfig(db), prefix, tasks,
                Map.of("table.include.list", BenchData.TABLES, "name", prefix));
        return measure(prefix, () -> {
            SnapcloneSourceConnector connector = new SnapcloneSourceConnector();
            connector.initialize(new NoConnectorContext());
            connector.start(config);
            List<SourceTask> started = new ArrayList<>();
            for (Map<String, String> taskConfig : connector.taskConfigs(tasks)) {
                started.add(start(new SnapcloneSourceTask(), taskConfig));
            }
            return new Running(started, connector::stop);
        });
    }

    private Cost debezium() throws Exception {
        String prefix = "costdbz" + (++run);
        Map<String, String> config = LoadRuns.debeziumSnapshot(postgres, db, prefix);
        config.put("name", prefix);
        try {
            return measure(prefix, () -> new Running(List.of(start(newDebeziumTask(), config)), () -> { }));
        } finally {
            LoadRuns.dropSlotAndPublication(postgres, db, prefix);
        }
    }

    private static SourceTask newDebeziumTask() {
        try {
            return (SourceTask) Class.forName("io.debezium.connector.postgresql.PostgresConnectorTask")
                    .getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Debezium is on the classpath only with -Pbench", e);
        }
    }

    private static SourceTask start(SourceTask task, Map<String, String> config) {
        task.initialize(new FreshTaskContext(config));
        task.start(config);
        return task;
    }

    /**
     * Starts the contender and drains every task's poll() on a thread of its own until all rows
     * arrived; times it and takes the CPU of this JVM and of PostgreSQL over the same span.
     */
    private Cost measure(String prefix, Supplier<Running> contender) throws Exception {
        long cpuBefore = jvmCpuNanos();
        long serverBefore = serverCpu.nanos();
        long start = System.nanoTime();
        Running running = contender.get();
        AtomicLong rows = new AtomicLong();
        List<Thread> drains = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        for (SourceTask task : running.tasks()) {
            Thread drain = new Thread(() -> {
                try {
                    while (rows.get() < ROWS && System.nanoTime() - start < DEADLINE_NANOS) {
                        List<SourceRecord> batch = task.poll();
                        if (batch != null) {
                            rows.addAndGet(tableRows(prefix, batch));
                        }
                    }
                } catch (Throwable e) {
                    synchronized (failures) {
                        failures.add(e);
                    }
                }
            }, prefix + "-drain");
            drains.add(drain);
            drain.start();
        }
        for (Thread drain : drains) {
            drain.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long cpu = jvmCpuNanos() - cpuBefore;
        long postgresCpu = serverCpu.nanos() - serverBefore;
        running.tasks().forEach(SourceTask::stop);
        running.stopConnector().run();
        if (!failures.isEmpty()) {
            throw new AssertionError(prefix + " failed", failures.get(0));
        }
        if (rows.get() != ROWS) {
            throw new AssertionError(prefix + ": " + rows.get() + " of " + ROWS + " rows");
        }
        return new Cost(ROWS / seconds, cpu / 1e9 / (ROWS / 1e6), postgresCpu / 1e9 / (ROWS / 1e6));
    }

    /** Rows of the two tables in a batch (not progress events or other records). */
    private static long tableRows(String prefix, List<SourceRecord> batch) {
        String accounts = prefix + ".public.pgbench_accounts";
        String wide = prefix + ".public.wide";
        long rows = 0;
        for (SourceRecord record : batch) {
            if (record.value() != null && (record.topic().equals(accounts) || record.topic().equals(wide))) {
                rows++;
            }
        }
        return rows;
    }

    private static long jvmCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private void record(String contender, Cost cost) {
        results.computeIfAbsent(contender, k -> new ArrayList<>()).add(cost);
        say(String.format("%-28s %s", contender, cost));
    }

    private void report() throws Exception {
        Map<String, Cost> medians = new LinkedHashMap<>();
        results.forEach((contender, costs) -> medians.put(contender, Cost.median(costs)));
        Cost debezium = medians.get("Debezium 3.7, 1 task");
        StringBuilder text = new StringBuilder(String.format("Connector cost alone: %,d rows (pgbench_accounts + wide), "
                + "tasks' poll() drained directly, no converter/producer/broker; median of %d rounds; %d cores.%n%n",
                ROWS, ROUNDS, Runtime.getRuntime().availableProcessors()));
        text.append("| contender | rows/s | connector JVM CPU-s per M rows | PostgreSQL CPU-s per M rows "
                + "| rows/s × Debezium | Debezium's JVM CPU per row ÷ this |\n|---|---:|---:|---:|---:|---:|\n");
        medians.forEach((contender, cost) -> text.append(String.format("| %s | %,.0f | %.2f | %.2f | %.2f | %.2f |%n",
                contender, cost.rowsPerSecond(), cost.jvmCpuPerMillion(), cost.serverCpuPerMillion(),
                cost.rowsPerSecond() / debezium.rowsPerSecond(), debezium.jvmCpuPerMillion() / cost.jvmCpuPerMillion())));
        text.append("\nAll rounds (rows/s): ");
        results.forEach((contender, costs) -> text.append(contender).append(' ')
                .append(costs.stream().map(c -> String.format("%,.0f", c.rowsPerSecond())).toList()).append("; "));
        text.append('\n');
        Path out = Path.of("target/benchmark");
        Files.createDirectories(out);
        Files.writeString(out.resolve("connector-cost.md"), text);
        say("\n" + text);
        say("written: target/benchmark/connector-cost.md");
    }

    record Cost(double rowsPerSecond, double jvmCpuPerMillion, double serverCpuPerMillion) {
        /** Each figure's own median: the rounds are noisy independently. */
        static Cost median(List<Cost> costs) {
            return new Cost(middle(costs.stream().map(Cost::rowsPerSecond).toList()),
                    middle(costs.stream().map(Cost::jvmCpuPerMillion).toList()),
                    middle(costs.stream().map(Cost::serverCpuPerMillion).toList()));
        }

        private static double middle(List<Double> values) {
            return values.stream().sorted().toList().get(values.size() / 2);
        }

        @Override
        public String toString() {
            return String.format("%,10.0f rows/s, JVM %.2f CPU-s/M rows, PostgreSQL %.2f CPU-s/M rows",
                    rowsPerSecond, jvmCpuPerMillion, serverCpuPerMillion);
        }
    }

    private record Running(List<SourceTask> tasks, Runnable stopConnector) {
    }

    /**
     * CPU time of the benchmark's PostgreSQL server: the postmaster and its children, including
     * backends that exited (the postmaster's cutime/cstime, once it reaped them).
     */
    private static final class ServerCpu {
        private static final double NANOS_PER_TICK = 1e9 / 100; // USER_HZ is 100 on Linux
        private final String postmaster;

        ServerCpu(TestingPostgres postgres, String db) throws Exception {
            try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement();
                 ResultSet rs = statement.executeQuery("SHOW data_directory")) {
                rs.next();
                postmaster = Files.readAllLines(Path.of(rs.getString(1), "postmaster.pid")).get(0).trim();
            }
        }

        long nanos() throws Exception {
            long ticks = 0;
            try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
                for (Path process : processes.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                    String[] fields;
                    try {
                        String stat = Files.readString(process.resolve("stat"));
                        // After "(comm) ": state, ppid, ... utime is the 12th, stime, cutime, cstime follow.
                        fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    } catch (Exception gone) {
                        continue;
                    }
                    boolean isPostmaster = process.getFileName().toString().equals(postmaster);
                    if (isPostmaster || fields[1].equals(postmaster)) {
                        ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                        if (isPostmaster) {
                            ticks += Long.parseLong(fields[13]) + Long.parseLong(fields[14]);
                        }
                    }
                }
            }
            return (long) (ticks * NANOS_PER_TICK);
        }
    }

    /** The connector's context outside a worker: no offsets, and reconfiguration has nobody to go to. */
    private static final class NoConnectorContext implements SourceConnectorContext {
        @Override
        public void requestTaskReconfiguration() {
        }

        @Override
        public void raiseError(Exception e) {
            throw new IllegalStateException(e);
        }

        @Override
        public OffsetStorageReader offsetStorageReader() {
            return new NoOffsets();
        }
    }

    /** A task context with no committed offsets: every contender starts from scratch. */
    private record FreshTaskContext(Map<String, String> configs) implements SourceTaskContext {
        @Override
        public OffsetStorageReader offsetStorageReader() {
            return new NoOffsets();
        }
    }

    private static final class NoOffsets implements OffsetStorageReader {
        @Override
        public <T> Map<String, Object> offset(Map<String, T> partition) {
            return null;
        }

        @Override
        public <T> Map<Map<String, T>, Map<String, Object>> offsets(Collection<Map<String, T>> partitions) {
            return new HashMap<>();
        }
    }
}

package io.snapclone.bench;

import io.snapclone.testing.InMemorySchemaResolver;
import io.snapclone.testing.TestingConnect;
import io.snapclone.testing.TestingPostgres;

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

    /**
     * The converter and producer variants run on a smaller copy of the data set (the slow converters
     * take 5× as long per row): their table compares contenders within a variant.
     */
    private static final BenchData VARIANT_DATA = new BenchData(Integer.getInteger("bench.variants.scale",
            Math.max(1, BenchData.SCALE / 5)));
    /** Producer settings of the tuned runs, one run per ;-separated set: -Dbench.tuned=key=value,...;... */
    private static final String TUNED = System.getProperty("bench.tuned", "batch.size=262144,linger.ms=20,compression.type=lz4");
    /** The worker's default: JsonConverter without schemas, the producer's defaults. */
    private static final String BASELINE = "JSON without schemas";
    private static final String VARIANT_BASELINE = BASELINE + ", on this smaller data set";

    private final TestingPostgres postgres = TestingPostgres.shared();
    private final TestingConnect connect = TestingConnect.shared();
    /** variant (converter and producer settings) → contender → rows/s of each round. */
    private final Map<String, Map<String, List<Double>>> results = new LinkedHashMap<>();
    /** Bytes per row in Kafka of the baseline's contenders, for MB/s. */
    private final Map<String, Double> bytesPerRow = new HashMap<>();
    private String db;
    private LoadRuns runs;
    private LoadRuns variantRuns;

    @Test
    void run() throws Exception {
        db = postgres.createDatabase("bench");
        long bytes = DATA.load(postgres, db);
        runs = new LoadRuns(postgres, connect, db, DATA);
        String variantDb = postgres.createDatabase("bench_variants");
        VARIANT_DATA.load(postgres, variantDb);
        variantRuns = new LoadRuns(postgres, connect, variantDb, VARIANT_DATA);
        say(String.format("data: pgbench_accounts %,d rows + wide %,d rows (%,d MB on disk); %d rounds",
                ACCOUNTS, WIDE, bytes >> 20, ROUNDS));
        // Round 0 warms the JIT, the broker and the worker up; its numbers are not kept.
        say("warm-up: " + String.format("%,.0f / %,.0f / %,.0f rows/s", runs.ceiling(4, Map.of()).rowsPerSecond(),
                runs.snapclone(2, Map.of()).rowsPerSecond(), runs.debezium(Map.of()).rowsPerSecond()));
        for (int round = 1; round <= ROUNDS; round++) {
            record(BASELINE, "PostgreSQL COPY, 1 session", copyCeiling(1));
            record(BASELINE, "PostgreSQL COPY, 4 sessions", copyCeiling(4));
            record(BASELINE, "pipeline ceiling, 1 task", runs.ceiling(1, Map.of()));
            record(BASELINE, "pipeline ceiling, 4 tasks", runs.ceiling(4, Map.of()));
            for (int tasks : new int[] {1, 2, 4}) {
                record(BASELINE, "snapclone, tasks.max=" + tasks, runs.snapclone(tasks, Map.of()));
            }
            record(BASELINE, "Debezium 3.7, defaults", runs.debezium(Map.of()));
            record(BASELINE, "Debezium 3.7, snapshot.max.threads=4", runs.debezium(Map.of("snapshot.max.threads", "4")));
            // Converters on the smaller data set, producer settings on the full one (their gain is per row,
            // and on a short run the connector's start would hide it).
            for (Map.Entry<String, Map<String, String>> variant : converterVariants().entrySet()) {
                runVariant(variant.getKey(), variant.getValue(), variantRuns);
            }
            for (Map.Entry<String, Map<String, String>> variant : producerVariants().entrySet()) {
                runVariant(variant.getKey(), variant.getValue(), runs);
            }
            say("round " + round + " done");
        }
        report();
    }

    private void runVariant(String name, Map<String, String> settings, LoadRuns on) throws Exception {
        record(name, "pipeline ceiling, 1 task", on.ceiling(1, settings));
        record(name, "snapclone, tasks.max=1", on.snapclone(1, settings));
        record(name, "Debezium 3.7, defaults", on.debezium(settings));
    }

    /** Connector-level converter settings, the same for every contender of a variant. */
    private static Map<String, Map<String, String>> converterVariants() {
        Map<String, String> jsonWithSchemas = new HashMap<>();
        Map<String, String> avro = new HashMap<>();
        for (String side : List.of("key", "value")) {
            jsonWithSchemas.put(side + ".converter", "org.apache.kafka.connect.json.JsonConverter");
            jsonWithSchemas.put(side + ".converter.schemas.enable", "true");
            jsonWithSchemas.put(side + ".converter.decimal.format", "NUMERIC");
            avro.put(side + ".converter", "io.apicurio.registry.utils.converter.AvroConverter");
            avro.put(side + ".converter.apicurio.registry.schema-resolver", InMemorySchemaResolver.class.getName());
            avro.put(side + ".converter.apicurio.registry.headers.enabled", "false");
            avro.put(side + ".converter.apicurio.registry.as-confluent", "true");
        }
        Map<String, Map<String, String>> variants = new LinkedHashMap<>();
        variants.put(VARIANT_BASELINE, Map.of());
        variants.put("JSON with schemas", jsonWithSchemas);
        variants.put("Avro (Apicurio converter, in-memory registry)", avro);
        return variants;
    }

    /** Connector-level producer overrides ({@code -Dbench.tuned}), with the worker's JsonConverter. */
    private static Map<String, Map<String, String>> producerVariants() {
        Map<String, Map<String, String>> variants = new LinkedHashMap<>();
        for (String settings : TUNED.split(";")) {
            Map<String, String> tuned = new HashMap<>();
            for (String setting : settings.split(",")) {
                String[] keyValue = setting.split("=", 2);
                tuned.put("producer.override." + keyValue[0].trim(), keyValue[1].trim());
            }
            variants.put("producer " + settings, tuned);
        }
        return variants;
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

    private void record(String variant, String contender, LoadRuns.Result result) {
        if (variant.equals(BASELINE)) {
            bytesPerRow.put(contender, result.bytesPerRow());
        }
        record(variant, contender, result.rowsPerSecond());
    }

    private void record(String variant, String contender, double rowsPerSecond) {
        results.computeIfAbsent(variant, k -> new LinkedHashMap<>()).computeIfAbsent(contender, k -> new ArrayList<>())
                .add(rowsPerSecond);
        say(String.format("%-40s %-40s %,12.0f rows/s", variant, contender, rowsPerSecond));
    }

    private static double median(List<Double> rates) {
        return rates.stream().sorted().toList().get(rates.size() / 2);
    }

    private void report() throws Exception {
        Map<String, List<Double>> baseline = results.get(BASELINE);
        Map<String, Double> medians = new LinkedHashMap<>();
        baseline.forEach((contender, rates) -> medians.put(contender, median(rates)));
        List<Double> debezium = baseline.get("Debezium 3.7, defaults");
        // The ceiling is the better of its two runs in each round: more tasks can help or hurt on few cores.
        List<Double> ceiling1 = baseline.get("pipeline ceiling, 1 task");
        List<Double> ceiling4 = baseline.get("pipeline ceiling, 4 tasks");
        List<Double> pipeline = new ArrayList<>();
        for (int round = 0; round < ceiling1.size(); round++) {
            pipeline.add(Math.max(ceiling1.get(round), ceiling4.get(round)));
        }
        List<Double> copy = baseline.get("PostgreSQL COPY, 4 sessions");
        StringBuilder table = new StringBuilder("| contender | rows/s (median of " + ROUNDS + ") | MB/s into Kafka | "
                + "all rounds | × Debezium defaults | ÷ pipeline ceiling (best) | ÷ COPY, 4 sessions |\n"
                + "|---|---:|---:|---|---:|---:|---:|\n");
        medians.forEach((contender, median) -> table.append(String.format("| %s | %,.0f | %s | %s | %.2f | %.0f%% | %.0f%% |%n",
                contender, median, bytesPerRow.containsKey(contender)
                        ? String.format("%.1f", median * bytesPerRow.get(contender) / 1e6) : "—",
                rounds(baseline.get(contender)), ratio(baseline.get(contender), debezium),
                100 * ratio(baseline.get(contender), pipeline), 100 * ratio(baseline.get(contender), copy))));
        StringBuilder converters = variantTable(converterVariants().keySet());
        StringBuilder producers = variantTable(producerVariants().keySet());
        long heapPeak = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .map(MemoryPoolMXBean::getPeakUsage).mapToLong(u -> u.getUsed()).max().orElse(0);
        String rss = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmHWM"))
                .findFirst().orElse("VmHWM: ?").replaceAll("\\s+", " ");
        String text = String.format("Data: pgbench_accounts %,d rows and wide (numeric, timestamptz, text, jsonb) %,d rows; "
                + "one worker, broker and PostgreSQL in one JVM/machine; %d cores. MB/s: the topics' log size on the "
                + "broker (record batches, uncompressed) over the run's time.%n%n"
                + "Ratios are paired: the median over the rounds of each round's own ratio (the machine's speed "
                + "drifts between rounds more than between neighbouring runs).%n%n"
                + "### %s, producer defaults%n%n%s%n"
                + "### Converters (rows/s, median and rounds; a smaller data set: %,d + %,d rows)%n%n%s%n"
                + "### Producer settings (the full data set, JsonConverter without schemas; compare with the first table)"
                + "%n%n%s%nPeak of the largest heap pool: %d MB; process peak RSS (%s).%n",
                ACCOUNTS, WIDE, Runtime.getRuntime().availableProcessors(), BASELINE, table,
                VARIANT_DATA.accounts(), VARIANT_DATA.wide(), converters, producers, heapPeak >> 20, rss);
        Path out = Path.of("target/benchmark");
        Files.createDirectories(out);
        Files.writeString(out.resolve("results.md"), text);
        BarChart.write(medians, out.resolve("benchmark.png"));
        say("\n" + text);
        say("written: target/benchmark/results.md and target/benchmark/benchmark.png");
    }

    private StringBuilder variantTable(Iterable<String> names) {
        StringBuilder table = new StringBuilder("| variant | pipeline ceiling, 1 task | snapclone, 1 task "
                + "| Debezium 3.7 | snapclone ÷ ceiling | snapclone × Debezium |\n|---|---:|---:|---:|---:|---:|\n");
        for (String variant : names) {
            Map<String, List<Double>> contenders = results.get(variant);
            List<Double> ceiling = contenders.get("pipeline ceiling, 1 task");
            List<Double> snapclone = contenders.get("snapclone, tasks.max=1");
            List<Double> dbz = contenders.get("Debezium 3.7, defaults");
            table.append(String.format("| %s | %,.0f %s | %,.0f %s | %,.0f %s | %.0f%% | %.2f |%n", variant,
                    median(ceiling), rounds(ceiling), median(snapclone), rounds(snapclone), median(dbz), rounds(dbz),
                    100 * ratio(snapclone, ceiling), ratio(snapclone, dbz)));
        }
        return table;
    }

    /** The median of the rounds' own ratios {@code a[round] / b[round]}. */
    private static double ratio(List<Double> a, List<Double> b) {
        List<Double> ratios = new ArrayList<>();
        for (int round = 0; round < a.size(); round++) {
            ratios.add(a.get(round) / b.get(round));
        }
        return median(ratios);
    }

    private static List<String> rounds(List<Double> rates) {
        return rates.stream().map(r -> String.format("%,.0f", r)).toList();
    }
}

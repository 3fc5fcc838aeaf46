package io.snapclone.bench;

import io.snapclone.testing.TestingConnect;
import io.snapclone.testing.TestingPostgres;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.snapclone.bench.BenchData.say;

/**
 * A Connect cluster of two workers: where the tasks of each contender run, and its rate. Both
 * workers share this JVM and machine, so this shows how work spreads, not more CPU: on real
 * machines each worker brings its own (docs/benchmarks.md has the model).
 */
class ScaleOutBenchmark {
    private static final BenchData DATA = new BenchData(BenchData.SCALE);
    /** One round by default: this shows where tasks run; rates are SnapshotBenchmark's business. */
    private static final int ROUNDS = Integer.getInteger("bench.scaleout.rounds", 1);
    private static TestingConnect connect;

    private final TestingPostgres postgres = TestingPostgres.shared();
    private final Map<String, List<LoadRuns.Result>> results = new LinkedHashMap<>();

    @BeforeAll
    static void startTwoWorkers() {
        connect = TestingConnect.start(2);
    }

    @AfterAll
    static void stop() {
        connect.stop();
    }

    @Test
    void run() throws Exception {
        String db = postgres.createDatabase("scaleout");
        DATA.load(postgres, db);
        LoadRuns runs = new LoadRuns(postgres, connect, db, DATA);
        say("two workers: warm-up " + String.format("%,.0f rows/s", runs.snapclone(2, Map.of()).rowsPerSecond()));
        for (int round = 1; round <= ROUNDS; round++) {
            record("pipeline ceiling, 2 tasks", runs.ceiling(2, Map.of()));
            record("snapclone, tasks.max=2", runs.snapclone(2, Map.of()));
            record("snapclone, tasks.max=4", runs.snapclone(4, Map.of()));
            record("Debezium 3.7, defaults", runs.debezium(Map.of()));
        }
        StringBuilder text = new StringBuilder(String.format("Two Connect workers in one cluster (one JVM, %d cores), "
                + "%,d rows, median of %d rounds.%n%n| contender | rows/s | all rounds | tasks per worker |%n"
                + "|---|---:|---|---|%n", Runtime.getRuntime().availableProcessors(), DATA.rows(), ROUNDS));
        results.forEach((contender, rounds) -> {
            List<Double> rates = rounds.stream().map(LoadRuns.Result::rowsPerSecond).sorted().toList();
            text.append(String.format("| %s | %,.0f | %s | %s |%n", contender, rates.get(rates.size() / 2),
                    rounds.stream().map(r -> String.format("%,.0f", r.rowsPerSecond())).toList(),
                    rounds.get(rounds.size() - 1).tasksPerWorker().values().stream().map(String::valueOf)
                            .collect(Collectors.joining(" + "))));
        });
        Path out = Path.of("target/benchmark");
        Files.createDirectories(out);
        Files.writeString(out.resolve("scale-out.md"), text);
        say("\n" + text);
        say("written: target/benchmark/scale-out.md");
    }

    private void record(String contender, LoadRuns.Result result) {
        results.computeIfAbsent(contender, k -> new ArrayList<>()).add(result);
        say(String.format("%-28s %,12.0f rows/s, tasks per worker %s", contender, result.rowsPerSecond(),
                result.tasksPerWorker()));
    }
}

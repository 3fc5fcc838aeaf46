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
import static io.snapclone.bench.BenchData.say;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The reload benchmark ({@code mvn -Pbench verify -Dit.test=ReloadBenchmark}): a table of
 * {@code bench.reload.scale × 100,000} accounts loaded again ("re-snapshotted") through a signal
 * while the connector streams a paced TPC-B-like load, snapclone's incremental reload against
 * Debezium's incremental snapshot of the same table. Per run, one contender on a slot, publication
 * and topics of its own, streaming (Debezium with snapshot.mode=no_data, snapclone with never; see
 * {@link #SNAPCLONE_MODE}):
 * <ol>
 * <li>the load ({@code bench.reload.tps}) runs for {@code bench.reload.baseline} seconds: the
 *     baseline latency of the other tables' changes (consumer receive time − {@code source.ts_ms});</li>
 * <li>an {@code execute-snapshot} signal of type incremental for {@code public.pgbench_accounts} is
 *     inserted into the signal table, and the load goes on until every account has arrived in the
 *     accounts topic as a snapshot row ({@code op} {@code r}): reload seconds from the signal's
 *     commit to the last snapshot row received, and the latency of the other tables' changes
 *     committed in that time.</li>
 * </ol>
 * Medians of {@link BenchData#ROUNDS} rounds go to target/benchmark/reload.md.
 */
class ReloadBenchmark {
    private static final int SCALE = Integer.getInteger("bench.reload.scale", 10);
    private static final BenchData DATA = new BenchData(SCALE);
    private static final long ACCOUNTS = DATA.accounts();
    private static final int TPS = Integer.getInteger("bench.reload.tps", 200);
    private static final int BASELINE_SECONDS = Integer.getInteger("bench.reload.baseline", 10);
    private static final int WRITERS = Integer.getInteger("bench.reload.writers", 2);
    /** A run of each contender before the rounds (JIT, broker, heap sizing) whose numbers are not kept. */
    private static final boolean WARMUP = Boolean.parseBoolean(System.getProperty("bench.reload.warmup", "true"));
    /**
     * snapclone's snapshot.mode: never (streaming only, as Debezium's no_data), or initial (the four
     * tables loaded first, not timed; the reload is timed after).
     */
    private static final String SNAPCLONE_MODE = System.getProperty("bench.reload.snapclone.mode", "never");
    private static final Duration RELOAD_TIMEOUT = Duration.ofMinutes(Long.getLong("bench.reload.timeout.minutes", 15));
    /** After every account has arrived: how long no further snapshot row may come before the reload counts as done. */
    private static final long QUIET_MS = 1_000;
    private static final List<String> TABLES = List.of("pgbench_accounts", "pgbench_tellers", "pgbench_branches",
            "pgbench_history");
    /** The tables whose changes are timed: all but the reloaded one (one change each per transaction). */
    private static final List<String> STREAMED = List.of("pgbench_tellers", "pgbench_branches", "pgbench_history");
    private static final String INCLUDE = "public\\.(" + String.join("|", TABLES) + ")";
    private static final String SIGNAL_TABLE = "public.debezium_signal";
    private static final String SIGNAL = "INSERT INTO public.debezium_signal VALUES ('reload-1', 'execute-snapshot', "
            + "'{\"data-collections\": [\"public.pgbench_accounts\"], \"type\": \"incremental\"}')";
    private static final String SNAPCLONE = "snapclone, tasks.max=2";
    private static final String DEBEZIUM = "Debezium 3.7, defaults";
    private static final List<String> CONTENDERS = List.of(SNAPCLONE, DEBEZIUM);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] OP = "\"op\":\"".getBytes(StandardCharsets.UTF_8);
    private static final byte[] SNAPSHOT = "\"snapshot\":".getBytes(StandardCharsets.UTF_8);

    private final TestingPostgres postgres = TestingPostgres.shared();
    private final TestingConnect connect = TestingConnect.shared();
    private final Map<String, List<Result>> results = new LinkedHashMap<>();
    private final Set<String> publications = new TreeSet<>();
    private TpcbLoad load;
    private Admin admin;
    private String db;
    private int run;

    /**
     * One run's numbers.
     *
     * @param rows the accounts table's rows when the signal was sent
     * @param firstRowSeconds from the signal's commit to the first snapshot row received
     * @param reloadSeconds from the signal's commit to the last snapshot row received
     * @param snapshotRecords records with {@code op} {@code r} in the accounts topic
     * @param snapshotIds distinct accounts among them
     * @param changedInstead accounts that arrived as a change committed after the signal and never as a snapshot row
     * @param markers the {@code source.snapshot} values of the snapshot rows
     * @param baseline latency of the other tables' changes committed before the signal
     * @param during latency of those committed between the signal and the last snapshot row
     * @param txPerSecond the load's rate over the whole run
     */
    record Result(long rows, double firstRowSeconds, double reloadSeconds, long snapshotRecords, long snapshotIds,
                  long changedInstead, String markers, Latency baseline, Latency during, double txPerSecond) {
        double rowsPerSecond() {
            return rows / reloadSeconds;
        }
    }

    record Latency(long p50, long p99, long max, int changes) {
    }

    /** What the accounts topic showed: see {@link Result}; times are epoch ms of the consumer's receipt. */
    record Reloaded(long snapshotRecords, long snapshotIds, long changedInstead, long firstAt, long lastAt,
                    String markers) {
    }

    @Test
    void run() throws Exception {
        // Debezium 3.7's metrics queue (1,000 entries) overflows in bursts and warns once per event.
        Configurator.setLevel("io.debezium.metrics.stats.MeasurementCollector", Level.ERROR);
        db = postgres.createDatabase("reload");
        load();
        admin = connect.admin();
        long started = System.nanoTime();
        String loadBefore = loadAverage();
        say(String.format("reload: pgbench scale %d (%,d accounts) loaded again under a load of %d tx/s (%d writers) "
                + "after %d s of baseline; %d rounds", SCALE, ACCOUNTS, TPS, WRITERS, BASELINE_SECONDS, ROUNDS));
        if (WARMUP) {
            for (String contender : CONTENDERS) {
                Result warm = run(contender);
                say(String.format("warm-up %-28s %,9.0f rows/s", contender, warm.rowsPerSecond()));
            }
        }
        for (int round = 1; round <= ROUNDS; round++) {
            for (String contender : CONTENDERS) {
                record(contender, run(contender));
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

    /** pgbench's four tables, and the signal table. */
    private void load() throws Exception {
        load = new TpcbLoad(postgres, db, DATA, SCALE);
        load.createTables(DATA);
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE public.debezium_signal (id varchar(42) PRIMARY KEY, type varchar(32) NOT NULL, "
                    + "data varchar(2048))");
        }
    }

    /** Deploys a contender streaming only, waits for its slot to be read, times a reload under load, and cleans up. */
    private Result run(String contender) throws Exception {
        String name = (contender.equals(SNAPCLONE) ? "rsc" : "rdbz") + (++run);
        TopicPartition accounts = new TopicPartition(name + ".public.pgbench_accounts", 0);
        List<TopicPartition> streamed = STREAMED.stream().map(t -> new TopicPartition(name + ".public." + t, 0)).toList();
        prepare();
        // Created up front so the consumers can be assigned before the first change; Connect reuses them.
        List<TopicPartition> topics = new ArrayList<>(streamed);
        topics.add(accounts);
        for (TopicPartition topic : topics) {
            connect.createTopic(topic.topic(), 1);
        }
        Poll.until(Duration.ofSeconds(30), "topics of " + name, () -> inKafka(topics) == 0);
        try {
            connect.deploy(name, config(contender, name));
            if (contender.equals(SNAPCLONE) && !SNAPCLONE_MODE.equals("never") && !SNAPCLONE_MODE.equals("no_data")) {
                long loadStart = System.nanoTime();
                Poll.until(Duration.ofMinutes(30), name + "'s first load", () -> !failed(name)
                        && connect.progressEvents(name).contains("snapshot.completed"));
                say(String.format("%s: first load (%s, not timed) done in %.1f s", name, SNAPCLONE_MODE,
                        (System.nanoTime() - loadStart) / 1e9));
            }
            Poll.until(Duration.ofSeconds(120), "slot " + name + " to be active", () -> !failed(name) && slotActive(name));
            publications.add(contender + ": " + publicationTables(name));
            return reload(name, accounts, streamed);
        } finally {
            cleanUp(name);
        }
    }

    /**
     * Every run starts from the same state: earlier runs' dead tuples would slow later writers, and
     * the signal table loses the earlier signals (and Debezium's window marks).
     */
    private void prepare() throws Exception {
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            statement.execute("DELETE FROM public.debezium_signal");
            statement.execute("VACUUM pgbench_accounts, pgbench_tellers, pgbench_branches, pgbench_history, "
                    + "public.debezium_signal");
        }
    }

    private Map<String, String> config(String contender, String name) {
        Map<String, String> config;
        if (contender.equals(SNAPCLONE)) {
            config = TestingConnect.connectorConfig(postgres.superuserConnectorConfig(db), name, 2,
                    Map.of("snapshot.mode", SNAPCLONE_MODE));
        } else {
            // Debezium has one task whatever tasks.max says.
            config = TestingConnect.baseConnectorConfig(name, 1);
            config.putAll(postgres.superuserConnectorConfig(db));
            config.put("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
            config.put("plugin.name", "pgoutput");
            // 3.x has no "never": no_data creates the slot and streams without reading the tables.
            config.put("snapshot.mode", "no_data");
        }
        config.put("slot.name", name);
        config.put("publication.name", name);
        config.put("publication.autocreate.mode", "filtered");
        // Both add the signal table to the table filter themselves (Debezium's RelationalTableFilters does), so its
        // filtered publication has it: Debezium reads its incremental snapshot's window marks back from the stream.
        config.put("table.include.list", INCLUDE);
        config.put("signal.data.collection", SIGNAL_TABLE);
        // One record per row change in both: no tombstone after a delete.
        config.put("tombstones.on.delete", "false");
        return config;
    }

    /** The tables of the publication a contender made (filtered): the signal table must be among them. */
    private String publicationTables(String publication) throws Exception {
        try (Connection connection = postgres.superuser(db);
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT string_agg(schemaname || '.' || tablename, ', ' ORDER BY tablename) FROM "
                             + "pg_publication_tables WHERE pubname = ?")) {
            statement.setString(1, publication);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                String tables = rs.getString(1);
                if (tables == null || !tables.contains("debezium_signal")) {
                    throw new AssertionError(publication + ": the signal table is not in the publication: " + tables);
                }
                return tables;
            }
        }
    }

    /**
     * The load from the start: {@code BASELINE_SECONDS} of it, then the signal, then on until every
     * account is in the accounts topic; the consumer of the other tables times every change meanwhile.
     */
    private Result reload(String name, TopicPartition accounts, List<TopicPartition> streamed) throws Exception {
        long rows;
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT count(*) FROM pgbench_accounts")) {
            rs.next();
            rows = rs.getLong(1);
        }
        AtomicBoolean loading = new AtomicBoolean(true);
        AccountsWatch watch = new AccountsWatch(accounts, rows);
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS + 1);
        List<Long> committedAt = new ArrayList<>();
        List<Long> latencies = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            consumer.assign(streamed);
            consumer.seekToEnd(streamed);
            long startOffsets = position(consumer, streamed); // resolves the seek now, before the first write
            Future<Reloaded> reloaded = pool.submit(watch);
            if (!watch.ready.await(60, TimeUnit.SECONDS)) {
                throw new AssertionError(name + ": the accounts consumer did not start");
            }
            long start = System.currentTimeMillis();
            List<Future<Long>> writers = new ArrayList<>();
            for (int i = 0; i < WRITERS; i++) {
                int writer = i;
                writers.add(pool.submit(() -> load.write(writer, WRITERS, TPS, loading::get)));
            }
            long signalAt = 0;
            long deadline = Long.MAX_VALUE;
            long nextCheck = start + 1000;
            while (signalAt == 0 || !reloaded.isDone()) {
                long now = System.currentTimeMillis();
                if (signalAt == 0 && now >= start + BASELINE_SECONDS * 1000L) {
                    signalAt = signal();
                    watch.signalAt = signalAt;
                    deadline = signalAt + RELOAD_TIMEOUT.toMillis();
                    say(name + ": signal committed after " + (signalAt - start) + " ms of load");
                }
                if (now > deadline) {
                    throw new AssertionError(name + ": no complete reload " + RELOAD_TIMEOUT.toMinutes()
                            + " minutes after the signal: " + watch.progress());
                }
                if (now >= nextCheck) {
                    failed(name);
                    for (Future<Long> writer : writers) {
                        if (writer.isDone()) {
                            writer.get(); // a writer that stopped early failed: rethrows why
                            throw new AssertionError(name + ": a writer stopped before the reload was done");
                        }
                    }
                    nextCheck = now + 1000;
                }
                receive(consumer, committedAt, latencies);
            }
            Reloaded result = reloaded.get();
            loading.set(false);
            long committed = 0;
            for (Future<Long> writer : writers) {
                committed += writer.get();
            }
            long loadEnd = System.currentTimeMillis();
            long expected = startOffsets + committed * STREAMED.size();
            long drainDeadline = loadEnd + 60_000;
            while (position(consumer, streamed) < expected) {
                if (System.currentTimeMillis() > drainDeadline || failed(name)) {
                    throw new AssertionError(name + ": " + (position(consumer, streamed) - startOffsets) + " of "
                            + (expected - startOffsets) + " changes of the other tables a minute after the load ended");
                }
                receive(consumer, committedAt, latencies);
            }
            // Exactly one record per row change, or the latencies above measured something else.
            long actual = inKafka(streamed);
            if (actual != expected) {
                throw new AssertionError(name + ": " + actual + " records in the other tables' topics, expected exactly "
                        + expected);
            }
            if (result.snapshotIds() + result.changedInstead() < rows) {
                throw new AssertionError(name + ": only " + result.snapshotIds() + " of " + rows + " accounts arrived as "
                        + "snapshot rows (and " + result.changedInstead() + " as a change instead)");
            }
            if (name.startsWith("rsc") && result.snapshotIds() < rows) {
                // snapclone's reload reads one snapshot of the table: every row is in it, none is replaced by a change.
                throw new AssertionError(name + ": only " + result.snapshotIds() + " of " + rows
                        + " accounts arrived as snapshot rows");
            }
            return new Result(rows, (result.firstAt() - signalAt) / 1e3, (result.lastAt() - signalAt) / 1e3,
                    result.snapshotRecords(), result.snapshotIds(), result.changedInstead(), result.markers(),
                    latency(name, "baseline", committedAt, latencies, start, signalAt - 1),
                    latency(name, "reload", committedAt, latencies, signalAt, result.lastAt()),
                    committed / ((loadEnd - start) / 1e3));
        } finally {
            loading.set(false);
            watch.stop = true;
            pool.shutdownNow();
            if (!pool.awaitTermination(60, TimeUnit.SECONDS)) {
                say(name + ": the writers or the accounts consumer did not stop in a minute");
            }
        }
    }

    /** One poll of the other tables' topics: each change's commit time and latency. */
    private static void receive(KafkaConsumer<byte[], byte[]> consumer, List<Long> committedAt, List<Long> latencies)
            throws Exception {
        var records = consumer.poll(Duration.ofMillis(50));
        long received = System.currentTimeMillis();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            long committed = JSON.readTree(record.value()).path("source").path("ts_ms").asLong();
            committedAt.add(committed);
            latencies.add(received - committed);
        }
    }

    /** Latency percentiles of the changes committed in [from, to] (epoch ms). */
    private static Latency latency(String name, String window, List<Long> committedAt, List<Long> latencies, long from,
                                   long to) {
        List<Long> in = new ArrayList<>();
        for (int i = 0; i < committedAt.size(); i++) {
            if (committedAt.get(i) >= from && committedAt.get(i) <= to) {
                in.add(latencies.get(i));
            }
        }
        long[] sorted = in.stream().mapToLong(Long::longValue).sorted().toArray();
        if (sorted.length == 0) {
            throw new AssertionError(name + ": no change of the other tables committed in the " + window + " window");
        }
        return new Latency(percentile(sorted, 50), percentile(sorted, 99), sorted[sorted.length - 1], sorted.length);
    }

    /** Inserts the signal in a transaction of its own, committed synchronously; returns when it committed (epoch ms). */
    private long signal() throws Exception {
        try (Connection connection = load.session(); Statement statement = connection.createStatement()) {
            statement.execute(SIGNAL);
            connection.commit();
            return System.currentTimeMillis();
        }
    }

    /**
     * Reads the accounts topic on a thread (and consumer) of its own, so that a flood of snapshot rows
     * does not delay the other tables' changes at the timing consumer. Done once every account has
     * arrived as a snapshot row, or as a change committed after the signal (Debezium drops a row it
     * read in a chunk whose key the stream changed while the chunk's window was open: the change
     * carries the row instead), and no snapshot row came for {@value #QUIET_MS} ms since.
     */
    private final class AccountsWatch implements Callable<Reloaded> {
        private final TopicPartition topic;
        private final long rows;
        private final BitSet snapshotIds;
        private final BitSet covered;
        private final Set<String> markers = new TreeSet<>();
        private final CountDownLatch ready = new CountDownLatch(1);
        volatile long signalAt;
        volatile boolean stop;
        private volatile long snapshotRecords;
        private volatile long distinct;
        private volatile long coveredCount;
        private volatile long changes;
        private long changedInstead;
        private long firstAt;
        private long lastAt;

        AccountsWatch(TopicPartition topic, long rows) {
            this.topic = topic;
            this.rows = rows;
            this.snapshotIds = new BitSet((int) rows + 1);
            this.covered = new BitSet((int) rows + 1);
        }

        String progress() {
            return snapshotRecords + " snapshot records, " + distinct + " distinct accounts of " + rows + ", "
                    + coveredCount + " accounts arrived as a snapshot row or a change since the signal; " + changes
                    + " change records of accounts since the load began";
        }

        @Override
        public Reloaded call() throws Exception {
            try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
                consumer.assign(List.of(topic));
                consumer.seekToEnd(List.of(topic));
                consumer.position(topic);
                ready.countDown();
                long coveredAt = 0;
                while (!stop) {
                    var records = consumer.poll(Duration.ofMillis(50));
                    long received = System.currentTimeMillis();
                    for (ConsumerRecord<byte[], byte[]> record : records) {
                        if (record.value() == null) {
                            continue;
                        }
                        int aid = (int) aid(record.key());
                        if (op(record.value()) == 'r') {
                            snapshotRecords++;
                            if (firstAt == 0) {
                                firstAt = received;
                            }
                            lastAt = received;
                            markers.add(snapshotMarker(record.value()));
                            if (!snapshotIds.get(aid)) {
                                snapshotIds.set(aid);
                                distinct++;
                            }
                            cover(aid);
                        } else {
                            changes++;
                            if (signalAt != 0
                                    && JSON.readTree(record.value()).path("source").path("ts_ms").asLong() >= signalAt) {
                                cover(aid);
                            }
                        }
                    }
                    if (coveredAt == 0 && coveredCount >= rows) {
                        coveredAt = received;
                    }
                    if (coveredAt != 0 && received - Math.max(coveredAt, lastAt) >= QUIET_MS) {
                        BitSet instead = (BitSet) covered.clone();
                        instead.andNot(snapshotIds);
                        changedInstead = instead.cardinality();
                        return new Reloaded(snapshotRecords, distinct, changedInstead, firstAt, lastAt,
                                String.join(", ", markers));
                    }
                }
                throw new IllegalStateException("stopped: " + progress());
            }
        }

        private void cover(int aid) {
            if (aid >= 1 && aid <= rows && !covered.get(aid)) {
                covered.set(aid);
                coveredCount++;
            }
        }
    }

    /** The account id of a key ({@code {"aid":123}}) without a JSON parser: a million of them would cost a core-second. */
    private static long aid(byte[] key) {
        long value = 0;
        boolean digits = false;
        for (byte b : key) {
            if (b >= '0' && b <= '9') {
                value = value * 10 + (b - '0');
                digits = true;
            } else if (digits) {
                break;
            }
        }
        if (!digits) {
            throw new IllegalStateException("no account id in the key " + new String(key, StandardCharsets.UTF_8));
        }
        return value;
    }

    /** The first letter of the envelope's {@code op} (JsonConverter writes no spaces; no other field is named op). */
    private static char op(byte[] value) {
        int at = lastIndexOf(value, OP);
        if (at < 0) {
            throw new IllegalStateException("no op in " + new String(value, StandardCharsets.UTF_8));
        }
        return (char) value[at + OP.length];
    }

    /** {@code source.snapshot} as written (a string such as "incremental", or a bare token). */
    private static String snapshotMarker(byte[] value) {
        int at = lastIndexOf(value, SNAPSHOT);
        if (at < 0) {
            return "none";
        }
        int from = at + SNAPSHOT.length;
        int to = from;
        if (value[from] == '"') {
            from++;
            to = from;
            while (value[to] != '"') {
                to++;
            }
        } else {
            while (value[to] != ',' && value[to] != '}') {
                to++;
            }
        }
        return new String(value, from, to - from, StandardCharsets.UTF_8);
    }

    private static int lastIndexOf(byte[] bytes, byte[] pattern) {
        outer:
        for (int i = bytes.length - pattern.length; i >= 0; i--) {
            for (int j = 0; j < pattern.length; j++) {
                if (bytes[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
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

    /**
     * Connector, slot (once released: a slot outlives its connector and keeps WAL), publication, and
     * every topic under its prefix (snapclone's progress topic, Debezium's signal-table topic too).
     */
    private void cleanUp(String name) throws Exception {
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
        for (String topic : admin.listTopics().names().get()) {
            if (topic.startsWith(name + ".")) {
                connect.deleteTopic(topic);
            }
        }
    }

    private void record(String contender, Result result) {
        results.computeIfAbsent(contender, k -> new ArrayList<>()).add(result);
        say(String.format("%-28s reload of %,d rows in %.1f s (first row after %.1f s): %,.0f rows/s; %,d snapshot "
                        + "records, %,d accounts (+%d as a change instead), source.snapshot %s; latency baseline p50 %d / "
                        + "p99 %d / max %d ms, during the reload p50 %d / p99 %d / max %d ms (%d changes); load %.0f tx/s",
                contender, result.rows(), result.reloadSeconds(), result.firstRowSeconds(), result.rowsPerSecond(),
                result.snapshotRecords(), result.snapshotIds(), result.changedInstead(), result.markers(),
                result.baseline().p50(), result.baseline().p99(), result.baseline().max(), result.during().p50(),
                result.during().p99(), result.during().max(), result.during().changes(), result.txPerSecond()));
    }

    private static double median(List<Result> runs, Function<Result, Double> value) {
        double[] values = runs.stream().mapToDouble(value::apply).sorted().toArray();
        return values[values.length / 2];
    }

    private static String all(List<Result> runs, Function<Result, Double> value, String format) {
        return runs.stream().map(r -> String.format(format, value.apply(r))).collect(Collectors.joining(", ", "[", "]"));
    }

    private void report(double seconds, String loadBefore) throws Exception {
        List<Result> sc = results.get(SNAPCLONE);
        List<Result> dbz = results.get(DEBEZIUM);
        StringBuilder table = new StringBuilder("| contender | reload s (median of " + ROUNDS + ") | all rounds "
                + "| rows/s | × Debezium | s to first row | latency p50 / p99 / max ms, baseline "
                + "| during the reload | during / baseline p50 × | p99 × | max × | load tx/s |\n"
                + "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        results.forEach((contender, runs) -> table.append(String.format(
                "| %s | %.1f | %s | %,.0f | %.2f | %.1f | %.0f / %.0f / %.0f | %.0f / %.0f / %.0f | %.2f | %.2f | %.2f "
                        + "| %.0f |%n",
                contender, median(runs, Result::reloadSeconds), all(runs, Result::reloadSeconds, "%.1f"),
                median(runs, Result::rowsPerSecond), median(runs, Result::rowsPerSecond)
                        / median(dbz, Result::rowsPerSecond), median(runs, Result::firstRowSeconds),
                median(runs, r -> (double) r.baseline().p50()), median(runs, r -> (double) r.baseline().p99()),
                median(runs, r -> (double) r.baseline().max()), median(runs, r -> (double) r.during().p50()),
                median(runs, r -> (double) r.during().p99()), median(runs, r -> (double) r.during().max()),
                median(runs, r -> ratio(r.during().p50(), r.baseline().p50())),
                median(runs, r -> ratio(r.during().p99(), r.baseline().p99())),
                median(runs, r -> ratio(r.during().max(), r.baseline().max())), median(runs, Result::txPerSecond))));
        StringBuilder rows = new StringBuilder("| contender | rows | snapshot records | accounts as a snapshot row "
                + "| accounts only as a change after the signal | source.snapshot |\n|---|---:|---:|---:|---:|---|\n");
        results.forEach((contender, runs) -> rows.append(String.format("| %s | %s | %s | %s | %s | %s |%n", contender,
                all(runs, r -> (double) r.rows(), "%,.0f"), all(runs, r -> (double) r.snapshotRecords(), "%,.0f"),
                all(runs, r -> (double) r.snapshotIds(), "%,.0f"), all(runs, r -> (double) r.changedInstead(), "%,.0f"),
                runs.stream().map(Result::markers).distinct().collect(Collectors.joining("; ")))));
        Function<Function<Result, Double>, Double> ratio = value -> median(sc, value) / median(dbz, value);
        String ratios = String.format("snapclone / Debezium: reload rows/s × %.2f; the other tables' latency during the "
                        + "reload p50 × %.2f, p99 × %.2f, max × %.2f (lower is better).",
                ratio.apply(Result::rowsPerSecond), ratio.apply(r -> (double) r.during().p50()),
                ratio.apply(r -> (double) r.during().p99()), ratio.apply(r -> (double) r.during().max()));
        String text = String.format("Reload under load: one PostgreSQL 17 (fsync=off; writers use synchronous_commit=on), "
                + "broker and Connect worker in one JVM on %d cores; JsonConverter without schemas; pgbench tables at "
                + "scale %d (%,d accounts) and a signal table public.debezium_signal; each run on a slot, publication "
                + "(pgoutput, filtered) and topics of its own: snapclone with tasks.max=2 and snapshot.mode=%s (%s), "
                + "Debezium streaming only (snapshot.mode=no_data), one task, its defaults otherwise: "
                + "incremental.snapshot.chunk.size=1024, poll.interval.ms=500); signal.data.collection=%s and "
                + "tombstones.on.delete=false in both.%n%n"
                + "- load: TPC-B-like transactions (an update of a random account, teller and branch, and a history "
                + "insert) at %d tx/s from %d paced sessions for the whole run.%n"
                + "- reload: after %d s of load, `%s` (committed synchronously); reload s = from that commit until the "
                + "last snapshot row (op r) of pgbench_accounts is received by a consumer, once every account has "
                + "arrived; rows/s = the table's rows / reload s. Debezium reads the table in chunks of 1,024 keys "
                + "between window marks it writes into the signal table and reads back from the stream; snapclone "
                + "reads one snapshot of it in parallel ctid chunks across its tasks while task 0 streams on, holding "
                + "back the reloaded table's changes until its rows are sent.%n"
                + "- latency of the other tables' changes (tellers, branches, history; consumer receive time − "
                + "source.ts_ms): baseline = committed before the signal, during = committed between the signal and the "
                + "last snapshot row (a stall after it, such as snapclone's tasks restarting into the finished phase, "
                + "falls in neither); during / baseline is each run's own ratio.%n%n%s%n%s%n%n%s%n"
                + "Every account must arrive as a snapshot row, except in Debezium where a row whose key the stream "
                + "changed while its chunk's window was open is dropped from the chunk (the change carries the row "
                + "instead); a run in which an account arrived as neither fails, as does a snapclone run in which one "
                + "is not a snapshot row.%n%nPublications (filtered) as made: %s.%n%n"
                + "Medians of %d rounds%s; whole benchmark %.0f s; machine load average (1/5/15 min) %s before, %s "
                + "after.%n",
                Runtime.getRuntime().availableProcessors(), SCALE, ACCOUNTS, SNAPCLONE_MODE,
                SNAPCLONE_MODE.equals("never") || SNAPCLONE_MODE.equals("no_data") ? "streaming only"
                        : "its first load of the four tables done and not timed before each run's load starts, since with "
                        + "snapshot.mode=never or no_data it takes the signal but loads nothing", SIGNAL_TABLE, TPS, WRITERS,
                BASELINE_SECONDS, SIGNAL, table, ratios, rows, String.join("; ", publications), ROUNDS,
                WARMUP ? " after a warm-up run of each contender" : "", seconds, loadBefore, loadAverage());
        Path out = Path.of("target/benchmark");
        Files.createDirectories(out);
        Files.writeString(out.resolve("reload.md"), text);
        say("\n" + text);
        say("written: target/benchmark/reload.md");
    }

    private static double ratio(long during, long baseline) {
        return during / (double) Math.max(1, baseline);
    }
}

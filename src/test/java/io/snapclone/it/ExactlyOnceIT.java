package io.snapclone.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapclone.testing.Poll;
import io.snapclone.testing.TestingConnect;
import io.snapclone.testing.TestingPostgres;
import io.snapclone.testing.TopicReplay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * On a worker with exactly-once source support, with Kafka transactions ending where PostgreSQL
 * transactions end: across a task restart in the middle of streaming, a read_committed consumer sees
 * every change once — none twice, none missing.
 */
class ExactlyOnceIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int HUGE_ROWS = 1_000_000;
    private static TestingConnect connect;
    private final TestingPostgres postgres = TestingPostgres.shared();

    @BeforeAll
    static void startExactlyOnceWorker() {
        connect = TestingConnect.startExactlyOnce();
    }

    @AfterAll
    static void stopWorker() {
        connect.stop();
    }

    @Test
    void noChangeAppearsTwice() throws Exception {
        String db = postgres.createDatabase();
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE accounts (id bigint PRIMARY KEY, v int NOT NULL, note text)");
            statement.execute("INSERT INTO accounts SELECT g, 0, 'start' FROM generate_series(1, 20000) g");
        }
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Future<Long> writer = pool.submit(() -> {
            Random random = new Random(3);
            long commits = 0;
            try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
                connection.setAutoCommit(false);
                while (!stop.get()) {
                    for (int i = 0; i < 3; i++) {
                        statement.execute("UPDATE accounts SET v = v + 1, note = 'tx " + commits + "' WHERE id = "
                                + (1 + random.nextInt(20000)));
                    }
                    connection.commit();
                    commits++;
                }
            }
            return commits;
        });
        connect.deploy("eos", TestingConnect.connectorConfig(postgres.superuserConnectorConfig(db), "eos", 2, Map.of("snapshot.mode", "initial",
                "slot.name", "eos", "publication.name", "eos", "exactly.once.support", "required",
                "transaction.boundary", "connector")));
        Poll.until(Duration.ofSeconds(120), "the snapshot to complete",
                () -> connect.progressEvents("eos").contains("snapshot.completed"));
        Thread.sleep(1500); // stream for a while
        connect.restartTask("eos", 0);
        Thread.sleep(1500); // and on after the restart
        stop.set(true);
        assertTrue(writer.get() > 100, "the writer committed throughout");
        pool.shutdown();

        Map<Long, String> table = new HashMap<>();
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT id, v, note FROM accounts")) {
            while (rs.next()) {
                table.put(rs.getLong(1), rs.getInt(2) + "|" + rs.getString(3));
            }
        }
        List<ConsumerRecord<byte[], byte[]>> records = Poll.until(Duration.ofSeconds(120), "the topic to catch up", () -> {
            List<ConsumerRecord<byte[], byte[]>> committed = connect.readAll(true, "eos.public.accounts");
            Map<Long, String> replayed = TopicReplay.replay(committed);
            return replayed.equals(table) ? committed : null;
        });
        Set<String> changes = new HashSet<>();
        int streamed = 0;
        for (ConsumerRecord<byte[], byte[]> record : records) {
            JsonNode value = JSON.readTree(record.value());
            if (!"r".equals(value.get("op").asText())) {
                streamed++;
                // The change itself, without the time it was sent (which differs if it is sent again).
                changes.add(value.get("source").get("lsn") + " " + value.get("op") + " " + value.get("after"));
            }
        }
        assertTrue(streamed > 300, "changes were streamed: " + streamed);
        assertEquals(streamed, changes.size(), "no change appears twice");
        connect.delete("eos");
        Poll.until(Duration.ofSeconds(30), "the slot to be released", () -> {
            try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement();
                 ResultSet rs = statement.executeQuery("SELECT active FROM pg_replication_slots WHERE slot_name = 'eos'")) {
                return rs.next() && !rs.getBoolean(1);
            }
        });
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_drop_replication_slot('eos')");
        }
    }

    /**
     * One PostgreSQL transaction that takes longer to stream than the producer's
     * transaction.timeout.ms: the broker would abort the Kafka transaction, the task would fail,
     * restart and stream the same transaction again, for ever. Split in time, it arrives whole.
     */
    @Test
    void aTransactionOutlastingTheKafkaTransactionTimeoutIsSplitNotLost() throws Exception {
        String db = postgres.createDatabase();
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE huge (id bigint PRIMARY KEY, v int NOT NULL)");
        }
        connect.deploy("eoshuge", TestingConnect.connectorConfig(postgres.superuserConnectorConfig(db), "eoshuge", 1,
                Map.of("snapshot.mode", "initial", "slot.name", "eoshuge", "publication.name", "eoshuge",
                        "exactly.once.support", "required", "transaction.boundary", "connector",
                        "producer.override.transaction.timeout.ms", "8000")));
        Poll.until(Duration.ofSeconds(120), "the snapshot to complete",
                () -> connect.progressEvents("eoshuge").contains("snapshot.completed"));
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO huge SELECT g, 1 FROM generate_series(1, " + HUGE_ROWS + ") g");
        }
        AtomicBoolean failed = new AtomicBoolean();
        ScheduledExecutorService monitor = Executors.newSingleThreadScheduledExecutor();
        monitor.scheduleWithFixedDelay(() -> {
            if (connect.connectorStatus("eoshuge").tasks().stream().anyMatch(t -> "FAILED".equals(t.state()))) {
                failed.set(true);
            }
        }, 0, 200, TimeUnit.MILLISECONDS);
        try {
            BitSet seen = new BitSet();
            long[] records = new long[1];
            // Large fetches: a poll of 500 records per Poll.until round would take minutes for the whole transaction.
            Map<String, Object> props = Map.of("isolation.level", "read_committed", "max.poll.records", "50000");
            try (KafkaConsumer<byte[], byte[]> consumer = connect.consumer(props)) {
                consumer.subscribe(List.of("eoshuge.public.huge"));
                Poll.until(Duration.ofSeconds(180), "every row of the transaction, committed", () -> {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                        records[0]++;
                        seen.set((int) JSON.readTree(record.value()).get("after").get("id").asLong());
                    }
                    assertTrue(!failed.get(), "the task failed: " + connect.connectorStatus("eoshuge").tasks());
                    return seen.cardinality() == HUGE_ROWS;
                });
            }
            assertEquals(HUGE_ROWS, records[0], "each row once");
        } finally {
            monitor.shutdownNow();
            connect.delete("eoshuge");
        }
        assertTrue(!failed.get(), "the task never failed");
        Poll.until(Duration.ofSeconds(30), "the slot to be released", () -> {
            try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement();
                 ResultSet rs = statement.executeQuery("SELECT active FROM pg_replication_slots WHERE slot_name = 'eoshuge'")) {
                return rs.next() && !rs.getBoolean(1);
            }
        });
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_drop_replication_slot('eoshuge')");
        }
    }
}

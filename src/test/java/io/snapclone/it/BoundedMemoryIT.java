package io.snapclone.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.snapclone.testing.Poll;
import io.snapclone.testing.TestingConnect;
import io.snapclone.testing.TestingPostgres;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Memory does not grow with table size: a worker whose JVM has a 256 MB heap (this test runs in
 * its own Failsafe execution with -Xmx256m, broker and worker in process) snapshots a table whose
 * COPY stream is several times that.
 */
class BoundedMemoryIT {
    private static final int ROWS = 400_000;
    private static final int ROW_TEXT_BYTES = 2_000;

    @Test
    void aTableManyTimesTheHeapIsSnapshotted() throws Exception {
        long heap = Runtime.getRuntime().maxMemory();
        // Only meaningful in the small-heap Failsafe execution (-Dit.test=... runs it in every execution).
        assumeTrue(heap <= 300L * 1024 * 1024, "runs with a small heap, not " + heap / (1024 * 1024) + " MB");
        TestingPostgres postgres = TestingPostgres.shared();
        TestingConnect connect = TestingConnect.shared();
        String db = postgres.createDatabase();
        long tableBytes;
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE wide (id bigint PRIMARY KEY, payload text)");
            // Stored uncompressed, so that the table really is as large as what COPY sends.
            statement.execute("ALTER TABLE wide ALTER COLUMN payload SET STORAGE EXTERNAL");
            statement.execute("INSERT INTO wide SELECT g, (SELECT string_agg(md5((g * 100 + i)::text), '') "
                    + "FROM generate_series(1, " + ROW_TEXT_BYTES / 32 + ") i) FROM generate_series(1, " + ROWS + ") g");
            try (ResultSet rs = statement.executeQuery("SELECT pg_total_relation_size('wide')")) {
                rs.next();
                tableBytes = rs.getLong(1);
            }
        }
        assertTrue(tableBytes > 3 * heap, "table " + tableBytes / (1024 * 1024) + " MB vs heap " + heap / (1024 * 1024) + " MB");

        Map<String, String> config = new HashMap<>(TestingConnect.baseConnectorConfig("mem", 2));
        config.putAll(postgres.connectorConfig(db));
        config.put("snapshot.chunk.size", Integer.toString(8 * 1024 * 1024));
        config.put("max.batch.size", "1000");
        // Connect keeps every unacknowledged record as well as its bytes in the producer buffer:
        // with 2 KB rows the default 32 MB buffer per task means ~100 MB of records in flight.
        config.put("producer.override.buffer.memory", Integer.toString(8 * 1024 * 1024));
        connect.deploy("memory", config);

        TopicPartition topic = new TopicPartition("mem.public.wide", 0);
        Poll.until(Duration.ofMinutes(10), "every row in Kafka", () ->
                connect.topicExists(topic.topic())
                        && connect.endOffset(topic) >= ROWS);
        assertEquals(ROWS, connect.endOffset(topic), "each row once");
        // What survived collections: the live set, which is what would grow with the table.
        long oldGenPeak = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP && p.getName().contains("Old"))
                .map(MemoryPoolMXBean::getPeakUsage).mapToLong(u -> u.getUsed()).max().orElse(-1);
        System.out.printf("BoundedMemoryIT: table %d MB, heap max %d MB, old generation peak %d MB%n",
                tableBytes >> 20, heap >> 20, oldGenPeak >> 20);
        connect.delete("memory");
    }

    /** One PostgreSQL transaction larger than the heap streams through: nothing holds a transaction whole. */
    @Test
    void aTransactionLargerThanTheHeapIsStreamed() throws Exception {
        long heap = Runtime.getRuntime().maxMemory();
        assumeTrue(heap <= 300L * 1024 * 1024, "runs with a small heap, not " + heap / (1024 * 1024) + " MB");
        int rows = ROWS / 2;
        TestingPostgres postgres = TestingPostgres.shared();
        TestingConnect connect = TestingConnect.shared();
        String db = postgres.createDatabase();
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE big_tx (id bigint PRIMARY KEY, payload text)");
        }
        Map<String, String> config = new HashMap<>(TestingConnect.baseConnectorConfig("memtx", 1));
        config.putAll(postgres.superuserConnectorConfig(db));
        config.put("snapshot.mode", "never");
        config.put("slot.name", "memtx");
        config.put("publication.name", "memtx");
        config.put("max.batch.size", "1000");
        config.put("producer.override.buffer.memory", Integer.toString(8 * 1024 * 1024));
        connect.deploy("memorytx", config);
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            Poll.until(Duration.ofSeconds(60), "the slot to be read", () -> {
                try (ResultSet rs = statement.executeQuery("SELECT active FROM pg_replication_slots "
                        + "WHERE slot_name = 'memtx'")) {
                    return rs.next() && rs.getBoolean(1);
                }
            });
            statement.execute("INSERT INTO big_tx SELECT g, (SELECT string_agg(md5((g * 100 + i)::text), '') "
                    + "FROM generate_series(1, " + ROW_TEXT_BYTES / 32 + ") i) FROM generate_series(1, " + rows + ") g");
        }
        long transactionBytes = (long) rows * ROW_TEXT_BYTES;
        assertTrue(transactionBytes > heap, "transaction " + (transactionBytes >> 20) + " MB vs heap " + (heap >> 20));
        TopicPartition topic = new TopicPartition("memtx.public.big_tx", 0);
        Poll.until(Duration.ofMinutes(10), "every change in Kafka", () ->
                connect.topicExists(topic.topic())
                        && connect.endOffset(topic) >= rows);
        assertEquals(rows, connect.endOffset(topic), "each change once");
        System.out.printf("BoundedMemoryIT: one transaction of %d MB streamed with a heap of %d MB%n",
                transactionBytes >> 20, heap >> 20);
        connect.delete("memorytx");
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            Poll.until(Duration.ofSeconds(30), "the slot released", () -> {
                try (ResultSet rs = statement.executeQuery("SELECT active FROM pg_replication_slots "
                        + "WHERE slot_name = 'memtx'")) {
                    return rs.next() && !rs.getBoolean(1);
                }
            });
            statement.execute("SELECT pg_drop_replication_slot('memtx')");
        }
    }
}

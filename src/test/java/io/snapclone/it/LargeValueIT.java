package io.snapclone.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.snapclone.testing.ConnectRest;
import io.snapclone.testing.ConnectWorkerProcess;
import io.snapclone.testing.Poll;
import io.snapclone.testing.TestingConnect;
import io.snapclone.testing.TestingPostgres;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One transaction that writes a 100 MB {@code bytea} streams through a worker whose heap is a small
 * multiple of the value, and arrives whole and exact. The worker runs in a JVM of its own so that
 * its heap, read from its GC log, is the connector's alone (the broker and this test's consumer run here).
 * A value is held whole by nature (pgoutput sends a row in one message, Connect converts a record
 * whole); what must not happen is a heap that grows with anything else, or a stream that stalls.
 */
class LargeValueIT {
    private static final int VALUE_BYTES = 100 * 1024 * 1024;
    /**
     * Eight times the value: the hex text pgoutput sends (2x, in the message and as a String), the bytes
     * (1x), JSON's base64 (1.33x, twice while written), and room for G1, which does not move these
     * humongous arrays in a full GC: with 700m the worker ran out of heap once in three runs
     * (2026-12-02) with ~223 MB live, unable to place the 200 MB String in one piece.
     */
    private static final String WORKER_HEAP = "800m";
    private static final String LARGE = Integer.toString(256 * 1024 * 1024);
    private static final Pattern GC_PAUSE = Pattern.compile("Pause.*?(\\d+)M->(\\d+)M\\((\\d+)M\\)");

    @Test
    void aHundredMegabyteByteaInOneTransactionArrivesWholeWithABoundedHeap() throws Exception {
        // This JVM's broker and consumer hold the 133 MB record too (-Dit.test=... also runs it in the small-heap run).
        assumeTrue(Runtime.getRuntime().maxMemory() >= 900L * 1024 * 1024, "needs a heap of 1 GB or more here");
        // The worker's log and GC log stay for a look after a failure.
        Path dir = Files.createDirectories(Path.of("target", "large-value-it"));
        TestingPostgres postgres = TestingPostgres.shared();
        String db = postgres.createDatabase();
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE blobs (id int PRIMARY KEY, data bytea)");
            statement.execute("INSERT INTO blobs VALUES (1, '\\x00')");
        }
        // A record this large needs room at every hop: the broker's request and message limits here,
        // the producer's request size and buffer and the topic's message size in the connector's config.
        TestingConnect connect = TestingConnect.start(0, Map.of(), Map.of(
                "socket.request.max.bytes", LARGE, "message.max.bytes", LARGE));
        Path gcLog = dir.resolve("gc.log");
        try (ConnectWorkerProcess worker = ConnectWorkerProcess.start("large-value", connect.joiningWorkerProps(), dir,
                WORKER_HEAP, List.of("-Xlog:gc:file=" + gcLog, "-XX:+HeapDumpOnOutOfMemoryError", "-XX:HeapDumpPath=" + dir))) {
            Map<String, String> config = TestingConnect.connectorConfig(postgres.superuserConnectorConfig(db), "large", 1, Map.of(
                    "snapshot.mode", "initial", "slot.name", "large_value", "publication.name", "large_value",
                    "producer.override.max.request.size", LARGE,
                    "producer.override.buffer.memory", LARGE,
                    "topic.creation.default.max.message.bytes", LARGE));
            ConnectRest rest = worker.rest();
            rest.deploy("large-value", config);
            TopicPartition topic = new TopicPartition("large.public.blobs", 0);
            try (KafkaConsumer<byte[], byte[]> consumer = consumer(connect)) {
                consumer.assign(List.of(topic));
                consumer.seekToBeginning(List.of(topic));
                Poll.until(Duration.ofMinutes(2), "the snapshot row", () -> !consumer.poll(Duration.ofMillis(200)).isEmpty());
                String expectedSha;
                try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
                    connection.setAutoCommit(false);
                    statement.execute("INSERT INTO blobs VALUES (2, '\\x02')");
                    // 16 incompressible-looking bytes a row of generate_series: 100 MB in all.
                    statement.execute("UPDATE blobs SET data = (SELECT string_agg(decode(md5(i::text), 'hex'), ''::bytea) "
                            + "FROM generate_series(1, " + VALUE_BYTES / 16 + ") i) WHERE id = 1");
                    statement.execute("INSERT INTO blobs VALUES (3, '\\x03')");
                    connection.commit();
                    try (ResultSet rs = statement.executeQuery("SELECT encode(sha256(data), 'hex'), length(data) "
                            + "FROM blobs WHERE id = 1")) {
                        rs.next();
                        expectedSha = rs.getString(1);
                        assertEquals(VALUE_BYTES, rs.getInt(2));
                    }
                    connection.commit();
                }
                List<Change> changes = new ArrayList<>();
                Poll.until(Duration.ofMinutes(3), "the transaction's three changes", () -> {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                        changes.add(Change.read(record.value()));
                    }
                    return changes.size() >= 3;
                });
                assertEquals(List.of("c", "u", "c"), changes.stream().map(Change::op).toList());
                assertEquals(List.of(2, 1, 3), changes.stream().map(Change::id).toList());
                assertEquals(VALUE_BYTES, changes.get(1).dataBytes());
                assertEquals(expectedSha, changes.get(1).dataSha256());
            }
            assertEquals("RUNNING", rest.status("large-value").path("tasks").path(0).path("state").asText());
            rest.delete("large-value");
            long[] heap = heapPeaks(gcLog);
            System.out.printf("LargeValueIT: a %d MB bytea streamed by a worker with -Xmx%s; GC log: heap peak %d MB "
                    + "before a collection, %d MB after%n", VALUE_BYTES >> 20, WORKER_HEAP, heap[0], heap[1]);
            assertTrue(heap[0] > VALUE_BYTES >> 20, "the GC log shows the value passed through this worker");
        } finally {
            connect.stop();
            postgres.dropSlotsWhenReleased(db);
        }
    }

    /**
     * A change's op, after.id and after.data (its length and SHA-256), read from the JSON as a stream:
     * the value's base64 is 133 MB, which a tree (and its UTF-16 text buffer) would hold several times.
     */
    private record Change(String op, int id, long dataBytes, String dataSha256) {
        static Change read(byte[] json) throws Exception {
            String op = null;
            int id = -1;
            long dataBytes = -1;
            String sha = null;
            try (JsonParser parser = new JsonFactory().createParser(json)) {
                parser.nextToken(); // the envelope's START_OBJECT
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String field = parser.currentName();
                    JsonToken value = parser.nextToken();
                    if (field.equals("op")) {
                        op = parser.getText();
                    } else if (field.equals("after") && value == JsonToken.START_OBJECT) {
                        while (parser.nextToken() == JsonToken.FIELD_NAME) {
                            String column = parser.currentName();
                            parser.nextToken();
                            if (column.equals("id")) {
                                id = parser.getIntValue();
                            } else if (column.equals("data")) {
                                MessageDigest digest = MessageDigest.getInstance("SHA-256");
                                dataBytes = parser.readBinaryValue(new DigestOutputStream(OutputStream.nullOutputStream(),
                                        digest));
                                sha = HexFormat.of().formatHex(digest.digest());
                            } else {
                                parser.skipChildren();
                            }
                        }
                    } else {
                        parser.skipChildren();
                    }
                }
            }
            return new Change(op, id, dataBytes, sha);
        }
    }

    private static KafkaConsumer<byte[], byte[]> consumer(TestingConnect connect) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, connect.bootstrapServers(),
                ConsumerConfig.FETCH_MAX_BYTES_CONFIG, LARGE,
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, LARGE),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** The largest heap occupancy before and after any collection the worker's GC log shows, in MB. */
    private static long[] heapPeaks(Path gcLog) throws Exception {
        long before = 0;
        long after = 0;
        for (String line : Files.readAllLines(gcLog)) {
            Matcher m = GC_PAUSE.matcher(line);
            if (m.find()) {
                before = Math.max(before, Long.parseLong(m.group(1)));
                after = Math.max(after, Long.parseLong(m.group(2)));
            }
        }
        return new long[] {before, after};
    }
}

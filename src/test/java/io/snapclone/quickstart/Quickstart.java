package io.snapclone.quickstart;

import io.snapclone.testing.Poll;
import io.snapclone.testing.TestingConnect;
import io.snapclone.testing.TestingPostgres;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The README's first command ({@code mvn -Pquickstart verify}): an embedded PostgreSQL with
 * sample data, an in-process Kafka broker and Connect worker, {@code config/quickstart.json}
 * deployed through the REST API, progress while the snapshot runs, a few records, a summary.
 * It runs as a JUnit test only so that Maven gives it the test classpath; it needs no manual step.
 */
class Quickstart {
    private static final Map<String, String> TABLES = new LinkedHashMap<>();

    static {
        int scale = Integer.getInteger("quickstart.scale", 1);
        TABLES.put("customers", "CREATE TABLE customers (id bigint PRIMARY KEY, name text NOT NULL, email text, "
                + "created_at timestamptz NOT NULL); INSERT INTO customers SELECT g, 'customer ' || g, "
                + "'c' || g || '@example.com', now() - g * interval '1 minute' FROM generate_series(1, " + 20_000 * scale + ") g");
        TABLES.put("products", "CREATE TABLE products (sku text PRIMARY KEY, title text, price numeric(10,2), "
                + "in_stock boolean); INSERT INTO products SELECT 'SKU-' || g, 'product ' || g, g % 500 + 0.99, "
                + "g % 3 <> 0 FROM generate_series(1, 2000) g");
        TABLES.put("orders", "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, "
                + "sku text NOT NULL, quantity int NOT NULL, ordered_on date, note text); "
                + "INSERT INTO orders SELECT g, g % 20000 + 1, 'SKU-' || (g % 2000 + 1), g % 7 + 1, "
                + "date '2024-01-01' + (g % 365), CASE WHEN g % 10 = 0 THEN 'gift' END "
                + "FROM generate_series(1, " + 300_000 * scale + ") g");
    }

    @Test
    void run() throws Exception {
        say("starting an embedded PostgreSQL (wal_level=logical) ...");
        TestingPostgres postgres = TestingPostgres.shared();
        String db = postgres.createDatabase("shop");
        long rows = loadSampleData(postgres, db);
        say("PostgreSQL on localhost:" + postgres.port() + ", database " + db + ": " + TABLES.size()
                + " tables, " + rows + " rows");

        say("starting an in-process Kafka broker and Connect worker ...");
        TestingConnect connect = quietly(TestingConnect::shared);
        say("Connect REST API at " + connect.endpoint("connectors"));

        Map<String, String> config = new ObjectMapper().readValue(Path.of("config/quickstart.json").toFile(),
                new TypeReference<Map<String, String>>() { });
        config.putAll(postgres.connectorConfig(db)); // the embedded server's address and credentials
        long started = System.nanoTime();
        connect.deploy("quickstart", config);
        say("deployed config/quickstart.json as connector 'quickstart' (PUT /connectors/quickstart/config)");

        List<String> topics = TABLES.keySet().stream().map(t -> "shop.public." + t).toList();
        long[] lastSaid = {0};
        Poll.until(Duration.ofMinutes(10), "every row in Kafka", () -> {
            var status = connect.connectorStatus("quickstart");
            if ("FAILED".equals(status.connector().state())) {
                throw new IllegalStateException("the connector failed: " + status.connector().trace());
            }
            long inKafka = recordsIn(connect, topics);
            if (System.nanoTime() - lastSaid[0] > 1_000_000_000L) {
                lastSaid[0] = System.nanoTime();
                say(String.format("progress: %,d of %,d rows in Kafka (%.1f s)", inKafka, rows, seconds(started)));
            }
            return inKafka >= rows && !postgres.coordinatorHoldsSnapshot(db) ? Boolean.TRUE : null;
        });
        double seconds = seconds(started);

        say("a few records from shop.public.orders:");
        List<ConsumerRecord<byte[], byte[]>> sample = connect.readAll("shop.public.orders");
        for (ConsumerRecord<byte[], byte[]> record : sample.subList(0, Math.min(3, sample.size()))) {
            say("  key=" + new String(record.key(), StandardCharsets.UTF_8)
                    + " value=" + new String(record.value(), StandardCharsets.UTF_8));
        }
        say("snapshot complete; now changing rows in PostgreSQL: they stream in through the slot");
        long changesBefore = recordsIn(connect, topics);
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO customers VALUES (999999, 'new customer', 'new@example.com', now())");
            statement.execute("UPDATE orders SET quantity = quantity + 100 WHERE id = 1");
            statement.execute("DELETE FROM products WHERE sku = 'SKU-1'");
        }
        // c, u, d and the delete's tombstone.
        Poll.until(Duration.ofSeconds(60), "the changes in Kafka", () -> recordsIn(connect, topics) >= changesBefore + 4);
        for (String topic : topics) {
            List<ConsumerRecord<byte[], byte[]>> records = connect.readAll(topic);
            for (ConsumerRecord<byte[], byte[]> record : records.subList(Math.max(0, records.size() - 2), records.size())) {
                String value = record.value() == null ? "null (tombstone)" : new String(record.value(), StandardCharsets.UTF_8);
                if (record.value() == null || value.contains("\"snapshot\":\"false\"")) {
                    say("  " + topic + " key=" + new String(record.key(), StandardCharsets.UTF_8) + " value=" + value);
                }
            }
        }
        String status = connect.connectorStatus("quickstart").connector().state();
        say(String.format("QUICKSTART COMPLETE: %,d rows from %d tables snapshotted into Kafka in %.1f s "
                + "(%,.0f rows/s, end to end), then 3 changes streamed from slot 'quickstart'; connector %s",
                rows, TABLES.size(), seconds, rows / seconds, status));
        say("next: README.md \"Install on your Connect cluster\", config/README.md for a config that fits your "
                + "case, docs/operations.md to run it; -Dquickstart.keep=true keeps this stack running to try by hand");
        if (Boolean.getBoolean("quickstart.keep")) {
            keepRunning(postgres, db, connect);
        }
    }

    /** -Dquickstart.keep=true: what a user needs to poke at the running stack, then wait for Ctrl-C. */
    private static void keepRunning(TestingPostgres postgres, String db, TestingConnect connect) throws InterruptedException {
        say("the stack keeps running until Ctrl-C:");
        say("  Connect REST:      curl " + connect.endpoint("connectors/quickstart/status"));
        say("  Kafka bootstrap:   " + connect.bootstrapServers());
        say("  PostgreSQL:        PGPASSWORD=" + TestingPostgres.PASSWORD + " psql -h localhost -p " + postgres.port()
                + " -U " + TestingPostgres.USER + " " + db);
        say("  records:           kafka-console-consumer.sh --bootstrap-server "
                + connect.bootstrapServers() + " --topic shop.public.orders --from-beginning");
        new java.util.concurrent.CountDownLatch(1).await();
    }

    private static long loadSampleData(TestingPostgres postgres, String db) throws SQLException {
        long rows = 0;
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            for (Map.Entry<String, String> table : TABLES.entrySet()) {
                statement.execute(table.getValue());
                try (ResultSet rs = statement.executeQuery("SELECT count(*) FROM " + table.getKey())) {
                    rs.next();
                    rows += rs.getLong(1);
                }
            }
            statement.execute("ANALYZE");
            // Streaming needs a slot (REPLICATION) and a publication of the tables (their owner).
            statement.execute("ALTER ROLE " + TestingPostgres.USER + " REPLICATION");
            statement.execute("GRANT CREATE ON DATABASE " + db + " TO " + TestingPostgres.USER);
            for (String table : TABLES.keySet()) {
                statement.execute("ALTER TABLE " + table + " OWNER TO " + TestingPostgres.USER);
            }
        }
        return rows;
    }

    private static long recordsIn(TestingConnect connect, List<String> topics) throws Exception {
        long total = 0;
        for (String topic : topics) {
            if (connect.topicExists(topic)) {
                total += connect.endOffset(new TopicPartition(topic, 0));
            }
        }
        return total;
    }


    /** Kafka's storage formatter prints its bootstrap metadata to standard output; a user needs none of it. */
    private static <T> T quietly(java.util.function.Supplier<T> start) {
        java.io.PrintStream out = System.out;
        System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        try {
            return start.get();
        } finally {
            System.setOut(out);
        }
    }

    private static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }

    private static void say(String line) {
        System.out.println("[quickstart] " + line);
    }
}

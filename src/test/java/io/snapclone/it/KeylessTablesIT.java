package io.snapclone.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapclone.pg.TableId;
import io.snapclone.pg.replication.Publications;
import io.snapclone.pg.replication.ReplicationSlots;
import io.snapclone.testing.Poll;
import io.snapclone.testing.TestingConnect;
import io.snapclone.testing.TestingPostgres;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfo;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfos;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * A captured table without a replica identity under publication.autocreate.mode=filtered: the
 * application's UPDATE and DELETE on it never fail because of the connector. By default the table is
 * snapshotted and left out of the publication; publication.keyless.tables=fail fails validation.
 */
class KeylessTablesIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final TestingPostgres postgres = TestingPostgres.shared();
    private final TestingConnect connect = TestingConnect.shared();

    @Test
    void theApplicationKeepsUpdatingAndDeletingAKeylessTableWhileTheConnectorRuns() throws Exception {
        String db = postgres.createDatabase();
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE orders (id int PRIMARY KEY, v int)");
            statement.execute("CREATE TABLE notes (id int, v int)");
            statement.execute("INSERT INTO orders SELECT g, 0 FROM generate_series(1, 10) g");
            statement.execute("INSERT INTO notes SELECT g, 0 FROM generate_series(1, 10) g");
        }
        Map<String, String> config = TestingConnect.connectorConfig(postgres.superuserConnectorConfig(db), "keyless", 1,
                Map.of("snapshot.mode", "initial", "slot.name", "keyless_it", "publication.name", "keyless_it",
                        "publication.autocreate.mode", "filtered", "table.include.list", "public\\.(orders|notes)"));

        assertEquals(Map.of(), errors(config), "by default the keyless table does not fail validation");
        Map<String, String> failing = new HashMap<>(config);
        failing.put("publication.keyless.tables", "fail");
        Map<String, List<String>> errors = errors(failing);
        assertEquals(List.of("publication.keyless.tables"), List.copyOf(errors.keySet()), errors.toString());
        String message = errors.get("publication.keyless.tables").get(0);
        for (String fragment : List.of("public.notes (no primary key", "add a primary key",
                "ALTER TABLE \"public\".\"notes\" REPLICA IDENTITY USING INDEX",
                "ALTER TABLE \"public\".\"notes\" REPLICA IDENTITY FULL", "table.exclude.list")) {
            assertTrue(message.contains(fragment), "'" + fragment + "' in: " + message);
        }
        assertTrue(!message.contains("orders"), message);

        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Future<Integer> writer = pool.submit(() -> write(db, stop));
        try {
            connect.deploy("keyless", config);
            Poll.until(Duration.ofSeconds(60), "the snapshot of notes", () -> applicationWorks(writer)
                    && connect.readAll("keyless.public.notes").stream().anyMatch(r -> "r".equals(op(r))));
            Poll.until(Duration.ofSeconds(90), "a streamed update of orders", () -> applicationWorks(writer)
                    && connect.readAll("keyless.public.orders").stream().anyMatch(r -> "u".equals(op(r))));
            try (Connection connection = postgres.superuser(db)) {
                assertEquals(List.of(new TableId("public", "orders")),
                        Publications.tables(connection, "keyless_it", table -> true));
            }
            // The writer has been updating and deleting notes all along, with the publication in place.
            stop.set(true);
            int rounds = writer.get(60, TimeUnit.SECONDS);
            assertTrue(rounds > 0, "the writer ran");
            assertTrue(connect.readAll("keyless.public.notes").stream().noneMatch(r -> !"r".equals(op(r))),
                    "changes of a table left out of the publication are not streamed");
        } finally {
            stop.set(true);
            pool.shutdownNow();
            connect.delete("keyless");
            Poll.until(Duration.ofSeconds(30), "the slot to be released", () -> {
                try (Connection connection = postgres.superuser(db)) {
                    return ReplicationSlots.find(connection, "keyless_it").map(s -> !s.active()).orElse(true);
                }
            });
            try (Connection connection = postgres.superuser(db)) {
                ReplicationSlots.drop(connection, "keyless_it");
            }
        }
    }

    @Test
    void insertsOnlyPutsTheKeylessTableIntoASecondPublicationOfInsertsOnly() throws Exception {
        insertsOnly("keyless_inserts", false);
    }

    /**
     * The same with a publication name that must be quoted in publication_names, and the keyless
     * table's inserts streamed: needs the stream to read {@code config.publicationNames()} through
     * {@code Publications.namesOption} (today it fails with "invalid publication_names syntax").
     */
    @Test
    void insertsOnlyStreamsTheKeylessTablesInsertsUnderAHostilePublicationName() throws Exception {
        insertsOnly("Keyless IT, \"v2\"", true);
    }

    private void insertsOnly(String publication, boolean keylessInsertsStreamed) throws Exception {
        String db = postgres.createDatabase();
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE orders (id int PRIMARY KEY, v int)");
            statement.execute("CREATE TABLE notes (id int, v int)");
            statement.execute("INSERT INTO orders SELECT g, 0 FROM generate_series(1, 10) g");
            statement.execute("INSERT INTO notes SELECT g, 0 FROM generate_series(1, 10) g");
        }
        // Each run its own name and prefix: a second run under the same ones would find the first's offsets.
        String prefix = keylessInsertsStreamed ? "kio2" : "kio";
        String name = "keyless-inserts-" + prefix;
        Map<String, String> config = TestingConnect.connectorConfig(postgres.superuserConnectorConfig(db), prefix, 1,
                Map.of("snapshot.mode", "initial", "slot.name", "keyless_inserts_it", "publication.name", publication,
                        "publication.keyless.tables", "inserts_only", "table.include.list", "public\\.(orders|notes)"));
        assertEquals(Map.of(), errors(config));
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Future<Integer> writer = pool.submit(() -> write(db, stop));
        try {
            connect.deploy(name, config);
            Poll.until(Duration.ofSeconds(60), "both publications", () -> applicationWorks(writer) && tables(db,
                    publication + "_inserts").equals(List.of(new TableId("public", "notes"))));
            assertEquals(List.of(new TableId("public", "orders")), tables(db, publication));
            Poll.until(Duration.ofSeconds(90), "a streamed update of orders", () -> applicationWorks(writer)
                    && connect.readAll(prefix + ".public.orders").stream().anyMatch(r -> "u".equals(op(r))));
            if (keylessInsertsStreamed) {
                Poll.until(Duration.ofSeconds(60), "a streamed insert of notes", () -> applicationWorks(writer)
                        && connect.readAll(prefix + ".public.notes").stream().anyMatch(r -> "c".equals(op(r))));
            }
            stop.set(true);
            assertTrue(writer.get(60, TimeUnit.SECONDS) > 0, "the writer ran");
            assertTrue(connect.readAll(prefix + ".public.notes").stream().map(KeylessTablesIT::op)
                    .allMatch(op -> op.equals("r") || op.equals("c")), "no update or delete of notes is streamed");
        } finally {
            stop.set(true);
            pool.shutdownNow();
            connect.delete(name);
            Poll.until(Duration.ofSeconds(30), "the slot to be released", () -> {
                try (Connection connection = postgres.superuser(db)) {
                    return ReplicationSlots.find(connection, "keyless_inserts_it").map(s -> !s.active()).orElse(true);
                }
            });
            try (Connection connection = postgres.superuser(db)) {
                ReplicationSlots.drop(connection, "keyless_inserts_it");
            }
        }
    }

    private List<TableId> tables(String db, String publication) throws SQLException {
        try (Connection connection = postgres.superuser(db)) {
            return Publications.tables(connection, publication, table -> true);
        }
    }

    /** True while the writer runs; an AssertionError (which Poll does not retry) with its failure once it fails. */
    private static boolean applicationWorks(Future<Integer> writer) throws InterruptedException {
        if (writer.isDone()) {
            try {
                writer.get();
            } catch (java.util.concurrent.ExecutionException e) {
                throw new AssertionError("an application write failed: " + e.getCause().getMessage(), e.getCause());
            }
        }
        return true;
    }

    /** The application: inserts, updates and deletes on both tables until stopped; any failure fails the test. */
    private int write(String db, AtomicBoolean stop) throws SQLException {
        int round = 0;
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            while (!stop.get()) {
                round++;
                statement.execute("UPDATE notes SET v = " + round + " WHERE id = 1");
                statement.execute("INSERT INTO notes VALUES (" + (1000 + round) + ", 0)");
                statement.execute("DELETE FROM notes WHERE id = " + (1000 + round));
                statement.execute("UPDATE orders SET v = " + round + " WHERE id = 1");
            }
        }
        return round;
    }

    private static String op(ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            return "tombstone";
        }
        try {
            JsonNode value = JSON.readTree(record.value());
            return value.get("op").asText();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private Map<String, List<String>> errors(Map<String, String> config) {
        Map<String, String> named = new HashMap<>(config);
        named.put("name", "keyless");
        ConfigInfos infos = connect.validate(named);
        return infos.configs().stream()
                .map(ConfigInfo::configValue)
                .filter(value -> !value.errors().isEmpty())
                .collect(Collectors.toMap(value -> value.name(), value -> value.errors()));
    }
}

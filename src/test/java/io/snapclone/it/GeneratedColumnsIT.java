package io.snapclone.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.snapclone.pg.replication.ReplicationSlots;
import io.snapclone.testing.Poll;
import io.snapclone.testing.TestingConnect;
import io.snapclone.testing.TestingPostgres;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A table with generated columns keeps one value schema across the handover: the snapshot carries
 * exactly the columns pgoutput's Relation message carries (stored generated ones from PostgreSQL 18,
 * none before; virtual ones never).
 */
class GeneratedColumnsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final TestingPostgres postgres = TestingPostgres.shared();
    private final TestingConnect connect = TestingConnect.shared();

    @Test
    void snapshotAndStreamCarryTheSameColumns() throws Exception {
        String db = postgres.createDatabase();
        int major;
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            major = connection.getMetaData().getDatabaseMajorVersion();
            statement.execute("CREATE TABLE shapes (id int PRIMARY KEY, side int, "
                    + "area int GENERATED ALWAYS AS (side * side) STORED"
                    + (major >= 18 ? ", perimeter int GENERATED ALWAYS AS (4 * side) VIRTUAL" : "") + ")");
            statement.execute("INSERT INTO shapes (id, side) VALUES (1, 3)");
        }
        connect.deploy("generated", TestingConnect.connectorConfig(postgres.superuserConnectorConfig(db), "gen", 1,
                Map.of("snapshot.mode", "initial", "slot.name", "generated_it", "publication.name", "generated_it",
                        "table.include.list", "public\\.shapes")));
        try {
            Poll.until(Duration.ofSeconds(60), "the snapshot record", () -> !records("r").isEmpty());
            try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
                statement.execute("INSERT INTO shapes (id, side) VALUES (2, 5)");
            }
            JsonNode streamed = Poll.until(Duration.ofSeconds(90), "the streamed insert",
                    () -> records("c").isEmpty() ? null : records("c").get(0));
            JsonNode snapshot = records("r").get(0);

            List<String> expected = major >= 18 ? List.of("id", "side", "area") : List.of("id", "side");
            assertEquals(expected, fields(streamed), "the stream's columns (the Relation message) on " + major);
            assertEquals(fields(streamed), fields(snapshot), "the snapshot carries the stream's columns");
            if (major >= 18) {
                assertEquals(9, snapshot.get("area").asInt());
                assertEquals(25, streamed.get("area").asInt());
            }
        } finally {
            connect.delete("generated");
            Poll.until(Duration.ofSeconds(30), "the slot to be released", () -> {
                try (Connection connection = postgres.superuser(db)) {
                    return ReplicationSlots.find(connection, "generated_it").map(s -> !s.active()).orElse(true);
                }
            });
            try (Connection connection = postgres.superuser(db)) {
                ReplicationSlots.drop(connection, "generated_it");
            }
        }
    }

    /** The {@code after} rows of the records with this op. */
    private List<JsonNode> records(String op) throws IOException {
        List<JsonNode> rows = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : connect.readAll("gen.public.shapes")) {
            if (record.value() != null) {
                JsonNode value = JSON.readTree(record.value());
                if (op.equals(value.get("op").asText())) {
                    rows.add(value.get("after"));
                }
            }
        }
        return rows;
    }

    private static List<String> fields(JsonNode row) {
        List<String> names = new ArrayList<>();
        row.fieldNames().forEachRemaining(names::add);
        return names;
    }
}

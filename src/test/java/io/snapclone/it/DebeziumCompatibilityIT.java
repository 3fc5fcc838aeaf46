package io.snapclone.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.snapclone.testing.Poll;
import io.snapclone.testing.TestingConnect;
import io.snapclone.testing.TestingPostgres;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Debezium's PostgreSQL connector and snapclone on the same table, the same snapshot and the same
 * changes, with JsonConverter with schemas: record by record, the envelope and its source block
 * have the same schema (names, versions, fields, optionality, defaults) and the same values,
 * except what differs by nature (times, the connector's own name and version) and the documented
 * differences below (docs/migrating-from-debezium.md).
 */
class DebeziumCompatibilityIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Values that differ between any two runs, even of the same connector. */
    private static final Set<String> VOLATILE = Set.of("payload.ts_ms", "payload.ts_us", "payload.ts_ns",
            "payload.source.ts_ms", "payload.source.ts_us", "payload.source.ts_ns", "payload.source.version");
    /** Differences kept for now, each explained in docs/migrating-from-debezium.md: "phase key|value path". */
    private static final Set<String> ALLOWED = Set.of(
            // A parallel load has no single first or last row: every snapshot record says "true".
            "snapshot value payload.source.snapshot",
            // Not yet carried by snapshot records (null): the snapshot's LSN and transaction.
            "snapshot value payload.source.lsn", "snapshot value payload.source.sequence",
            "snapshot value payload.source.txId");
    private static final int SNAPSHOT_ROWS = 3;

    private final TestingPostgres postgres = TestingPostgres.shared();
    private final TestingConnect connect = TestingConnect.shared();

    @Test
    void envelopeAndSourceAreDebeziums() throws Exception {
        String db = postgres.createDatabase();
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL, note text)");
            statement.execute("INSERT INTO items VALUES (1, 'one', 'a'), (2, 'two', null), (3, 'three', 'c')");
        }
        Map<String, String> converters = Map.of(
                "key.converter", "org.apache.kafka.connect.json.JsonConverter", "key.converter.schemas.enable", "true",
                "value.converter", "org.apache.kafka.connect.json.JsonConverter",
                "value.converter.schemas.enable", "true");
        Map<String, String> debezium = new HashMap<>(postgres.superuserConnectorConfig(db));
        debezium.putAll(converters);
        debezium.putAll(Map.of("connector.class", "io.debezium.connector.postgresql.PostgresConnector",
                "tasks.max", "1", "topic.prefix", "dbz", "plugin.name", "pgoutput", "slot.name", "compat_dbz",
                "publication.name", "compat_dbz", "publication.autocreate.mode", "filtered",
                "table.include.list", "public.items", "snapshot.mode", "initial"));
        debezium.put("topic.creation.default.replication.factor", "1");
        debezium.put("topic.creation.default.partitions", "1");
        Map<String, String> snapclone = TestingConnect.connectorConfig(postgres.superuserConnectorConfig(db), "snc", 1,
                Map.of("snapshot.mode", "initial", "slot.name", "compat_snc", "publication.name", "compat_snc",
                        "table.include.list", "public\\.items"));
        snapclone.putAll(converters);
        connect.deploy("compat-dbz", debezium);
        connect.deploy("compat-snc", snapclone);
        try {
            awaitRecords(SNAPSHOT_ROWS);
            try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
                statement.execute("INSERT INTO items VALUES (4, 'four', 'd')");
                statement.execute("UPDATE items SET name = 'uno', note = null WHERE id = 1");
                statement.execute("DELETE FROM items WHERE id = 2");
            }
            // Three changes, and the delete's tombstone.
            List<ConsumerRecord<byte[], byte[]>>[] both = awaitRecords(7);
            List<String> differences = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                String phase = i < SNAPSHOT_ROWS ? "snapshot" : "stream";
                compare(phase + " key", json(both[0].get(i).key()), json(both[1].get(i).key()), "", differences);
                compare(phase + " value", json(both[0].get(i).value()), json(both[1].get(i).value()), "",
                        differences);
            }
            differences.forEach(d -> System.out.println("DebeziumCompatibilityIT: " + d));
            Set<String> kinds = new TreeSet<>(differences.stream().map(d -> d.substring(0, d.indexOf(':'))).toList());
            assertEquals(new TreeSet<>(ALLOWED), kinds, "differences from Debezium outside the documented list");
        } finally {
            connect.delete("compat-dbz");
            connect.delete("compat-snc");
            for (String slot : List.of("compat_dbz", "compat_snc")) {
                dropSlotOnceReleased(db, slot);
            }
        }
    }

    /** Slots outlive connectors and keep WAL: gone once their reader has let go. */
    private void dropSlotOnceReleased(String db, String slot) {
        Poll.until(Duration.ofSeconds(30), "slot " + slot + " to be released", () -> {
            try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
                statement.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
                        + "WHERE slot_name = '" + slot + "' AND NOT active");
                try (var rs = statement.executeQuery("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '"
                        + slot + "'")) {
                    return rs.next() && rs.getInt(1) == 0;
                }
            }
        });
    }

    @SuppressWarnings("unchecked")
    private List<ConsumerRecord<byte[], byte[]>>[] awaitRecords(int count) {
        return Poll.until(Duration.ofSeconds(90), count + " records from each connector", () -> {
            List<ConsumerRecord<byte[], byte[]>> dbz = connect.readAll("dbz.public.items");
            List<ConsumerRecord<byte[], byte[]>> snc = connect.readAll("snc.public.items");
            return dbz.size() >= count && snc.size() >= count ? new List[] {dbz, snc} : null;
        });
    }

    private static JsonNode json(byte[] bytes) throws Exception {
        return bytes == null ? null : JSON.readTree(bytes);
    }

    /** Adds a line per difference; {@code path} names fields by name, schema fields by their "field". */
    private static void compare(String what, JsonNode debezium, JsonNode snapclone, String path, List<String> out) {
        if (VOLATILE.contains(path)) {
            return;
        }
        if (debezium == null || snapclone == null || debezium.isNull() || snapclone.isNull()) {
            if (!(isNull(debezium) && isNull(snapclone))) {
                out.add(what + " " + path + ": Debezium " + debezium + ", snapclone " + snapclone);
            }
            return;
        }
        if (debezium.isObject() && snapclone.isObject()) {
            Set<String> names = new TreeSet<>();
            debezium.fieldNames().forEachRemaining(names::add);
            snapclone.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                compare(what, debezium.get(name), snapclone.get(name), join(path, name), out);
            }
        } else if (debezium.isArray() && snapclone.isArray() && isSchemaFields(debezium) && isSchemaFields(snapclone)) {
            Map<String, JsonNode> ours = byField(snapclone);
            List<String> order = new ArrayList<>();
            for (JsonNode field : debezium) {
                String name = field.get("field").asText();
                order.add(name);
                compare(what, field, ours.remove(name), path + "[" + name + "]", out);
            }
            ours.keySet().forEach(name -> out.add(what + " " + path + "[" + name + "]: only in snapclone"));
            List<String> ourOrder = new ArrayList<>();
            snapclone.forEach(f -> ourOrder.add(f.get("field").asText()));
            if (ourOrder.containsAll(order) && !ourOrder.equals(order)) {
                out.add(what + " " + path + ": field order Debezium " + order + ", snapclone " + ourOrder);
            }
        } else if (!normalized(debezium).equals(normalized(snapclone))) {
            out.add(what + " " + path + ": Debezium " + debezium + ", snapclone " + snapclone);
        }
    }

    private static boolean isNull(JsonNode node) {
        return node == null || node.isNull();
    }

    private static boolean isSchemaFields(JsonNode array) {
        Iterator<JsonNode> elements = array.elements();
        return elements.hasNext() && array.get(0).isObject() && array.get(0).has("field");
    }

    private static Map<String, JsonNode> byField(JsonNode array) {
        Map<String, JsonNode> fields = new java.util.LinkedHashMap<>();
        array.forEach(field -> fields.put(field.get("field").asText(), field));
        return fields;
    }

    /** The topic prefix is part of names and of source.name: the same for both once taken out. */
    private static String normalized(JsonNode value) {
        return value.toString().replace("dbz", "PREFIX").replace("snc", "PREFIX");
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }
}

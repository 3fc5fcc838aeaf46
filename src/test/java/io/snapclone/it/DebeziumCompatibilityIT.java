package io.snapclone.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.snapclone.testing.InMemorySchemaResolver;
import io.snapclone.testing.Poll;
import io.snapclone.testing.TestingConnect;
import io.snapclone.testing.TestingAvro;
import io.snapclone.testing.TestingPostgres;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.apicurio.registry.utils.converter.avro.AvroData;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.json.JsonConverter;
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
    /**
     * Snapshot records' position: each connector's own slot's consistent point, so the values differ;
     * both must carry one.
     */
    private static final Set<String> PRESENT_IN_SNAPSHOT = Set.of("payload.source.lsn", "payload.source.sequence");
    /**
     * A parallel load has no first or last row of the whole load: the row Debezium marks first (last)
     * is the first (last) of its table, and snapclone marks it so (docs/migrating-from-debezium.md).
     */
    private static final Map<String, String> LOAD_MARKERS = Map.of("\"first\"", "\"first_in_data_collection\"",
            "\"last\"", "\"last_in_data_collection\"");
    /** Values that differ between any two runs, even of the same connector. */
    private static final Set<String> VOLATILE = Set.of("payload.ts_ms", "payload.ts_us", "payload.ts_ns",
            "payload.source.ts_ms", "payload.source.ts_us", "payload.source.ts_ns", "payload.source.version");
    /** Differences kept for now, each explained in docs/migrating-from-debezium.md: "phase key|value path". */
    private static final Set<String> ALLOWED = Set.of(
            // Not carried by snapshot records (null): the snapshot's transaction (a read-only import has none).
            "snapshot value payload.source.txId",
            // Debezium leaves pg_lsn columns out (an unknown type to it); snapclone sends them as strings.
            "typed value after.lsn", "typed value schema.fields[after].fields[lsn]",
            "typed value schema.fields[before].fields[lsn]", "typed value schema.fields[after].fields",
            "typed value schema.fields[before].fields",
            // Column defaults stay out of the Connect schema: with them, JsonConverter (whose
            // replace.null.with.default is true by default) sends a NULL as the column's default.
            "typed value schema.fields[after].fields[id].default", "typed value schema.fields[after].fields[i2].default",
            "typed value schema.fields[after].fields[b].default", "typed value schema.fields[after].fields[t].default",
            "typed value schema.fields[after].fields[tstz].default",
            "typed value schema.fields[before].fields[id].default",
            "typed value schema.fields[before].fields[i2].default",
            "typed value schema.fields[before].fields[b].default", "typed value schema.fields[before].fields[t].default",
            "typed value schema.fields[before].fields[tstz].default",
            "typed value after.i2", "typed value after.b", "typed value after.t", "typed value after.tstz");
    private static final int SNAPSHOT_ROWS = 3;
    /** The types of the type catalogue (docs/types.md), with defaults, edge values and NULLs. */
    private static final String TYPED_TABLE = """
            CREATE TABLE typed (id bigserial PRIMARY KEY, i2 smallint DEFAULT 7, i4 int, f4 real,
              f8 double precision, n numeric(12,4), nv numeric, mon money, b boolean DEFAULT true, ch char(3),
              vc varchar(20), t text DEFAULT 'x', by bytea, d date, tm time, ts timestamp,
              tstz timestamptz DEFAULT now(), ttz timetz, iv interval, u uuid, j json, jb jsonb, x xml, ip inet,
              net cidr, mac macaddr, bits bit(8), pt point, r int4range, lsn pg_lsn, arr int[], tarr text[],
              en mood)""";
    private static final String TYPED_ROWS = """
            INSERT INTO typed VALUES
             (1, -32768, 2147483647, 1.5, -1.5e300, 12345678.1234, 100.000, 12.34, true, 'ab', 'vc', 'text',
              '\\x00ff', '2024-02-29', '13:45:10.123456', '2024-02-29 23:59:59.999999', '1999-12-31 23:00:00-05',
              '10:00:00+02', '1 year 2 mons 3 days 04:05:06.5', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{"a": 1}',
              '{"b": [1, 2]}', '<a/>', '10.0.0.1', '10.0.0.0/8', '08:00:2b:01:02:03', B'10101010', '(1,2)', '[1,5)',
              '0/16B6C50', '{1,NULL,3}', '{"a b",NULL}', 'happy'),
             (2, 0, 0, 'NaN', 'Infinity', 0, 0.5, 0, false, 'x', '', '', '\\x', '1970-01-01', '00:00:00',
              'infinity', '1970-01-01 00:00:00+00', '00:00:00+00', '-1 mons 5 days -00:00:01', NULL, '[]', '{}',
              NULL, '::1', '::/0', NULL, B'00000000', '(0,0)', 'empty', '0/0', '{}', '{}', 'sad'),
             (3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '-infinity',
              NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)
            """;
    private static final int TYPED_ROW_COUNT = 3;

    private final TestingPostgres postgres = TestingPostgres.shared();
    private final TestingConnect connect = TestingConnect.shared();

    @Test
    void envelopeAndSourceAreDebeziums() throws Exception {
        String db = postgres.createDatabase();
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL, note text)");
            statement.execute("INSERT INTO items VALUES (1, 'one', 'a'), (2, 'two', null), (3, 'three', 'c')");
            statement.execute("CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy')");
            statement.execute(TYPED_TABLE);
            statement.execute(TYPED_ROWS);
        }
        Map<String, String> converters = Map.of(
                "key.converter", "org.apache.kafka.connect.json.JsonConverter", "key.converter.schemas.enable", "true",
                "value.converter", "org.apache.kafka.connect.json.JsonConverter",
                "value.converter.schemas.enable", "true");
        Map<String, String> debezium = debeziumConfig(postgres, db, "dbz", "compat_dbz", "public.items,public.typed",
                "initial");
        debezium.putAll(converters);
        debezium.put("notification.enabled.channels", "sink");
        debezium.put("notification.sink.topic.name", "dbz.notifications");
        // Debezium's config with connector.class changed (and what two connectors side by side cannot share).
        Map<String, String> snapclone = new HashMap<>(debezium);
        snapclone.putAll(Map.of("connector.class", TestingConnect.CONNECTOR_CLASS, "topic.prefix", "snc",
                "slot.name", "compat_snc", "publication.name", "compat_snc",
                "notification.sink.topic.name", "snc.notifications"));
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
            assertSameAvroSchemas(both, 7);
            assertSameNotifications();
            List<ConsumerRecord<byte[], byte[]>>[] typed = awaitRecords("typed", TYPED_ROW_COUNT);
            for (int i = 0; i < TYPED_ROW_COUNT; i++) {
                compare("typed value", json(typed[0].get(i).value()).get("schema"),
                        json(typed[1].get(i).value()).get("schema"), "schema", differences);
                compare("typed value", json(typed[0].get(i).value()).get("payload").get("after"),
                        json(typed[1].get(i).value()).get("payload").get("after"), "after", differences);
            }
            differences.forEach(d -> System.out.println("DebeziumCompatibilityIT: " + d));
            Set<String> kinds = new TreeSet<>(differences.stream().map(d -> d.substring(0, d.indexOf(':'))).toList());
            assertEquals(new TreeSet<>(ALLOWED), kinds, "differences from Debezium outside the documented list");
        } finally {
            connect.delete("compat-dbz");
            connect.delete("compat-snc");
            postgres.dropSlotsWhenReleased(db);
        }
    }

    /**
     * The same connectors with the Avro converter (Apicurio's port of Confluent's, Confluent's wire
     * format, an in-memory registry): every record of both carries a schema id, and the registered
     * key and value schemas are the same Avro schemas but for the topic prefix.
     */
    @Test
    void withTheAvroConverterBothRegisterTheSameSchemas() throws Exception {
        String db = postgres.createDatabase();
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL, note varchar(20), "
                    + "price numeric(10,2), at timestamptz, tags text[])");
            statement.execute("INSERT INTO items VALUES (1, 'one', 'a', 1.50, '2024-01-01 00:00:00+00', '{x}'), "
                    + "(2, 'two', null, null, null, null), (3, 'three', 'c', 0, now(), '{}')");
        }
        Map<String, String> debezium = debeziumConfig(postgres, db, "dbza", "compat_dbza", "public.items", "initial_only");
        for (String converter : List.of("key.converter", "value.converter")) {
            debezium.put(converter, "io.apicurio.registry.utils.converter.AvroConverter");
            debezium.put(converter + ".apicurio.registry.schema-resolver", InMemorySchemaResolver.class.getName());
            debezium.put(converter + ".apicurio.registry.headers.enabled", "false");
            debezium.put(converter + ".apicurio.registry.as-confluent", "true");
        }
        Map<String, String> snapclone = new HashMap<>(debezium);
        snapclone.putAll(Map.of("connector.class", TestingConnect.CONNECTOR_CLASS, "topic.prefix", "snca",
                "slot.name", "compat_snca", "publication.name", "compat_snca"));
        connect.deploy("compat-dbza", debezium);
        connect.deploy("compat-snca", snapclone);
        try {
            List<ConsumerRecord<byte[], byte[]>>[] both = Poll.until(Duration.ofSeconds(90), "3 Avro records each", () -> {
                List<ConsumerRecord<byte[], byte[]>> dbz = connect.readAll("dbza.public.items");
                List<ConsumerRecord<byte[], byte[]>> snc = connect.readAll("snca.public.items");
                @SuppressWarnings("unchecked")
                List<ConsumerRecord<byte[], byte[]>>[] pair = new List[] {dbz, snc};
                return dbz.size() >= 3 && snc.size() >= 3 ? pair : null;
            });
            for (int i = 0; i < 3; i++) {
                for (boolean key : new boolean[] {true, false}) {
                    String debeziums = registered(key ? both[0].get(i).key() : both[0].get(i).value());
                    String ours = registered(key ? both[1].get(i).key() : both[1].get(i).value());
                    assertEquals(debeziums.replace("dbza.public.", "snca.public."), ours,
                            "the registered Avro " + (key ? "key" : "value") + " schema of record " + i);
                }
            }
        } finally {
            connect.delete("compat-dbza");
            connect.delete("compat-snca");
            postgres.dropSlotsWhenReleased(db);
        }
    }

    /** The Avro schema a Confluent-framed record (magic byte, 4-byte schema id, data) was written with. */
    private static String registered(byte[] framed) {
        assertEquals(TestingAvro.MAGIC_BYTE, framed[0], "Confluent's magic byte");
        return InMemorySchemaResolver.schema(java.nio.ByteBuffer.wrap(framed, 1, 4).getInt()).toString();
    }

    /**
     * With the Avro converter a schema registry must see one schema for both producers: each key and
     * value schema, turned into Avro as Confluent's AvroConverter does (Apicurio's port of its
     * AvroData), is the same but for the topic prefix in the names.
     */
    private static void assertSameAvroSchemas(List<ConsumerRecord<byte[], byte[]>>[] both, int count) {
        JsonConverter fromJson = new JsonConverter();
        fromJson.configure(Map.of("schemas.enable", "true"), false);
        AvroData avro = new AvroData(100);
        for (int i = 0; i < count; i++) {
            for (boolean key : new boolean[] {true, false}) {
                byte[] dbz = key ? both[0].get(i).key() : both[0].get(i).value();
                byte[] snc = key ? both[1].get(i).key() : both[1].get(i).value();
                if (dbz == null && snc == null) {
                    continue; // a tombstone
                }
                String debezium = avro.fromConnectSchema(fromJson.toConnectData("dbz", dbz).schema()).toString();
                String ours = avro.fromConnectSchema(fromJson.toConnectData("snc", snc).schema()).toString();
                assertEquals(debezium.replace("dbz.public.", "snc.public."), ours,
                        "the Avro " + (key ? "key" : "value") + " schema of record " + i);
            }
        }
    }

    /**
     * notification.enabled.channels=sink: the same key and value schemas as Debezium's, and the same
     * notifications with the same additional data, except what a parallel load cannot say at that
     * point (docs/migrating-from-debezium.md): no DATA_COLLECTIONS_RESOLVED, and IN_PROGRESS without
     * data_collections.
     */
    private void assertSameNotifications() throws Exception {
        List<JsonNode> dbz = new ArrayList<>();
        List<JsonNode> snc = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : connect.readAll("dbz.notifications")) {
            dbz.add(json(record.value()));
        }
        for (ConsumerRecord<byte[], byte[]> record : connect.readAll("snc.notifications")) {
            snc.add(json(record.value()));
            assertEquals(json(connect.readAll("dbz.notifications").get(0).key()).get("schema"),
                    json(record.key()).get("schema"), "the key schema");
        }
        assertEquals(dbz.get(0).get("schema"), snc.get(0).get("schema"), "the value schema");
        assertEquals(notifications(dbz).entrySet().stream()
                        .filter(n -> !n.getKey().startsWith("DATA_COLLECTIONS_RESOLVED")).map(n -> {
                            if (n.getKey().startsWith("IN_PROGRESS")) {
                                n.getValue().remove("data_collections");
                            }
                            return n;
                        }).collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)),
                notifications(snc));
    }

    /** Each notification by its type and table, with its additional data but the connector's name. */
    private static Map<String, Map<String, String>> notifications(List<JsonNode> values) {
        Map<String, Map<String, String>> byType = new java.util.TreeMap<>();
        for (JsonNode value : values) {
            JsonNode payload = value.get("payload");
            assertEquals("Initial Snapshot", payload.get("aggregate_type").asText());
            Map<String, String> data = new java.util.TreeMap<>();
            payload.get("additional_data").fields().forEachRemaining(e -> data.put(e.getKey(), e.getValue().asText()));
            data.remove("connector_name");
            String table = data.getOrDefault("scanned_collection", data.getOrDefault("current_collection_in_progress", ""));
            byType.put(payload.get("type").asText() + " " + table, data);
        }
        return byType;
    }

    /** Debezium's PostgreSQL connector on {@code db}: pgoutput, one task, a filtered publication named as the slot. */
    static Map<String, String> debeziumConfig(TestingPostgres postgres, String db, String prefix, String slot,
                                              String tables, String snapshotMode) {
        Map<String, String> config = new HashMap<>(postgres.superuserConnectorConfig(db));
        config.putAll(Map.of("connector.class", "io.debezium.connector.postgresql.PostgresConnector",
                "tasks.max", "1", "topic.prefix", prefix, "plugin.name", "pgoutput", "slot.name", slot,
                "publication.name", slot, "publication.autocreate.mode", "filtered",
                "table.include.list", tables, "snapshot.mode", snapshotMode));
        config.put("topic.creation.default.replication.factor", "1");
        config.put("topic.creation.default.partitions", "1");
        return config;
    }

    private List<ConsumerRecord<byte[], byte[]>>[] awaitRecords(int count) {
        return awaitRecords("items", count);
    }

    @SuppressWarnings("unchecked")
    private List<ConsumerRecord<byte[], byte[]>>[] awaitRecords(String table, int count) {
        return Poll.until(Duration.ofSeconds(90), count + " records of " + table + " from each connector", () -> {
            List<ConsumerRecord<byte[], byte[]>> dbz = connect.readAll("dbz.public." + table);
            List<ConsumerRecord<byte[], byte[]>> snc = connect.readAll("snc.public." + table);
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
        if (what.startsWith("snapshot") && PRESENT_IN_SNAPSHOT.contains(path) && !isNull(debezium) && !isNull(snapclone)) {
            return;
        }
        if (path.equals("payload.source.snapshot") && debezium != null) {
            String marker = LOAD_MARKERS.getOrDefault(debezium.toString(), debezium.toString());
            if (!marker.equals(String.valueOf(snapclone))) {
                out.add(what + " " + path + ": Debezium " + debezium + ", snapclone " + snapclone);
            }
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

package io.snapclone.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapclone.testing.Poll;
import io.snapclone.testing.TestingConnect;
import io.snapclone.testing.TestingPostgres;

import org.apache.kafka.connect.runtime.rest.entities.ConfigInfo;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfos;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.postgresql.PGConnection;
import org.postgresql.replication.PGReplicationStream;

import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Invalid or conflicting configurations, each rejected by {@code PUT /connector-plugins/.../validate}
 * against the one key to change, with a message that says the fix. One database and one REST call
 * per case; servers and sessions that only some cases need are set up by those cases.
 */
class BadConfigsIT {
    private static final TestingPostgres postgres = TestingPostgres.shared();
    private static final TestingConnect connect = TestingConnect.shared();
    private static final String WRONG_PASSWORD = "not-the-pw-42";
    private static final String REPL_PASSWORD = "repl-pw-77";
    private static final String ACTIVE_SLOT = "badconfigs_active";
    private static final String TEST_DECODING_SLOT = "badconfigs_test_decoding";
    private static final String ELSEWHERE_SLOT = "badconfigs_elsewhere";
    private static String db;
    private static String replUser;
    private static TestingPostgres replicaOnly;
    private static TestingPostgres oneSlotOnly;

    /** What a case needs besides its config: returns config keys to add, registers what to close. */
    @FunctionalInterface
    interface Setup {
        Map<String, String> prepare(Deque<AutoCloseable> cleanup) throws Exception;
    }

    private static final Setup NONE = cleanup -> Map.of();

    /**
     * One bad configuration: {@code overrides} on top of a valid snapshot-only config of table
     * public.orders (a null value removes the key), the key expected to carry the error, and a
     * fragment of its message that says the fix.
     */
    record Case(String name, Map<String, String> overrides, Setup setup, String key, String fix) {
        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    static void createDatabase() throws Exception {
        db = postgres.createDatabase();
        replUser = "badconfigs_repl_" + db;
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE orders (id int PRIMARY KEY, tenant int, note text)");
            statement.execute("CREATE TABLE secrets (id int PRIMARY KEY)");
            statement.execute("REVOKE SELECT ON secrets FROM " + TestingPostgres.USER);
            statement.execute("CREATE TABLE nokey (v int)");
            statement.execute("CREATE TABLE items (id int PRIMARY KEY)");
            statement.execute("CREATE PUBLICATION badconfigs_pub FOR TABLE orders");
            statement.execute("CREATE ROLE " + replUser + " LOGIN REPLICATION PASSWORD '" + REPL_PASSWORD + "'");
            statement.execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + replUser);
        }
    }

    @AfterAll
    static void dropWhatOutlivesTheTest() throws Exception {
        if (replicaOnly != null) {
            replicaOnly.close();
        }
        if (oneSlotOnly != null) {
            oneSlotOnly.close();
        }
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            for (String slot : List.of(ACTIVE_SLOT, TEST_DECODING_SLOT)) {
                // A walsender that was just closed may hold the slot for a moment.
                Poll.until(Duration.ofSeconds(30), "slot " + slot + " dropped", () -> {
                    statement.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
                            + "WHERE slot_name = '" + slot + "'");
                    return true;
                });
            }
            statement.execute("DROP OWNED BY " + replUser);
            statement.execute("DROP ROLE " + replUser);
        }
        try (Connection connection = postgres.superuser("postgres"); Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
                    + "WHERE slot_name = '" + ELSEWHERE_SLOT + "'");
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                // Ranges and types of single keys.
                bad("port zero", with("database.port", "0"), "database.port", "Value must be at least 1"),
                bad("port above 65535", with("database.port", "65536"), "database.port",
                        "Value must be no more than 65535"),
                bad("port not a number", with("database.port", "five"), "database.port", "Not a number of type INT"),
                bad("max.batch.size zero", with("max.batch.size", "0"), "max.batch.size", "Value must be at least 1"),
                bad("max.batch.size negative", with("max.batch.size", "-10"), "max.batch.size",
                        "Value must be at least 1"),
                bad("max.batch.size huge", with("max.batch.size", "2000000"), "max.batch.size",
                        "Value must be no more than 1000000"),
                bad("snapshot.chunk.size too small", with("snapshot.chunk.size", "1000"), "snapshot.chunk.size",
                        "Value must be at least 65536"),
                bad("snapshot.chunk.size negative", with("snapshot.chunk.size", "-1"), "snapshot.chunk.size",
                        "Value must be at least 65536"),
                bad("snapshot.chunk.size with a unit", with("snapshot.chunk.size", "64MB"), "snapshot.chunk.size",
                        "Not a number of type LONG"),
                bad("heartbeat.interval.ms negative", with("heartbeat.interval.ms", "-1"), "heartbeat.interval.ms",
                        "Value must be at least 0"),
                bad("snapshot.progress.interval.ms too small", with("snapshot.progress.interval.ms", "10"),
                        "snapshot.progress.interval.ms", "Value must be at least 100"),
                bad("errors.max.retries below -1", with("errors.max.retries", "-2"), "errors.max.retries",
                        "Value must be at least -1"),
                bad("retriable.restart.connector.wait.ms too small", with("retriable.restart.connector.wait.ms", "100"),
                        "retriable.restart.connector.wait.ms", "Value must be at least 500"),
                bad("snapshot.holder.grace.ms negative", with("snapshot.holder.grace.ms", "-1"),
                        "snapshot.holder.grace.ms", "Value must be at least 0"),
                bad("tombstones.on.delete not a boolean", with("tombstones.on.delete", "yes"), "tombstones.on.delete",
                        "Expected value to be either true or false"),
                bad("tasks.max zero", with("tasks.max", "0"), "tasks.max", "at least 1"),

                // A value every mode key rejects, with the values it takes.
                bad("snapshot.mode unknown", with("snapshot.mode", "sometimes"), "snapshot.mode",
                        "String must be one of: initial, initial_only, never, no_data"),
                bad("snapshot.mode of Debezium's we do not offer", with("snapshot.mode", "when_needed"), "snapshot.mode",
                        "Debezium's when_needed is not supported: snapclone never re-snapshots by itself"),
                bad("snapshot.mode upper case", with("snapshot.mode", "INITIAL"), "snapshot.mode",
                        "String must be one of: initial, initial_only, never, no_data"),
                bad("decimal.handling.mode unknown", with("decimal.handling.mode", "exact"), "decimal.handling.mode",
                        "String must be one of: precise, double, string"),
                bad("time.precision.mode unknown", with("time.precision.mode", "nanoseconds"), "time.precision.mode",
                        "String must be one of: adaptive, adaptive_time_microseconds, connect"),
                bad("binary.handling.mode unknown", with("binary.handling.mode", "base32"), "binary.handling.mode",
                        "String must be one of: bytes, base64, base64-url-safe, hex"),
                bad("interval.handling.mode unknown", with("interval.handling.mode", "iso8601"),
                        "interval.handling.mode", "String must be one of: numeric, string"),
                bad("hstore.handling.mode unknown", with("hstore.handling.mode", "text"), "hstore.handling.mode",
                        "String must be one of: json, map"),
                bad("record.value.format unknown", with("record.value.format", "flat"), "record.value.format",
                        "String must be one of: envelope, row"),
                bad("field.name.adjustment.mode unknown", with("field.name.adjustment.mode", "avro_unicode"),
                        "field.name.adjustment.mode", "String must be one of: none, avro"),
                bad("publication.autocreate.mode unknown", with("publication.autocreate.mode", "enabled"),
                        "publication.autocreate.mode", "String must be one of: disabled, all_tables, filtered"),
                bad("publication.keyless.tables unknown", with("publication.keyless.tables", "ignore"),
                        "publication.keyless.tables", "String must be one of: exclude, inserts_only, fail"),
                bad("database.sslmode unknown", with("database.sslmode", "on"), "database.sslmode",
                        "String must be one of: disable, allow, prefer, require, verify-ca, verify-full"),

                // Required keys.
                bad("topic.prefix missing", with("topic.prefix", null), "topic.prefix",
                        "Missing required configuration \"topic.prefix\""),
                bad("database.hostname missing", with("database.hostname", null), "database.hostname",
                        "Missing required configuration \"database.hostname\""),
                bad("database.hostname empty", with("database.hostname", ""), "database.hostname",
                        "String must be non-empty"),
                bad("database.user missing", with("database.user", null), "database.user",
                        "Missing required configuration \"database.user\""),
                bad("database.dbname missing", with("database.dbname", null), "database.dbname",
                        "Missing required configuration \"database.dbname\""),

                // Names PostgreSQL or Kafka would not take.
                bad("slot.name upper case", with("slot.name", "Orders"), "slot.name", "1 to 63 characters of a-z"),
                bad("slot.name too long", with("slot.name", "s".repeat(64)), "slot.name", "1 to 63 characters of a-z"),
                bad("slot.name with a dash", with("slot.name", "orders-slot"), "slot.name", "1 to 63 characters of a-z"),
                bad("slot.name empty", with("slot.name", ""), "slot.name", "1 to 63 characters of a-z"),
                bad("publication.name too long", with("publication.name", "p".repeat(64)), "publication.name",
                        "1 to 63 bytes"),
                bad("publication.name too long in UTF-8", with("publication.name", "ż".repeat(32)), "publication.name",
                        "1 to 63 bytes"),
                bad("topic.prefix with a space", with("topic.prefix", "my shop"), "topic.prefix",
                        "Use only letters, digits, '.', '_' and '-'"),
                bad("topic.prefix with a slash", with("topic.prefix", "shop/v1"), "topic.prefix",
                        "Use only letters, digits, '.', '_' and '-'"),
                bad("topic.prefix empty", with("topic.prefix", ""), "topic.prefix",
                        "Use only letters, digits, '.', '_' and '-'"),
                bad("topic.prefix too long for Kafka topic names", with("topic.prefix", "t".repeat(240)),
                        "topic.prefix", "at most 230 characters"),
                bad("snapshot.progress.topic not a topic name", with("snapshot.progress.topic", "shop progress"),
                        "snapshot.progress.topic", "Use only letters, digits, '.', '_' and '-'"),
                bad("snapshot.progress.topic too long", with("snapshot.progress.topic", "p".repeat(250)),
                        "snapshot.progress.topic", "at most 249 characters"),
                bad("unavailable.value.placeholder not hex", with("unavailable.value.placeholder", "hex:zz"),
                        "unavailable.value.placeholder", "hex: followed by an even number of hex digits"),
                bad("unavailable.value.placeholder odd hex", with("unavailable.value.placeholder", "hex:abc"),
                        "unavailable.value.placeholder", "hex: followed by an even number of hex digits"),
                bad("unavailable.value.placeholder empty", with("unavailable.value.placeholder", ""),
                        "unavailable.value.placeholder", "Give a non-empty placeholder"),

                // Regular expressions that do not compile, in every list key.
                bad("table.include.list bad regex", with("table.include.list", "public\\.(orders"),
                        "table.include.list", "Not a valid regular expression"),
                bad("table.exclude.list bad regex", with("table.exclude.list", "public\\.[a-"), "table.exclude.list",
                        "Not a valid regular expression"),
                bad("column.include.list bad regex", with("column.include.list", "public\\.orders\\.(id"),
                        "column.include.list", "Not a valid regular expression"),
                bad("column.exclude.list bad regex", with("column.exclude.list", "*note"), "column.exclude.list",
                        "Not a valid regular expression"),
                bad("message.key.columns bad regex", with("message.key.columns", "public\\.(orders:id"),
                        "message.key.columns", "not a valid regular expression"),
                bad("message.key.columns without a column", with("message.key.columns", "public\\.orders:"),
                        "message.key.columns", "expected entries '<schema.table regex>:<column>"),
                bad("message.key.columns without a colon", with("message.key.columns", "public\\.orders"),
                        "message.key.columns", "expected entries '<schema.table regex>:<column>"),

                // Keys that contradict each other.
                bad("column include and exclude lists together", with("column.include.list", "public\\.orders\\..*",
                        "column.exclude.list", "public\\.orders\\.note"), "column.exclude.list",
                        "keep the one that says what you mean and remove the other"),
                bad("heartbeat.action.query without heartbeat.interval.ms", with("snapshot.mode", "initial",
                        "heartbeat.action.query", "SELECT 1"), "heartbeat.interval.ms",
                        "set heartbeat.interval.ms"),
                bad("heartbeat.action.query with snapshot.mode=initial_only", with("heartbeat.interval.ms", "1000",
                        "heartbeat.action.query", "SELECT 1"), "heartbeat.action.query",
                        "or use snapshot.mode=initial"),
                bad("inserts_only keyless tables without a filtered publication", with("snapshot.mode", "initial",
                        "publication.keyless.tables", "inserts_only", "publication.autocreate.mode", "disabled"),
                        "publication.keyless.tables", "set publication.autocreate.mode=filtered"),
                bad("inserts_only publication name too long", with("snapshot.mode", "initial",
                        "publication.keyless.tables", "inserts_only", "publication.name", "p".repeat(60)),
                        "publication.name", "shorten the name"),

                // What only the database can tell.
                bad("wrong password", with("database.password", WRONG_PASSWORD), "database.password",
                        "Check database.user and database.password"),
                bad("password missing", with("database.password", null), "database.password",
                        "set database.password"),
                bad("password empty", with("database.password", ""), "database.password",
                        "set database.password"),
                bad("unknown user", with("database.user", "nobody_here"), "database.password",
                        "Check database.user and database.password"),
                withSetup("unreachable port", cleanup -> Map.of("database.port", Integer.toString(closedPort())),
                        "database.hostname", "Check database.hostname and database.port"),
                bad("unknown host", with("database.hostname", "no-such-host.invalid"), "database.hostname",
                        "no-such-host.invalid is not a known host name: check database.hostname"),
                bad("missing database", with("database.dbname", "no_such_db"), "database.dbname",
                        "Check database.dbname"),
                bad("sslmode require against a server without SSL", with("database.sslmode", "require"),
                        "database.sslmode", "database.sslmode=prefer"),
                bad("no table matches the include list", with("table.include.list", "public\\.ordres"),
                        "table.include.list", "regexes must match the whole of schema.table"),
                bad("the exclude list leaves no table", with("table.exclude.list", "public\\..*"),
                        "table.include.list", "regexes must match the whole of schema.table"),
                bad("no SELECT on a matched table", with("table.include.list", "public\\.(orders|secrets)"),
                        "table.include.list", "GRANT SELECT ON \"public\".\"secrets\" TO \"snapclone\""),
                bad("message.key.columns names an unknown column", with("message.key.columns", "public\\.orders:nope"),
                        "message.key.columns", "Columns of public.orders: id, tenant, note"),
                bad("column.exclude.list drops the key", with("column.exclude.list", "public\\.orders\\.id"),
                        "column.exclude.list", "choose another key with message.key.columns"),
                bad("column.include.list drops the key", with("column.include.list", "public\\.orders\\.note"),
                        "column.include.list", "choose another key with message.key.columns"),
                bad("column.include.list leaves no column", with("table.include.list", "public\\.nokey",
                        "column.include.list", "public\\.nokey\\.nope"), "column.include.list",
                        "Columns of public.nokey: v; match at least one of them with column.include.list"),
                bad("column.exclude.list leaves no column", with("table.include.list", "public\\.nokey",
                        "column.exclude.list", "public\\.nokey\\..*"), "column.exclude.list",
                        "Columns of public.nokey: v; leave at least one of them out of column.exclude.list"),
                bad("snapshot.mode=initial without REPLICATION", with("snapshot.mode", "initial"), "database.user",
                        "ALTER ROLE \"snapclone\" REPLICATION"),
                bad("snapshot.mode=never without REPLICATION", with("snapshot.mode", "never"), "database.user",
                        "or use snapshot.mode=initial_only"),
                bad("missing publication that may not be created", superuser("snapshot.mode", "never",
                        "publication.autocreate.mode", "disabled", "publication.name", "nope"), "publication.name",
                        "CREATE PUBLICATION \"nope\" FOR TABLE"),
                withSetup("publication FOR ALL TABLES by a non-superuser", cleanup -> Map.of("database.user", replUser,
                        "database.password", REPL_PASSWORD, "snapshot.mode", "never",
                        "publication.autocreate.mode", "all_tables", "publication.name", "badconfigs_all"),
                        "publication.autocreate.mode", "use publication.autocreate.mode=filtered"),
                withSetup("filtered publication by a user who owns no captured table", cleanup -> Map.of(
                        "database.user", replUser, "database.password", REPL_PASSWORD, "snapshot.mode", "never",
                        "publication.name", "badconfigs_new"), "publication.autocreate.mode",
                        "CREATE PUBLICATION \"badconfigs_new\" FOR TABLE \"public\".\"orders\""),
                withSetup("filtered publication owned by someone else", cleanup -> Map.of(
                        "database.user", replUser, "database.password", REPL_PASSWORD, "snapshot.mode", "never",
                        "publication.name", "badconfigs_pub"), "publication.autocreate.mode",
                        "ALTER PUBLICATION \"badconfigs_pub\" OWNER TO"),
                bad("keyless table with publication.keyless.tables=fail", superuser("snapshot.mode", "never",
                        "table.include.list", "public\\.nokey", "publication.keyless.tables", "fail"),
                        "publication.keyless.tables", "REPLICA IDENTITY FULL"),
                withSetup("slot of another plugin", BadConfigsIT::testDecodingSlot, "slot.name",
                        "not pgoutput: choose another slot.name"),
                withSetup("slot read by another client", BadConfigsIT::activeSlot, "slot.name",
                        "(walsender pid "),
                withSetup("slot of another database", BadConfigsIT::slotOfAnotherDatabase, "slot.name",
                        "belongs to database 'postgres'"),
                bad("own publication without a captured table", superuser("snapshot.mode", "never",
                        "table.include.list", "public\\.(orders|items)", "publication.autocreate.mode", "disabled",
                        "publication.name", "badconfigs_pub"), "publication.name",
                        "ALTER PUBLICATION \"badconfigs_pub\" ADD TABLE \"public\".\"items\""),
                bad("heartbeat.action.query on a missing table", superuser("snapshot.mode", "never",
                        "heartbeat.interval.ms", "1000", "heartbeat.action.query", "INSERT INTO heartbeat VALUES (now())"),
                        "heartbeat.action.query", "relation \"heartbeat\" does not exist"),
                withSetup("heartbeat.action.query without the privilege", cleanup -> Map.of("database.user", replUser,
                        "database.password", REPL_PASSWORD, "snapshot.mode", "never", "heartbeat.interval.ms", "1000",
                        "publication.autocreate.mode", "disabled", "publication.name", "badconfigs_pub",
                        "heartbeat.action.query", "UPDATE orders SET note = note WHERE false"),
                        "heartbeat.action.query", "permission denied for table orders"),
                withSetup("wal_level=replica", BadConfigsIT::replicaOnlyServer, "snapshot.mode",
                        "ALTER SYSTEM SET wal_level = logical"),
                withSetup("every replication slot taken", BadConfigsIT::serverWithoutFreeSlots, "slot.name",
                        "raise max_replication_slots"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void isRejectedAgainstItsKeyWithTheFix(Case bad) throws Exception {
        Deque<AutoCloseable> cleanup = new ArrayDeque<>();
        try {
            Map<String, String> config = config(Map.of());
            config.putAll(bad.setup().prepare(cleanup));
            bad.overrides().forEach((key, value) -> {
                if (value == null) {
                    config.remove(key);
                } else {
                    config.put(key, value);
                }
            });
            ConfigInfos infos = validate(config);
            Map<String, List<String>> errors = errors(infos);
            assertEquals(List.of(bad.key()), List.copyOf(errors.keySet()), "errors: " + errors);
            assertTrue(errors.get(bad.key()).stream().anyMatch(e -> e.contains(bad.fix())),
                    "an error on " + bad.key() + " says '" + bad.fix() + "': " + errors);
            // Neither an error nor the values the endpoint sends back.
            String all = errors + " " + infos;
            for (String password : List.of(TestingPostgres.PASSWORD, WRONG_PASSWORD, REPL_PASSWORD)) {
                assertFalse(all.contains(password), "no message echoes a password: " + all);
            }
        } finally {
            while (!cleanup.isEmpty()) {
                cleanup.pop().close();
            }
        }
    }

    @Test
    void theBaseConfigOfEveryCaseIsValid() {
        assertEquals(Map.of(), errors(config(Map.of())));
    }

    @Test
    void thereAreAtLeastFortyCases() {
        assertTrue(cases().count() >= 40, "cases: " + cases().count());
    }

    private static Case bad(String name, Map<String, String> overrides, String key, String fix) {
        return new Case(name, overrides, NONE, key, fix);
    }

    private static Case withSetup(String name, Setup setup, String key, String fix) {
        return new Case(name, Map.of(), setup, key, fix);
    }

    /** Keys and values in pairs; a null value removes the key. */
    private static Map<String, String> with(String... keysAndValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    /** As {@link #with}, as the superuser (who may create slots and publications). */
    private static Map<String, String> superuser(String... keysAndValues) {
        Map<String, String> map = with("database.user", "postgres", "database.password", "");
        map.putAll(with(keysAndValues));
        return map;
    }

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static Map<String, String> testDecodingSlot(Deque<AutoCloseable> cleanup) throws Exception {
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_create_logical_replication_slot('" + TEST_DECODING_SLOT + "', 'test_decoding')");
        }
        return superuser("snapshot.mode", "never", "slot.name", TEST_DECODING_SLOT);
    }

    private static Map<String, String> slotOfAnotherDatabase(Deque<AutoCloseable> cleanup) throws Exception {
        try (Connection connection = postgres.superuser("postgres"); Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_create_logical_replication_slot('" + ELSEWHERE_SLOT + "', 'pgoutput')");
        }
        return superuser("snapshot.mode", "never", "slot.name", ELSEWHERE_SLOT);
    }

    /** A slot that a walsender reads while validate() looks at it. */
    private static Map<String, String> activeSlot(Deque<AutoCloseable> cleanup) throws Exception {
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_create_logical_replication_slot('" + ACTIVE_SLOT + "', 'pgoutput')");
        }
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        props.setProperty("password", "");
        props.setProperty("replication", "database");
        props.setProperty("preferQueryMode", "simple");
        props.setProperty("assumeMinServerVersion", "10");
        Connection replication = DriverManager.getConnection("jdbc:postgresql://localhost:" + postgres.port() + "/" + db,
                props);
        cleanup.push(replication);
        PGReplicationStream stream = replication.unwrap(PGConnection.class).getReplicationAPI().replicationStream()
                .logical().withSlotName(ACTIVE_SLOT).withSlotOption("proto_version", "1")
                .withSlotOption("publication_names", "badconfigs_pub").start();
        cleanup.push(stream);
        Poll.until(Duration.ofSeconds(30), "slot " + ACTIVE_SLOT + " active", () -> {
            try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement();
                 ResultSet rs = statement.executeQuery("SELECT active FROM pg_replication_slots WHERE slot_name = '"
                         + ACTIVE_SLOT + "'")) {
                return rs.next() && rs.getBoolean(1);
            }
        });
        return superuser("snapshot.mode", "never", "slot.name", ACTIVE_SLOT, "publication.name", "badconfigs_pub",
                "publication.autocreate.mode", "disabled");
    }

    private static synchronized Map<String, String> replicaOnlyServer(Deque<AutoCloseable> cleanup) throws Exception {
        if (replicaOnly == null) {
            replicaOnly = TestingPostgres.start("replica");
        }
        String otherDb = replicaOnly.createDatabase();
        try (Connection connection = replicaOnly.superuser(otherDb); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE orders (id int PRIMARY KEY)");
        }
        Map<String, String> config = new HashMap<>(replicaOnly.superuserConnectorConfig(otherDb));
        config.put("snapshot.mode", "initial");
        return config;
    }

    /** A server whose only replication slot is taken: the connector's slot cannot be created. */
    private static synchronized Map<String, String> serverWithoutFreeSlots(Deque<AutoCloseable> cleanup)
            throws Exception {
        if (oneSlotOnly == null) {
            oneSlotOnly = TestingPostgres.start(Map.of("max_replication_slots", "1"));
        }
        String otherDb = oneSlotOnly.createDatabase();
        try (Connection connection = oneSlotOnly.superuser(otherDb); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE orders (id int PRIMARY KEY)");
            statement.execute("SELECT pg_create_logical_replication_slot('taken', 'pgoutput')");
        }
        Map<String, String> config = new HashMap<>(oneSlotOnly.superuserConnectorConfig(otherDb));
        config.put("snapshot.mode", "initial");
        return config;
    }

    private static Map<String, String> config(Map<String, String> overrides) {
        Map<String, String> config = new HashMap<>(TestingConnect.baseConnectorConfig("badconfigs", 1));
        config.putAll(postgres.connectorConfig(db));
        config.put("name", "bad-configs");
        config.put("table.include.list", "public\\.orders");
        config.putAll(overrides);
        return config;
    }

    private static ConfigInfos validate(Map<String, String> config) {
        return connect.validate(config);
    }

    private static Map<String, List<String>> errors(Map<String, String> config) {
        return errors(validate(config));
    }

    private static Map<String, List<String>> errors(ConfigInfos infos) {
        return infos.configs().stream()
                .map(ConfigInfo::configValue)
                .filter(value -> !value.errors().isEmpty())
                .collect(Collectors.toMap(value -> value.name(), value -> value.errors()));
    }
}

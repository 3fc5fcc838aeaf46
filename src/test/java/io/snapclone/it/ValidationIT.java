package io.snapclone.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapclone.testing.TestingConnect;
import io.snapclone.testing.TestingPostgres;

import org.apache.kafka.connect.runtime.rest.entities.ConfigInfo;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfos;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Bad configs get a clear error, against the key to fix, from {@code PUT /connector-plugins/.../validate}. */
class ValidationIT {
    private static final TestingPostgres postgres = TestingPostgres.shared();
    private static final TestingConnect connect = TestingConnect.shared();
    private static String db;
    /** A second database with an orders table, and a third with none. */
    private static String db2;
    private static String empty;

    @BeforeAll
    static void createTables() throws Exception {
        db = postgres.createDatabase();
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE orders (id int PRIMARY KEY)");
            statement.execute("CREATE TABLE secrets (id int PRIMARY KEY)");
            statement.execute("REVOKE SELECT ON secrets FROM " + TestingPostgres.USER);
        }
        db2 = postgres.createDatabase();
        try (Connection connection = postgres.superuser(db2); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE orders (id int PRIMARY KEY)");
        }
        empty = postgres.createDatabase();
    }

    @Test
    void severalDatabasesAreEachCheckedAndAnErrorNamesTheDatabase() {
        assertEquals(Map.of(), errors(config(Map.of("table.include.list", "public\\.orders",
                "database.names", db + "," + db2))));
        assertOnlyKey(errors(config(Map.of("table.include.list", "public\\.orders", "database.names", db + ",nope"))),
                "database.names", "database 'nope': Database 'nope' does not exist");
        assertOnlyKey(errors(config(Map.of("table.include.list", "public\\.orders", "database.names", db + "," + empty))),
                "table.include.list", "database '" + empty + "': No table matches");
    }

    @Test
    void aValidConfigHasNoErrors() {
        assertEquals(Map.of(), errors(config(Map.of("table.include.list", "public\\.orders"))));
    }

    @Test
    void wrongPasswordIsReportedOnThePassword() {
        Map<String, List<String>> errors = errors(config(Map.of("database.password", "wrong")));
        assertOnlyKey(errors, "database.password", "Authentication failed for user 'snapclone'");
        assertTrue(!errors.toString().contains("wrong"), "the password is never echoed: " + errors);
    }

    @Test
    void unreachableHostIsReportedOnTheHost() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Map<String, List<String>> errors = errors(config(Map.of("database.port", Integer.toString(closedPort))));
        assertOnlyKey(errors, "database.hostname", "Cannot connect to PostgreSQL at localhost:" + closedPort);
    }

    @Test
    void unknownDatabaseIsReportedOnTheDatabaseName() {
        assertOnlyKey(errors(config(Map.of("database.dbname", "nope"))), "database.dbname",
                "Database 'nope' does not exist");
    }

    @Test
    void noMatchingTableIsReportedOnTheIncludeList() {
        assertOnlyKey(errors(config(Map.of("table.include.list", "public\\.ordres"))), "table.include.list",
                "No table matches");
    }

    @Test
    void invalidRegexIsReportedOnTheIncludeList() {
        assertOnlyKey(errors(config(Map.of("table.include.list", "public\\.(orders"))), "table.include.list",
                "Not a valid regular expression");
    }

    @Test
    void missingSelectPrivilegeNamesTheTableAndTheGrant() {
        assertOnlyKey(errors(config(Map.of())), "table.include.list",
                "lacks SELECT on public.secrets. Grant it (GRANT SELECT ON \"public\".\"secrets\" TO \"snapclone\")");
    }

    @Test
    void zeroTasksIsReportedOnTasksMax() {
        assertOnlyKey(errors(config(Map.of("tasks.max", "0", "table.include.list", "public\\.orders"))), "tasks.max",
                "at least 1");
    }

    @Test
    void invalidTopicPrefixIsReportedOnTheTopicPrefix() {
        assertOnlyKey(errors(config(Map.of("topic.prefix", "my prefix", "table.include.list", "public\\.orders"))),
                "topic.prefix", "Use only letters, digits");
    }

    @Test
    void streamingNeedsTheReplicationPrivilege() {
        assertOnlyKey(errors(config(Map.of("table.include.list", "public\\.orders", "snapshot.mode", "initial"))),
                "database.user", "ALTER ROLE \"snapclone\" REPLICATION");
    }

    @Test
    void aMissingPublicationThatMayNotBeCreatedIsReportedOnItsName() {
        Map<String, String> errors = new java.util.HashMap<>(Map.of("table.include.list", "public\\.orders",
                "snapshot.mode", "never", "publication.autocreate.mode", "disabled", "publication.name", "nope",
                "database.user", "postgres", "database.password", ""));
        assertOnlyKey(errors(config(errors)), "publication.name", "Publication nope does not exist");
    }

    @Test
    void streamingFromAServerWithoutLogicalWalSaysHowToFixIt() throws Exception {
        TestingPostgres replicaOnly = TestingPostgres.start("replica");
        try {
            String otherDb = replicaOnly.createDatabase();
            try (Connection connection = replicaOnly.superuser(otherDb); Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE orders (id int PRIMARY KEY)");
            }
            Map<String, String> config = new java.util.HashMap<>(TestingConnect.baseConnectorConfig("valid", 1));
            config.putAll(replicaOnly.connectorConfig(otherDb));
            config.putAll(Map.of("name", "validation", "snapshot.mode", "initial", "database.user", "postgres",
                    "database.password", ""));
            assertOnlyKey(errors(config), "snapshot.mode", "wal_level is 'replica'");
        } finally {
            replicaOnly.close();
        }
    }

    @Test
    void aPublicationNamePostgresWouldCutIsReportedOnItsName() {
        assertOnlyKey(errors(config(Map.of("table.include.list", "public\\.orders", "publication.name",
                "p".repeat(64)))), "publication.name", "1 to 63 bytes");
    }

    @Test
    void anOwnPublicationWithoutGeneratedColumnsIsReportedOnItsNameFromPostgres18() throws Exception {
        boolean pg18;
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            pg18 = connection.getMetaData().getDatabaseMajorVersion() >= 18;
            statement.execute("CREATE TABLE shapes (id int PRIMARY KEY, side int, "
                    + "area int GENERATED ALWAYS AS (side * side) STORED)");
            statement.execute("CREATE PUBLICATION \"Own pub\" FOR TABLE shapes");
        }
        Map<String, String> config = new HashMap<>(Map.of("table.include.list", "public\\.shapes",
                "snapshot.mode", "never", "publication.autocreate.mode", "disabled", "publication.name", "Own pub",
                "database.user", "postgres", "database.password", ""));
        if (pg18) {
            assertOnlyKey(errors(config(config)), "publication.name",
                    "ALTER PUBLICATION \"Own pub\" SET (publish_generated_columns = stored)");
        } else {
            assertEquals(Map.of(), errors(config(config)), "before 18 neither snapshot nor stream carries them");
        }
    }

    @Test
    void aBadSlotNameIsReportedOnTheSlotName() {
        assertOnlyKey(errors(config(Map.of("table.include.list", "public\\.orders", "slot.name", "My-Slot"))),
                "slot.name", "a-z, 0-9 and _");
    }

    private static void assertOnlyKey(Map<String, List<String>> errors, String key, String fragment) {
        assertEquals(List.of(key), List.copyOf(errors.keySet()), "errors: " + errors);
        assertTrue(errors.get(key).stream().anyMatch(e -> e.contains(fragment)),
                "an error on " + key + " contains '" + fragment + "': " + errors);
    }

    @Test
    void aDebeziumConfigValidatesAndOnlyKeysThatWouldChangeRecordsFail() {
        Map<String, String> debezium = new HashMap<>(Map.of("plugin.name", "pgoutput", "snapshot.mode", "no_data",
                "schema.include.list", "public", "slot.drop.on.stop", "false", "poll.interval.ms", "100",
                "max.queue.size", "8192", "provide.transaction.metadata", "false",
                "signal.data.collection", "public.debezium_signal", "heartbeat.topics.prefix", "__debezium-heartbeat"));
        debezium.putAll(Map.of("table.include.list", "public.orders", "decimal.handling.mode", "precise",
                "notification.enabled.channels", "sink", "notification.sink.topic.name", "valid.notifications",
                "snapshot.max.threads", "4"));
        debezium.putAll(postgres.superuserConnectorConfig(db)); // streaming needs REPLICATION
        assertEquals(Map.of(), errors(config(debezium)));
        assertOnlyKey(errors(config(Map.of("table.include.list", "public\\.orders", "column.mask.with.4.chars",
                "public.orders.note"))), "column.mask.with.4.chars", "values are never masked");
        assertOnlyKey(errors(config(Map.of("table.include.list", "public\\.orders", "snapshot.mode", "when_needed"))),
                "snapshot.mode", "use initial");
    }

    private static Map<String, String> config(Map<String, String> overrides) {
        Map<String, String> config = new HashMap<>(TestingConnect.baseConnectorConfig("valid", 1));
        config.putAll(postgres.connectorConfig(db));
        config.put("name", "validation");
        config.putAll(overrides);
        return config;
    }

    private static Map<String, List<String>> errors(Map<String, String> config) {
        ConfigInfos infos = connect.validate(config);
        return infos.configs().stream()
                .map(ConfigInfo::configValue)
                .filter(value -> !value.errors().isEmpty())
                .collect(Collectors.toMap(value -> value.name(), value -> value.errors()));
    }
}

package io.snapclone.connect.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapclone.connect.record.ColumnSelection;
import io.snapclone.connect.record.RecordOptions;
import io.snapclone.connect.record.RecordOptions.BinaryMode;
import io.snapclone.connect.record.RecordOptions.DecimalMode;
import io.snapclone.connect.record.RecordOptions.HstoreMode;
import io.snapclone.connect.record.RecordOptions.IntervalMode;
import io.snapclone.connect.record.RecordOptions.TimePrecisionMode;
import io.snapclone.connect.record.RecordOptions.ValueFormat;
import io.snapclone.connect.record.UnavailableValue;
import io.snapclone.pg.ConnectionSettings;
import io.snapclone.pg.TableId;
import io.snapclone.pg.catalog.Column;
import io.snapclone.pg.catalog.ColumnType;
import io.snapclone.pg.catalog.TableSchema;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.ConfigKey;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/** Pins every key, its type and its default, in the manner of Trino's TestPostgreSqlConfig. */
class SnapcloneConfigTest {
    private static final Object REQUIRED = ConfigDef.NO_DEFAULT_VALUE;
    private static final String SECRET = "s3cr3t-Pa55";

    private static Map<String, String> required() {
        Map<String, String> props = new HashMap<>();
        props.put("database.hostname", "db.example.com");
        props.put("database.user", "snap");
        props.put("database.dbname", "shop");
        props.put("topic.prefix", "shop");
        return props;
    }

    private static SnapcloneConfig config(Map<String, String> overrides) {
        Map<String, String> props = required();
        props.putAll(overrides);
        return new SnapcloneConfig(props);
    }

    /** Key, type and default (as parsed) of every key, in definition order. */
    private static Map<String, List<Object>> expectedKeys() {
        Map<String, List<Object>> keys = new LinkedHashMap<>();
        keys.put("database.hostname", List.of(Type.STRING, REQUIRED, Importance.HIGH));
        keys.put("database.port", List.of(Type.INT, 5432, Importance.HIGH));
        keys.put("database.user", List.of(Type.STRING, REQUIRED, Importance.HIGH));
        keys.put("database.password", java.util.Arrays.asList(Type.PASSWORD, null, Importance.HIGH));
        keys.put("database.dbname", List.of(Type.STRING, REQUIRED, Importance.HIGH));
        keys.put("database.names", List.of(Type.LIST, List.of(), Importance.MEDIUM));
        keys.put("watermark.kafka.bootstrap.servers", List.of(Type.STRING, "", Importance.MEDIUM));
        keys.put("watermark.interval.ms", List.of(Type.LONG, 1000L, Importance.LOW));
        keys.put("database.sslmode", List.of(Type.STRING, "prefer", Importance.MEDIUM));
        keys.put("topic.prefix", List.of(Type.STRING, REQUIRED, Importance.HIGH));
        keys.put("schema.include.list", List.of(Type.LIST, List.of(), Importance.MEDIUM));
        keys.put("schema.exclude.list", List.of(Type.LIST, List.of(), Importance.LOW));
        keys.put("table.include.list", List.of(Type.LIST, List.of(), Importance.HIGH));
        keys.put("table.exclude.list", List.of(Type.LIST, List.of(), Importance.MEDIUM));
        keys.put("column.include.list", List.of(Type.LIST, List.of(), Importance.MEDIUM));
        keys.put("column.exclude.list", List.of(Type.LIST, List.of(), Importance.MEDIUM));
        keys.put("message.key.columns", List.of(Type.STRING, "", Importance.MEDIUM));
        keys.put("publish.via.partition.root", List.of(Type.BOOLEAN, true, Importance.MEDIUM));
        keys.put("snapshot.mode", List.of(Type.STRING, "initial", Importance.HIGH));
        keys.put("snapshot.chunk.size", List.of(Type.LONG, 268_435_456L, Importance.MEDIUM));
        keys.put("max.batch.size", List.of(Type.INT, 2048, Importance.LOW));
        keys.put("snapshot.progress.topic", List.of(Type.STRING, "", Importance.LOW));
        keys.put("snapshot.progress.interval.ms", List.of(Type.LONG, 5000L, Importance.LOW));
        keys.put("slot.name", List.of(Type.STRING, "snapclone", Importance.HIGH));
        keys.put("publication.name", List.of(Type.STRING, "snapclone", Importance.HIGH));
        keys.put("publication.autocreate.mode", List.of(Type.STRING, "filtered", Importance.MEDIUM));
        keys.put("publication.keyless.tables", List.of(Type.STRING, "exclude", Importance.MEDIUM));
        keys.put("tombstones.on.delete", List.of(Type.BOOLEAN, true, Importance.MEDIUM));
        keys.put("skipped.operations", List.of(Type.LIST, List.of("t"), Importance.LOW));
        keys.put("heartbeat.interval.ms", List.of(Type.LONG, 0L, Importance.LOW));
        keys.put("heartbeat.action.query", List.of(Type.STRING, "", Importance.LOW));
        keys.put("record.value.format", List.of(Type.STRING, "envelope", Importance.MEDIUM));
        keys.put("decimal.handling.mode", List.of(Type.STRING, "precise", Importance.MEDIUM));
        keys.put("time.precision.mode", List.of(Type.STRING, "adaptive", Importance.MEDIUM));
        keys.put("binary.handling.mode", List.of(Type.STRING, "bytes", Importance.LOW));
        keys.put("interval.handling.mode", List.of(Type.STRING, "numeric", Importance.LOW));
        keys.put("hstore.handling.mode", List.of(Type.STRING, "json", Importance.LOW));
        keys.put("field.name.adjustment.mode", List.of(Type.STRING, "avro", Importance.LOW));
        keys.put("unavailable.value.placeholder", List.of(Type.STRING, "__debezium_unavailable_value", Importance.LOW));
        keys.put("errors.max.retries", List.of(Type.INT, -1, Importance.LOW));
        keys.put("retriable.restart.connector.wait.ms", List.of(Type.LONG, 10000L, Importance.LOW));
        keys.put("snapshot.holder.grace.ms", List.of(Type.LONG, 120000L, Importance.LOW));
        keys.put("notification.enabled.channels", List.of(Type.LIST, List.of(), Importance.LOW));
        keys.put("notification.sink.topic.name", List.of(Type.STRING, "", Importance.LOW));
        keys.put("signal.data.collection", List.of(Type.STRING, "", Importance.LOW));
        keys.put("signal.enabled.channels", List.of(Type.LIST, List.of("source"), Importance.LOW));
        keys.put("signal.kafka.topic", List.of(Type.STRING, "", Importance.LOW));
        keys.put("signal.kafka.bootstrap.servers", List.of(Type.STRING, "", Importance.LOW));
        keys.put("slot.failover", List.of(Type.BOOLEAN, false, Importance.LOW));
        return keys;
    }

    @Test
    void everyKeyTypeAndDefaultIsPinned() {
        Map<String, ConfigKey> actual = SnapcloneConfig.CONFIG_DEF.configKeys();
        Map<String, List<Object>> expected = expectedKeys();
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(actual.keySet()), "keys, in definition order");
        expected.forEach((name, expect) -> {
            ConfigKey key = actual.get(name);
            assertEquals(expect.get(0), key.type, name + " type");
            if (expect.get(1) == REQUIRED) {
                assertTrue(key.defaultValue == REQUIRED, name + " is required");
            } else {
                assertEquals(expect.get(1), key.defaultValue, name + " default");
            }
            assertEquals(expect.get(2), key.importance, name + " importance");
            assertFalse(key.documentation == null || key.documentation.isBlank(), name + " has documentation");
            assertFalse(key.group == null || key.group.isBlank(), name + " has a group");
        });
    }

    @Test
    void constantsMatchTheKeys() {
        assertEquals(List.of("database.hostname", "database.port", "database.user", "database.password",
                        "database.dbname", "database.sslmode", "topic.prefix", "schema.include.list",
                        "schema.exclude.list", "table.include.list",
                        "table.exclude.list", "column.include.list", "column.exclude.list", "message.key.columns",
                        "publish.via.partition.root", "snapshot.mode", "snapshot.chunk.size", "max.batch.size",
                        "snapshot.progress.topic", "snapshot.progress.interval.ms", "slot.name", "publication.name",
                        "publication.autocreate.mode", "publication.keyless.tables", "tombstones.on.delete", "skipped.operations",
                        "heartbeat.interval.ms",
                        "heartbeat.action.query", "record.value.format",
                        "decimal.handling.mode", "time.precision.mode", "binary.handling.mode",
                        "interval.handling.mode", "hstore.handling.mode", "field.name.adjustment.mode",
                        "unavailable.value.placeholder", "errors.max.retries", "retriable.restart.connector.wait.ms",
                        "snapshot.holder.grace.ms", "notification.enabled.channels", "notification.sink.topic.name",
                        "signal.data.collection", "signal.enabled.channels", "signal.kafka.topic",
                        "signal.kafka.bootstrap.servers", "slot.failover"),
                List.of(SnapcloneConfig.HOSTNAME_CONFIG, SnapcloneConfig.PORT_CONFIG, SnapcloneConfig.USER_CONFIG,
                        SnapcloneConfig.PASSWORD_CONFIG, SnapcloneConfig.DBNAME_CONFIG, SnapcloneConfig.SSLMODE_CONFIG,
                        SnapcloneConfig.TOPIC_PREFIX_CONFIG, SnapcloneConfig.SCHEMA_INCLUDE_LIST_CONFIG,
                        SnapcloneConfig.SCHEMA_EXCLUDE_LIST_CONFIG, SnapcloneConfig.TABLE_INCLUDE_LIST_CONFIG,
                        SnapcloneConfig.TABLE_EXCLUDE_LIST_CONFIG, SnapcloneConfig.COLUMN_INCLUDE_LIST_CONFIG,
                        SnapcloneConfig.COLUMN_EXCLUDE_LIST_CONFIG, SnapcloneConfig.MESSAGE_KEY_COLUMNS_CONFIG,
                        SnapcloneConfig.PUBLISH_VIA_PARTITION_ROOT_CONFIG, SnapcloneConfig.SNAPSHOT_MODE_CONFIG,
                        SnapcloneConfig.CHUNK_SIZE_CONFIG, SnapcloneConfig.MAX_BATCH_SIZE_CONFIG,
                        SnapcloneConfig.PROGRESS_TOPIC_CONFIG, SnapcloneConfig.PROGRESS_INTERVAL_CONFIG,
                        SnapcloneConfig.SLOT_NAME_CONFIG, SnapcloneConfig.PUBLICATION_NAME_CONFIG,
                        SnapcloneConfig.PUBLICATION_AUTOCREATE_CONFIG, SnapcloneConfig.PUBLICATION_KEYLESS_TABLES_CONFIG,
                        SnapcloneConfig.TOMBSTONES_ON_DELETE_CONFIG, SnapcloneConfig.SKIPPED_OPERATIONS_CONFIG,
                        SnapcloneConfig.HEARTBEAT_INTERVAL_CONFIG, SnapcloneConfig.HEARTBEAT_ACTION_QUERY_CONFIG,
                        SnapcloneConfig.RECORD_VALUE_FORMAT_CONFIG, SnapcloneConfig.DECIMAL_HANDLING_MODE_CONFIG,
                        SnapcloneConfig.TIME_PRECISION_MODE_CONFIG, SnapcloneConfig.BINARY_HANDLING_MODE_CONFIG,
                        SnapcloneConfig.INTERVAL_HANDLING_MODE_CONFIG, SnapcloneConfig.HSTORE_HANDLING_MODE_CONFIG,
                        SnapcloneConfig.FIELD_NAME_ADJUSTMENT_MODE_CONFIG,
                        SnapcloneConfig.UNAVAILABLE_VALUE_PLACEHOLDER_CONFIG, SnapcloneConfig.ERRORS_MAX_RETRIES_CONFIG,
                        SnapcloneConfig.RETRY_WAIT_CONFIG, SnapcloneConfig.HOLDER_GRACE_CONFIG,
                        SnapcloneConfig.NOTIFICATION_CHANNELS_CONFIG, SnapcloneConfig.NOTIFICATION_TOPIC_CONFIG,
                        SnapcloneConfig.SIGNAL_TABLE_CONFIG, SnapcloneConfig.SIGNAL_CHANNELS_CONFIG,
                        SnapcloneConfig.SIGNAL_KAFKA_TOPIC_CONFIG, SnapcloneConfig.SIGNAL_KAFKA_SERVERS_CONFIG,
                        SnapcloneConfig.SLOT_FAILOVER_CONFIG));
    }

    @Test
    void theSignalTableIsSchemaDotTableAndReadOnlyWithTheSourceChannel() {
        assertEquals(new io.snapclone.pg.TableId("public", "debezium_signal"),
                config(Map.of("signal.data.collection", "public.debezium_signal")).signalTable());
        assertEquals(null, config(Map.of()).signalTable());
        assertEquals(null, config(Map.of("signal.data.collection", "public.debezium_signal",
                "signal.enabled.channels", "kafka")).signalTable());
        SnapcloneConfig kafka = config(Map.of("signal.enabled.channels", "source,kafka",
                "signal.kafka.bootstrap.servers", "broker:9092", "signal.consumer.security.protocol", "SSL"));
        assertTrue(kafka.kafkaSignals());
        assertEquals("shop-signal", kafka.signalKafkaTopic());
        assertEquals(Map.of("bootstrap.servers", "broker:9092", "security.protocol", "SSL"), kafka.signalConsumerProps());
        assertEquals(List.of("signal.kafka.bootstrap.servers"), config(Map.of("signal.enabled.channels", "kafka"))
                .crossKeyProblems().stream().map(io.snapclone.connect.config.DatabaseChecks.Problem::key).toList());
        ConfigException bad = assertThrows(ConfigException.class, () -> config(Map.of("signal.data.collection", "signals")));
        assertTrue(bad.getMessage().contains("is not schema.table, e.g. public.debezium_signal"), bad.getMessage());
    }

    @Test
    void defaultsThroughTheAccessors() {
        SnapcloneConfig config = config(Map.of());
        assertEquals(new ConnectionSettings("db.example.com", 5432, "shop", "snap", null, "prefer", 10),
                config.connectionSettings());
        assertEquals("shop", config.topicPrefix());
        assertEquals(256L * 1024 * 1024, config.chunkSizeBytes());
        assertEquals(2048, config.maxBatchSize());
        assertEquals("shop.snapclone.progress", config.progressTopic());
        assertEquals(Duration.ofSeconds(5), config.progressInterval());
        assertEquals(List.of(), config.databaseNames());
        assertEquals(Map.of(), config.watermarkConsumerProps(), "no watermarks");
        assertEquals(Duration.ofSeconds(1), config.watermarkInterval());
        assertTrue(config.publishViaPartitionRoot());
        assertNull(config.getPassword("database.password"));
    }

    @Test
    void explicitValuesThroughTheAccessors() {
        Map<String, String> props = new HashMap<>();
        props.put("database.hostname", "::1");
        props.put("database.port", "6543");
        props.put("database.user", "reader");
        props.put("database.password", SECRET);
        props.put("database.dbname", "my db");
        props.put("database.sslmode", "verify-full");
        props.put("topic.prefix", "my-shop.v1_2");
        props.put("schema.include.list", "public");
        // schema.exclude.list may not be set with schema.include.list (as the column lists below).
        props.put("schema.exclude.list", "");
        props.put("table.include.list", "public\\.a");
        props.put("table.exclude.list", "public\\.b");
        props.put("snapshot.mode", "initial_only");
        props.put("snapshot.chunk.size", "65536");
        props.put("max.batch.size", "10");
        props.put("snapshot.progress.topic", "progress");
        props.put("snapshot.progress.interval.ms", "100");
        props.put("column.include.list", "public\\.a\\.(id|x)");
        props.put("message.key.columns", "public\\.a:x,id");
        props.put("publish.via.partition.root", "false");
        props.put("record.value.format", "row");
        props.put("unavailable.value.placeholder", "hex:00ff");
        props.put("decimal.handling.mode", "string");
        props.put("time.precision.mode", "connect");
        props.put("binary.handling.mode", "base64-url-safe");
        props.put("interval.handling.mode", "string");
        props.put("hstore.handling.mode", "map");
        props.put("field.name.adjustment.mode", "none");
        props.put("slot.name", "shop_slot");
        props.put("publication.name", "shop_pub");
        props.put("publication.autocreate.mode", "disabled");
        props.put("publication.keyless.tables", "fail");
        props.put("tombstones.on.delete", "false");
        props.put("skipped.operations", "u,d");
        props.put("heartbeat.interval.ms", "1000");
        props.put("heartbeat.action.query", "SELECT 1");
        props.put("errors.max.retries", "7");
        props.put("retriable.restart.connector.wait.ms", "3000");
        props.put("snapshot.holder.grace.ms", "0");
        props.put("slot.failover", "true");
        props.put("notification.enabled.channels", "sink,log");
        props.put("notification.sink.topic.name", "shop.notifications");
        props.put("signal.data.collection", "ops.signals");
        props.put("signal.enabled.channels", "source,kafka");
        props.put("signal.kafka.topic", "shop.signals");
        props.put("signal.kafka.bootstrap.servers", "broker:9092");
        props.put("database.names", "orders, payments");
        props.put("watermark.kafka.bootstrap.servers", "broker:9093");
        props.put("watermark.interval.ms", "250");
        props.put("watermark.kafka.security.protocol", "SSL");
        // column.exclude.list may not be set with column.include.list: its own test below.
        props.put("column.exclude.list", "");
        Map<String, String> passedOn = Map.of("watermark.kafka.security.protocol", "SSL");
        Set<String> defined = new java.util.HashSet<>(props.keySet());
        defined.removeAll(passedOn.keySet());
        assertEquals(expectedKeys().keySet(), defined, "every key is set here");

        SnapcloneConfig config = new SnapcloneConfig(props);
        assertEquals(new ConnectionSettings("::1", 6543, "my db", "reader", SECRET, "verify-full", 10),
                config.connectionSettings());
        assertEquals(new io.snapclone.pg.TableId("ops", "signals"), config.signalTable());
        assertEquals("shop.signals", config.signalKafkaTopic());
        assertEquals(Map.of("bootstrap.servers", "broker:9092"), config.signalConsumerProps());
        assertEquals(List.of("orders", "payments"), config.databaseNames());
        assertEquals(Map.of("bootstrap.servers", "broker:9093", "security.protocol", "SSL"),
                config.watermarkConsumerProps());
        assertEquals(Duration.ofMillis(250), config.watermarkInterval());
        assertEquals("my-shop.v1_2", config.topicPrefix());
        assertEquals(65536, config.chunkSizeBytes());
        assertEquals(10, config.maxBatchSize());
        assertEquals("progress", config.progressTopic());
        assertEquals(Duration.ofMillis(100), config.progressInterval());
        assertEquals(7, config.maxRetries());
        assertEquals(Duration.ofSeconds(3), config.maxRetryWait());
        assertEquals(Duration.ZERO, config.holderGrace());
        assertTrue(config.slotFailover());
        assertEquals(Set.of("u", "d"), config.skippedOperations());
        assertFalse(config.publishViaPartitionRoot());
        assertTrue(config.tableFilter().test(new TableId("public", "a")));
        assertFalse(config.tableFilter().test(new TableId("public", "b")));
        RecordOptions options = config.recordOptions();
        assertEquals(new RecordOptions(DecimalMode.STRING, TimePrecisionMode.CONNECT, BinaryMode.BASE64_URL_SAFE,
                IntervalMode.STRING, HstoreMode.MAP, ValueFormat.ROW, options.columns(),
                RecordOptions.FieldNameMode.NONE, UnavailableValue.parse("hex:00ff")), options);
        TableSchema table = new TableSchema(new TableId("public", "a"), List.of(column("id"), column("x"),
                column("y")), List.of("id"));
        TableSchema selected = options.columns().apply(table);
        assertEquals(List.of("id", "x"), selected.columns().stream().map(Column::name).toList());
        assertEquals(List.of("x", "id"), selected.keyColumns());
    }

    private static Column column(String name) {
        return new Column(name, ColumnType.of(23, "integer", -1), false);
    }

    @Test
    void recordDefaultsAreDebeziums() {
        SnapcloneConfig config = config(Map.of());
        assertEquals(RecordOptions.DEFAULTS, config.recordOptions().withColumns(ColumnSelection.ALL));
        assertTrue(config.columnSelection().isAll());
        assertEquals(List.of(), config.crossKeyProblems());
    }

    @ParameterizedTest
    @ValueSource(strings = {"decimal.handling.mode", "time.precision.mode", "binary.handling.mode",
            "interval.handling.mode", "hstore.handling.mode", "record.value.format"})
    void modesRejectUnknownValuesAgainstTheirKey(String key) {
        ConfigException e = assertThrows(ConfigException.class, () -> config(Map.of(key, "nanoseconds")));
        assertTrue(e.getMessage().contains(key), e.getMessage());
    }

    @Test
    void bothColumnListsAreAProblemAgainstTheExcludeList() {
        SnapcloneConfig config = config(Map.of("column.include.list", "a\\.b\\.c", "column.exclude.list", "a\\.b\\.d"));
        List<DatabaseChecks.Problem> problems = config.crossKeyProblems();
        assertEquals(1, problems.size());
        assertEquals("column.exclude.list", problems.get(0).key());
        assertTrue(problems.get(0).message().contains("not both"), problems.get(0).message());
        ConfigException e = assertThrows(ConfigException.class, config::recordOptions);
        assertTrue(e.getMessage().contains("column.exclude.list"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"public.t", "public.t:", ":id", "public.t:id;(:x", "public.t: , "})
    void malformedKeyColumnsAreRejectedAgainstTheKey(String spec) {
        ConfigException e = assertThrows(ConfigException.class, () -> config(Map.of("message.key.columns", spec)));
        assertTrue(e.getMessage().contains("message.key.columns"), e.getMessage());
    }

    @Test
    void badColumnRegexNamesTheKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> config(Map.of("column.exclude.list", "a(")));
        assertTrue(e.getMessage().contains("column.exclude.list"), e.getMessage());
    }

    @Test
    void passwordIsAPasswordAndNeverPrinted() {
        SnapcloneConfig config = config(Map.of("database.password", SECRET));
        Object value = config.values().get("database.password");
        assertInstanceOf(Password.class, value);
        assertEquals(SECRET, ((Password) value).value());
        assertFalse(value.toString().contains(SECRET));
        ConnectionSettings settings = config.connectionSettings();
        assertEquals(SECRET, settings.password());
        assertEquals("snap@db.example.com:5432/shop", settings.toString());
        assertFalse(settings.toString().contains(SECRET));
    }

    @ParameterizedTest
    @ValueSource(strings = {"database.hostname", "database.user", "database.dbname", "topic.prefix"})
    void requiredKeys(String key) {
        Map<String, String> props = required();
        props.remove(key);
        ConfigException e = assertThrows(ConfigException.class, () -> new SnapcloneConfig(props));
        assertTrue(e.getMessage().contains(key), e.getMessage());
    }

    @Test
    void invalidIncludeRegexNamesTheKey() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> config(Map.of("table.include.list", "public\\.ok, public\\.(orders")));
        assertTrue(e.getMessage().contains("table.include.list"), e.getMessage());
        assertTrue(e.getMessage().contains("public\\.(orders"), e.getMessage());
        assertTrue(e.getMessage().contains("Not a valid regular expression"), e.getMessage());
    }

    @Test
    void invalidExcludeRegexNamesTheKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> config(Map.of("table.exclude.list", "[a-")));
        assertTrue(e.getMessage().contains("table.exclude.list"), e.getMessage());
    }

    @Test
    void validateReportsTheBadRegexAgainstItsKey() {
        Map<String, String> props = required();
        props.put("table.include.list", "*orders");
        Map<String, ConfigValue> values = new HashMap<>();
        SnapcloneConfig.CONFIG_DEF.validate(props).forEach(v -> values.put(v.name(), v));
        assertEquals(1, values.get("table.include.list").errorMessages().size());
        assertTrue(values.get("table.exclude.list").errorMessages().isEmpty());
        assertTrue(values.get("topic.prefix").errorMessages().isEmpty());
    }

    @Test
    void keylessTablesAreExcludedUnlessConfigured() {
        assertEquals(SnapcloneConfig.KeylessTables.EXCLUDE, config(Map.of()).publicationKeylessTables());
        assertEquals(SnapcloneConfig.KeylessTables.FAIL,
                config(Map.of("publication.keyless.tables", "fail")).publicationKeylessTables());
        ConfigException e = assertThrows(ConfigException.class,
                () -> config(Map.of("publication.keyless.tables", "ignore")));
        assertTrue(e.getMessage().contains("publication.keyless.tables"), e.getMessage());
    }

    @Test
    void theStreamReadsASecondPublicationOnlyForInsertsOnlyKeylessTablesOfAFilteredPublication() {
        assertEquals(List.of("shop_pub"), config(Map.of("publication.name", "shop_pub")).publicationNames());
        assertEquals(List.of("shop_pub", "shop_pub_inserts"), config(Map.of("publication.name", "shop_pub",
                "publication.keyless.tables", "inserts_only")).publicationNames());
        assertEquals(List.of("shop_pub"), config(Map.of("publication.name", "shop_pub",
                "publication.keyless.tables", "inserts_only", "publication.autocreate.mode", "disabled"))
                .publicationNames());
        assertEquals(List.of(), config(Map.of("publication.keyless.tables", "inserts_only")).crossKeyProblems());
    }

    @Test
    void theSecondPublicationsNameMustFitTooAgainstThePublicationName() {
        String name = "p".repeat(60);
        assertEquals(List.of(), config(Map.of("publication.name", name)).crossKeyProblems());
        List<DatabaseChecks.Problem> problems = config(Map.of("publication.name", name,
                "publication.keyless.tables", "inserts_only")).crossKeyProblems();
        assertEquals(List.of("publication.name"), problems.stream().map(DatabaseChecks.Problem::key).toList());
        assertTrue(problems.get(0).message().contains("_inserts"), problems.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"snapclone", "MyPub", "my pub, v2", "say \"hi\"", "żółw",
            "a23456789012345678901234567890123456789012345678901234567890123"})
    void publicationNamesAreQuotedSoAnyPostgresNameWorks(String name) {
        assertEquals(name, config(Map.of("publication.name", name)).publicationName());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a234567890123456789012345678901234567890123456789012345678901234",
            "żółwżółwżółwżółwżółwżółwżółwżółwżółwżółwżółw", "a\u0000b"})
    void publicationNamesPostgresWouldTruncateOrRejectAreRejected(String name) {
        // PostgreSQL cuts names at 63 bytes: the publication created would not be the one looked up.
        ConfigException e = assertThrows(ConfigException.class, () -> config(Map.of("publication.name", name)));
        assertTrue(e.getMessage().contains("publication.name"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"shop", "my-shop", "my_shop.v1", "A.b-C_9", "."})
    void validTopicPrefixes(String prefix) {
        assertEquals(prefix, config(Map.of("topic.prefix", prefix)).topicPrefix());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "my shop", "shop/1", "shop:1", "żółw", "shop,2", "sh\top"})
    void invalidTopicPrefixes(String prefix) {
        ConfigException e = assertThrows(ConfigException.class, () -> config(Map.of("topic.prefix", prefix)));
        assertTrue(e.getMessage().contains("topic.prefix"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"})
    void sslModes(String mode) {
        assertEquals(mode, config(Map.of("database.sslmode", mode)).connectionSettings().sslMode());
    }

    @Test
    void invalidValuesAreRejected() {
        assertThrows(ConfigException.class, () -> config(Map.of("database.sslmode", "on")));
        assertThrows(ConfigException.class, () -> config(Map.of("database.port", "0")));
        assertThrows(ConfigException.class, () -> config(Map.of("database.port", "65536")));
        assertThrows(ConfigException.class, () -> config(Map.of("snapshot.mode", "always")));
        assertThrows(ConfigException.class, () -> config(Map.of("snapshot.chunk.size", "65535")));
        assertThrows(ConfigException.class, () -> config(Map.of("max.batch.size", "0")));
        assertThrows(ConfigException.class, () -> config(Map.of("snapshot.progress.interval.ms", "99")));
        assertThrows(ConfigException.class, () -> config(Map.of("database.hostname", "")));
    }

    @Test
    void noListsCaptureEveryTable() {
        Predicate<TableId> filter = config(Map.of()).tableFilter();
        assertTrue(filter.test(new TableId("public", "orders")));
        assertTrue(filter.test(new TableId("Other Schema", "x")));
    }

    @Test
    void includeRegexMustMatchTheWholeName() {
        Predicate<TableId> filter = config(Map.of("table.include.list", "public\\.orders")).tableFilter();
        assertTrue(filter.test(new TableId("public", "orders")));
        assertFalse(filter.test(new TableId("public", "orders_archive")));
        assertFalse(filter.test(new TableId("old_public", "orders")));
        assertFalse(filter.test(new TableId("public", "items")));
    }

    @Test
    void anyIncludeRegexMayMatchAndSpacesAroundEntriesAreIgnored() {
        Predicate<TableId> filter = config(Map.of("table.include.list", " public\\.a ,  sales\\..* ")).tableFilter();
        assertTrue(filter.test(new TableId("public", "a")));
        assertTrue(filter.test(new TableId("sales", "anything")));
        assertFalse(filter.test(new TableId("public", "b")));
    }

    @Test
    void excludeWins() {
        Predicate<TableId> filter = config(Map.of(
                "table.include.list", "public\\..*",
                "table.exclude.list", "public\\.secret.*, .*\\.tmp")).tableFilter();
        assertTrue(filter.test(new TableId("public", "orders")));
        assertFalse(filter.test(new TableId("public", "secret_keys")));
        assertFalse(filter.test(new TableId("public", "tmp")));
        assertFalse(filter.test(new TableId("sales", "orders")));
    }

    @Test
    void schemaListsSelectBySchemaNameAndTheTableListsStillApply() {
        Predicate<TableId> included = config(Map.of("schema.include.list", "sales|inventory",
                "table.exclude.list", "inventory\\.tmp")).tableFilter();
        assertTrue(included.test(new TableId("sales", "orders")));
        assertTrue(included.test(new TableId("inventory", "items")));
        assertFalse(included.test(new TableId("inventory", "tmp")));
        assertFalse(included.test(new TableId("public", "orders")));
        assertFalse(included.test(new TableId("sales_archive", "orders")), "the whole schema name must match");
        Predicate<TableId> excluded = config(Map.of("schema.exclude.list", "audit")).tableFilter();
        assertTrue(excluded.test(new TableId("public", "orders")));
        assertFalse(excluded.test(new TableId("audit", "log")));
        assertEquals(List.of("schema.exclude.list"), config(Map.of("schema.include.list", "a", "schema.exclude.list", "b"))
                .crossKeyProblems().stream().map(DatabaseChecks.Problem::key).toList());
    }

    @Test
    void theSinkChannelNeedsATopic() {
        assertEquals(List.of("notification.sink.topic.name"), config(Map.of("notification.enabled.channels", "sink"))
                .crossKeyProblems().stream().map(DatabaseChecks.Problem::key).toList());
        assertEquals(List.of(), config(Map.of("notification.enabled.channels", "log")).crossKeyProblems());
        assertThrows(ConfigException.class, () -> config(Map.of("notification.enabled.channels", "http")));
    }

    @Test
    void debeziumSnapshotModesNoDataIsNeverAndTheOthersSayWhatToUse() {
        assertEquals("never", config(Map.of("snapshot.mode", "no_data")).snapshotMode());
        assertTrue(config(Map.of("snapshot.mode", "no_data")).streams());
        ConfigException whenNeeded = assertThrows(ConfigException.class,
                () -> config(Map.of("snapshot.mode", "when_needed")));
        assertTrue(whenNeeded.getMessage().contains("snapshot.mode") && whenNeeded.getMessage().contains("use initial"),
                whenNeeded.getMessage());
        ConfigException noTables = assertThrows(ConfigException.class,
                () -> config(Map.of("publication.autocreate.mode", "no_tables")));
        assertTrue(noTables.getMessage().contains("set disabled"), noTables.getMessage());
        assertThrows(ConfigException.class, () -> config(Map.of("snapshot.mode", "sometimes")));
    }

    @Test
    void excludeAloneKeepsTheRest() {
        Predicate<TableId> filter = config(Map.of("table.exclude.list", "audit\\..*")).tableFilter();
        assertTrue(filter.test(new TableId("public", "orders")));
        assertFalse(filter.test(new TableId("audit", "log")));
    }

    @Test
    void regexesAreCaseSensitiveLikePostgresNames() {
        Predicate<TableId> filter = config(Map.of("table.include.list", "public\\.Orders")).tableFilter();
        assertTrue(filter.test(new TableId("public", "Orders")));
        assertFalse(filter.test(new TableId("public", "orders")));
    }

    @Test
    void aHeartbeatQueryThatWouldNeverRunIsAProblem() {
        assertEquals(List.of("heartbeat.interval.ms"), problemKeys(Map.of("heartbeat.action.query", "SELECT 1")));
        assertEquals(List.of("heartbeat.action.query"), problemKeys(Map.of("heartbeat.action.query", "SELECT 1",
                "heartbeat.interval.ms", "1000", "snapshot.mode", "initial_only")));
        assertEquals(List.of(), problemKeys(Map.of("heartbeat.action.query", "SELECT 1", "heartbeat.interval.ms",
                "1000")));
        assertEquals(List.of(), problemKeys(Map.of("heartbeat.interval.ms", "1000", "snapshot.mode", "initial_only")),
                "an interval alone (as Debezium configs have it) does no harm");
    }

    @Test
    void insertsOnlyKeylessTablesNeedAFilteredPublicationWhenStreaming() {
        assertEquals(List.of("publication.keyless.tables"), problemKeys(Map.of("publication.keyless.tables",
                "inserts_only", "publication.autocreate.mode", "disabled")));
        assertEquals(List.of("publication.keyless.tables"), problemKeys(Map.of("publication.keyless.tables",
                "inserts_only", "publication.autocreate.mode", "all_tables")));
        assertEquals(List.of(), problemKeys(Map.of("publication.keyless.tables", "inserts_only",
                "publication.autocreate.mode", "disabled", "snapshot.mode", "initial_only")));
    }

    @Test
    void topicNamesMustBeKafkaTopicNames() {
        config(Map.of("topic.prefix", "t".repeat(230)));
        ConfigException prefix = assertThrows(ConfigException.class,
                () -> config(Map.of("topic.prefix", "t".repeat(231))));
        assertTrue(prefix.getMessage().contains("at most 230"), prefix.getMessage());
        assertEquals("p.q", config(Map.of("snapshot.progress.topic", "p.q")).progressTopic());
        assertEquals("shop.snapclone.progress", config(Map.of("snapshot.progress.topic", "")).progressTopic());
        for (String bad : List.of("p q", "..", "p".repeat(250), "p/q")) {
            assertThrows(ConfigException.class, () -> config(Map.of("snapshot.progress.topic", bad)), bad);
        }
    }

    private static List<String> problemKeys(Map<String, String> overrides) {
        return config(overrides).crossKeyProblems().stream().map(DatabaseChecks.Problem::key).toList();
    }
}

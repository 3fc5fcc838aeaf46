package io.snapclone.connect.config;

import io.snapclone.connect.record.ColumnSelection;
import io.snapclone.connect.record.RecordOptions;
import io.snapclone.connect.record.RecordOptions.BinaryMode;
import io.snapclone.connect.record.RecordOptions.DecimalMode;
import io.snapclone.connect.record.RecordOptions.FieldNameMode;
import io.snapclone.connect.record.RecordOptions.HstoreMode;
import io.snapclone.connect.record.RecordOptions.IntervalMode;
import io.snapclone.connect.record.RecordOptions.TimePrecisionMode;
import io.snapclone.connect.record.RecordOptions.ValueFormat;
import io.snapclone.connect.record.UnavailableValue;
import io.snapclone.pg.ConnectionSettings;
import io.snapclone.pg.TableId;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/** The connector's configuration. Key names follow Debezium's where the meaning is the same. */
public class SnapcloneConfig extends AbstractConfig {

    public static final String HOSTNAME_CONFIG = "database.hostname";
    static final String HOSTNAME_DOC = "Host name or address of the PostgreSQL server.";

    public static final String PORT_CONFIG = "database.port";
    static final String PORT_DOC = "Port of the PostgreSQL server.";
    public static final int PORT_DEFAULT = 5432;

    public static final String USER_CONFIG = "database.user";
    static final String USER_DOC = "User to connect as. It needs SELECT on every captured table.";

    public static final String PASSWORD_CONFIG = "database.password";
    static final String PASSWORD_DOC = "Password of database.user. Prefer a config provider "
            + "reference such as ${file:/secrets/pg.properties:password}: it stays a reference in task configs.";

    public static final String DBNAME_CONFIG = "database.dbname";
    static final String DBNAME_DOC = "Name of the database to capture. With database.names, the database the "
            + "connector connects to for questions about the whole cluster (which databases there are, where "
            + "each slot stands), e.g. postgres.";

    public static final String DATABASE_NAMES_CONFIG = "database.names";
    static final String DATABASE_NAMES_DOC = "Capture several databases of the cluster at one consistent cut: "
            + "a comma-separated list of database names, or * for every database that is not a template and that "
            + "database.user may connect to. With two or more, each database gets a slot of its own (slot.name, "
            + "'_' and the database), its rows go to <topic.prefix>.<database>.<schema>.<table>, and the "
            + "progress topic carries cluster watermarks (see watermark.kafka.bootstrap.servers). One name: "
            + "that database, captured as database.dbname would be. Empty: database.dbname.";

    public static final String WATERMARK_KAFKA_SERVERS_CONFIG = "watermark.kafka.bootstrap.servers";
    static final String WATERMARK_KAFKA_SERVERS_DOC = "With database.names: the brokers the connector's topics "
            + "are on. Task 0 reads the topics' record headers from there to find, for each cluster watermark, "
            + "the offset of every topic at it; other watermark.kafka.* keys (e.g. security.protocol) are passed "
            + "to that consumer. Empty: no watermarks are published.";

    public static final String WATERMARK_INTERVAL_CONFIG = "watermark.interval.ms";
    static final String WATERMARK_INTERVAL_DOC = "With database.names: how often a rising cluster watermark "
            + "is published on the progress topic (when it has risen).";
    public static final long WATERMARK_INTERVAL_DEFAULT = 1000;

    public static final String SSLMODE_CONFIG = "database.sslmode";
    static final String SSLMODE_DOC = "PgJDBC sslmode: disable, allow, prefer, require, verify-ca or verify-full.";
    public static final String SSLMODE_DEFAULT = "prefer";

    public static final String TOPIC_PREFIX_CONFIG = "topic.prefix";
    static final String TOPIC_PREFIX_DOC = "Prefix of every topic name: rows of schema.table go to "
            + "<topic.prefix>.<schema>.<table>. Letters, digits, '.', '_' and '-' only; at most "
            + "230 characters, so that topic names fit Kafka's 249.";

    public static final String TABLE_INCLUDE_LIST_CONFIG = "table.include.list";
    static final String TABLE_INCLUDE_LIST_DOC = "Comma-separated regular expressions matched against "
            + "the whole of schema.table; only matching tables are captured. Empty: every table the "
            + "catalog shows outside pg_catalog and information_schema.";

    public static final String TABLE_EXCLUDE_LIST_CONFIG = "table.exclude.list";
    static final String TABLE_EXCLUDE_LIST_DOC = "Comma-separated regular expressions matched against "
            + "the whole of schema.table; matching tables are not captured, even if included.";

    public static final String SCHEMA_INCLUDE_LIST_CONFIG = "schema.include.list";
    static final String SCHEMA_INCLUDE_LIST_DOC = "Comma-separated regular expressions matched against the "
            + "whole schema name; only tables of matching schemas are captured (and the table lists apply too). "
            + "Empty: every schema.";

    public static final String SCHEMA_EXCLUDE_LIST_CONFIG = "schema.exclude.list";
    static final String SCHEMA_EXCLUDE_LIST_DOC = "Comma-separated regular expressions matched against the "
            + "whole schema name; tables of matching schemas are not captured.";

    public static final String COLUMN_INCLUDE_LIST_CONFIG = ColumnSelection.INCLUDE_KEY;
    static final String COLUMN_INCLUDE_LIST_DOC = "Comma-separated regular expressions matched against "
            + "the whole of schema.table.column; only matching columns go into records (and are read at all). "
            + "Key columns must match. Empty: every column. Do not set together with column.exclude.list.";

    public static final String COLUMN_EXCLUDE_LIST_CONFIG = ColumnSelection.EXCLUDE_KEY;
    static final String COLUMN_EXCLUDE_LIST_DOC = "Comma-separated regular expressions matched against "
            + "the whole of schema.table.column; matching columns are left out of records (and not read). "
            + "Key columns must not match. Do not set together with column.include.list.";

    public static final String MESSAGE_KEY_COLUMNS_CONFIG = ColumnSelection.KEY_COLUMNS_KEY;
    static final String MESSAGE_KEY_COLUMNS_DOC = "Record keys for tables without a primary key, or "
            + "instead of it: entries '<schema.table regex>:<column>,<column>' separated by ';', e.g. "
            + "'public.orders:tenant,id;shop\\..*:uuid'. The regex must match the whole of schema.table; the first "
            + "matching entry wins. Empty: the primary key (no key without one).";

    public static final String PUBLISH_VIA_PARTITION_ROOT_CONFIG = "publish.via.partition.root";
    static final String PUBLISH_VIA_PARTITION_ROOT_DOC = "Partitioned tables. true: a partitioned table "
            + "that table.include.list selects is captured as one table: the rows of all its partitions go to its "
            + "topic and records name it (partitions it selects too are not captured twice); the publication is "
            + "made WITH (publish_via_partition_root = true), so partitions attached later are streamed as well. "
            + "false: each partition of a selected partitioned table is a table of its own, with its own topic. "
            + "Debezium's key of the same name, whose default is false; see docs/snapshots.md, "
            + "\"Partitioned tables\".";
    public static final boolean PUBLISH_VIA_PARTITION_ROOT_DEFAULT = true;

    public static final String SNAPSHOT_MODE_CONFIG = "snapshot.mode";
    static final String SNAPSHOT_MODE_DOC = "initial: create the replication slot (slot.name) with an "
            + "exported snapshot, load that snapshot in parallel, then stream every later change from the slot. "
            + "initial_only: one consistent snapshot, no slot, then idle. never (or Debezium's no_data): no "
            + "snapshot, stream only.";
    public static final String SNAPSHOT_MODE_INITIAL_ONLY = "initial_only";
    public static final String SNAPSHOT_MODE_INITIAL = "initial";
    public static final String SNAPSHOT_MODE_DEFAULT = SNAPSHOT_MODE_INITIAL;
    public static final String SNAPSHOT_MODE_NEVER = "never";
    /** Debezium 3's name for never. */
    public static final String SNAPSHOT_MODE_NO_DATA = "no_data";

    public static final String SLOT_NAME_CONFIG = "slot.name";
    static final String SLOT_NAME_DOC = "Logical replication slot (pgoutput) that snapshot.mode=initial "
            + "creates and the stream reads: 1 to 63 of a-z, 0-9 and _; one per connector. Drop it "
            + "(pg_drop_replication_slot) when you delete the connector for good, or it keeps WAL.";
    public static final String SLOT_NAME_DEFAULT = "snapclone";

    public static final String PUBLICATION_NAME_CONFIG = "publication.name";
    static final String PUBLICATION_NAME_DOC = "Publication the slot streams: any PostgreSQL name of at "
            + "most 63 bytes (it is quoted everywhere, so upper case, spaces and commas are kept as they are).";
    public static final String PUBLICATION_NAME_DEFAULT = "snapclone";

    public static final String PUBLICATION_AUTOCREATE_CONFIG = "publication.autocreate.mode";
    static final String PUBLICATION_AUTOCREATE_DOC = "disabled: the publication must exist. all_tables: "
            + "create it FOR ALL TABLES (superuser). filtered: create it (or set it) FOR TABLE the captured tables.";
    public static final String PUBLICATION_AUTOCREATE_DEFAULT = "filtered";

    public static final String PUBLICATION_KEYLESS_TABLES_CONFIG = "publication.keyless.tables";
    static final String PUBLICATION_KEYLESS_TABLES_DOC = "Captured tables without a replica identity "
            + "(no primary key under REPLICA IDENTITY DEFAULT, REPLICA IDENTITY NOTHING, or USING INDEX of a dropped "
            + "index): in a publication of updates and deletes, PostgreSQL would reject the application's own UPDATE "
            + "and DELETE on them. exclude: publication.autocreate.mode=filtered leaves them out of the publication; "
            + "they are snapshotted, but their later changes are NOT streamed (logged at WARN with the fix). "
            + "inserts_only: as exclude, but their INSERTs and TRUNCATEs are streamed through a second publication, "
            + "<publication.name>_inserts (WITH publish = 'insert, truncate'); their UPDATEs and DELETEs are not. "
            + "fail: validation and start fail, naming the tables. The fix either way: add a primary key, ALTER TABLE ... "
            + "REPLICA IDENTITY USING INDEX (a unique index on NOT NULL columns) or REPLICA IDENTITY FULL, or exclude "
            + "the table with table.exclude.list. Not a Debezium key.";
    public static final String PUBLICATION_KEYLESS_TABLES_DEFAULT = "exclude";

    /** What {@code publication.keyless.tables} asks for tables without a replica identity. */
    public enum KeylessTables {
        /** Snapshotted, left out of the publication: later changes are not streamed. */
        EXCLUDE,
        /** As EXCLUDE, but inserts and truncates are streamed through a second, inserts-only publication. */
        INSERTS_ONLY,
        /** Validation and start fail, naming the tables and the fix. */
        FAIL;

        public String value() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public static final String HEARTBEAT_INTERVAL_CONFIG = "heartbeat.interval.ms";
    static final String HEARTBEAT_INTERVAL_DOC = "How often the stream runs heartbeat.action.query "
            + "(0: never). The slot advances on an idle database without it; the query helps when WAL comes "
            + "only from other databases and you want changes of your own in the stream.";
    public static final long HEARTBEAT_INTERVAL_DEFAULT = 0;

    public static final String HEARTBEAT_ACTION_QUERY_CONFIG = "heartbeat.action.query";
    static final String HEARTBEAT_ACTION_QUERY_DOC = "SQL the stream runs every heartbeat.interval.ms, "
            + "e.g. an INSERT into a heartbeat table that the publication includes.";

    public static final String TOMBSTONES_ON_DELETE_CONFIG = "tombstones.on.delete";
    static final String TOMBSTONES_ON_DELETE_DOC = "Follow each delete with a null-valued record for its key, "
            + "so that compacted topics drop the key.";

    public static final String SKIPPED_OPERATIONS_CONFIG = "skipped.operations";
    static final String SKIPPED_OPERATIONS_DOC = "Streamed operations not sent, as Debezium: c (inserts), "
            + "u (updates, including those that move a row to another key), d (deletes and their tombstones), "
            + "t (truncates), or none. Debezium's default skips truncates.";

    public static final String CHUNK_SIZE_CONFIG = "snapshot.chunk.size";
    static final String CHUNK_SIZE_DOC = "Tables larger than this many bytes on disk are split "
            + "into ctid block ranges of about this size, read in parallel by the tasks. Unless this key is set, "
            + "chunks are made smaller (down to 8 MB) where that is needed to give every task at least 4. Chunks "
            + "are made larger where there would be more than 64 per task.";
    public static final long CHUNK_SIZE_DEFAULT = 256L * 1024 * 1024;

    public static final String MAX_BATCH_SIZE_CONFIG = "max.batch.size";
    static final String MAX_BATCH_SIZE_DOC = "Most records a task returns from one poll.";
    public static final int MAX_BATCH_SIZE_DEFAULT = 2048;

    public static final String PROGRESS_TOPIC_CONFIG = "snapshot.progress.topic";
    static final String PROGRESS_TOPIC_DOC = "Topic that announces each finished chunk. Empty: "
            + "<topic.prefix>.snapclone.progress.";
    static final String PROGRESS_TOPIC_SUFFIX = ".snapclone.progress";

    public static final String PROGRESS_INTERVAL_CONFIG = "snapshot.progress.interval.ms";
    static final String PROGRESS_INTERVAL_DOC = "How often the connector logs snapshot progress.";
    public static final long PROGRESS_INTERVAL_DEFAULT = 5000;

    public static final String DECIMAL_HANDLING_MODE_CONFIG = "decimal.handling.mode";
    static final String DECIMAL_HANDLING_MODE_DOC = "numeric and money columns: precise (Connect "
            + "Decimal, or io.debezium.data.VariableScaleDecimal for numeric without a scale; NaN and infinities "
            + "become null), double (FLOAT64, may lose precision; NaN and infinities kept) or string (STRING; NaN "
            + "and infinities as NAN, POSITIVE_INFINITY, NEGATIVE_INFINITY).";
    public static final String DECIMAL_HANDLING_MODE_DEFAULT = DecimalMode.PRECISE.value();

    public static final String TIME_PRECISION_MODE_CONFIG = "time.precision.mode";
    static final String TIME_PRECISION_MODE_DOC = "date, time and timestamp columns: adaptive "
            + "(milliseconds for a declared precision of 0-3, else microseconds; io.debezium.time types), "
            + "adaptive_time_microseconds (the same, but time always in microseconds) or connect (Kafka Connect's "
            + "Date, Time and Timestamp: milliseconds, so finer digits are lost). timetz and timestamptz are "
            + "ISO strings in every mode.";
    public static final String TIME_PRECISION_MODE_DEFAULT = TimePrecisionMode.ADAPTIVE.value();

    public static final String BINARY_HANDLING_MODE_CONFIG = "binary.handling.mode";
    static final String BINARY_HANDLING_MODE_DOC = "bytea columns: bytes (BYTES), base64, base64-url-safe "
            + "or hex (lower case) strings.";
    public static final String BINARY_HANDLING_MODE_DEFAULT = BinaryMode.BYTES.value();

    public static final String INTERVAL_HANDLING_MODE_CONFIG = "interval.handling.mode";
    static final String INTERVAL_HANDLING_MODE_DOC = "interval columns: numeric (microseconds, a month "
            + "counted as 30.4375 days; io.debezium.time.MicroDuration) or string (exact ISO-8601 duration with "
            + "every field, e.g. P1Y2M3DT4H5M6.78S; io.debezium.time.Interval).";
    public static final String INTERVAL_HANDLING_MODE_DEFAULT = IntervalMode.NUMERIC.value();

    public static final String HSTORE_HANDLING_MODE_CONFIG = "hstore.handling.mode";
    static final String HSTORE_HANDLING_MODE_DOC = "hstore columns: json (a JSON object string, "
            + "io.debezium.data.Json) or map (MAP of string to optional string).";
    public static final String HSTORE_HANDLING_MODE_DEFAULT = HstoreMode.JSON.value();

    public static final String FIELD_NAME_ADJUSTMENT_MODE_CONFIG = "field.name.adjustment.mode";
    static final String FIELD_NAME_ADJUSTMENT_MODE_DOC = "avro: column names become valid Avro field "
            + "names (every character outside [A-Za-z0-9_] becomes _, a leading digit gets a _ prefix), so that "
            + "records serialize with Avro; two columns that would clash fail the task with a clear message. "
            + "none: field names are the column names as they are (Debezium's default; JSON only).";
    public static final String FIELD_NAME_ADJUSTMENT_MODE_DEFAULT = FieldNameMode.AVRO.value();

    public static final String UNAVAILABLE_VALUE_PLACEHOLDER_CONFIG = "unavailable.value.placeholder";
    static final String UNAVAILABLE_VALUE_PLACEHOLDER_DOC = "What a streamed update carries for a "
            + "TOASTed value it left unchanged (PostgreSQL does not send it again, except under REPLICA IDENTITY "
            + "FULL, where the old row's value is used instead). Strings get this text, bytes its UTF-8 bytes, "
            + "arrays and maps a shape that holds it (docs/streaming.md). Prefix hex: to give the bytes in hex, "
            + "as in Debezium.";
    public static final String UNAVAILABLE_VALUE_PLACEHOLDER_DEFAULT = UnavailableValue.DEFAULT;

    public static final String ERRORS_MAX_RETRIES_CONFIG = "errors.max.retries";
    static final String ERRORS_MAX_RETRIES_DOC = "How many times in a row a task tries again after losing "
            + "its connection to PostgreSQL (server restart, failover, network cut) before it fails and waits for a "
            + "person; -1: without limit (as in Debezium), 0: never. Other errors fail at once.";
    public static final int ERRORS_MAX_RETRIES_DEFAULT = -1;

    public static final String RETRY_WAIT_CONFIG = "retriable.restart.connector.wait.ms";
    static final String RETRY_WAIT_DOC = "The longest wait between two attempts to reconnect; the waits "
            + "start at 500 ms and double up to this.";
    public static final long RETRY_WAIT_DEFAULT = 10_000;

    public static final String NOTIFICATION_CHANNELS_CONFIG = "notification.enabled.channels";
    static final String NOTIFICATION_CHANNELS_DOC = "Debezium's initial-snapshot notifications (STARTED, "
            + "IN_PROGRESS per table, TABLE_SCAN_COMPLETED per table, COMPLETED), as Debezium sends them. sink: records "
            + "on notification.sink.topic.name; log: INFO lines; jmx: not offered (ignored, with a warning). Empty: none.";
    public static final String SIGNAL_TABLE_CONFIG = "signal.data.collection";
    static final String SIGNAL_TABLE_DOC = "The signal table, as schema.table (Debezium's), e.g. public.debezium_signal "
            + "with columns id varchar(42) PRIMARY KEY, type varchar(32) NOT NULL, data varchar(2048): a row inserted "
            + "with type execute-snapshot and data {\"data-collections\": [\"public.orders\"]} loads those tables "
            + "again while the connector streams (incremental, the default, or \"type\": \"blocking\"; "
            + "docs/snapshots.md). The connector adds it to its publication; its rows are not captured. Empty: none.";
    public static final String SIGNAL_CHANNELS_CONFIG = "signal.enabled.channels";
    static final String SIGNAL_CHANNELS_DOC = "Where signals come from: source (the signal table, read from the stream) "
            + "and kafka (signal.kafka.topic). Debezium's jmx and file channels are not offered (ignored, with a warning).";
    public static final String SIGNAL_KAFKA_TOPIC_CONFIG = "signal.kafka.topic";
    static final String SIGNAL_KAFKA_TOPIC_DOC = "The signal topic of the kafka channel (one partition), as Debezium's: "
            + "records keyed by topic.prefix whose value is {\"type\": \"execute-snapshot\", \"data\": "
            + "{\"data-collections\": [\"public.orders\"]}}. Empty: <topic.prefix>-signal. Signals written before the "
            + "connector first streams are not read; after that none is missed (one read just before a crash may be "
            + "taken again). Consumer settings (security) go in signal.consumer.*.";
    public static final String SIGNAL_KAFKA_SERVERS_CONFIG = "signal.kafka.bootstrap.servers";
    static final String SIGNAL_KAFKA_SERVERS_DOC = "The brokers of " + SIGNAL_KAFKA_TOPIC_CONFIG
            + "; needed when signal.enabled.channels has kafka.";
    public static final String NOTIFICATION_TOPIC_CONFIG = "notification.sink.topic.name";
    static final String NOTIFICATION_TOPIC_DOC = "The topic of the notifications; needed when "
            + NOTIFICATION_CHANNELS_CONFIG + " has sink.";

    public static final String HOLDER_GRACE_CONFIG = "snapshot.holder.grace.ms";
    static final String HOLDER_GRACE_DOC = "After a graceful stop (REST restart, rebalance, config update, "
            + "a worker leaving) the sessions that hold the snapshot stay open this long, so that the coordinator and "
            + "tasks that start next re-import the same snapshot instead of taking a new one. They close at once when "
            + "the snapshot phase ends on their worker, else when the time is up; a deleted connector's too (Connect stops "
            + "it as it stops a restarted one), so they hold back vacuum for this long. 0: close at once.";
    public static final long HOLDER_GRACE_DEFAULT = 120_000;

    public static final String SLOT_FAILOVER_CONFIG = "slot.failover";
    static final String SLOT_FAILOVER_DOC = "Create the slot as a failover slot (PostgreSQL 17+), as in "
            + "Debezium: standbys with sync_replication_slots = on keep a copy, so after a failover the connector "
            + "streams on from the promoted standby without losing changes. Applies when the slot is created.";

    public static final String RECORD_VALUE_FORMAT_CONFIG = "record.value.format";
    static final String RECORD_VALUE_FORMAT_DOC = "The record value: envelope (Debezium's before/after/"
            + "source/op/ts_ms envelope) or row (the row struct alone, as Debezium's ExtractNewRecordState "
            + "would leave it, without metadata; deletes will be tombstones). Not a Debezium key.";
    public static final String RECORD_VALUE_FORMAT_DEFAULT = ValueFormat.ENVELOPE.value();

    static final Pattern TOPIC_PREFIX = Pattern.compile("[A-Za-z0-9._-]+");
    /** Kafka's limit on topic names. */
    static final int MAX_TOPIC_LENGTH = 249;
    /** Leaves room for the default progress topic, the longest suffix we add ourselves. */
    static final int MAX_TOPIC_PREFIX_LENGTH = MAX_TOPIC_LENGTH - PROGRESS_TOPIC_SUFFIX.length();
    static final List<String> SSL_MODES = List.of("disable", "allow", "prefer", "require", "verify-ca", "verify-full");
    private static final int CONNECT_TIMEOUT_SECONDS = 10;
    /** NAMEDATALEN - 1: PostgreSQL truncates longer identifiers. */
    static final int MAX_NAME_BYTES = 63;

    public static final ConfigDef CONFIG_DEF = SnapcloneConfigDef.build();

    public SnapcloneConfig(Map<String, String> props) {
        this(CONFIG_DEF, props);
    }

    protected SnapcloneConfig(ConfigDef definition, Map<String, String> props) {
        super(definition, props, false);
    }

    public boolean slotFailover() {
        return getBoolean(SLOT_FAILOVER_CONFIG);
    }

    public java.time.Duration holderGrace() {
        return java.time.Duration.ofMillis(getLong(HOLDER_GRACE_CONFIG));
    }

    /** Negative: no limit. */
    public int maxRetries() {
        return getInt(ERRORS_MAX_RETRIES_CONFIG);
    }

    public java.time.Duration maxRetryWait() {
        return java.time.Duration.ofMillis(getLong(RETRY_WAIT_CONFIG));
    }

    /** The database: database.dbname, or the only one database.names lists. */
    public ConnectionSettings connectionSettings() {
        Password password = getPassword(PASSWORD_CONFIG);
        List<String> names = databaseNames();
        String database = names.size() == 1 && !names.contains("*") ? names.get(0) : getString(DBNAME_CONFIG);
        return new ConnectionSettings(getString(HOSTNAME_CONFIG), getInt(PORT_CONFIG), database,
                getString(USER_CONFIG), password == null ? null : password.value(), getString(SSLMODE_CONFIG),
                CONNECT_TIMEOUT_SECONDS);
    }

    public String topicPrefix() {
        return getString(TOPIC_PREFIX_CONFIG);
    }

    /** database.names as given (maybe {@code *}); empty: only database.dbname. */
    public List<String> databaseNames() {
        return getList(DATABASE_NAMES_CONFIG).stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    /** The watermark consumer's properties, or an empty map when watermarks are off. */
    public Map<String, Object> watermarkConsumerProps() {
        if (getString(WATERMARK_KAFKA_SERVERS_CONFIG).isBlank()) {
            return Map.of();
        }
        Map<String, Object> props = new java.util.HashMap<>(originalsWithPrefix("watermark.kafka."));
        props.put("bootstrap.servers", getString(WATERMARK_KAFKA_SERVERS_CONFIG).trim());
        return props;
    }

    public java.time.Duration watermarkInterval() {
        return java.time.Duration.ofMillis(getLong(WATERMARK_INTERVAL_CONFIG));
    }

    /**
     * Included (or no include list) and not excluded, by the schema lists on the schema name and by
     * the table lists on all of schema.table.
     */
    public Predicate<TableId> tableFilter() {
        Predicate<String> schemas = listed(patterns(SCHEMA_INCLUDE_LIST_CONFIG), patterns(SCHEMA_EXCLUDE_LIST_CONFIG));
        Predicate<String> tables = listed(patterns(TABLE_INCLUDE_LIST_CONFIG), patterns(TABLE_EXCLUDE_LIST_CONFIG));
        return table -> schemas.test(table.schema()) && tables.test(table.qualifiedName());
    }

    private static Predicate<String> listed(List<Pattern> include, List<Pattern> exclude) {
        return name -> (include.isEmpty() || include.stream().anyMatch(p -> p.matcher(name).matches()))
                && exclude.stream().noneMatch(p -> p.matcher(name).matches());
    }

    /** Whether partitions are captured as their partitioned table (publish.via.partition.root). */
    public boolean publishViaPartitionRoot() {
        return getBoolean(PUBLISH_VIA_PARTITION_ROOT_CONFIG);
    }

    /** What the include and exclude lists capture among {@code relations}, partitions resolved. */
    public io.snapclone.pg.catalog.CapturedTables capturedTables(
            java.util.Collection<io.snapclone.pg.catalog.CatalogTable> relations) {
        return io.snapclone.pg.catalog.CapturedTables.resolve(relations, tableFilter(), publishViaPartitionRoot());
    }

    public long chunkSizeBytes() {
        return getLong(CHUNK_SIZE_CONFIG);
    }

    /** Whether the user chose the chunk size (else the planner may cut chunks smaller to balance tasks). */
    public boolean chunkSizeSet() {
        return originals().containsKey(CHUNK_SIZE_CONFIG);
    }

    public int maxBatchSize() {
        return getInt(MAX_BATCH_SIZE_CONFIG);
    }

    public String progressTopic() {
        String configured = getString(PROGRESS_TOPIC_CONFIG);
        return configured.isBlank() ? topicPrefix() + PROGRESS_TOPIC_SUFFIX : configured;
    }

    /** initial, initial_only or never (Debezium's no_data read as never). */
    public String snapshotMode() {
        String mode = getString(SNAPSHOT_MODE_CONFIG);
        return SNAPSHOT_MODE_NO_DATA.equals(mode) ? SNAPSHOT_MODE_NEVER : mode;
    }

    /** Whether a replication slot is part of the job (snapshot.mode initial or never). */
    public boolean streams() {
        return !SNAPSHOT_MODE_INITIAL_ONLY.equals(snapshotMode());
    }

    public String slotName() {
        return getString(SLOT_NAME_CONFIG);
    }

    public String publicationName() {
        return getString(PUBLICATION_NAME_CONFIG);
    }

    public io.snapclone.pg.replication.Publications.Mode publicationAutocreateMode() {
        return io.snapclone.pg.replication.Publications.Mode.valueOf(
                getString(PUBLICATION_AUTOCREATE_CONFIG).toUpperCase(java.util.Locale.ROOT));
    }

    /** Suffix of the inserts-only publication that publication.keyless.tables=inserts_only adds. */
    public static final String INSERTS_PUBLICATION_SUFFIX = "_inserts";

    /** The inserts-only publication for tables without a replica identity (publication.keyless.tables=inserts_only). */
    public String insertsPublicationName() {
        return publicationName() + INSERTS_PUBLICATION_SUFFIX;
    }

    /**
     * Every publication the stream reads: publication.name, and its inserts-only companion when
     * publication.keyless.tables=inserts_only with publication.autocreate.mode=filtered (the
     * coordinator creates it, possibly empty, before streaming). Pass them to pgoutput's
     * publication_names with Publications.namesOption.
     */
    public List<String> publicationNames() {
        if (publicationAutocreateMode() == io.snapclone.pg.replication.Publications.Mode.FILTERED
                && publicationKeylessTables() == KeylessTables.INSERTS_ONLY) {
            return List.of(publicationName(), insertsPublicationName());
        }
        return List.of(publicationName());
    }

    public KeylessTables publicationKeylessTables() {
        return KeylessTables.valueOf(getString(PUBLICATION_KEYLESS_TABLES_CONFIG).toUpperCase(java.util.Locale.ROOT));
    }

    /**
     * How long a Kafka transaction of the stream may stay open before it is committed within a
     * PostgreSQL transaction: half of the producer's transaction.timeout.ms, as this connector's
     * {@code producer.override.transaction.timeout.ms} sets it, else of the producer's default (60 s).
     */
    public java.time.Duration kafkaTransactionSplit() {
        String override = originalsStrings().get("producer.override.transaction.timeout.ms");
        long timeoutMs = 60_000;
        if (override != null) {
            try {
                timeoutMs = Long.parseLong(override.trim());
            } catch (NumberFormatException e) {
                // Connect itself rejects the producer setting; keep the default here.
            }
        }
        return java.time.Duration.ofMillis(Math.max(1, timeoutMs / 2));
    }

    /** Zero when heartbeats are off. */
    public java.time.Duration heartbeatInterval() {
        return java.time.Duration.ofMillis(getLong(HEARTBEAT_INTERVAL_CONFIG));
    }

    public String heartbeatActionQuery() {
        return getString(HEARTBEAT_ACTION_QUERY_CONFIG);
    }

    /** Of c, u, d and t; empty for {@code none}. */
    public java.util.Set<String> skippedOperations() {
        java.util.Set<String> skipped = new java.util.HashSet<>(getList(SKIPPED_OPERATIONS_CONFIG));
        skipped.remove("none");
        return java.util.Set.copyOf(skipped);
    }

    public boolean tombstonesOnDelete() {
        return getBoolean(TOMBSTONES_ON_DELETE_CONFIG);
    }

    public java.time.Duration progressInterval() {
        return java.time.Duration.ofMillis(getLong(PROGRESS_INTERVAL_CONFIG));
    }

    public DecimalMode decimalHandlingMode() {
        return RecordOptions.parse(DecimalMode.class, getString(DECIMAL_HANDLING_MODE_CONFIG));
    }

    public TimePrecisionMode timePrecisionMode() {
        return RecordOptions.parse(TimePrecisionMode.class, getString(TIME_PRECISION_MODE_CONFIG));
    }

    public BinaryMode binaryHandlingMode() {
        return RecordOptions.parse(BinaryMode.class, getString(BINARY_HANDLING_MODE_CONFIG));
    }

    public IntervalMode intervalHandlingMode() {
        return RecordOptions.parse(IntervalMode.class, getString(INTERVAL_HANDLING_MODE_CONFIG));
    }

    public HstoreMode hstoreHandlingMode() {
        return RecordOptions.parse(HstoreMode.class, getString(HSTORE_HANDLING_MODE_CONFIG));
    }

    public FieldNameMode fieldNameAdjustmentMode() {
        return RecordOptions.parse(FieldNameMode.class, getString(FIELD_NAME_ADJUSTMENT_MODE_CONFIG));
    }

    public ValueFormat recordValueFormat() {
        return RecordOptions.parse(ValueFormat.class, getString(RECORD_VALUE_FORMAT_CONFIG));
    }

    /**
     * The column lists and key overrides.
     *
     * @throws ConfigException when both column lists are set
     */
    public ColumnSelection columnSelection() {
        try {
            return new ColumnSelection(patterns(COLUMN_INCLUDE_LIST_CONFIG), patterns(COLUMN_EXCLUDE_LIST_CONFIG),
                    ColumnSelection.parseKeyColumns(getString(MESSAGE_KEY_COLUMNS_CONFIG)));
        } catch (ColumnSelection.Rejected e) {
            throw new ConfigException(e.key(), getList(e.key()), e.getMessage());
        }
    }

    /** Everything that shapes records, for the record builders. */
    public RecordOptions recordOptions() {
        return new RecordOptions(decimalHandlingMode(), timePrecisionMode(), binaryHandlingMode(),
                intervalHandlingMode(), hstoreHandlingMode(), recordValueFormat(), columnSelection(),
                fieldNameAdjustmentMode(), UnavailableValue.parse(getString(UNAVAILABLE_VALUE_PLACEHOLDER_CONFIG)));
    }

    /** The notification channels asked for: sink, log (jmx is not offered). */
    public List<String> notificationChannels() {
        return getList(NOTIFICATION_CHANNELS_CONFIG).stream().map(String::trim).filter(c -> !c.isEmpty()).toList();
    }

    public String notificationTopic() {
        return getString(NOTIFICATION_TOPIC_CONFIG);
    }

    /** What to do when the signal table does not exist (signals are then not read, as in Debezium). */
    public String missingSignalTable() {
        TableId signals = signalTable();
        return "the signal table " + signals.qualifiedName() + " (" + SIGNAL_TABLE_CONFIG + ") does not exist, so no "
                + "signal is read: CREATE TABLE " + signals.quoted() + " (id varchar(42) PRIMARY KEY, type varchar(32) "
                + "NOT NULL, data varchar(2048)), then restart the connector";
    }

    /** Whether signals are read from {@link #SIGNAL_KAFKA_TOPIC_CONFIG} (the kafka channel). */
    public boolean kafkaSignals() {
        return signalChannels().contains("kafka");
    }

    public String signalKafkaTopic() {
        String topic = getString(SIGNAL_KAFKA_TOPIC_CONFIG).trim();
        return topic.isEmpty() ? topicPrefix() + "-signal" : topic;
    }

    /** The kafka channel's consumer settings: {@code signal.consumer.*} and the brokers. */
    public Map<String, Object> signalConsumerProps() {
        Map<String, Object> props = new java.util.HashMap<>(originalsWithPrefix("signal.consumer."));
        props.put("bootstrap.servers", getString(SIGNAL_KAFKA_SERVERS_CONFIG).trim());
        return props;
    }

    private List<String> signalChannels() {
        return getList(SIGNAL_CHANNELS_CONFIG).stream().map(String::trim).toList();
    }

    /** The signal table if signals are read from it (the source channel), else null. */
    public TableId signalTable() {
        String name = getString(SIGNAL_TABLE_CONFIG).trim();
        if (name.isEmpty() || !signalChannels().contains("source")) {
            return null;
        }
        return ConfigValidators.qualifiedTable(name);
    }

    public io.snapclone.connect.record.SnapshotNotifications notifications() {
        return new io.snapclone.connect.record.SnapshotNotifications(topicPrefix(), notificationChannels(),
                notificationTopic());
    }

    /** What is wrong across keys (each key being valid alone), against the key to change. */
    public List<DatabaseChecks.Problem> crossKeyProblems() {
        List<DatabaseChecks.Problem> problems = new java.util.ArrayList<>();
        if (kafkaSignals() && getString(SIGNAL_KAFKA_SERVERS_CONFIG).isBlank()) {
            problems.add(new DatabaseChecks.Problem(SIGNAL_KAFKA_SERVERS_CONFIG, SIGNAL_CHANNELS_CONFIG + " has kafka: "
                    + "set " + SIGNAL_KAFKA_SERVERS_CONFIG + " to the brokers of the signal topic."));
        }
        if (notificationChannels().contains("sink") && notificationTopic().isBlank()) {
            problems.add(new DatabaseChecks.Problem(NOTIFICATION_TOPIC_CONFIG, NOTIFICATION_CHANNELS_CONFIG + " has sink: "
                    + "set " + NOTIFICATION_TOPIC_CONFIG + " to the topic the notifications go to."));
        }
        if (!patterns(SCHEMA_INCLUDE_LIST_CONFIG).isEmpty() && !patterns(SCHEMA_EXCLUDE_LIST_CONFIG).isEmpty()) {
            problems.add(new DatabaseChecks.Problem(SCHEMA_EXCLUDE_LIST_CONFIG, "Set " + SCHEMA_INCLUDE_LIST_CONFIG
                    + " or " + SCHEMA_EXCLUDE_LIST_CONFIG + ", not both (as in Debezium): keep the one that says "
                    + "what you mean and remove the other."));
        }
        if (!patterns(COLUMN_INCLUDE_LIST_CONFIG).isEmpty() && !patterns(COLUMN_EXCLUDE_LIST_CONFIG).isEmpty()) {
            problems.add(new DatabaseChecks.Problem(COLUMN_EXCLUDE_LIST_CONFIG, "Set " + COLUMN_INCLUDE_LIST_CONFIG
                    + " or " + COLUMN_EXCLUDE_LIST_CONFIG + ", not both (as in Debezium): keep the one that says "
                    + "what you mean and remove the other."));
        }
        if (publicationNames().size() > 1 && insertsPublicationName().getBytes(java.nio.charset.StandardCharsets.UTF_8)
                .length > MAX_NAME_BYTES) {
            problems.add(new DatabaseChecks.Problem(PUBLICATION_NAME_CONFIG, "With " + PUBLICATION_KEYLESS_TABLES_CONFIG
                    + "=inserts_only, " + PUBLICATION_NAME_CONFIG + " plus '" + INSERTS_PUBLICATION_SUFFIX + "' must fit "
                    + "in " + MAX_NAME_BYTES + " bytes (it names the second publication): shorten the name."));
        }
        if (streams() && publicationKeylessTables() == KeylessTables.INSERTS_ONLY
                && publicationAutocreateMode() != io.snapclone.pg.replication.Publications.Mode.FILTERED) {
            problems.add(new DatabaseChecks.Problem(PUBLICATION_KEYLESS_TABLES_CONFIG, PUBLICATION_KEYLESS_TABLES_CONFIG
                    + "=inserts_only streams keyless tables through a publication the connector creates only with "
                    + PUBLICATION_AUTOCREATE_CONFIG + "=filtered; with " + PUBLICATION_AUTOCREATE_CONFIG + "="
                    + getString(PUBLICATION_AUTOCREATE_CONFIG) + " it would do nothing: set "
                    + PUBLICATION_AUTOCREATE_CONFIG + "=filtered, or use " + PUBLICATION_KEYLESS_TABLES_CONFIG
                    + "=exclude."));
        }
        problems.addAll(heartbeatProblems());
        return problems;
    }

    /** A heartbeat query that would never run. */
    private List<DatabaseChecks.Problem> heartbeatProblems() {
        if (heartbeatActionQuery().isBlank()) {
            return List.of();
        }
        if (!streams()) {
            return List.of(new DatabaseChecks.Problem(HEARTBEAT_ACTION_QUERY_CONFIG, "snapshot.mode="
                    + SNAPSHOT_MODE_INITIAL_ONLY + " has no stream, so " + HEARTBEAT_ACTION_QUERY_CONFIG + " would never "
                    + "run: remove it (and " + HEARTBEAT_INTERVAL_CONFIG + "), or use snapshot.mode=initial."));
        }
        if (heartbeatInterval().isZero()) {
            return List.of(new DatabaseChecks.Problem(HEARTBEAT_INTERVAL_CONFIG, HEARTBEAT_ACTION_QUERY_CONFIG
                    + " is set but " + HEARTBEAT_INTERVAL_CONFIG + " is 0, so it would never run: set "
                    + HEARTBEAT_INTERVAL_CONFIG + " to how often it should run (e.g. 10000), or remove "
                    + HEARTBEAT_ACTION_QUERY_CONFIG + "."));
        }
        return List.of();
    }

    private List<Pattern> patterns(String key) {
        return getList(key).stream().map(String::trim).filter(s -> !s.isEmpty()).map(Pattern::compile).toList();
    }
}

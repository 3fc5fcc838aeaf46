package io.snapclone.connect.config;

import static io.snapclone.connect.config.SnapcloneConfig.*;

import io.snapclone.connect.record.RecordOptions.BinaryMode;
import io.snapclone.connect.record.RecordOptions.DecimalMode;
import io.snapclone.connect.record.RecordOptions.FieldNameMode;
import io.snapclone.connect.record.RecordOptions.HstoreMode;
import io.snapclone.connect.record.RecordOptions.IntervalMode;
import io.snapclone.connect.record.RecordOptions.TimePrecisionMode;
import io.snapclone.connect.record.RecordOptions.ValueFormat;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

/**
 * The definition table of {@link SnapcloneConfig}'s keys: type, default, check, importance,
 * documentation, group and order, as docs/configuration.md shows them. The keys, their docs and
 * the typed accessors stay in SnapcloneConfig. Stateless.
 */
final class SnapcloneConfigDef {
    private static final String DATABASE_GROUP = "Database";
    private static final String TABLES_GROUP = "Tables and topics";
    private static final String SNAPSHOT_GROUP = "Snapshot";
    private static final String STREAMING_GROUP = "Streaming";
    private static final String RECORDS_GROUP = "Records";

    private SnapcloneConfigDef() {
    }

    static ConfigDef build() {
        int db = 0;
        int tables = 0;
        int snapshot = 0;
        int records = 0;
        return new ConfigDef()
                .define(HOSTNAME_CONFIG, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(),
                        Importance.HIGH, HOSTNAME_DOC, DATABASE_GROUP, ++db, Width.MEDIUM, "Host")
                .define(PORT_CONFIG, Type.INT, PORT_DEFAULT, ConfigDef.Range.between(1, 65535),
                        Importance.HIGH, PORT_DOC, DATABASE_GROUP, ++db, Width.SHORT, "Port")
                .define(USER_CONFIG, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(),
                        Importance.HIGH, USER_DOC, DATABASE_GROUP, ++db, Width.MEDIUM, "User")
                .define(PASSWORD_CONFIG, Type.PASSWORD, null, Importance.HIGH, PASSWORD_DOC,
                        DATABASE_GROUP, ++db, Width.MEDIUM, "Password")
                .define(DBNAME_CONFIG, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(),
                        Importance.HIGH, DBNAME_DOC, DATABASE_GROUP, ++db, Width.MEDIUM, "Database")
                .define(DATABASE_NAMES_CONFIG, Type.LIST, "", Importance.MEDIUM, DATABASE_NAMES_DOC,
                        DATABASE_GROUP, ++db, Width.LONG, "Databases")
                .define(WATERMARK_KAFKA_SERVERS_CONFIG, Type.STRING, "", Importance.MEDIUM, WATERMARK_KAFKA_SERVERS_DOC,
                        DATABASE_GROUP, ++db, Width.MEDIUM, "Watermark brokers")
                .define(WATERMARK_INTERVAL_CONFIG, Type.LONG, WATERMARK_INTERVAL_DEFAULT, ConfigDef.Range.atLeast(100),
                        Importance.LOW, WATERMARK_INTERVAL_DOC, DATABASE_GROUP, ++db, Width.SHORT, "Watermark interval")
                .define(SSLMODE_CONFIG, Type.STRING, SSLMODE_DEFAULT,
                        ConfigDef.ValidString.in(SSL_MODES.toArray(String[]::new)),
                        Importance.MEDIUM, SSLMODE_DOC, DATABASE_GROUP, ++db, Width.SHORT, "SSL mode")
                .define(TOPIC_PREFIX_CONFIG, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, ConfigValidators.topicPrefixValidator(),
                        Importance.HIGH, TOPIC_PREFIX_DOC, TABLES_GROUP, ++tables, Width.MEDIUM, "Topic prefix")
                .define(SCHEMA_INCLUDE_LIST_CONFIG, Type.LIST, "", ConfigValidators.regexListValidator("schema"),
                        Importance.MEDIUM, SCHEMA_INCLUDE_LIST_DOC, TABLES_GROUP, ++tables, Width.LONG, "Include schemas")
                .define(SCHEMA_EXCLUDE_LIST_CONFIG, Type.LIST, "", ConfigValidators.regexListValidator("schema"),
                        Importance.LOW, SCHEMA_EXCLUDE_LIST_DOC, TABLES_GROUP, ++tables, Width.LONG, "Exclude schemas")
                .define(TABLE_INCLUDE_LIST_CONFIG, Type.LIST, "", ConfigValidators.regexListValidator(),
                        Importance.HIGH, TABLE_INCLUDE_LIST_DOC, TABLES_GROUP, ++tables, Width.LONG, "Include tables")
                .define(TABLE_EXCLUDE_LIST_CONFIG, Type.LIST, "", ConfigValidators.regexListValidator(),
                        Importance.MEDIUM, TABLE_EXCLUDE_LIST_DOC, TABLES_GROUP, ++tables, Width.LONG, "Exclude tables")
                .define(COLUMN_INCLUDE_LIST_CONFIG, Type.LIST, "", ConfigValidators.regexListValidator("schema.table.column"),
                        Importance.MEDIUM, COLUMN_INCLUDE_LIST_DOC, TABLES_GROUP, ++tables, Width.LONG, "Include columns")
                .define(COLUMN_EXCLUDE_LIST_CONFIG, Type.LIST, "", ConfigValidators.regexListValidator("schema.table.column"),
                        Importance.MEDIUM, COLUMN_EXCLUDE_LIST_DOC, TABLES_GROUP, ++tables, Width.LONG, "Exclude columns")
                .define(MESSAGE_KEY_COLUMNS_CONFIG, Type.STRING, "", ConfigValidators.keyColumnsValidator(),
                        Importance.MEDIUM, MESSAGE_KEY_COLUMNS_DOC, TABLES_GROUP, ++tables, Width.LONG, "Key columns")
                .define(PUBLISH_VIA_PARTITION_ROOT_CONFIG, Type.BOOLEAN, PUBLISH_VIA_PARTITION_ROOT_DEFAULT,
                        Importance.MEDIUM, PUBLISH_VIA_PARTITION_ROOT_DOC, TABLES_GROUP, ++tables, Width.SHORT,
                        "Partitions as their root")
                .define(SNAPSHOT_MODE_CONFIG, Type.STRING, SNAPSHOT_MODE_DEFAULT,
                        ConfigValidators.snapshotModeValidator(SNAPSHOT_MODE_INITIAL, SNAPSHOT_MODE_INITIAL_ONLY,
                                SNAPSHOT_MODE_NEVER, SNAPSHOT_MODE_NO_DATA),
                        Importance.HIGH, SNAPSHOT_MODE_DOC, SNAPSHOT_GROUP, ++snapshot, Width.SHORT, "Snapshot mode")
                .define(CHUNK_SIZE_CONFIG, Type.LONG, CHUNK_SIZE_DEFAULT, ConfigDef.Range.atLeast(65536),
                        Importance.MEDIUM, CHUNK_SIZE_DOC, SNAPSHOT_GROUP, ++snapshot, Width.SHORT, "Chunk size (bytes)")
                .define(MAX_BATCH_SIZE_CONFIG, Type.INT, MAX_BATCH_SIZE_DEFAULT, ConfigDef.Range.between(1, 1_000_000),
                        Importance.LOW, MAX_BATCH_SIZE_DOC, SNAPSHOT_GROUP, ++snapshot, Width.SHORT, "Max batch size")
                .define(PROGRESS_TOPIC_CONFIG, Type.STRING, "", ConfigValidators.progressTopicValidator(), Importance.LOW,
                        PROGRESS_TOPIC_DOC, SNAPSHOT_GROUP, ++snapshot, Width.MEDIUM, "Progress topic")
                .define(PROGRESS_INTERVAL_CONFIG, Type.LONG, PROGRESS_INTERVAL_DEFAULT, ConfigDef.Range.atLeast(100),
                        Importance.LOW, PROGRESS_INTERVAL_DOC, SNAPSHOT_GROUP, ++snapshot, Width.SHORT, "Progress interval")
                .define(SLOT_NAME_CONFIG, Type.STRING, SLOT_NAME_DEFAULT, ConfigValidators.slotNameValidator(), Importance.HIGH,
                        SLOT_NAME_DOC, STREAMING_GROUP, 1, Width.MEDIUM, "Slot")
                .define(PUBLICATION_NAME_CONFIG, Type.STRING, PUBLICATION_NAME_DEFAULT, ConfigValidators.publicationNameValidator(),
                        Importance.HIGH, PUBLICATION_NAME_DOC, STREAMING_GROUP, 2, Width.MEDIUM, "Publication")
                .define(PUBLICATION_AUTOCREATE_CONFIG, Type.STRING, PUBLICATION_AUTOCREATE_DEFAULT,
                        ConfigValidators.publicationModeValidator(), Importance.MEDIUM,
                        PUBLICATION_AUTOCREATE_DOC, STREAMING_GROUP, 3, Width.SHORT, "Publication creation")
                .define(PUBLICATION_KEYLESS_TABLES_CONFIG, Type.STRING, PUBLICATION_KEYLESS_TABLES_DEFAULT,
                        ConfigDef.ValidString.in(KeylessTables.EXCLUDE.value(), KeylessTables.INSERTS_ONLY.value(),
                                KeylessTables.FAIL.value()),
                        Importance.MEDIUM, PUBLICATION_KEYLESS_TABLES_DOC, STREAMING_GROUP, 4, Width.SHORT,
                        "Tables without replica identity")
                .define(TOMBSTONES_ON_DELETE_CONFIG, Type.BOOLEAN, true, Importance.MEDIUM, TOMBSTONES_ON_DELETE_DOC,
                        STREAMING_GROUP, 5, Width.SHORT, "Tombstones")
                .define(SKIPPED_OPERATIONS_CONFIG, Type.LIST, "t", ConfigDef.ValidList.in("c", "u", "d", "t", "none"),
                        Importance.LOW, SKIPPED_OPERATIONS_DOC, STREAMING_GROUP, 5, Width.SHORT, "Skipped operations")
                .define(HEARTBEAT_INTERVAL_CONFIG, Type.LONG, HEARTBEAT_INTERVAL_DEFAULT, ConfigDef.Range.atLeast(0),
                        Importance.LOW, HEARTBEAT_INTERVAL_DOC, STREAMING_GROUP, 6, Width.SHORT, "Heartbeat interval")
                .define(HEARTBEAT_ACTION_QUERY_CONFIG, Type.STRING, "", Importance.LOW, HEARTBEAT_ACTION_QUERY_DOC,
                        STREAMING_GROUP, 7, Width.LONG, "Heartbeat query")
                .define(RECORD_VALUE_FORMAT_CONFIG, Type.STRING, RECORD_VALUE_FORMAT_DEFAULT, ConfigValidators.oneOf(ValueFormat.class),
                        Importance.MEDIUM, RECORD_VALUE_FORMAT_DOC, RECORDS_GROUP, ++records, Width.SHORT, "Value format")
                .define(DECIMAL_HANDLING_MODE_CONFIG, Type.STRING, DECIMAL_HANDLING_MODE_DEFAULT, ConfigValidators.oneOf(DecimalMode.class),
                        Importance.MEDIUM, DECIMAL_HANDLING_MODE_DOC, RECORDS_GROUP, ++records, Width.SHORT, "Decimals")
                .define(TIME_PRECISION_MODE_CONFIG, Type.STRING, TIME_PRECISION_MODE_DEFAULT,
                        ConfigValidators.oneOf(TimePrecisionMode.class), Importance.MEDIUM, TIME_PRECISION_MODE_DOC, RECORDS_GROUP,
                        ++records, Width.MEDIUM, "Time precision")
                .define(BINARY_HANDLING_MODE_CONFIG, Type.STRING, BINARY_HANDLING_MODE_DEFAULT, ConfigValidators.oneOf(BinaryMode.class),
                        Importance.LOW, BINARY_HANDLING_MODE_DOC, RECORDS_GROUP, ++records, Width.SHORT, "Binary")
                .define(INTERVAL_HANDLING_MODE_CONFIG, Type.STRING, INTERVAL_HANDLING_MODE_DEFAULT,
                        ConfigValidators.oneOf(IntervalMode.class), Importance.LOW, INTERVAL_HANDLING_MODE_DOC, RECORDS_GROUP, ++records,
                        Width.SHORT, "Intervals")
                .define(HSTORE_HANDLING_MODE_CONFIG, Type.STRING, HSTORE_HANDLING_MODE_DEFAULT, ConfigValidators.oneOf(HstoreMode.class),
                        Importance.LOW, HSTORE_HANDLING_MODE_DOC, RECORDS_GROUP, ++records, Width.SHORT, "hstore")
                .define(FIELD_NAME_ADJUSTMENT_MODE_CONFIG, Type.STRING, FIELD_NAME_ADJUSTMENT_MODE_DEFAULT,
                        ConfigValidators.oneOf(FieldNameMode.class), Importance.LOW, FIELD_NAME_ADJUSTMENT_MODE_DOC, RECORDS_GROUP,
                        ++records, Width.SHORT, "Field names")
                .define(UNAVAILABLE_VALUE_PLACEHOLDER_CONFIG, Type.STRING, UNAVAILABLE_VALUE_PLACEHOLDER_DEFAULT,
                        ConfigValidators.unavailableValueValidator(), Importance.LOW, UNAVAILABLE_VALUE_PLACEHOLDER_DOC, RECORDS_GROUP,
                        ++records, Width.MEDIUM, "Unavailable value placeholder")
                .define(ERRORS_MAX_RETRIES_CONFIG, Type.INT, ERRORS_MAX_RETRIES_DEFAULT, ConfigDef.Range.atLeast(-1),
                        Importance.LOW, ERRORS_MAX_RETRIES_DOC, DATABASE_GROUP, ++db, Width.SHORT, "Reconnect attempts")
                .define(RETRY_WAIT_CONFIG, Type.LONG, RETRY_WAIT_DEFAULT, ConfigDef.Range.atLeast(500),
                        Importance.LOW, RETRY_WAIT_DOC, DATABASE_GROUP, ++db, Width.SHORT, "Reconnect wait")
                .define(HOLDER_GRACE_CONFIG, Type.LONG, HOLDER_GRACE_DEFAULT, ConfigDef.Range.atLeast(0),
                        Importance.LOW, HOLDER_GRACE_DOC, SNAPSHOT_GROUP, ++snapshot, Width.SHORT, "Holder grace")
                .define(NOTIFICATION_CHANNELS_CONFIG, Type.LIST, "", ConfigDef.ValidList.in("sink", "log", "jmx"),
                        Importance.LOW, NOTIFICATION_CHANNELS_DOC, SNAPSHOT_GROUP, ++snapshot, Width.SHORT,
                        "Notification channels")
                .define(NOTIFICATION_TOPIC_CONFIG, Type.STRING, "", Importance.LOW, NOTIFICATION_TOPIC_DOC,
                        SNAPSHOT_GROUP, ++snapshot, Width.MEDIUM, "Notification topic")
                .define(SIGNAL_TABLE_CONFIG, Type.STRING, "", ConfigValidators.qualifiedTableOrEmpty(), Importance.LOW,
                        SIGNAL_TABLE_DOC, SNAPSHOT_GROUP, ++snapshot, Width.MEDIUM, "Signal table")
                .define(SIGNAL_CHANNELS_CONFIG, Type.LIST, "source", ConfigDef.ValidList.in("source", "kafka", "jmx", "file"),
                        Importance.LOW, SIGNAL_CHANNELS_DOC, SNAPSHOT_GROUP, ++snapshot, Width.SHORT, "Signal channels")
                .define(SIGNAL_KAFKA_TOPIC_CONFIG, Type.STRING, "", Importance.LOW, SIGNAL_KAFKA_TOPIC_DOC,
                        SNAPSHOT_GROUP, ++snapshot, Width.MEDIUM, "Signal topic")
                .define(SIGNAL_KAFKA_SERVERS_CONFIG, Type.STRING, "", Importance.LOW, SIGNAL_KAFKA_SERVERS_DOC,
                        SNAPSHOT_GROUP, ++snapshot, Width.MEDIUM, "Signal topic's brokers")
                .define(SLOT_FAILOVER_CONFIG, Type.BOOLEAN, false, Importance.LOW, SLOT_FAILOVER_DOC,
                        STREAMING_GROUP, 7, Width.SHORT, "Failover slot");
    }
}

package io.snapclone.connect.config;

import io.snapclone.connect.record.ColumnSelection;
import io.snapclone.connect.record.RecordOptions;
import io.snapclone.connect.record.UnavailableValue;
import io.snapclone.pg.TableId;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The value checks of {@link SnapcloneConfig}'s keys: each rejects a bad value naming the key and
 * the fix, and says in toString() what it accepts (shown in docs/configuration.md). Stateless.
 */
final class ConfigValidators {
    private ConfigValidators() {
    }

    static <E extends Enum<E> & RecordOptions.Mode> ConfigDef.Validator oneOf(Class<E> mode) {
        return ConfigDef.ValidString.in(RecordOptions.values(mode).toArray(String[]::new));
    }

    static ConfigDef.Validator unavailableValueValidator() {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                try {
                    UnavailableValue.parse(value == null ? "" : (String) value);
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(name, value, "Give a non-empty placeholder, or hex: followed by an even "
                            + "number of hex digits (" + e.getMessage() + ")");
                }
            }

            @Override
            public String toString() {
                return "non-empty text, or hex:<hex digits>";
            }
        };
    }

    static ConfigDef.Validator keyColumnsValidator() {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                try {
                    ColumnSelection.parseKeyColumns(value == null ? "" : (String) value);
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(name, value, e.getMessage()
                            + "; expected entries '<schema.table regex>:<column>[,<column>...]' separated by ';'");
                }
            }

            @Override
            public String toString() {
                return "<schema.table regex>:<column>,...;...";
            }
        };
    }

    /** A table as schema.table (no quoting: neither part may contain a dot). */
    static TableId qualifiedTable(String name) {
        String[] parts = name.trim().split("\\.", -1);
        if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
            throw new IllegalArgumentException("'" + name + "' is not schema.table, e.g. public.debezium_signal");
        }
        return new TableId(parts[0].trim(), parts[1].trim());
    }

    static ConfigDef.Validator qualifiedTableOrEmpty() {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                String text = value == null ? "" : ((String) value).trim();
                if (!text.isEmpty()) {
                    try {
                        qualifiedTable(text);
                    } catch (IllegalArgumentException e) {
                        throw new ConfigException(name, value, e.getMessage());
                    }
                }
            }

            @Override
            public String toString() {
                return "schema.table, or empty";
            }
        };
    }

    static ConfigDef.Validator topicPrefixValidator() {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                if (value == null) {
                    return; // missing: ConfigDef says so, naming the key
                }
                if (!SnapcloneConfig.TOPIC_PREFIX.matcher((String) value).matches()) {
                    throw new ConfigException(name, value, "Use only letters, digits, '.', '_' and '-', e.g. 'shop'");
                }
                if (((String) value).length() > SnapcloneConfig.MAX_TOPIC_PREFIX_LENGTH) {
                    throw new ConfigException(name, value, "Use at most " + SnapcloneConfig.MAX_TOPIC_PREFIX_LENGTH + " characters: "
                            + "topic names (<topic.prefix>.<schema>.<table>, <topic.prefix>" + SnapcloneConfig.PROGRESS_TOPIC_SUFFIX
                            + ") must fit in Kafka's " + SnapcloneConfig.MAX_TOPIC_LENGTH);
                }
            }

            @Override
            public String toString() {
                return "[A-Za-z0-9._-]{1," + SnapcloneConfig.MAX_TOPIC_PREFIX_LENGTH + "}";
            }
        };
    }

    static ConfigDef.Validator progressTopicValidator() {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                String topic = value == null ? "" : (String) value;
                if (topic.isEmpty()) {
                    return;
                }
                if (!SnapcloneConfig.TOPIC_PREFIX.matcher(topic).matches() || topic.equals(".") || topic.equals("..")) {
                    throw new ConfigException(name, value, "Use only letters, digits, '.', '_' and '-' (Kafka's topic "
                            + "names), e.g. 'shop.progress', or leave it empty for <topic.prefix>" + SnapcloneConfig.PROGRESS_TOPIC_SUFFIX);
                }
                if (topic.length() > SnapcloneConfig.MAX_TOPIC_LENGTH) {
                    throw new ConfigException(name, value, "Use at most " + SnapcloneConfig.MAX_TOPIC_LENGTH + " characters (Kafka's "
                            + "limit on topic names)");
                }
            }

            @Override
            public String toString() {
                return "empty, or a topic name: [A-Za-z0-9._-]{1," + SnapcloneConfig.MAX_TOPIC_LENGTH + "}";
            }
        };
    }

    /** Debezium's snapshot modes that snapclone does not offer, with what to use instead. */
    private static final Map<String, String> DEBEZIUM_SNAPSHOT_MODES = Map.of(
            "always", "snapclone snapshots only when the connector has no offsets: use initial, or a new "
                    + "connector name (or DELETE /connectors/<name>/offsets) for a new load",
            "when_needed", "snapclone never re-snapshots by itself; a slot that lost changes fails with the remedy: "
                    + "use initial",
            "configuration_based", "use initial, initial_only or never",
            "custom", "custom snapshotters are not supported: use initial, initial_only or never",
            "recovery", "snapclone keeps no schema history to recover: use initial");

    /** snapshot.mode: ours and Debezium's no_data; Debezium's other modes get an explanation. */
    static ConfigDef.Validator snapshotModeValidator(String... modes) {
        return choices(DEBEZIUM_SNAPSHOT_MODES, modes);
    }

    /** publication.autocreate.mode: Debezium's no_tables gets an explanation. */
    static ConfigDef.Validator publicationModeValidator() {
        return choices(Map.of("no_tables", "an empty publication you fill yourself is not supported: create the "
                + "publication FOR TABLE the tables and set disabled, or let snapclone keep it in step with the "
                + "captured tables (filtered)"), "disabled", "all_tables", "filtered");
    }

    /** One of {@code valid}; Debezium's values that snapclone does not offer are refused with what to use instead. */
    private static ConfigDef.Validator choices(Map<String, String> debeziumOnly, String... valid) {
        ConfigDef.ValidString validString = ConfigDef.ValidString.in(valid);
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                String instead = debeziumOnly.get(value);
                if (instead != null) {
                    throw new ConfigException(name, value, "Debezium's " + value + " is not supported: " + instead);
                }
                validString.ensureValid(name, value);
            }

            @Override
            public String toString() {
                return validString.toString();
            }
        };
    }

    static ConfigDef.Validator regexListValidator() {
        return regexListValidator("schema.table");
    }

    static ConfigDef.Validator regexListValidator(String matched) {
        return new ConfigDef.Validator() {
            @Override
            @SuppressWarnings("unchecked")
            public void ensureValid(String name, Object value) {
                for (String regex : (List<String>) value) {
                    try {
                        Pattern.compile(regex);
                    } catch (PatternSyntaxException e) {
                        throw new ConfigException(name, regex, "Not a valid regular expression ("
                                + e.getDescription() + " near index " + e.getIndex() + "); fix or escape it");
                    }
                }
            }

            @Override
            public String toString() {
                return "comma-separated regular expressions on " + matched;
            }
        };
    }

    static ConfigDef.Validator slotNameValidator() {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                if (value == null || !io.snapclone.pg.replication.ReplicationSlots.NAME.matcher((String) value).matches()) {
                    throw new ConfigException(name, value, "A slot name is 1 to 63 characters of a-z, 0-9 and _, "
                            + "e.g. 'snapclone_shop'");
                }
            }

            @Override
            public String toString() {
                return "[a-z0-9_]{1,63}";
            }
        };
    }

    static ConfigDef.Validator publicationNameValidator() {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                String text = (String) value;
                if (text == null || text.isEmpty() || text.indexOf('\0') >= 0
                        || text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > SnapcloneConfig.MAX_NAME_BYTES) {
                    throw new ConfigException(name, value, "A publication name is 1 to " + SnapcloneConfig.MAX_NAME_BYTES + " bytes "
                            + "(UTF-8) without NUL: PostgreSQL cuts longer names, and the publication it created would "
                            + "not be the one looked up");
                }
            }

            @Override
            public String toString() {
                return "1 to 63 bytes, any characters";
            }
        };
    }
}

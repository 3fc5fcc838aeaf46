package io.snapclone.connect.record;

import io.snapclone.pg.TableId;

/**
 * Topic and schema names for tables whose names may hold anything PostgreSQL allows. Topics keep
 * {@code [A-Za-z0-9._-]}; Avro name segments keep {@code [A-Za-z0-9_]} and never start with a
 * digit. Every other character becomes {@code _}.
 */
public final class Names {
    private static final int MAX_TOPIC_LENGTH = 249;

    private Names() {
    }

    public static String topic(String prefix, TableId table) {
        String topic = prefix + '.' + topicSafe(table.schema()) + '.' + topicSafe(table.table());
        if (topic.length() > MAX_TOPIC_LENGTH) {
            throw new IllegalArgumentException("topic name for " + table + " is longer than "
                    + MAX_TOPIC_LENGTH + " characters: " + topic);
        }
        return topic;
    }

    /** {@code <prefix>.<schema>.<table>}, each segment a valid Avro name. */
    public static String schemaNamespace(String prefix, TableId table) {
        StringBuilder name = new StringBuilder();
        for (String segment : prefix.split("\\.")) {
            name.append(avroSafe(segment)).append('.');
        }
        return name.append(avroSafe(table.schema())).append('.').append(avroSafe(table.table())).toString();
    }

    /**
     * The field name of each column, in table order: the column name, or with {@code avro} its
     * Avro-safe form.
     *
     * @throws IllegalArgumentException when two columns would get the same field name
     */
    public static String[] fieldNames(io.snapclone.pg.catalog.TableSchema table, boolean avro) {
        String[] names = new String[table.columns().size()];
        java.util.Map<String, String> seen = new java.util.HashMap<>();
        for (int i = 0; i < names.length; i++) {
            String column = table.columns().get(i).name();
            names[i] = avro ? avroSafe(column) : column;
            String other = seen.putIfAbsent(names[i], column);
            if (other != null) {
                throw new IllegalArgumentException("Columns \"" + other + "\" and \"" + column + "\" of " + table.id()
                        + " both become the Avro field name " + names[i] + ": rename one, leave one out with "
                        + "column.exclude.list, or set field.name.adjustment.mode=none (JSON only)");
            }
        }
        return names;
    }

    static String topicSafe(String name) {
        StringBuilder out = new StringBuilder(name.length());
        name.codePoints().forEach(c -> out.append(isTopicChar(c) ? (char) c : '_'));
        return out.toString();
    }

    static String avroSafe(String name) {
        StringBuilder out = new StringBuilder(name.length() + 1);
        if (name.isEmpty() || Character.isDigit(name.charAt(0))) {
            out.append('_');
        }
        name.codePoints().forEach(c -> out.append(c < 128 && (Character.isLetterOrDigit(c) || c == '_') ? (char) c : '_'));
        return out.toString();
    }

    private static boolean isTopicChar(int c) {
        return c < 128 && (Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '-');
    }
}

package io.snapclone.connect.record;

import static java.util.Objects.requireNonNull;

import io.snapclone.pg.catalog.Column;
import io.snapclone.pg.catalog.TableSchema;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Which columns a table's records carry and which of them form the key, with Debezium's
 * semantics: {@code column.include.list} / {@code column.exclude.list} regexes match the whole of
 * {@code schema.table.column}; {@code message.key.columns} entries ({@code <table regex>:<col>,<col>})
 * give a key to tables without a primary key or replace it. Applied to the catalog's
 * {@link TableSchema} before anything reads the table, so dropped columns are never selected.
 */
public final class ColumnSelection {
    public static final String INCLUDE_KEY = "column.include.list";
    public static final String EXCLUDE_KEY = "column.exclude.list";
    public static final String KEY_COLUMNS_KEY = "message.key.columns";
    public static final ColumnSelection ALL = new ColumnSelection(List.of(), List.of(), List.of());

    /** One {@code message.key.columns} entry: tables whose schema.table the regex matches, their key. */
    public record KeyOverride(Pattern table, List<String> columns) {
        public KeyOverride {
            requireNonNull(table, "table is null");
            columns = List.copyOf(columns);
            if (columns.isEmpty()) {
                throw new IllegalArgumentException("no key columns for " + table);
            }
        }
    }

    /** A table this selection cannot apply to, against the config key to change. */
    public static final class Rejected extends IllegalArgumentException {
        private final String key;

        Rejected(String key, String message) {
            super(message);
            this.key = key;
        }

        public String key() {
            return key;
        }
    }

    private final List<Pattern> include;
    private final List<Pattern> exclude;
    private final List<KeyOverride> keys;

    public ColumnSelection(List<Pattern> include, List<Pattern> exclude, List<KeyOverride> keys) {
        this.include = List.copyOf(include);
        this.exclude = List.copyOf(exclude);
        this.keys = List.copyOf(keys);
        if (!this.include.isEmpty() && !this.exclude.isEmpty()) {
            throw new Rejected(EXCLUDE_KEY, "Set " + INCLUDE_KEY + " or " + EXCLUDE_KEY + ", not both");
        }
    }

    /**
     * Parses {@code message.key.columns}: entries separated by {@code ;}, each a regex on schema.table,
     * {@code :} (the last one in the entry), and comma-separated column names. Blank entries are skipped.
     */
    public static List<KeyOverride> parseKeyColumns(String spec) {
        List<KeyOverride> overrides = new ArrayList<>();
        for (String entry : spec.split(";")) {
            if (entry.isBlank()) {
                continue;
            }
            int colon = entry.lastIndexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("entry '" + entry.trim()
                        + "' is not <schema.table regex>:<column>[,<column>...]");
            }
            List<String> columns = Arrays.stream(entry.substring(colon + 1).split(","))
                    .map(String::trim).filter(c -> !c.isEmpty()).toList();
            if (columns.isEmpty()) {
                throw new IllegalArgumentException("entry '" + entry.trim() + "' names no column after ':'");
            }
            String regex = entry.substring(0, colon).trim();
            try {
                overrides.add(new KeyOverride(Pattern.compile(regex), columns));
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("'" + regex + "' is not a valid regular expression ("
                        + e.getDescription() + ")");
            }
        }
        return overrides;
    }

    public boolean isAll() {
        return include.isEmpty() && exclude.isEmpty() && keys.isEmpty();
    }

    /**
     * The table with its configured key (the first matching entry wins) and only its selected
     * columns.
     *
     * @throws Rejected when a key column is not a column of the table, or is not selected, or no
     *         column is left
     */
    public TableSchema apply(TableSchema table) {
        String tableName = table.id().qualifiedName();
        TableSchema keyed = keyed(table, tableName);
        List<String> droppedKey = keyed.keyColumns().stream()
                .filter(key -> keyed.columns().stream().anyMatch(c -> c.name().equals(key) && !selected(tableName, c)))
                .toList();
        if (!droppedKey.isEmpty()) {
            String filter = include.isEmpty() ? EXCLUDE_KEY : INCLUDE_KEY;
            throw new Rejected(filter, "Key column(s) " + droppedKey + " of " + tableName + " are left out by "
                    + filter + "; key columns must stay in the record. Change " + filter
                    + " or choose another key with " + KEY_COLUMNS_KEY);
        }
        if (keyed.columns().stream().noneMatch(c -> selected(tableName, c))) {
            String filter = include.isEmpty() ? EXCLUDE_KEY : INCLUDE_KEY;
            throw new Rejected(filter, filter + " leaves no column of " + tableName
                    + " (regexes match the whole of schema.table.column)");
        }
        return keyed.select(c -> selected(tableName, c));
    }

    private TableSchema keyed(TableSchema table, String tableName) {
        for (KeyOverride override : keys) {
            if (override.table().matcher(tableName).matches()) {
                List<String> missing = override.columns().stream()
                        .filter(c -> table.columns().stream().noneMatch(col -> col.name().equals(c))).toList();
                if (!missing.isEmpty()) {
                    throw new Rejected(KEY_COLUMNS_KEY, KEY_COLUMNS_KEY + " names column(s) " + missing
                            + " that " + tableName + " does not have (entry '" + override.table().pattern() + "')");
                }
                return table.withKey(override.columns());
            }
        }
        return table;
    }

    private boolean selected(String tableName, Column column) {
        String name = tableName + '.' + column.name();
        if (!include.isEmpty()) {
            return include.stream().anyMatch(p -> p.matcher(name).matches());
        }
        return exclude.stream().noneMatch(p -> p.matcher(name).matches());
    }
}

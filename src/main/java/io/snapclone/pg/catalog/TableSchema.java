package io.snapclone.pg.catalog;

import static java.util.Objects.requireNonNull;

import io.snapclone.pg.TableId;

import java.util.List;
import java.util.function.Predicate;

/**
 * A table's columns and the columns of its key: the primary key unless overridden, empty when it
 * has none. The columns are the ones read: {@link #select} drops columns before any query names them.
 */
public record TableSchema(TableId id, List<Column> columns, List<String> keyColumns) {
    public TableSchema {
        requireNonNull(id, "id is null");
        columns = List.copyOf(columns);
        keyColumns = List.copyOf(keyColumns);
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("table " + id + " has no columns");
        }
        for (String key : keyColumns) {
            if (columns.stream().noneMatch(c -> c.name().equals(key))) {
                throw new IllegalArgumentException("key column " + key + " is not a column of " + id);
            }
        }
    }

    /** The same columns with another key, e.g. one configured for a table without a primary key. */
    public TableSchema withKey(List<String> key) {
        return new TableSchema(id, columns, key);
    }

    /**
     * Only the columns {@code keep} accepts, in table order. A key column must be kept: dropping one
     * fails, as does dropping every column.
     */
    public TableSchema select(Predicate<Column> keep) {
        List<Column> kept = columns.stream().filter(keep).toList();
        List<String> droppedKey = keyColumns.stream()
                .filter(key -> kept.stream().noneMatch(c -> c.name().equals(key))).toList();
        if (!droppedKey.isEmpty()) {
            throw new IllegalArgumentException("key column(s) " + droppedKey + " of " + id + " cannot be dropped");
        }
        return kept.size() == columns.size() ? this : new TableSchema(id, kept, keyColumns);
    }
}

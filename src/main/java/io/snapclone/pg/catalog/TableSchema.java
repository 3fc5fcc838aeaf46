package io.snapclone.pg.catalog;

import static java.util.Objects.requireNonNull;

import io.snapclone.pg.TableId;

import java.util.List;

/** A table's columns and the columns of its primary key (empty when it has none). */
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
}

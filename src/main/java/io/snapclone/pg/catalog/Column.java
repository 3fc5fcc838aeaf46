package io.snapclone.pg.catalog;

import static java.util.Objects.requireNonNull;

/** One column of a table, in table order. */
public record Column(String name, ColumnType type, boolean nullable) {
    public Column {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
    }
}

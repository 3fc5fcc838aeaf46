package io.snapclone.pg.pgoutput;

import static java.util.Objects.requireNonNull;

/** A tuple value together with the column it belongs to. */
public record DecodedColumn(RelationColumn column, ColumnValue value) {
    public DecodedColumn {
        requireNonNull(column, "column is null");
        requireNonNull(value, "value is null");
    }
}

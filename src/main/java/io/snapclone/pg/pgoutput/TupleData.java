package io.snapclone.pg.pgoutput;

import static java.util.Objects.requireNonNull;

import java.util.List;

/** The values of one row, in the column order of the table's {@link Relation} message. */
public record TupleData(List<ColumnValue> values) {
    public TupleData {
        values = List.copyOf(requireNonNull(values, "values is null"));
    }

    public static TupleData of(ColumnValue... values) {
        return new TupleData(List.of(values));
    }

    public int size() {
        return values.size();
    }

    public ColumnValue get(int index) {
        return values.get(index);
    }
}

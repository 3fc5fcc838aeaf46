package io.snapclone.connect.stream;

import static java.util.Objects.requireNonNull;

import io.snapclone.connect.record.TableRecordBuilder;
import io.snapclone.pg.catalog.Column;
import io.snapclone.pg.pgoutput.ColumnValue;
import io.snapclone.pg.pgoutput.Relation;
import io.snapclone.pg.pgoutput.RelationColumn;
import io.snapclone.pg.pgoutput.TupleData;

import java.util.List;
import java.util.Objects;

/**
 * A captured table as one Relation message describes it: its record builder and, for each of the
 * builder's columns, where the relation's tuples carry its value. Immutable.
 */
final class StreamTable {
    private final Relation relation;
    private final TableRecordBuilder builder;
    /** For each builder column, its position in the relation's tuples (-1: not sent). */
    private final int[] positions;
    /** For each key column, its position in the builder's columns. */
    private final int[] keyColumns;

    StreamTable(Relation relation, TableRecordBuilder builder) {
        this.relation = requireNonNull(relation, "relation is null");
        this.builder = requireNonNull(builder, "builder is null");
        List<String> sent = relation.columns().stream().map(RelationColumn::name).toList();
        List<Column> columns = builder.table().columns();
        this.positions = columns.stream().mapToInt(column -> sent.indexOf(column.name())).toArray();
        List<String> names = columns.stream().map(Column::name).toList();
        this.keyColumns = builder.table().keyColumns().stream().mapToInt(names::indexOf).toArray();
    }

    Relation relation() {
        return relation;
    }

    TableRecordBuilder builder() {
        return builder;
    }

    /**
     * The builder's columns' text from {@code tuple}; an unchanged TOASTed value is taken from
     * {@code old} when that has it (a REPLICA IDENTITY FULL old row), else it is
     * {@link TableRecordBuilder#UNCHANGED_TOAST}.
     *
     * @param old the same row before the change, or null
     */
    String[] fields(TupleData tuple, TupleData old) {
        String[] fields = new String[positions.length];
        for (int i = 0; i < positions.length; i++) {
            int position = positions[i];
            if (position < 0 || position >= tuple.size()) {
                continue;
            }
            ColumnValue value = tuple.get(position);
            if (value instanceof ColumnValue.UnchangedToast && old != null && position < old.size()) {
                value = old.get(position);
            }
            if (value instanceof ColumnValue.Text text) {
                fields[i] = text.value();
            } else if (value instanceof ColumnValue.UnchangedToast) {
                fields[i] = TableRecordBuilder.UNCHANGED_TOAST;
            }
        }
        return fields;
    }

    /**
     * Whether an update moved the row to another key: some key column's old value differs from
     * its new one. An unchanged TOASTed key value is the same value.
     */
    boolean keyChanged(String[] before, String[] after) {
        for (int column : keyColumns) {
            if (after[column] != TableRecordBuilder.UNCHANGED_TOAST && !Objects.equals(before[column], after[column])) {
                return true;
            }
        }
        return false;
    }
}

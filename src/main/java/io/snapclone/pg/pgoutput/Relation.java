package io.snapclone.pg.pgoutput;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/**
 * Relation ('R'): the shape of a table, sent before the first change to it in a session and again
 * whenever it changes. Insert, Update and Delete name the table by {@link #oid()} only, so their
 * values are read against the latest Relation message for that oid (see {@link Relations}).
 * Generated columns, and columns left out by a publication's column list, are not included.
 *
 * @param oid the table's oid (an unsigned 32-bit value held in an int)
 * @param namespace the schema; empty for {@code pg_catalog}
 */
public record Relation(int oid, String namespace, String name, ReplicaIdentity replicaIdentity,
        List<RelationColumn> columns) implements PgOutputMessage {
    public Relation {
        requireNonNull(namespace, "namespace is null");
        requireNonNull(name, "name is null");
        requireNonNull(replicaIdentity, "replicaIdentity is null");
        columns = List.copyOf(requireNonNull(columns, "columns is null"));
    }

    /**
     * Pairs each value of a tuple of this table with its column.
     *
     * @throws IllegalArgumentException if the tuple has a different number of values, which means
     *         it was decoded against the wrong (stale or foreign) Relation message
     */
    public List<DecodedColumn> pair(TupleData tuple) {
        requireNonNull(tuple, "tuple is null");
        if (tuple.size() != columns.size()) {
            throw new IllegalArgumentException("tuple has " + tuple.size() + " values but relation " + this.qualifiedName()
                    + " (oid " + Integer.toUnsignedString(oid) + ") has " + columns.size() + " columns");
        }
        List<DecodedColumn> paired = new ArrayList<>(columns.size());
        for (int i = 0; i < columns.size(); i++) {
            paired.add(new DecodedColumn(columns.get(i), tuple.get(i)));
        }
        return List.copyOf(paired);
    }

    /** {@code namespace.name}, unquoted, for messages. */
    public String qualifiedName() {
        return namespace + '.' + name;
    }
}

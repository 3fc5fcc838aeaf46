package io.snapclone.pg.pgoutput;

import static java.util.Objects.requireNonNull;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The latest {@link Relation} message per table oid, so that Insert, Update and Delete, which
 * name a table only by oid, can be read with its column names and types. PostgreSQL sends a
 * Relation message before the first change to a table in a session and again after its shape
 * changes (column added, dropped, retyped, renamed), so the latest one always describes the
 * changes that follow it. Pure and in memory; one per replication stream, not thread-safe.
 */
public final class Relations {
    private final Map<Integer, Relation> byOid = new HashMap<>();

    /** Records a Relation message, replacing any earlier one for the same oid. */
    public void put(Relation relation) {
        requireNonNull(relation, "relation is null");
        byOid.put(relation.oid(), relation);
    }

    public Optional<Relation> find(int oid) {
        return Optional.ofNullable(byOid.get(oid));
    }

    /**
     * The latest Relation message for a table.
     *
     * @throws IllegalStateException if none was seen: PostgreSQL always sends one first, so the
     *         stream was entered in the middle or a message was lost
     */
    public Relation get(int oid) {
        Relation relation = byOid.get(oid);
        if (relation == null) {
            throw new IllegalStateException("no Relation message seen for relation oid " + Integer.toUnsignedString(oid)
                    + "; PostgreSQL sends one before the first change to a table, so a message was skipped");
        }
        return relation;
    }

    /** The tuple's values paired with the columns of the latest Relation message for the table. */
    public List<DecodedColumn> pair(int relationOid, TupleData tuple) {
        return get(relationOid).pair(tuple);
    }

    public int size() {
        return byOid.size();
    }

    /** Forgets everything, e.g. when a new replication session starts and PostgreSQL resends them. */
    public void clear() {
        byOid.clear();
    }
}

package io.snapclone.pg.pgoutput;

import static java.util.Objects.requireNonNull;

/**
 * Insert ('I'): a new row.
 *
 * @param relationOid the table, as named by an earlier {@link Relation} message
 */
public record Insert(int relationOid, TupleData newTuple) implements PgOutputMessage {
    public Insert {
        requireNonNull(newTuple, "newTuple is null");
    }
}

package io.snapclone.pg.pgoutput;

import static java.util.Objects.requireNonNull;

import java.util.OptionalLong;

/**
 * Insert ('I'): a new row.
 *
 * @param streamXid the streamed transaction's xid, present only inside a Stream Start/Stop block
 * @param relationOid the table, as named by an earlier {@link Relation} message
 */
public record Insert(OptionalLong streamXid, int relationOid, TupleData newTuple) implements PgOutputMessage {
    public Insert {
        Xids.check(streamXid, "streamXid");
        requireNonNull(newTuple, "newTuple is null");
    }
}

package io.snapclone.pg.pgoutput;

import static java.util.Objects.requireNonNull;

import java.util.OptionalLong;

/**
 * Delete ('D'): a removed row, identified by its old key ('K') or old row ('O').
 *
 * @param streamXid the streamed transaction's xid, present only inside a Stream Start/Stop block
 * @param relationOid the table, as named by an earlier {@link Relation} message
 */
public record Delete(OptionalLong streamXid, int relationOid, OldTuple oldTuple) implements PgOutputMessage {
    public Delete {
        Xids.check(streamXid, "streamXid");
        requireNonNull(oldTuple, "oldTuple is null");
    }
}

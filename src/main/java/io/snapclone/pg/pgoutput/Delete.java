package io.snapclone.pg.pgoutput;

import static java.util.Objects.requireNonNull;

/**
 * Delete ('D'): a removed row, identified by its old key ('K') or old row ('O').
 *
 * @param relationOid the table, as named by an earlier {@link Relation} message
 */
public record Delete(int relationOid, OldTuple oldTuple) implements PgOutputMessage {
    public Delete {
        requireNonNull(oldTuple, "oldTuple is null");
    }
}

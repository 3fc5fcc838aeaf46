package io.snapclone.pg.pgoutput;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * Update ('U'): a changed row.
 *
 * @param streamXid the streamed transaction's xid, present only inside a Stream Start/Stop block
 * @param relationOid the table, as named by an earlier {@link Relation} message
 * @param oldTuple the old key ('K', only when the key changed) or old row ('O', with
 *        {@code REPLICA IDENTITY FULL}); empty when neither was sent
 * @param newTuple the new row; TOASTed columns the update did not touch are
 *        {@link ColumnValue.UnchangedToast}
 */
public record Update(OptionalLong streamXid, int relationOid, Optional<OldTuple> oldTuple, TupleData newTuple)
        implements PgOutputMessage {
    public Update {
        Xids.check(streamXid, "streamXid");
        requireNonNull(oldTuple, "oldTuple is null");
        requireNonNull(newTuple, "newTuple is null");
    }
}

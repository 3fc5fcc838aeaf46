package io.snapclone.pg.pgoutput;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * Update ('U'): a changed row.
 *
 * @param relationOid the table, as named by an earlier {@link Relation} message
 * @param oldTuple the old key ('K', only when the key changed) or old row ('O', with
 *        {@code REPLICA IDENTITY FULL}); empty when neither was sent
 * @param newTuple the new row; TOASTed columns the update did not touch are
 *        {@link ColumnValue.UnchangedToast}
 */
public record Update(int relationOid, Optional<OldTuple> oldTuple, TupleData newTuple) implements PgOutputMessage {
    public Update {
        requireNonNull(oldTuple, "oldTuple is null");
        requireNonNull(newTuple, "newTuple is null");
    }
}

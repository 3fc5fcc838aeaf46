package io.snapclone.pg.pgoutput;

import static java.util.Objects.requireNonNull;

/**
 * The old values an Update or Delete carries: the replica identity key ('K') or, with
 * {@code REPLICA IDENTITY FULL}, the whole old row ('O').
 */
public record OldTuple(Kind kind, TupleData tuple) {
    public enum Kind {
        /**
         * 'K': only the key columns are meaningful; the others are sent as NULL. An Update carries
         * this only when it changed a key column, so its absence means the key is unchanged.
         */
        KEY,
        /** 'O': the full old row. */
        FULL
    }

    public OldTuple {
        requireNonNull(kind, "kind is null");
        requireNonNull(tuple, "tuple is null");
    }
}

package io.snapclone.pg.pgoutput;

import java.util.Optional;

/**
 * A table's replica identity ({@code pg_class.relreplident}): which old values an Update or
 * Delete carries.
 */
public enum ReplicaIdentity {
    /** 'd': the primary key, if there is one. */
    DEFAULT('d'),
    /** 'n': nothing; updates and deletes carry no old values. */
    NOTHING('n'),
    /** 'f': every column of the old row. */
    FULL('f'),
    /** 'i': the columns of a chosen unique index. */
    INDEX('i');

    private final char code;

    ReplicaIdentity(char code) {
        this.code = code;
    }

    public char code() {
        return code;
    }

    /** The identity for a {@code relreplident} byte, or empty for a byte PostgreSQL does not use. */
    static Optional<ReplicaIdentity> forCode(byte code) {
        for (ReplicaIdentity identity : values()) {
            if (identity.code == code) {
                return Optional.of(identity);
            }
        }
        return Optional.empty();
    }
}

package io.snapclone.pg.pgoutput;

import static java.util.Objects.requireNonNull;

import io.snapclone.pg.Lsn;

/**
 * Commit ('C'): the transaction opened by the last {@link Begin} is complete.
 *
 * @param flags currently unused by PostgreSQL (0); kept so that a future flag is not lost
 * @param commitLsn the LSN of the commit record
 * @param endLsn the end LSN of the transaction: what to confirm once it is safely delivered
 * @param commitTimeMicros commit time in microseconds since the Unix epoch (1970-01-01 UTC),
 *        converted from PostgreSQL's 2000-01-01 epoch
 */
public record Commit(int flags, Lsn commitLsn, Lsn endLsn, long commitTimeMicros) implements PgOutputMessage {
    public Commit {
        requireNonNull(commitLsn, "commitLsn is null");
        requireNonNull(endLsn, "endLsn is null");
    }
}

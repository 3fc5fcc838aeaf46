package io.snapclone.pg.pgoutput;

import static java.util.Objects.requireNonNull;

import io.snapclone.pg.Lsn;

/**
 * Stream Commit ('c', protocol 2+): a streamed transaction committed; its changes, sent
 * earlier in blocks, now count.
 *
 * @param flags currently unused by PostgreSQL (0)
 * @param commitTimeMicros commit time in microseconds since the Unix epoch (1970-01-01 UTC),
 *        converted from PostgreSQL's 2000-01-01 epoch
 */
public record StreamCommit(long xid, int flags, Lsn commitLsn, Lsn endLsn, long commitTimeMicros)
        implements PgOutputMessage {
    public StreamCommit {
        Xids.check(xid, "xid");
        requireNonNull(commitLsn, "commitLsn is null");
        requireNonNull(endLsn, "endLsn is null");
    }
}

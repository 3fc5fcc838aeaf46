package io.snapclone.pg.pgoutput;

import static java.util.Objects.requireNonNull;

import io.snapclone.pg.Lsn;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * Stream Abort ('A', protocol 2+): a streamed transaction, or one of its subtransactions, rolled
 * back; its changes sent so far must be dropped.
 *
 * @param subXid the aborted subtransaction; equal to {@link #xid()} when the whole transaction aborted
 * @param abortLsn present only with protocol 4 and {@code streaming = parallel}
 * @param abortTimeMicros as {@code abortLsn}; microseconds since the Unix epoch (1970-01-01 UTC),
 *        converted from PostgreSQL's 2000-01-01 epoch
 */
public record StreamAbort(long xid, long subXid, Optional<Lsn> abortLsn, OptionalLong abortTimeMicros)
        implements PgOutputMessage {
    public StreamAbort {
        Xids.check(xid, "xid");
        Xids.check(subXid, "subXid");
        requireNonNull(abortLsn, "abortLsn is null");
        requireNonNull(abortTimeMicros, "abortTimeMicros is null");
        if (abortLsn.isPresent() != abortTimeMicros.isPresent()) {
            throw new IllegalArgumentException("abortLsn and abortTimeMicros come together or not at all");
        }
    }

    /** Whether the whole transaction aborted, not just a subtransaction. */
    public boolean topLevel() {
        return xid == subXid;
    }
}

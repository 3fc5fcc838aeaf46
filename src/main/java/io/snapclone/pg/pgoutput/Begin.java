package io.snapclone.pg.pgoutput;

import static java.util.Objects.requireNonNull;

import io.snapclone.pg.Lsn;

/**
 * Begin ('B'): a transaction starts; its changes follow, then a {@link Commit}.
 *
 * @param finalLsn the LSN of the transaction's commit record
 * @param commitTimeMicros commit time in microseconds since the Unix epoch (1970-01-01 UTC),
 *        converted from PostgreSQL's 2000-01-01 epoch
 * @param xid the transaction id (an unsigned 32-bit value)
 */
public record Begin(Lsn finalLsn, long commitTimeMicros, long xid) implements PgOutputMessage {
    public Begin {
        requireNonNull(finalLsn, "finalLsn is null");
        Xids.check(xid, "xid");
    }
}

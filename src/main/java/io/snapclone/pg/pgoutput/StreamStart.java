package io.snapclone.pg.pgoutput;

/**
 * Stream Start ('S', protocol 2+): a block of changes of a large in-progress transaction
 * follows, each message carrying {@link #xid()}, until {@link StreamStop}. The transaction ends
 * later with {@link StreamCommit} or {@link StreamAbort}.
 *
 * @param firstSegment whether this is the first block for this transaction
 */
public record StreamStart(long xid, boolean firstSegment) implements PgOutputMessage {
    public StreamStart {
        Xids.check(xid, "xid");
    }
}

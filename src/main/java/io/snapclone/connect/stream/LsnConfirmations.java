package io.snapclone.connect.stream;

import io.snapclone.connect.offset.SnapshotOffsets.StreamPosition;

/**
 * Which LSN may be confirmed to PostgreSQL: only what Kafka has committed. A committed change at
 * (commit LSN L, seq n) lets us confirm just below L, so that a restart gets that transaction
 * again and skips what was sent; when Kafka holds everything sent and the stream is idle between
 * transactions, the server's own position (from keepalives) may be confirmed, so that an idle
 * database's slot advances too. Nothing is confirmed from a held-back change on (see {@link #hold}).
 *
 * <p>{@link #committed} is called from Connect's offset-commit thread, the rest from the poll thread.
 */
final class LsnConfirmations {
    private StreamPosition lastEmitted = StreamPosition.START;
    private boolean allCommitted = true;
    private long confirmable;
    private long confirmed;
    /** Confirm nothing from here on (0: no limit): changes from here are held back for a replay. */
    private long holdFrom;

    /** Changes committed from {@code commitLsn} on are held back: the slot must give them again. */
    synchronized void hold(long commitLsn) {
        if (holdFrom == 0 || Long.compareUnsigned(commitLsn, holdFrom) < 0) {
            holdFrom = commitLsn;
        }
    }

    /** A record at {@code position} was handed to Connect. */
    synchronized void emitted(StreamPosition position) {
        lastEmitted = position;
        allCommitted = false;
    }

    /** Kafka committed the offsets up to {@code position}. */
    synchronized void committed(StreamPosition position) {
        allCommitted = position.compareTo(lastEmitted) >= 0;
        if (position.commitLsn() != 0) {
            confirmable = position.commitLsn() - 1;
        }
    }

    /**
     * The LSN to confirm now, or 0 if nothing new: what Kafka committed or, when it holds all that
     * was sent and no transaction is half read, {@code serverPosition}.
     */
    synchronized long toConfirm(long serverPosition, boolean idleBetweenTransactions) {
        return toConfirm(serverPosition, idleBetweenTransactions, 0);
    }

    /** As {@link #toConfirm(long, boolean)}, confirming nothing from {@code below} on (0: no limit). */
    synchronized long toConfirm(long serverPosition, boolean idleBetweenTransactions, long below) {
        long next = confirmable;
        if (idleBetweenTransactions && allCommitted && Long.compareUnsigned(serverPosition, next) > 0) {
            next = serverPosition;
        }
        for (long limit : new long[] {holdFrom, below}) {
            if (limit != 0 && Long.compareUnsigned(next, limit - 1) > 0) {
                next = limit - 1;
            }
        }
        if (Long.compareUnsigned(next, confirmed) <= 0) {
            return 0;
        }
        confirmed = next;
        return next;
    }
}

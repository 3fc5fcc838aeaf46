package io.snapclone.connect.stream;

import static java.util.Objects.requireNonNull;

import io.snapclone.connect.offset.SnapshotOffsets;
import io.snapclone.connect.offset.SnapshotOffsets.StreamPosition;
import io.snapclone.connect.record.ChangeSource;

import java.util.Map;

/**
 * Where the stream stands within the transaction being read, and whether a change was already
 * sent. Every record of a transaction gets a position (its commit LSN, its place in the
 * transaction); a restart re-reads the transaction from its start and skips what Kafka has.
 *
 * <p>Called from the task's poll thread only.
 */
final class StreamCursor {
    /** The last position Kafka has (or, after a reconnect, that was handed to Connect). */
    private StreamPosition alreadySent;
    private long commitLsn;
    private long txId;
    private long commitMicros;
    private long lastCommitEndLsn;
    private long seq;
    private StreamPosition current = StreamPosition.START;

    /** @param alreadySent the last position Kafka committed before this run */
    StreamCursor(StreamPosition alreadySent) {
        this.alreadySent = requireNonNull(alreadySent, "alreadySent is null");
    }

    void begin(long commitLsn, long txId, long commitMicros) {
        this.commitLsn = commitLsn;
        this.txId = txId;
        this.commitMicros = commitMicros;
        this.seq = 0;
    }

    /** The transaction ended at {@code endLsn}: the next transaction's changes say so in their sequence. */
    void committed(long endLsn) {
        lastCommitEndLsn = endLsn;
    }

    /** Moves to the next record of the transaction; false if it was sent already. */
    boolean next() {
        seq++;
        current = new StreamPosition(commitLsn, seq);
        if (current.compareTo(alreadySent) <= 0) {
            return false;
        }
        alreadySent = current;
        return true;
    }

    /** Every position up to this one was sent: a reconnect skips them. */
    StreamPosition alreadySent() {
        return alreadySent;
    }

    /** Where the transaction being read commits (its Begin's final LSN). */
    long commitLsn() {
        return commitLsn;
    }

    /** The commit time (ms) of the transaction being read. */
    long commitMs() {
        return commitMicros / 1000;
    }

    /** The position of the record {@link #next()} moved to. */
    StreamPosition position() {
        return current;
    }

    /** The source offset of the record {@link #next()} moved to. */
    Map<String, Object> offset() {
        return SnapshotOffsets.streamed(commitLsn, seq, txId);
    }

    /** The source block's facts for a change at {@code lsn} in the current transaction. */
    ChangeSource source(long lsn) {
        return new ChangeSource(lsn, lastCommitEndLsn, txId, commitMicros);
    }
}

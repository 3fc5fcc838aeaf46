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
 * <p>After an incremental reload the stream reads again from where the reloaded tables' changes
 * were held back (the slot was not confirmed past it): a <em>replay</em>. Then a change at or
 * before the position already sent goes out only if it is one of those held back and after the
 * replay's own position; the replay ends at the first change past the position already sent.
 * Replayed records keep the stream's position in their offset and add the replay's, so neither
 * goes back in Kafka.
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
    private StreamPosition replayedUpTo;
    /** The snapshot LSN of the latest incremental reload whose held-back changes were all sent (0: none). */
    private long replayed;
    private final long replayFrom;
    private final long replayTarget;
    private boolean replaying;
    /** Whether the record {@link #next} moved to is a replayed one. */
    private boolean replay;

    /** @param alreadySent the last position Kafka committed before this run */
    StreamCursor(StreamPosition alreadySent) {
        this(alreadySent, null, 0, 0, 0);
    }

    /**
     * @param replayedUpTo where an unfinished replay stood in Kafka; null if none had begun
     * @param replayed as Kafka has it: see {@link SnapshotOffsets#replayedLsn}
     * @param replayFrom the earliest snapshot LSN whose held-back changes a replay sends
     * @param replayTarget the snapshot LSN of the latest incremental reload whose held-back changes
     *        are to be sent: a replay is due if it is after {@code replayed}
     */
    StreamCursor(StreamPosition alreadySent, StreamPosition replayedUpTo, long replayed, long replayFrom,
                 long replayTarget) {
        this.alreadySent = requireNonNull(alreadySent, "alreadySent is null");
        this.replayFrom = replayFrom;
        this.replayedUpTo = replayedUpTo == null ? StreamPosition.START : replayedUpTo;
        this.replayed = replayed;
        this.replayTarget = replayTarget;
        this.replaying = Long.compareUnsigned(replayTarget, replayed) > 0;
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
        return next(false);
    }

    /**
     * Moves to the next record of the transaction; false if it was sent already.
     *
     * @param heldBack whether the change is one a replay sends (held back during an incremental reload)
     */
    boolean next(boolean heldBack) {
        seq++;
        current = new StreamPosition(commitLsn, seq);
        replay = false;
        if (current.compareTo(alreadySent) > 0) {
            alreadySent = current;
            if (replaying) {
                replaying = false;
                replayed = replayTarget;
            }
            return true;
        }
        if (replaying && heldBack && current.compareTo(replayedUpTo) > 0) {
            replayedUpTo = current;
            replay = true;
            return true;
        }
        return false;
    }

    /** Whether held-back changes are still being sent again (nothing past them may be confirmed). */
    boolean replaying() {
        return replaying;
    }

    /**
     * Confirm nothing from this LSN on (0: no limit): while a replay is unfinished the slot must
     * give its changes again after a server restart, though Kafka's offset may stand past them.
     */
    long confirmBelow() {
        return replaying ? replayFrom : 0;
    }

    /** Every position up to this one was sent: a reconnect skips them. */
    StreamPosition alreadySent() {
        return alreadySent;
    }

    /** Where the last transaction read ended (0: none yet): every later one commits at or after it. */
    long lastCommitEndLsn() {
        return lastCommitEndLsn;
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
        return replay ? SnapshotOffsets.replayed(alreadySent, current, txId, replayed)
                : SnapshotOffsets.streamed(commitLsn, seq, txId, replayed);
    }

    /** The source block's facts for a change at {@code lsn} in the current transaction. */
    ChangeSource source(long lsn) {
        return new ChangeSource(lsn, lastCommitEndLsn, txId, commitMicros);
    }
}

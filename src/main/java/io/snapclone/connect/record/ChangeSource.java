package io.snapclone.connect.record;

/**
 * Where a streamed change comes from, for its {@code source} block.
 *
 * @param lsn the change's own WAL position (two changes of one transaction differ)
 * @param lastCommitEndLsn the end of the last transaction committed before this one in the
 *        stream, 0 if none was read since the stream started
 * @param txId the transaction's id
 * @param commitMicros the commit time, in microseconds since the Unix epoch
 */
public record ChangeSource(long lsn, long lastCommitEndLsn, long txId, long commitMicros) {
    /**
     * Debezium's {@code sequence}: {@code ["<last commit end lsn>","<lsn>"]} as a JSON array of
     * decimal strings, the first null when no commit was read yet; it grows with every change.
     */
    public String sequence() {
        String lastCommit = lastCommitEndLsn == 0 ? "null" : "\"" + Long.toUnsignedString(lastCommitEndLsn) + "\"";
        return "[" + lastCommit + ",\"" + Long.toUnsignedString(lsn) + "\"]";
    }
}

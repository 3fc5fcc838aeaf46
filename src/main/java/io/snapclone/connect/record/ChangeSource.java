package io.snapclone.connect.record;

/**
 * Where a streamed change comes from, for its {@code source} block.
 *
 * @param lsn the change's own WAL position (two changes of one transaction differ)
 * @param commitLsn the LSN of its transaction's commit
 * @param commitMs the commit time
 */
public record ChangeSource(long lsn, long commitLsn, long txId, long commitMs) {
    /** Debezium's {@code sequence}: {@code ["<commit lsn>","<lsn>"]}, a JSON array of two decimal strings. */
    public String sequence() {
        return "[\"" + Long.toUnsignedString(commitLsn) + "\",\"" + Long.toUnsignedString(lsn) + "\"]";
    }
}

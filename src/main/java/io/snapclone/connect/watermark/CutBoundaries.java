package io.snapclone.connect.watermark;

import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Where each topic partition stands at a cut: the offset of its first record that lies after the
 * cut's LSN (or its end). A partition's records are in LSN order (a database's stream sends in
 * commit order, after its snapshot rows; a reload's rows come after the changes before it), so
 * the first record after the LSN ends the cut: what follows is after it too, or (after a restart
 * without exactly-once) a copy of a record before. Records without an LSN do not stop a cut.
 *
 * <p>Snapshot rows reflect their snapshot's moment: no cut before it may hold them, so a row whose
 * snapshot LSN is past the target {@linkplain #blocked() blocks} the cut.
 *
 * <p>Not thread-safe: one thread scans.
 */
final class CutBoundaries {
    private final Map<Partition, Long> next;
    private long maxSnapshotLsn;
    private boolean blocked;

    /** A topic partition, without Kafka's class: this logic needs no client. */
    record Partition(String topic, int partition) {
        @Override
        public String toString() {
            return topic + "/" + partition;
        }
    }

    CutBoundaries(Map<Partition, Long> next) {
        this.next = new HashMap<>(next);
    }

    /** Offsets of a committed cut, as {@link #encode} wrote them. */
    static CutBoundaries decode(String encoded) {
        Map<Partition, Long> next = new HashMap<>();
        if (encoded != null && !encoded.isEmpty()) {
            for (String entry : encoded.split(",")) {
                int slash = entry.lastIndexOf('/');
                int equals = entry.lastIndexOf('=');
                next.put(new Partition(entry.substring(0, slash), Integer.parseInt(entry.substring(slash + 1, equals))),
                        Long.parseLong(entry.substring(equals + 1)));
            }
        }
        return new CutBoundaries(next);
    }

    /** {@code topic/partition=offset,...}: topic names hold none of '/', '=' and ','. */
    String encode() {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<Partition, Long> entry : offsets().entrySet()) {
            if (!out.isEmpty()) {
                out.append(',');
            }
            out.append(entry.getKey()).append('=').append(entry.getValue());
        }
        return out.toString();
    }

    /** A partition found now: the cut starts at its first offset still there. */
    void add(Partition partition, long firstOffset) {
        next.putIfAbsent(partition, firstOffset);
    }

    /** Forgets the partitions not in {@code partitions}: a cut lists only those there are. */
    void retainOnly(Set<Partition> partitions) {
        next.keySet().retainAll(partitions);
    }

    boolean has(Partition partition) {
        return next.containsKey(partition);
    }

    long next(Partition partition) {
        return next.get(partition);
    }

    /**
     * Takes the partition's next record into the cut at {@code target}, if it belongs there.
     *
     * @param commitLsn the record's commit LSN, or 0 if it has none
     * @param snapshotLsn the LSN of the snapshot a row was read under, or 0
     * @return whether the record is in the cut (then the next one is to be offered)
     */
    boolean offer(Partition partition, long offset, long commitLsn, long snapshotLsn, long target) {
        long lsn = commitLsn != 0 ? commitLsn : snapshotLsn;
        if (lsn != 0 && Long.compareUnsigned(lsn, target) > 0) {
            blocked |= snapshotLsn != 0;
            return false;
        }
        if (Long.compareUnsigned(snapshotLsn, maxSnapshotLsn) > 0) {
            maxSnapshotLsn = snapshotLsn;
        }
        next.put(partition, offset + 1);
        return true;
    }

    /**
     * As {@link #offer}, for the first cut: takes only snapshot rows (of snapshots up to {@code
     * limit}), to learn where the latest snapshot lies before any change is taken.
     */
    boolean offerSnapshotRow(Partition partition, long offset, long commitLsn, long snapshotLsn, long limit) {
        return commitLsn == 0 && offer(partition, offset, 0, snapshotLsn, limit);
    }

    /** Nothing of the partition before {@code end} (e.g. transaction markers) is after the cut. */
    void reached(Partition partition, long end) {
        next.merge(partition, end, Math::max);
    }

    /** Whether a snapshot row after the target was met: no cut at the target holds its table. */
    boolean blocked() {
        return blocked;
    }

    /** The latest snapshot LSN among the rows taken: no cut may lie before it. */
    long maxSnapshotLsn() {
        return maxSnapshotLsn;
    }

    /** Starts a scan for another target, keeping where each partition stands. */
    void newScan() {
        blocked = false;
    }

    /** By partition in name order, the offset a consumer reads up to (exclusive). */
    Map<Partition, Long> offsets() {
        Map<Partition, Long> sorted = new TreeMap<>(Comparator.comparing(Partition::topic)
                .thenComparingInt(Partition::partition));
        sorted.putAll(next);
        return sorted;
    }

    CutBoundaries copy() {
        CutBoundaries copy = new CutBoundaries(next);
        copy.maxSnapshotLsn = maxSnapshotLsn;
        return copy;
    }
}

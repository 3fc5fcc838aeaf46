package io.snapclone.connect.offset;

import static java.util.Objects.requireNonNull;

import io.snapclone.pg.TableId;
import io.snapclone.pg.snapshot.Chunk;
import io.snapclone.pg.snapshot.Ctid;
import io.snapclone.pg.snapshot.Fingerprint;
import io.snapclone.pg.snapshot.SnapshotId;

import java.util.HashMap;
import java.util.Map;

/**
 * The one place that knows the shape of snapshot source partitions and offsets.
 *
 * <p>A chunk's partition is its table and first block; its offset says how many rows were sent
 * and the ctid of the last one (where a restart resumes) and, once the chunk is finished,
 * {@code done}, the block it ended at ({@code -1}: the table's end) and the LSN of the snapshot it
 * was read under (the stream sends no change of that table committed before it). Keying by the first block only lets a restart follow finished chunks from block
 * 0 whatever chunk size planned them.
 */
public final class SnapshotOffsets {
    static final String SERVER = "server";
    static final String SCHEMA = "schema";
    static final String TABLE = "table";
    static final String BLOCK = "block";
    static final String ROWS = "rows";
    static final String DONE = "done";
    static final String END = "end";
    static final String CTID = "ctid";
    static final String HOLDER = "holder";
    static final String SNAPSHOT = "snapshot";
    static final String FINGERPRINT = "fingerprint";
    static final String CHUNK_BYTES = "chunk_bytes";
    static final String ANNOUNCEMENT = "announcement";
    static final String STREAM = "stream";
    static final String LSN = "lsn";
    static final String SEQ = "seq";
    static final String TX_ID = "txId";
    static final String RELOAD = "reload";
    static final String REQUEST = "request";
    static final String ID = "id";
    static final String INCREMENTAL = "incremental";
    static final String REPLAY_LSN = "replay_lsn";
    static final String REPLAY_SEQ = "replay_seq";
    static final String REPLAYED = "replayed";
    static final String SIGNAL_TOPIC = "signal_topic";
    static final String NEXT = "next";

    private SnapshotOffsets() {
    }

    /**
     * What a committed offset says of a chunk; {@code lastRow} is null before the first row;
     * {@code snapshotLsn} is that of the snapshot a finished chunk was read under, 0 if not said.
     */
    public record Progress(long rows, boolean done, long endBlock, Ctid lastRow, long snapshotLsn) {
        public static final Progress NONE = new Progress(0, false, Chunk.OPEN, null, 0);
    }

    /**
     * A HashMap on purpose: Connect finds committed offsets by the partition's serialized bytes,
     * and a HashMap of these String keys iterates (so serializes) in the same order in every JVM,
     * as does the one Connect deserializes them into. {@code Map.of} iterates in a per-JVM random
     * order, which would lose every offset at a worker restart.
     */
    public static Map<String, Object> partition(String topicPrefix, TableId table, long startBlock) {
        return partition(topicPrefix, table, startBlock, 0);
    }

    /**
     * @param reload the LSN of the reload request the chunk belongs to (see {@link #reloadPartition}),
     *        0 for none: a requested reload starts a new set of partitions, so nothing that an earlier
     *        load committed (finished or partly read chunks) counts for it
     */
    public static Map<String, Object> partition(String topicPrefix, TableId table, long startBlock, long reload) {
        requireNonNull(topicPrefix, "topicPrefix is null");
        Map<String, Object> partition = new HashMap<>();
        partition.put(SERVER, topicPrefix);
        partition.put(SCHEMA, table.schema());
        partition.put(TABLE, table.table());
        partition.put(BLOCK, startBlock);
        if (reload != 0) {
            partition.put(RELOAD, reload);
        }
        return partition;
    }

    public static Map<String, Object> partition(String topicPrefix, Chunk chunk, long reload) {
        return partition(topicPrefix, chunk.table(), chunk.startBlock(), reload);
    }

    /** Where a request to load a table again (a signal) is kept, until the next one for that table. */
    public static Map<String, Object> reloadPartition(String topicPrefix, TableId table) {
        Map<String, Object> partition = new HashMap<>();
        partition.put(SERVER, topicPrefix);
        partition.put(SCHEMA, table.schema());
        partition.put(TABLE, table.table());
        partition.put(REQUEST, RELOAD);
        return partition;
    }

    /**
     * A reload requested by the signal {@code id} in the transaction that committed at {@code lsn}.
     *
     * @param incremental whether the stream goes on while the table is loaded (else it pauses)
     */
    public static Map<String, Object> reloadRequested(long lsn, String id, boolean incremental) {
        return Map.of(LSN, lsn, ID, id, INCREMENTAL, incremental);
    }

    /** Where the signals of {@code topic} (the kafka channel) are read: its offset says which is next. */
    public static Map<String, Object> signalTopicPartition(String topicPrefix, String topic) {
        Map<String, Object> partition = new HashMap<>();
        partition.put(SERVER, topicPrefix);
        partition.put(SIGNAL_TOPIC, topic);
        return partition;
    }

    /** The signal topic's offset {@code next} is the next to read. */
    public static Map<String, Object> nextSignal(long next) {
        return Map.of(NEXT, next);
    }

    /** The next signal topic offset to read, as an offset of {@link #signalTopicPartition} says; -1 if none. */
    public static long nextSignal(Map<String, Object> offset) {
        return offset == null ? -1 : number(offset, NEXT, -1);
    }

    /** The LSN of the request an offset of {@link #reloadPartition} holds; 0 if none. */
    public static long reloadRequest(Map<String, Object> offset) {
        return offset == null ? 0 : number(offset, LSN, 0);
    }

    /** Whether the request an offset of {@link #reloadPartition} holds is incremental (older ones never are). */
    public static boolean reloadIncremental(Map<String, Object> offset) {
        return offset != null && Boolean.TRUE.equals(offset.get(INCREMENTAL));
    }

    public static Map<String, Object> rowsSent(long rows, String lastCtid) {
        return Map.of(ROWS, rows, DONE, false, CTID, lastCtid);
    }

    /** @param snapshotLsn where the snapshot the chunk was read under stands in the WAL; 0 if not known */
    public static Map<String, Object> finished(Chunk chunk, long rows, long snapshotLsn) {
        return snapshotLsn == 0 ? Map.of(ROWS, rows, DONE, true, END, chunk.endBlock())
                : Map.of(ROWS, rows, DONE, true, END, chunk.endBlock(), LSN, snapshotLsn);
    }

    /** Reads an offset as committed (numbers may come back as Integer or Long); null means none. */
    public static Progress progress(Map<String, Object> offset) {
        if (offset == null) {
            return Progress.NONE;
        }
        boolean done = Boolean.TRUE.equals(offset.get(DONE));
        long rows = number(offset, ROWS, 0);
        long end = number(offset, END, Chunk.OPEN);
        if (done && end != Chunk.OPEN && end < 1) {
            throw new IllegalArgumentException("offset has an invalid end block: " + offset);
        }
        Object ctid = offset.get(CTID);
        return new Progress(rows, done, end, ctid instanceof String text ? Ctid.parse(text) : null,
                number(offset, LSN, 0));
    }

    /** Where task {@code task} publishes the id of the snapshot its open transaction holds. */
    public static Map<String, Object> holderPartition(String topicPrefix, int task) {
        Map<String, Object> partition = new HashMap<>();
        partition.put(SERVER, topicPrefix);
        partition.put(HOLDER, (long) task);
        return partition;
    }

    /**
     * @param chunkBytes the chunk size of the snapshot's plan, which a re-import continues with
     * @param snapshotLsn where the snapshot stands in the WAL, which a re-import keeps; 0 if not known
     */
    public static Map<String, Object> holding(SnapshotId id, Fingerprint fingerprint, long chunkBytes, long snapshotLsn) {
        return snapshotLsn == 0 ? Map.of(SNAPSHOT, id.value(), FINGERPRINT, fingerprint.value(), CHUNK_BYTES, chunkBytes)
                : Map.of(SNAPSHOT, id.value(), FINGERPRINT, fingerprint.value(), CHUNK_BYTES, chunkBytes, LSN, snapshotLsn);
    }

    /** A published holder, or null if the offset holds none (or not one we can read). */
    public static Holder holder(Map<String, Object> offset) {
        if (offset == null || !(offset.get(SNAPSHOT) instanceof String id)
                || !(offset.get(FINGERPRINT) instanceof String fingerprint)) {
            return null;
        }
        try {
            return new Holder(new SnapshotId(id), new Fingerprint(fingerprint), number(offset, CHUNK_BYTES, 0),
                    number(offset, LSN, 0));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * An id exported from inside a transaction that holds the snapshot with this fingerprint, the
     * chunk size its plan used and the snapshot's LSN (each 0 if the holder did not say).
     */
    public record Holder(SnapshotId id, Fingerprint fingerprint, long chunkBytes, long snapshotLsn) {
    }

    /** Marks that an event (e.g. {@code snapshot.completed}) was announced on the progress topic. */
    public static Map<String, Object> announcementPartition(String topicPrefix, String event) {
        Map<String, Object> partition = new HashMap<>();
        partition.put(SERVER, topicPrefix);
        partition.put(ANNOUNCEMENT, event);
        return partition;
    }

    public static Map<String, Object> announced(Fingerprint fingerprint) {
        return Map.of(DONE, true, FINGERPRINT, fingerprint.value());
    }

    public static boolean isAnnounced(Map<String, Object> offset, Fingerprint fingerprint) {
        return isAnnounced(offset) && fingerprint.value().equals(offset.get(FINGERPRINT));
    }

    public static Map<String, Object> announced() {
        return Map.of(DONE, true);
    }

    public static boolean isAnnounced(Map<String, Object> offset) {
        return offset != null && Boolean.TRUE.equals(offset.get(DONE));
    }

    /** The partition of everything streamed from {@code slot}. */
    public static Map<String, Object> streamPartition(String topicPrefix, String slot) {
        Map<String, Object> partition = new HashMap<>();
        partition.put(SERVER, topicPrefix);
        partition.put(STREAM, slot);
        return partition;
    }

    /** The {@code seq}-th change (from 1) of the transaction that committed at {@code commitLsn}. */
    public static Map<String, Object> streamed(long commitLsn, long seq, long txId) {
        return Map.of(LSN, commitLsn, SEQ, seq, TX_ID, txId);
    }

    /**
     * As {@link #streamed(long, long, long)}, after the stream sent the changes it held back during
     * incremental reloads: {@code replayed} is the snapshot LSN of the latest such reload.
     */
    public static Map<String, Object> streamed(long commitLsn, long seq, long txId, long replayed) {
        return replayed == 0 ? streamed(commitLsn, seq, txId)
                : Map.of(LSN, commitLsn, SEQ, seq, TX_ID, txId, REPLAYED, replayed);
    }

    /**
     * A held-back change sent after an incremental reload (a replay): the stream stands at
     * {@code sent}, the replay at {@code replay}; {@code replayed} as before the replay.
     */
    public static Map<String, Object> replayed(StreamPosition sent, StreamPosition replay, long txId, long replayed) {
        Map<String, Object> offset = new HashMap<>();
        offset.put(LSN, sent.commitLsn());
        offset.put(SEQ, sent.seq());
        offset.put(TX_ID, txId);
        offset.put(REPLAY_LSN, replay.commitLsn());
        offset.put(REPLAY_SEQ, replay.seq());
        if (replayed != 0) {
            offset.put(REPLAYED, replayed);
        }
        return offset;
    }

    /** Where an unfinished replay stands (see {@link #replayed}), or null if the offset is not one. */
    public static StreamPosition replayPosition(Map<String, Object> offset) {
        if (offset == null || offset.get(REPLAY_LSN) == null) {
            return null;
        }
        return new StreamPosition(number(offset, REPLAY_LSN, 0), number(offset, REPLAY_SEQ, 0));
    }

    /** The snapshot LSN of the latest incremental reload whose held-back changes were all sent; 0 if none. */
    public static long replayedLsn(Map<String, Object> offset) {
        return offset == null ? 0 : number(offset, REPLAYED, 0);
    }

    /**
     * What Kafka holds for sure of the stream: the replay's position while one is unfinished (the
     * slot must give it everything after that again), else the stream's.
     */
    public static StreamPosition confirmablePosition(Map<String, Object> offset) {
        StreamPosition replay = replayPosition(offset);
        return replay != null ? replay : streamPosition(offset);
    }

    /** Where the stream stands: the last change sent, by commit LSN and position in its transaction. */
    public record StreamPosition(long commitLsn, long seq) implements Comparable<StreamPosition> {
        public static final StreamPosition START = new StreamPosition(0, 0);

        @Override
        public int compareTo(StreamPosition other) {
            int byLsn = Long.compareUnsigned(commitLsn, other.commitLsn);
            return byLsn != 0 ? byLsn : Long.compare(seq, other.seq);
        }
    }

    public static StreamPosition streamPosition(Map<String, Object> offset) {
        if (offset == null || offset.get(LSN) == null) {
            return StreamPosition.START;
        }
        return new StreamPosition(number(offset, LSN, 0), number(offset, SEQ, 0));
    }

    private static long number(Map<String, Object> offset, String key, long fallback) {
        Object value = offset.get(key);
        if (value == null) {
            return fallback;
        }
        if (value instanceof Number number) {
            return number.longValue();
        }
        throw new IllegalArgumentException("offset field '" + key + "' is not a number: " + offset);
    }
}

package io.snapclone.pg.snapshot;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Splits tables into chunks of about {@code chunkSizeBytes} and deals them to tasks, largest
 * first to the least loaded task, so that one big table keeps every task busy.
 */
public final class ChunkPlanner {
    /**
     * Enough chunks to keep every task busy to the end, few enough that the task configs (which
     * list them) stay small: beyond this many per task, chunks grow instead.
     */
    public static final int MAX_CHUNKS_PER_TASK = 64;
    /**
     * Chunks per task a load is cut into at least (chunks smaller than configured if need be), so
     * that tables below {@code snapshot.chunk.size} still keep every task busy and the dealing
     * evens out.
     */
    public static final int MIN_CHUNKS_PER_TASK = 4;
    /** The smallest chunk that balancing makes: below it, a chunk's fixed costs (a COPY, a lock, an offset) show. */
    public static final long MIN_BALANCING_CHUNK_BYTES = 8L << 20;

    private final long chunkSizeBytes;
    private final int blockSize;

    public ChunkPlanner(long chunkSizeBytes, int blockSize) {
        if (blockSize <= 0) {
            throw new IllegalArgumentException("blockSize must be positive");
        }
        if (chunkSizeBytes < blockSize) {
            throw new IllegalArgumentException("chunkSizeBytes must be at least one block (" + blockSize + ")");
        }
        this.chunkSizeBytes = chunkSizeBytes;
        this.blockSize = blockSize;
    }

    /**
     * A planner for {@code totalBytes} over {@code tasks}: chunks of about {@code chunkSizeBytes};
     * unless {@code sizeFixed}, smaller where that gives fewer than {@link #MIN_CHUNKS_PER_TASK} per
     * task (but not below {@link #MIN_BALANCING_CHUNK_BYTES}); larger where it would make more than
     * {@link #MAX_CHUNKS_PER_TASK} per task.
     */
    public static ChunkPlanner forLoad(long chunkSizeBytes, boolean sizeFixed, int blockSize, long totalBytes,
                                       int tasks) {
        long size = chunkSizeBytes;
        if (!sizeFixed) {
            long balanced = ceilDiv(totalBytes, (long) MIN_CHUNKS_PER_TASK * tasks);
            size = Math.min(size, Math.max(MIN_BALANCING_CHUNK_BYTES, balanced));
        }
        long cap = ceilDiv(totalBytes, (long) MAX_CHUNKS_PER_TASK * tasks);
        return new ChunkPlanner(Math.max(size, Math.max(cap, blockSize)), blockSize);
    }

    public long chunkSizeBytes() {
        return chunkSizeBytes;
    }

    /** What is left to read of one table: its blocks from {@code startBlock} on. */
    public record Remaining(io.snapclone.pg.TableId table, long startBlock, long sizeBytes) {
    }

    /** A chunk and its estimated size, which is what the dealing goes by. */
    public record SizedChunk(Chunk chunk, long sizeBytes) {
    }

    public List<SizedChunk> split(Remaining remaining) {
        long blocks = Math.max(0, ceilDiv(remaining.sizeBytes(), blockSize) - remaining.startBlock());
        long blocksPerChunk = chunkSizeBytes / blockSize;
        List<SizedChunk> chunks = new ArrayList<>();
        long start = remaining.startBlock();
        // Whole chunks while more than one chunk's worth is left; the rest is the open-ended tail.
        while (blocks > blocksPerChunk) {
            chunks.add(new SizedChunk(new Chunk(remaining.table(), start, start + blocksPerChunk),
                    blocksPerChunk * blockSize));
            start += blocksPerChunk;
            blocks -= blocksPerChunk;
        }
        chunks.add(new SizedChunk(new Chunk(remaining.table(), start, Chunk.OPEN), blocks * blockSize));
        return chunks;
    }

    /** Deals chunks to at most {@code tasks} lists; never returns an empty list of lists. */
    public List<List<Chunk>> assign(List<SizedChunk> chunks, int tasks) {
        if (tasks < 1) {
            throw new IllegalArgumentException("tasks must be at least 1");
        }
        int used = Math.max(1, Math.min(tasks, chunks.size()));
        List<List<Chunk>> assignment = new ArrayList<>();
        long[] load = new long[used];
        PriorityQueue<Integer> leastLoaded = new PriorityQueue<>(
                Comparator.<Integer>comparingLong(i -> load[i]).thenComparingInt(i -> i));
        for (int i = 0; i < used; i++) {
            assignment.add(new ArrayList<>());
            leastLoaded.add(i);
        }
        List<SizedChunk> largestFirst = new ArrayList<>(chunks);
        largestFirst.sort(Comparator.comparingLong(SizedChunk::sizeBytes).reversed()
                .thenComparing(c -> c.chunk().table())
                .thenComparingLong(c -> c.chunk().startBlock()));
        for (SizedChunk chunk : largestFirst) {
            int task = leastLoaded.poll();
            assignment.get(task).add(chunk.chunk());
            // Empty chunks still cost a query.
            load[task] += Math.max(chunk.sizeBytes(), blockSize);
            leastLoaded.add(task);
        }
        return assignment;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}

package io.snapclone.pg.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapclone.pg.TableId;
import io.snapclone.pg.snapshot.ChunkPlanner.Remaining;
import io.snapclone.pg.snapshot.ChunkPlanner.SizedChunk;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

class ChunkPlannerTest {
    private static final int BLOCK = 8192;
    private static final long CHUNK = 10L * BLOCK;
    private static final TableId BIG = new TableId("public", "big");
    private static final TableId SMALL = new TableId("public", "small");

    private final ChunkPlanner planner = new ChunkPlanner(CHUNK, BLOCK);

    @Test
    void smallTableIsOneOpenChunk() {
        List<SizedChunk> chunks = planner.split(new Remaining(SMALL, 0, 3 * BLOCK));
        assertEquals(List.of(new SizedChunk(Chunk.whole(SMALL), 3L * BLOCK)), chunks);
    }

    @Test
    void emptyTableIsOneOpenChunk() {
        // Rows may arrive after planning; the open chunk still reads them.
        assertEquals(List.of(new SizedChunk(Chunk.whole(SMALL), 0)), planner.split(new Remaining(SMALL, 0, 0)));
    }

    @Test
    void partialBlockCountsAsABlock() {
        assertEquals(List.of(new SizedChunk(Chunk.whole(SMALL), BLOCK)), planner.split(new Remaining(SMALL, 0, 1)));
    }

    @Test
    void tableOfExactlyOneChunkIsOneOpenChunk() {
        assertEquals(List.of(new SizedChunk(Chunk.whole(SMALL), CHUNK)), planner.split(new Remaining(SMALL, 0, CHUNK)));
    }

    @Test
    void exactMultipleEndsWithAFullOpenChunk() {
        List<SizedChunk> chunks = planner.split(new Remaining(BIG, 0, 3 * CHUNK));
        assertEquals(List.of(
                new SizedChunk(new Chunk(BIG, 0, 10), CHUNK),
                new SizedChunk(new Chunk(BIG, 10, 20), CHUNK),
                new SizedChunk(new Chunk(BIG, 20, Chunk.OPEN), CHUNK)), chunks);
    }

    @Test
    void remainderGoesToTheOpenTail() {
        List<SizedChunk> chunks = planner.split(new Remaining(BIG, 0, 2 * CHUNK + 3 * BLOCK));
        assertEquals(List.of(
                new SizedChunk(new Chunk(BIG, 0, 10), CHUNK),
                new SizedChunk(new Chunk(BIG, 10, 20), CHUNK),
                new SizedChunk(new Chunk(BIG, 20, Chunk.OPEN), 3L * BLOCK)), chunks);
    }

    @Test
    void chunksCoverEveryBlockOnceWithoutGaps() {
        List<SizedChunk> chunks = planner.split(new Remaining(BIG, 0, 123 * BLOCK + 17));
        long next = 0;
        long bytes = 0;
        for (SizedChunk sized : chunks) {
            assertEquals(next, sized.chunk().startBlock());
            next = sized.chunk().endBlock();
            bytes += sized.sizeBytes();
        }
        assertEquals(Chunk.OPEN, next);
        assertEquals(124L * BLOCK, bytes);
    }

    @Test
    void resumingStartsAtTheStartBlock() {
        List<SizedChunk> chunks = planner.split(new Remaining(BIG, 15, 3 * CHUNK));
        assertEquals(List.of(
                new SizedChunk(new Chunk(BIG, 15, 25), CHUNK),
                new SizedChunk(new Chunk(BIG, 25, Chunk.OPEN), 5L * BLOCK)), chunks);
    }

    @Test
    void resumingPastTheEndIsOneEmptyOpenChunk() {
        // The table shrank (or the estimate was low): still read from the resume block to the end.
        assertEquals(List.of(new SizedChunk(new Chunk(BIG, 40, Chunk.OPEN), 0)),
                planner.split(new Remaining(BIG, 40, 3 * CHUNK)));
    }

    @Test
    void constructorValidation() {
        assertThrows(IllegalArgumentException.class, () -> new ChunkPlanner(CHUNK, 0));
        assertThrows(IllegalArgumentException.class, () -> new ChunkPlanner(CHUNK, -1));
        assertThrows(IllegalArgumentException.class, () -> new ChunkPlanner(BLOCK - 1, BLOCK));
        assertEquals(List.of(new SizedChunk(new Chunk(BIG, 0, 1), BLOCK), new SizedChunk(new Chunk(BIG, 1, Chunk.OPEN), BLOCK)),
                new ChunkPlanner(BLOCK, BLOCK).split(new Remaining(BIG, 0, 2 * BLOCK)));
    }

    @Test
    void largestFirstToTheLeastLoaded() {
        List<SizedChunk> chunks = List.of(sized("a", 1), sized("b", 5), sized("c", 3), sized("d", 4));
        List<List<Chunk>> lists = planner.assign(chunks, 2);
        // b(5) -> 0; d(4) -> 1; c(3) -> 1 (4 < 5); a(1) -> 0 (5 < 7).
        assertEquals(List.of(
                List.of(chunk("b"), chunk("a")),
                List.of(chunk("d"), chunk("c"))), lists);
    }

    @Test
    void neverMoreListsThanChunks() {
        List<List<Chunk>> lists = planner.assign(List.of(sized("a", 1), sized("b", 2)), 8);
        assertEquals(2, lists.size());
        lists.forEach(list -> assertEquals(1, list.size()));
    }

    @Test
    void noChunksStillGivesOneList() {
        assertEquals(List.of(List.of()), planner.assign(List.of(), 4));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1})
    void atLeastOneTask(int tasks) {
        assertThrows(IllegalArgumentException.class, () -> planner.assign(List.of(sized("a", 1)), tasks));
    }

    @Test
    void emptyChunksAreSpreadToo() {
        // Each empty chunk still costs a query, so they do not all pile onto one task.
        List<SizedChunk> chunks = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            chunks.add(new SizedChunk(Chunk.whole(new TableId("s", "t" + i)), 0));
        }
        planner.assign(chunks, 2).forEach(list -> assertEquals(2, list.size()));
    }

    @Test
    void deterministicWhateverTheInputOrder() {
        List<SizedChunk> chunks = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            chunks.add(sized("t" + (i % 7), (i * 37) % 11));
        }
        List<List<Chunk>> expected = planner.assign(chunks, 4);
        for (long seed = 0; seed < 5; seed++) {
            List<SizedChunk> shuffled = new ArrayList<>(chunks);
            Collections.shuffle(shuffled, new java.util.Random(seed));
            assertEquals(expected, planner.assign(shuffled, 4), "seed " + seed);
        }
    }

    @Test
    void skewedTablesGiveEveryTaskANearEqualShare() {
        // One table holds 90% of the bytes; split into chunks it still spreads over every task.
        int tasks = 4;
        List<Remaining> tables = new ArrayList<>();
        tables.add(new Remaining(BIG, 0, 90 * CHUNK + 7 * BLOCK));
        for (int i = 0; i < 10; i++) {
            tables.add(new Remaining(new TableId("public", "small" + i), 0, CHUNK - (i + 1) * BLOCK));
        }
        Map<Chunk, Long> sizes = new HashMap<>();
        List<SizedChunk> chunks = new ArrayList<>();
        for (Remaining table : tables) {
            for (SizedChunk sized : planner.split(table)) {
                chunks.add(sized);
                sizes.put(sized.chunk(), sized.sizeBytes());
            }
        }
        long bigBytes = chunks.stream().filter(c -> c.chunk().table().equals(BIG)).mapToLong(SizedChunk::sizeBytes).sum();
        long allBytes = chunks.stream().mapToLong(SizedChunk::sizeBytes).sum();
        assertTrue(bigBytes * 10 >= allBytes * 9, "the big table holds at least 90% of the bytes");

        List<List<Chunk>> lists = planner.assign(chunks, tasks);
        assertEquals(tasks, lists.size());
        long[] loads = lists.stream().mapToLong(list -> list.stream().mapToLong(sizes::get).sum()).toArray();
        long max = java.util.Arrays.stream(loads).max().orElseThrow();
        long min = java.util.Arrays.stream(loads).min().orElseThrow();
        assertTrue(max - min <= CHUNK, "loads differ by more than one chunk: " + java.util.Arrays.toString(loads));
        // Every chunk is dealt exactly once.
        assertEquals(chunks.size(), lists.stream().mapToInt(List::size).sum());
        assertEquals(sizes.keySet(), lists.stream().flatMap(List::stream).collect(java.util.stream.Collectors.toSet()));
        // And every task reads part of the big table.
        lists.forEach(list -> assertTrue(list.stream().anyMatch(c -> c.table().equals(BIG)), list.toString()));
    }

    private static Chunk chunk(String table) {
        return Chunk.whole(new TableId("s", table));
    }

    private static SizedChunk sized(String table, long blocks) {
        return new SizedChunk(chunk(table), blocks * BLOCK);
    }

    @Test
    void aHugeLoadGetsLargerChunksSoThatTaskConfigsStaySmall() {
        long tenTerabytes = 10L << 40;
        ChunkPlanner planner = ChunkPlanner.forLoad(256L << 20, true, 8192, tenTerabytes, 4);
        List<ChunkPlanner.SizedChunk> chunks = planner.split(new ChunkPlanner.Remaining(
                new io.snapclone.pg.TableId("public", "huge"), 0, tenTerabytes));
        assertTrue(chunks.size() <= ChunkPlanner.MAX_CHUNKS_PER_TASK * 4, chunks.size() + " chunks");
        assertTrue(chunks.size() >= ChunkPlanner.MAX_CHUNKS_PER_TASK * 4 - 1, chunks.size() + " chunks");
        assertEquals(256L << 20, ChunkPlanner.forLoad(256L << 20, false, 8192, 16L << 30, 4).chunkSizeBytes(),
                "a load of 16 configured chunks per task keeps the configured size");
    }

    @Test
    void aLoadBelowFourChunksPerTaskIsCutSmallerSoEveryTaskHasWork() {
        // 88 MB over 2 tasks: 8 chunks of 11 MB rather than one 256 MB chunk for one task.
        ChunkPlanner planner = ChunkPlanner.forLoad(256L << 20, false, 8192, 88L << 20, 2);
        assertEquals(11L << 20, planner.chunkSizeBytes());
        assertEquals(8, planner.split(new ChunkPlanner.Remaining(new TableId("s", "t"), 0, 88L << 20)).size());
        assertEquals(ChunkPlanner.MIN_BALANCING_CHUNK_BYTES, ChunkPlanner.forLoad(256L << 20, false, 8192, 20L << 20, 4)
                .chunkSizeBytes(), "but not below the balancing floor");
        assertEquals(1L << 20, ChunkPlanner.forLoad(1L << 20, false, 8192, 88L << 20, 2).chunkSizeBytes(),
                "a configured size below that is the user's choice");
        assertEquals(256L << 20, ChunkPlanner.forLoad(256L << 20, true, 8192, 88L << 20, 2).chunkSizeBytes(),
                "as is a size set explicitly");
    }
}

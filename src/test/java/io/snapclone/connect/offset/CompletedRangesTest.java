package io.snapclone.connect.offset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.snapclone.connect.offset.CompletedRanges.TableState;
import io.snapclone.pg.TableId;
import io.snapclone.pg.snapshot.Chunk;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

class CompletedRangesTest {
    private static final String PREFIX = "shop";
    private static final TableId ORDERS = new TableId("public", "orders");
    private static final TableId ITEMS = new TableId("public", "items");
    /** More reads than any chain here needs: past it the walk is looping. */
    private static final int MAX_READS = 100;

    /** Committed offsets in memory, read the way OffsetStorageReader.offsets reads them. */
    private final Map<Map<String, Object>, Map<String, Object>> committed = new HashMap<>();
    private final List<Integer> batchSizes = new ArrayList<>();

    private Map<Map<String, Object>, Map<String, Object>> read(Collection<Map<String, Object>> partitions) {
        if (batchSizes.size() >= MAX_READS) {
            throw new AssertionError("offsets read " + MAX_READS + " times: the walk does not terminate");
        }
        batchSizes.add(partitions.size());
        Map<Map<String, Object>, Map<String, Object>> result = new HashMap<>();
        for (Map<String, Object> partition : partitions) {
            if (committed.containsKey(partition)) {
                result.put(partition, committed.get(partition));
            }
        }
        return result;
    }

    private Map<TableId, TableState> states(TableId... tables) {
        return CompletedRanges.of(PREFIX, List.of(tables), this::read);
    }

    private void finished(TableId table, long start, long end, long rows) {
        commit(table, start, SnapshotOffsets.finished(new Chunk(table, start, end), rows, 0));
    }

    @Test
    void aTableTakesTheEarliestSnapshotLsnOfItsChunksAndNoneIfOneDoesNotSay() {
        commit(ORDERS, 0, SnapshotOffsets.finished(new Chunk(ORDERS, 0, 10), 1, 900));
        commit(ORDERS, 10, SnapshotOffsets.finished(new Chunk(ORDERS, 10, Chunk.OPEN), 1, 700));
        commit(ITEMS, 0, SnapshotOffsets.finished(new Chunk(ITEMS, 0, 10), 1, 900));
        commit(ITEMS, 10, SnapshotOffsets.finished(new Chunk(ITEMS, 10, Chunk.OPEN), 1, 0));
        Map<TableId, TableState> states = states(ORDERS, ITEMS);
        assertEquals(700, states.get(ORDERS).snapshotLsn());
        assertEquals(0, states.get(ITEMS).snapshotLsn(), "a chunk from before LSNs were kept: nothing may be skipped");
    }

    @Test
    void aRequestedReloadCountsOnlyTheChunksReadForIt() {
        commit(ORDERS, 0, SnapshotOffsets.finished(new Chunk(ORDERS, 0, Chunk.OPEN), 42, 700));
        Map<TableId, Long> reloads = Map.of(ORDERS, 900L);
        assertEquals(new TableState(ORDERS, 0, false, 0, 0),
                CompletedRanges.of(PREFIX, List.of(ORDERS), reloads, this::read).get(ORDERS),
                "the earlier load's chunk does not count for the reload");
        committed.put(SnapshotOffsets.partition(PREFIX, ORDERS, 0, 900), SnapshotOffsets.finished(
                new Chunk(ORDERS, 0, Chunk.OPEN), 40, 1000));
        assertEquals(new TableState(ORDERS, 0, true, 40, 1000),
                CompletedRanges.of(PREFIX, List.of(ORDERS), reloads, this::read).get(ORDERS));
    }

    private void commit(TableId table, long start, Map<String, Object> offset) {
        committed.put(SnapshotOffsets.partition(PREFIX, table, start), offset);
    }

    @Test
    void noOffsetsResumeAtZero() {
        assertEquals(Map.of(
                ORDERS, new TableState(ORDERS, 0, false, 0, 0),
                ITEMS, new TableState(ITEMS, 0, false, 0, 0)), states(ORDERS, ITEMS));
    }

    @Test
    void noTablesNoReads() {
        assertEquals(Map.of(), states());
        assertEquals(List.of(), batchSizes);
    }

    @Test
    void wholeTableFinishedIsComplete() {
        finished(ORDERS, 0, Chunk.OPEN, 42);
        assertEquals(Map.of(ORDERS, new TableState(ORDERS, 0, true, 42, 0)), states(ORDERS));
    }

    @Test
    void chainEndingOpenIsCompleteWithSummedRows() {
        finished(ORDERS, 0, 10, 5);
        finished(ORDERS, 10, 20, 7);
        finished(ORDERS, 20, Chunk.OPEN, 3);
        TableState state = states(ORDERS).get(ORDERS);
        assertEquals(true, state.complete());
        assertEquals(15, state.rowsSent());
        assertEquals(20, state.resumeBlock());
    }

    @Test
    void chainEndingAtAnUnfinishedChunkResumesAtItsStart() {
        finished(ORDERS, 0, 10, 5);
        finished(ORDERS, 10, 20, 7);
        commit(ORDERS, 20, SnapshotOffsets.rowsSent(1000, "(5,1)"));
        // The unfinished chunk resumes after its last committed row, so its rows count.
        assertEquals(new TableState(ORDERS, 20, false, 1012, 0), states(ORDERS).get(ORDERS));
    }

    @Test
    void chainEndingWithoutAnOffsetResumesThere() {
        finished(ORDERS, 0, 10, 5);
        finished(ORDERS, 30, Chunk.OPEN, 9); // not reachable: blocks 10..30 were never finished
        assertEquals(new TableState(ORDERS, 10, false, 5, 0), states(ORDERS).get(ORDERS));
    }

    @Test
    void chunkSizeMayChangeBetweenRuns() {
        // A restart planned with another chunk size: the chain goes by end blocks, not sizes.
        finished(ORDERS, 0, 10, 1);
        finished(ORDERS, 10, 35, 2);
        finished(ORDERS, 35, 36, 3);
        finished(ORDERS, 36, Chunk.OPEN, 4);
        assertEquals(new TableState(ORDERS, 36, true, 10, 0), states(ORDERS).get(ORDERS));
    }

    @Test
    void otherPrefixesAreNotSeen() {
        committed.put(SnapshotOffsets.partition("other", ORDERS, 0),
                SnapshotOffsets.finished(Chunk.whole(ORDERS), 42, 0));
        assertEquals(new TableState(ORDERS, 0, false, 0, 0), states(ORDERS).get(ORDERS));
    }

    @Test
    void chunkEndingWhereItStartsDoesNotLoop() {
        finished(ORDERS, 0, 10, 5);
        commit(ORDERS, 10, Map.of("rows", 1L, "done", true, "end", 10L));
        assertEquals(new TableState(ORDERS, 10, false, 5, 0), states(ORDERS).get(ORDERS));
    }

    @Test
    void chainPointingBackwardsDoesNotLoop() {
        finished(ORDERS, 0, 10, 5);
        commit(ORDERS, 10, Map.of("rows", 1L, "done", true, "end", 5L));
        finished(ORDERS, 5, 10, 1);
        assertEquals(new TableState(ORDERS, 10, false, 5, 0), states(ORDERS).get(ORDERS));
    }

    @Test
    void integerAndLongNumbersAreBothAccepted() {
        commit(ORDERS, 0, Map.of("rows", 5, "done", true, "end", 10));
        commit(ORDERS, 10, Map.of("rows", 7L, "done", true, "end", 20L));
        commit(ORDERS, 20, Map.of("rows", 3, "done", true, "end", -1));
        assertEquals(new TableState(ORDERS, 20, true, 15, 0), states(ORDERS).get(ORDERS));
    }

    @Test
    void oneBatchedReadPerStepForAllTables() {
        finished(ORDERS, 0, Chunk.OPEN, 1);
        finished(ITEMS, 0, 10, 1);
        finished(ITEMS, 10, 20, 1);
        Map<TableId, TableState> states = states(ORDERS, ITEMS);
        assertEquals(true, states.get(ORDERS).complete());
        assertEquals(new TableState(ITEMS, 20, false, 2, 0), states.get(ITEMS));
        // Both tables, then ITEMS alone at 10 and at 20.
        assertEquals(List.of(2, 1, 1), batchSizes);
    }

    @Test
    void corruptOffsetFailsLoudly() {
        commit(ORDERS, 0, Map.of("rows", "many", "done", true));
        assertThrows(IllegalArgumentException.class, () -> states(ORDERS));
    }
}

package io.snapclone.connect.offset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapclone.pg.Lsn;
import io.snapclone.pg.TableId;
import io.snapclone.pg.snapshot.Chunk;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

class OffsetChangesTest {
    private static final TableId ORDERS = new TableId("public", "orders");
    private static final OffsetChanges.Database DATABASE = new OffsetChanges.Database() {
        @Override
        public boolean tableExists(TableId table) {
            return table.equals(ORDERS);
        }

        @Override
        public Lsn currentWalLsn() {
            return new Lsn(5000);
        }
    };

    private static List<String> problems(Map<Map<String, Object>, Map<String, Object>> changes) {
        return OffsetChanges.problems("srv", "slot", changes, () -> DATABASE);
    }

    private static Map<Map<String, Object>, Map<String, Object>> changes(Map<String, Object> partition, Map<String, Object> offset) {
        Map<Map<String, Object>, Map<String, Object>> changes = new HashMap<>();
        changes.put(partition, offset);
        return changes;
    }

    @Test
    void removingAnyOfTheConnectorsOffsetsIsFineAndNeedsNoDatabase() {
        Map<Map<String, Object>, Map<String, Object>> changes = new HashMap<>();
        changes.put(SnapshotOffsets.partition("srv", new TableId("public", "gone"), 0), null);
        changes.put(SnapshotOffsets.streamPartition("srv", "slot"), null);
        changes.put(SnapshotOffsets.holderPartition("srv", 0), null);
        changes.put(SnapshotOffsets.announcementPartition("srv", "snapshot.completed"), null);
        changes.put(SnapshotOffsets.partition("srv", ORDERS, 0, 4711), null);
        changes.put(SnapshotOffsets.reloadPartition("srv", ORDERS), null);
        assertEquals(List.of(), OffsetChanges.problems("srv", "slot", changes, () -> {
            throw new AssertionError("the database is not asked about removals");
        }));
        assertEquals("loaded again at the next start, under a new snapshot, while the stream sends none of their "
                + "changes from before it: public.gone, public.orders; the stream resumes where slot slot stands",
                OffsetChanges.describe("slot", changes));
    }

    @Test
    void aChunkOfATableTheDatabaseDoesNotHaveIsRefused() {
        List<String> problems = problems(changes(SnapshotOffsets.partition("srv", new TableId("public", "nope"), 0),
                SnapshotOffsets.finished(Chunk.whole(ORDERS), 1, 0)));
        assertEquals(1, problems.size());
        assertTrue(problems.get(0).contains("public.nope, which is not a table of the database"), problems.get(0));
        assertEquals(List.of(), problems(changes(SnapshotOffsets.partition("srv", ORDERS, 0),
                SnapshotOffsets.finished(Chunk.whole(ORDERS), 1, 0))));
    }

    @Test
    void aStreamPositionAheadOfTheServersWalOrOfAnotherSlotIsRefused() {
        List<String> ahead = problems(changes(SnapshotOffsets.streamPartition("srv", "slot"),
                SnapshotOffsets.streamed(6000, 1, 7)));
        assertTrue(ahead.get(0).contains("is ahead of the server's WAL (now at 0/1388)"), ahead.get(0));
        List<String> otherSlot = problems(changes(SnapshotOffsets.streamPartition("srv", "other"),
                SnapshotOffsets.streamed(100, 1, 7)));
        assertTrue(otherSlot.get(0).contains("this connector reads slot \"slot\""), otherSlot.get(0));
        assertEquals(List.of(), problems(changes(SnapshotOffsets.streamPartition("srv", "slot"),
                SnapshotOffsets.streamed(4000, 2, 7))));
    }

    @Test
    void partitionsOfAnotherPrefixOrShapeAndTheConnectorsBookkeepingCannotBeSet() {
        assertTrue(problems(changes(SnapshotOffsets.partition("other", ORDERS, 0), Map.of())).get(0)
                .contains("\"server\" must be the topic.prefix, \"srv\""));
        assertTrue(problems(changes(Map.of("server", "srv", "what", "ever"), Map.of())).get(0)
                .contains("is none of the connector's"));
        assertTrue(problems(changes(SnapshotOffsets.holderPartition("srv", 0), Map.of("snapshot", "x"))).get(0)
                .contains("can be removed (null), not set"));
    }
}

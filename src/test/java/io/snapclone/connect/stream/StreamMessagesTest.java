package io.snapclone.connect.stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapclone.connect.offset.SnapshotOffsets;
import io.snapclone.connect.offset.SnapshotOffsets.StreamPosition;
import io.snapclone.connect.record.RecordOptions;
import io.snapclone.connect.record.RecordOptions.BinaryMode;
import io.snapclone.connect.record.RecordOptions.HstoreMode;
import io.snapclone.connect.record.RecordOptions.ValueFormat;
import io.snapclone.connect.record.TableRecordBuilder;
import io.snapclone.connect.record.UnavailableValue;
import io.snapclone.pg.Lsn;
import io.snapclone.pg.TableId;
import io.snapclone.pg.catalog.Column;
import io.snapclone.pg.catalog.ColumnType;
import io.snapclone.pg.catalog.TableSchema;
import io.snapclone.pg.pgoutput.Begin;
import io.snapclone.pg.pgoutput.ColumnValue;
import io.snapclone.pg.pgoutput.Commit;
import io.snapclone.pg.pgoutput.Delete;
import io.snapclone.pg.pgoutput.Insert;
import io.snapclone.pg.pgoutput.OldTuple;
import io.snapclone.pg.pgoutput.PgOutputMessage;
import io.snapclone.pg.pgoutput.Relation;
import io.snapclone.pg.pgoutput.RelationColumn;
import io.snapclone.pg.pgoutput.ReplicaIdentity;
import io.snapclone.pg.pgoutput.Truncate;
import io.snapclone.pg.pgoutput.TupleData;
import io.snapclone.pg.pgoutput.Update;

import org.apache.kafka.connect.data.ConnectSchema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Optional;

/** pgoutput message sequences in, records out: every op under every identity and value format, no server. */
class StreamMessagesTest {
    private static final int OID = 16400;
    private static final ColumnType INT4 = ColumnType.of(23, "integer", -1);
    private static final ColumnType TEXT = ColumnType.of(25, "text", -1);
    private static final ColumnType BYTEA = ColumnType.of(17, "bytea", -1);
    private static final ColumnType JSONB = ColumnType.of(3802, "jsonb", -1);
    private static final ColumnType INT_ARRAY = ColumnType.arrayOf(1007, "integer[]", INT4, 1);
    private static final ColumnType TEXT_ARRAY = ColumnType.arrayOf(1009, "text[]", TEXT, 1);
    private static final ColumnType HSTORE = ColumnType.of(16500, "hstore", 'b', "hstore", -1, List.of());
    private static final TableId TABLE = new TableId("public", "t");
    /** public.t(id int primary key, name text, blob bytea, doc jsonb, nums int[], tags text[], attrs hstore). */
    private static final TableSchema SCHEMA = new TableSchema(TABLE, List.of(new Column("id", INT4, false),
            new Column("name", TEXT, true), new Column("blob", BYTEA, true), new Column("doc", JSONB, true),
            new Column("nums", INT_ARRAY, true), new Column("tags", TEXT_ARRAY, true),
            new Column("attrs", HSTORE, true)), List.of("id"));
    private static final String PLACEHOLDER = UnavailableValue.DEFAULT;

    /** A stream over {@link #SCHEMA} (or the same table without a key). */
    private static final class Stream {
        final List<SourceRecord> records = new ArrayList<>();
        final LsnConfirmations confirmations = new LsnConfirmations();
        final StreamMessages messages;
        long lsn = 1000;

        Stream(RecordOptions options, boolean keyed, StreamPosition alreadySent, boolean tombstones) {
            this(options, keyed, alreadySent, tombstones, java.util.Set.of());
        }

        Stream(RecordOptions options, boolean keyed, StreamPosition alreadySent, boolean tombstones,
               java.util.Set<String> skippedOperations) {
            this(options, keyed, alreadySent, tombstones, skippedOperations, Map.of());
        }

        Stream(RecordOptions options, boolean keyed, StreamPosition alreadySent, boolean tombstones,
               java.util.Set<String> skippedOperations, Map<TableId, Long> snapshotLsns) {
            this(options, keyed, new StreamCursor(alreadySent), tombstones, skippedOperations, snapshotLsns, Map.of(),
                    Map.of());
        }

        /** With incremental reloads: {@code held} back by table from a request's LSN, {@code replays} from a snapshot's. */
        Stream(StreamCursor cursor, Map<TableId, Long> snapshotLsns, Map<TableId, Long> held, Map<TableId, Long> replays) {
            this(RecordOptions.DEFAULTS, true, cursor, true, Set.of(), snapshotLsns, held, replays);
        }

        private Stream(RecordOptions options, boolean keyed, StreamCursor cursor, boolean tombstones,
                       java.util.Set<String> skippedOperations, Map<TableId, Long> snapshotLsns,
                       Map<TableId, Long> held, Map<TableId, Long> replays) {
            Map<String, Object> partition = SnapshotOffsets.streamPartition("srv", "slot");
            TableSchema schema = keyed ? SCHEMA : SCHEMA.withKey(List.of());
            StreamTables tables = new StreamTables(table -> true, relation -> schema,
                    described -> new TableRecordBuilder(described, "srv", "db", options), "test");
            messages = new StreamMessages(tables, cursor, new ChangeRecords(partition, tombstones, skippedOperations,
                    snapshotLsns, held, replays, cursor, confirmations),
                    new TransactionBoundaries(null, java.time.Duration.ofSeconds(30), "test"));
        }

        Stream(RecordOptions options) {
            this(options, true, StreamPosition.START, true);
        }

        /** One transaction committing at {@code commitLsn}: a Relation under {@code identity}, then the changes. */
        List<SourceRecord> transaction(long commitLsn, ReplicaIdentity identity, PgOutputMessage... changes)
                throws Exception {
            records.clear();
            messages.handle(new Begin(new Lsn(commitLsn), 1_000_000, 77), lsn++, 0, records);
            messages.handle(relation(identity), lsn++, 0, records);
            for (PgOutputMessage change : changes) {
                messages.handle(change, lsn++, 0, records);
            }
            messages.handle(new Commit(0, new Lsn(commitLsn), new Lsn(commitLsn + 8), 1_000_000), commitLsn, 0,
                    records);
            for (SourceRecord record : records) {
                if (record.value() != null) {
                    ConnectSchema.validateValue(record.valueSchema(), record.value());
                }
                if (record.key() != null) {
                    ConnectSchema.validateValue(record.keySchema(), record.key());
                }
            }
            return List.copyOf(records);
        }
    }

    private static Relation relation(ReplicaIdentity identity) {
        int key = identity == ReplicaIdentity.FULL ? RelationColumn.KEY_FLAG : 0;
        return new Relation(OID, "public", "t", identity, List.of(
                new RelationColumn(RelationColumn.KEY_FLAG, "id", 23, -1), new RelationColumn(key, "name", 25, -1),
                new RelationColumn(key, "blob", 17, -1), new RelationColumn(key, "doc", 3802, -1),
                new RelationColumn(key, "nums", 1007, -1), new RelationColumn(key, "tags", 1009, -1),
                new RelationColumn(key, "attrs", 16500, -1)));
    }

    private static ColumnValue text(String value) {
        return value == null ? ColumnValue.NULL : new ColumnValue.Text(value);
    }

    private static TupleData row(int id, String name) {
        return TupleData.of(text(Integer.toString(id)), text(name), text("\\x0102"), text("{\"a\": 1}"),
                text("{1,2}"), text("{x,y}"), text("\"k\"=>\"v\""));
    }

    /** The same row with every TOASTable column unchanged and not sent. */
    private static TupleData toasted(int id, String name) {
        ColumnValue u = ColumnValue.UNCHANGED_TOAST;
        return TupleData.of(text(Integer.toString(id)), text(name), u, u, u, u, u);
    }

    private static TupleData keyOnly(int id) {
        ColumnValue n = ColumnValue.NULL;
        return TupleData.of(text(Integer.toString(id)), n, n, n, n, n, n);
    }

    private static Insert insert(TupleData row) {
        return new Insert(OID, row);
    }

    private static Update update(OldTuple old, TupleData row) {
        return new Update(OID, Optional.ofNullable(old), row);
    }

    private static Delete delete(OldTuple old) {
        return new Delete(OID, old);
    }

    private static List<String> ops(List<SourceRecord> records) {
        return records.stream().map(r -> r.value() == null ? "tombstone"
                : r.valueSchema().name().endsWith("Envelope") ? ((Struct) r.value()).getString("op") : "row").toList();
    }

    private static Struct after(SourceRecord record) {
        return ((Struct) record.value()).getStruct("after");
    }

    private static Struct before(SourceRecord record) {
        return ((Struct) record.value()).getStruct("before");
    }

    private static Object keyId(SourceRecord record) {
        return ((Struct) record.key()).get("id");
    }

    @Test
    void insertIsCreate() throws Exception {
        List<SourceRecord> records = new Stream(RecordOptions.DEFAULTS)
                .transaction(5000, ReplicaIdentity.DEFAULT, insert(row(1, "a")));
        assertEquals(List.of("c"), ops(records));
        assertEquals("a", after(records.get(0)).get("name"));
        assertEquals(List.of(1, 2), after(records.get(0)).get("nums"));
        assertEquals(1, keyId(records.get(0)));
    }

    @ParameterizedTest
    @EnumSource(value = ReplicaIdentity.class, names = {"DEFAULT", "INDEX", "FULL"})
    void updateOfTheSameKeyIsUpdate(ReplicaIdentity identity) throws Exception {
        OldTuple old = identity == ReplicaIdentity.FULL ? new OldTuple(OldTuple.Kind.FULL, row(1, "a")) : null;
        List<SourceRecord> records = new Stream(RecordOptions.DEFAULTS)
                .transaction(5000, identity, update(old, row(1, "b")));
        assertEquals(List.of("u"), ops(records));
        assertEquals("b", after(records.get(0)).get("name"));
        if (identity == ReplicaIdentity.FULL) {
            assertEquals("a", before(records.get(0)).get("name"), "FULL: the before image is the whole old row");
            assertEquals("{\"a\": 1}", before(records.get(0)).get("doc"));
        } else {
            assertNull(before(records.get(0)));
        }
    }

    @ParameterizedTest
    @EnumSource(value = ReplicaIdentity.class, names = {"DEFAULT", "INDEX", "FULL"})
    void keyChangeIsDeleteTombstoneCreate(ReplicaIdentity identity) throws Exception {
        // Under FULL PostgreSQL sends the old row ('O') and never a key tuple: only the values say the key changed.
        OldTuple old = identity == ReplicaIdentity.FULL ? new OldTuple(OldTuple.Kind.FULL, row(1, "a"))
                : new OldTuple(OldTuple.Kind.KEY, keyOnly(1));
        List<SourceRecord> records = new Stream(RecordOptions.DEFAULTS)
                .transaction(5000, identity, update(old, row(2, "a")));
        assertEquals(List.of("d", "tombstone", "c"), ops(records));
        assertEquals(1, keyId(records.get(0)));
        assertEquals(1, keyId(records.get(1)));
        assertEquals(2, keyId(records.get(2)));
        assertEquals(2, after(records.get(2)).get("id"));
    }

    @Test
    void fullIdentityFillsUnchangedToastedValuesFromTheOldRow() throws Exception {
        List<SourceRecord> records = new Stream(RecordOptions.DEFAULTS).transaction(5000, ReplicaIdentity.FULL,
                update(new OldTuple(OldTuple.Kind.FULL, row(1, "a")), toasted(1, "b")));
        Struct after = after(records.get(0));
        assertArrayEquals(new byte[] {1, 2}, (byte[]) after.get("blob"));
        assertEquals("{\"a\": 1}", after.get("doc"));
        assertEquals(List.of(1, 2), after.get("nums"));
        assertEquals(List.of("x", "y"), after.get("tags"));
        assertEquals("{\"k\":\"v\"}", after.get("attrs"));
    }

    @Test
    void defaultIdentityCarriesAPlaceholderOfEveryShapeAndNeverNull() throws Exception {
        RecordOptions options = RecordOptions.DEFAULTS.withHstore(HstoreMode.MAP);
        List<SourceRecord> records = new Stream(options)
                .transaction(5000, ReplicaIdentity.DEFAULT, update(null, toasted(1, "b")));
        Struct after = after(records.get(0));
        byte[] bytes = PLACEHOLDER.getBytes(StandardCharsets.UTF_8);
        assertEquals("b", after.get("name"));
        assertArrayEquals(bytes, (byte[]) after.get("blob"), "bytea: the placeholder's bytes");
        assertEquals(PLACEHOLDER, after.get("doc"), "json: the placeholder string");
        List<Integer> perByte = new ArrayList<>();
        for (byte b : bytes) {
            perByte.add((int) b);
        }
        assertEquals(perByte, after.get("nums"), "int[]: one element per placeholder byte, as Debezium");
        assertEquals(List.of(PLACEHOLDER), after.get("tags"), "text[]: the placeholder as the one element");
        assertEquals(Map.of(PLACEHOLDER, PLACEHOLDER), after.get("attrs"), "hstore map: placeholder => placeholder");
    }

    @Test
    void binaryPlaceholderFollowsTheBinaryModeAndTheHexPrefix() throws Exception {
        RecordOptions options = RecordOptions.DEFAULTS.withBinary(BinaryMode.HEX)
                .withUnavailable(UnavailableValue.parse("hex:00ff10"));
        Struct after = after(new Stream(options)
                .transaction(5000, ReplicaIdentity.DEFAULT, update(null, toasted(1, "b"))).get(0));
        assertEquals("00ff10", after.get("blob"));
        assertEquals(List.of(0, -1, 16), after.get("nums"));
    }

    @ParameterizedTest
    @EnumSource(value = ReplicaIdentity.class, names = {"DEFAULT", "INDEX", "FULL"})
    void deleteIsDeleteAndTombstone(ReplicaIdentity identity) throws Exception {
        OldTuple old = identity == ReplicaIdentity.FULL ? new OldTuple(OldTuple.Kind.FULL, row(1, "a"))
                : new OldTuple(OldTuple.Kind.KEY, keyOnly(1));
        List<SourceRecord> records = new Stream(RecordOptions.DEFAULTS).transaction(5000, identity, delete(old));
        assertEquals(List.of("d", "tombstone"), ops(records));
        assertEquals(1, keyId(records.get(1)));
        assertEquals(identity == ReplicaIdentity.FULL ? "a" : null, before(records.get(0)).get("name"));
    }

    @Test
    void tombstonesCanBeTurnedOff() throws Exception {
        Stream stream = new Stream(RecordOptions.DEFAULTS, true, StreamPosition.START, false);
        assertEquals(List.of("d"), ops(stream.transaction(5000, ReplicaIdentity.DEFAULT,
                delete(new OldTuple(OldTuple.Kind.KEY, keyOnly(1))))));
    }

    @Test
    void tableWithoutKeyGetsNoTombstoneAndNoKeyChange() throws Exception {
        Stream stream = new Stream(RecordOptions.DEFAULTS, false, StreamPosition.START, true);
        List<SourceRecord> records = stream.transaction(5000, ReplicaIdentity.FULL,
                update(new OldTuple(OldTuple.Kind.FULL, row(1, "a")), row(2, "a")),
                delete(new OldTuple(OldTuple.Kind.FULL, row(2, "a"))));
        assertEquals(List.of("u", "d"), ops(records));
        records.forEach(record -> assertNull(record.key()));
        records.forEach(record -> assertNull(record.keySchema()));
    }

    @Test
    void truncateIsOneRecordWithoutKey() throws Exception {
        List<SourceRecord> records = new Stream(RecordOptions.DEFAULTS).transaction(5000, ReplicaIdentity.DEFAULT,
                new Truncate(0, List.of(OID)));
        assertEquals(List.of("t"), ops(records));
        assertNull(records.get(0).key());
        assertNull(records.get(0).keySchema(), "a null key needs no key schema: converters reject the pair");
    }

    @Test
    void skippedOperationsLeaveTheirChangesOutAndKeepTheOthersPositions() throws Exception {
        List<SourceRecord> all = new Stream(RecordOptions.DEFAULTS).transaction(5000, ReplicaIdentity.DEFAULT,
                new Truncate(0, List.of(OID)), insert(row(1, "a")),
                update(new OldTuple(OldTuple.Kind.KEY, keyOnly(1)), row(2, "a")), insert(row(3, "c")),
                delete(new OldTuple(OldTuple.Kind.KEY, keyOnly(3))), insert(row(4, "d")));
        assertEquals(List.of("t", "c", "d", "tombstone", "c", "c", "d", "tombstone", "c"), ops(all));

        Stream skipping = new Stream(RecordOptions.DEFAULTS, true, StreamPosition.START, true, Set.of("t", "u", "d"));
        List<SourceRecord> records = skipping.transaction(5000, ReplicaIdentity.DEFAULT,
                new Truncate(0, List.of(OID)), insert(row(1, "a")),
                update(new OldTuple(OldTuple.Kind.KEY, keyOnly(1)), row(2, "a")), insert(row(3, "c")),
                delete(new OldTuple(OldTuple.Kind.KEY, keyOnly(3))), insert(row(4, "d")));
        assertEquals(List.of("c", "c", "c"), ops(records), "an update that moved the key is an update: skipped whole");
        // Positions do not depend on what is skipped: a restart after changing the setting resumes right.
        assertEquals(List.of(all.get(1).sourceOffset(), all.get(5).sourceOffset(), all.get(8).sourceOffset()),
                records.stream().map(SourceRecord::sourceOffset).toList());
    }

    @Test
    void rowFormatDeleteIsOneTombstoneAndTruncateIsLeftOut() throws Exception {
        RecordOptions options = RecordOptions.DEFAULTS.withFormat(ValueFormat.ROW);
        List<SourceRecord> records = new Stream(options).transaction(5000, ReplicaIdentity.DEFAULT,
                insert(row(1, "a")), update(new OldTuple(OldTuple.Kind.KEY, keyOnly(1)), row(2, "a")),
                delete(new OldTuple(OldTuple.Kind.KEY, keyOnly(2))),
                new Truncate(0, List.of(OID)));
        assertEquals(List.of("row", "tombstone", "row", "tombstone"), ops(records));
        assertEquals(List.of(1, 1, 2, 2), records.stream().map(StreamMessagesTest::keyId).toList());
    }

    @Test
    void rowFormatWithoutKeyLeavesDeletesOut() throws Exception {
        RecordOptions options = RecordOptions.DEFAULTS.withFormat(ValueFormat.ROW);
        Stream stream = new Stream(options, false, StreamPosition.START, true);
        List<SourceRecord> records = stream.transaction(5000, ReplicaIdentity.FULL, insert(row(1, "a")),
                delete(new OldTuple(OldTuple.Kind.FULL, row(1, "a"))));
        assertEquals(List.of("row"), ops(records));
        assertNull(records.get(0).key());
        assertNull(records.get(0).keySchema());
    }

    @Test
    void eachChangeCarriesItsOwnLsnAndTheLastCommitInItsSequenceAsDebezium() throws Exception {
        Stream stream = new Stream(RecordOptions.DEFAULTS);
        stream.lsn = 900;
        List<SourceRecord> records = stream.transaction(5000, ReplicaIdentity.DEFAULT, insert(row(1, "a")),
                update(null, row(1, "b")));
        Struct first = ((Struct) records.get(0).value()).getStruct("source");
        Struct second = ((Struct) records.get(1).value()).getStruct("source");
        assertEquals(902L, first.get("lsn"));
        assertEquals(903L, second.get("lsn"));
        assertNotEquals(first.get("lsn"), second.get("lsn"));
        assertEquals("[null,\"902\"]", first.get("sequence"), "no commit read yet");
        assertEquals(77L, first.get("txId"));
        assertEquals(SnapshotOffsets.streamed(5000, 1, 77), records.get(0).sourceOffset());
        assertEquals(SnapshotOffsets.streamed(5000, 2, 77), records.get(1).sourceOffset());

        stream.lsn = 6000;
        Struct next = ((Struct) stream.transaction(7000, ReplicaIdentity.DEFAULT, insert(row(2, "c"))).get(0).value())
                .getStruct("source");
        assertEquals("[\"5008\",\"6002\"]", next.get("sequence"), "the end of the transaction before");
    }

    @Test
    void whatKafkaHasIsSkippedAndTheRestFollows() throws Exception {
        Stream stream = new Stream(RecordOptions.DEFAULTS, true, new StreamPosition(5000, 2), true);
        assertEquals(List.of(), stream.transaction(4000, ReplicaIdentity.DEFAULT, insert(row(9, "old"))));
        List<SourceRecord> records = stream.transaction(5000, ReplicaIdentity.DEFAULT,
                update(new OldTuple(OldTuple.Kind.KEY, keyOnly(1)), row(2, "a")));
        assertEquals(List.of("c"), ops(records), "the d and tombstone (changes 1 and 2) were sent before");
        assertEquals(List.of("c"), ops(stream.transaction(6000, ReplicaIdentity.DEFAULT, insert(row(3, "c")))));
    }

    @Test
    void changesCommittedBeforeTheSnapshotLsnAreInTheSnapshotAndNotSentAgain() throws Exception {
        Stream stream = new Stream(RecordOptions.DEFAULTS, true, StreamPosition.START, true, Set.of(),
                Map.of(TABLE, 6000L, new TableId("public", "other"), 9000L));
        assertEquals(List.of(), stream.transaction(5000, ReplicaIdentity.DEFAULT, insert(row(1, "a")),
                delete(new OldTuple(OldTuple.Kind.KEY, keyOnly(2)))), "committed before the snapshot: it has them");
        assertEquals(List.of("c"), ops(stream.transaction(6000, ReplicaIdentity.DEFAULT, insert(row(3, "c")))),
                "committed at the snapshot's LSN: the snapshot does not have it");
        assertEquals(List.of("u"), ops(stream.transaction(7000, ReplicaIdentity.DEFAULT,
                update(new OldTuple(OldTuple.Kind.KEY, keyOnly(3)), row(3, "d")))));
    }

    @Test
    void whileATableIsLoadedAgainIncrementallyItsChangesFromTheRequestOnAreHeldBackAndNotConfirmed() throws Exception {
        Stream stream = new Stream(new StreamCursor(StreamPosition.START), Map.of(), Map.of(TABLE, 6000L), Map.of());
        assertEquals(List.of("c"), ops(stream.transaction(5000, ReplicaIdentity.DEFAULT, insert(row(1, "a")))));
        assertEquals(List.of(), stream.transaction(6000, ReplicaIdentity.DEFAULT, insert(row(2, "b"))));
        assertEquals(List.of(), stream.transaction(7000, ReplicaIdentity.DEFAULT, insert(row(3, "c"))));
        stream.confirmations.committed(new StreamPosition(5000, 1));
        assertEquals(5999, stream.confirmations.toConfirm(9000, true),
                "the slot must give the held-back changes again: nothing from the request on is confirmed");
    }

    @Test
    void aReplaySendsTheHeldBackChangesAfterTheSnapshotOnceAndItsOffsetsNeverGoBack() throws Exception {
        // Loaded again under a snapshot at 6500; the stream had sent other tables' changes up to (8000, 1).
        StreamPosition sent = new StreamPosition(8000, 1);
        Map<TableId, Long> cut = Map.of(TABLE, 6500L);
        Stream stream = new Stream(new StreamCursor(sent, null, 0, 6500, 6500), cut, Map.of(), Map.of(TABLE, 6500L));
        assertEquals(List.of(), stream.transaction(6000, ReplicaIdentity.DEFAULT, insert(row(2, "b"))),
                "committed before the snapshot: it has it");
        List<SourceRecord> replayed = stream.transaction(7000, ReplicaIdentity.DEFAULT, insert(row(3, "c")));
        assertEquals(List.of("c"), ops(replayed));
        Map<String, ?> offset = replayed.get(0).sourceOffset();
        assertEquals(new StreamPosition(8000, 1), SnapshotOffsets.streamPosition(cast(offset)), "the stream's stays");
        assertEquals(new StreamPosition(7000, 1), SnapshotOffsets.confirmablePosition(cast(offset)));
        stream.confirmations.committed(SnapshotOffsets.confirmablePosition(cast(offset)));
        assertEquals(6999, stream.confirmations.toConfirm(9000, false));
        List<SourceRecord> live = stream.transaction(9000, ReplicaIdentity.DEFAULT, insert(row(4, "d")));
        assertEquals(List.of("c"), ops(live));
        assertEquals(6500, SnapshotOffsets.replayedLsn(cast(live.get(0).sourceOffset())),
                "past what was sent, the replay is over and the offsets say so");
        assertEquals(null, SnapshotOffsets.replayPosition(cast(live.get(0).sourceOffset())));

        // A restart in the middle of the replay: what it sent is not sent again.
        Stream restarted = new Stream(new StreamCursor(sent, new StreamPosition(7000, 1), 0, 6500, 6500), cut, Map.of(),
                Map.of(TABLE, 6500L));
        assertEquals(List.of(), restarted.transaction(7000, ReplicaIdentity.DEFAULT, insert(row(3, "c"))));
        assertEquals(List.of("c"), ops(restarted.transaction(7500, ReplicaIdentity.DEFAULT, insert(row(5, "e")))));
        // A restart after it: nothing is replayed again.
        Stream after = new Stream(new StreamCursor(new StreamPosition(9000, 1), null, 6500, 6500, 6500), cut, Map.of(),
                Map.of(TABLE, 6500L));
        assertEquals(List.of(), after.transaction(7000, ReplicaIdentity.DEFAULT, insert(row(3, "c"))));
    }

    @Test
    void untilTheReplayIsDoneNothingPastItsStartIsConfirmedSoThatACrashGetsItAllAgain() throws Exception {
        StreamPosition sent = new StreamPosition(8000, 1);
        StreamCursor cursor = new StreamCursor(sent, null, 0, 6500, 6500);
        Stream stream = new Stream(cursor, Map.of(TABLE, 6500L), Map.of(), Map.of(TABLE, 6500L));
        // Before the replay sent anything, Kafka's offset is the stream's: (8000, 1).
        stream.confirmations.committed(sent);
        assertEquals(6499, stream.confirmations.toConfirm(9000, true, cursor.confirmBelow()),
                "a server restart must give the held-back changes from 6500 on again");
        stream.transaction(7000, ReplicaIdentity.DEFAULT, insert(row(3, "c")));
        stream.confirmations.committed(new StreamPosition(7000, 1));
        assertEquals(0, stream.confirmations.toConfirm(9000, true, cursor.confirmBelow()));
        stream.transaction(9000, ReplicaIdentity.DEFAULT, insert(row(4, "d")));
        stream.confirmations.committed(new StreamPosition(9000, 1));
        assertEquals(8999, stream.confirmations.toConfirm(9500, false, cursor.confirmBelow()), "replayed: free again");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<String, ?> offset) {
        return (Map<String, Object>) offset;
    }

    @Test
    void tablesNotCapturedAreIgnored() throws Exception {
        StreamCursor cursor = new StreamCursor(StreamPosition.START);
        StreamTables tables = new StreamTables(table -> false, relation -> SCHEMA,
                schema -> new TableRecordBuilder(schema, "srv", "db", RecordOptions.DEFAULTS), "test");
        StreamMessages messages = new StreamMessages(tables, cursor, new ChangeRecords(Map.of(), true, Set.of(), Map.of(), cursor,
                new LsnConfirmations()), new TransactionBoundaries(null, java.time.Duration.ofSeconds(30), "test"));
        List<SourceRecord> out = new ArrayList<>();
        messages.handle(new Begin(new Lsn(10), 0, 1), 1, 0, out);
        messages.handle(relation(ReplicaIdentity.DEFAULT), 2, 0, out);
        messages.handle(insert(row(1, "a")), 3, 0, out);
        assertTrue(messages.inTransaction());
        messages.handle(new Commit(0, new Lsn(10), new Lsn(18), 0), 10, 0, out);
        assertEquals(List.of(), out);
        assertFalse(messages.inTransaction());
    }
}

package io.snapclone.pg.pgoutput;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.snapclone.pg.pgoutput.ColumnValue.Text;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

class RelationsTest {
    private static final int ORDERS = 16384;

    private final Relations relations = new Relations();

    @Test
    void pairsValuesWithTheLatestColumns() {
        relations.put(orders(new RelationColumn(1, "id", 23, -1), new RelationColumn(0, "note", 25, -1)));
        List<DecodedColumn> row = relations.pair(ORDERS, TupleData.of(new Text("1"), ColumnValue.NULL));
        assertEquals(List.of(new DecodedColumn(new RelationColumn(1, "id", 23, -1), new Text("1")),
                new DecodedColumn(new RelationColumn(0, "note", 25, -1), ColumnValue.NULL)), row);
    }

    @Test
    void aNewRelationMessageReplacesTheOld() {
        relations.put(orders(new RelationColumn(1, "id", 23, -1), new RelationColumn(0, "note", 25, -1)));
        // ALTER TABLE: note dropped, id retyped to bigint, amount added.
        Relation altered = orders(new RelationColumn(1, "id", 20, -1), new RelationColumn(0, "amount", 1700, -1),
                new RelationColumn(0, "extra", 25, -1));
        relations.put(altered);
        assertEquals(1, relations.size());
        assertEquals(altered, relations.get(ORDERS));
        List<DecodedColumn> row = relations.pair(ORDERS,
                TupleData.of(new Text("1"), new Text("9.50"), ColumnValue.UNCHANGED_TOAST));
        assertEquals(List.of("id", "amount", "extra"), row.stream().map(c -> c.column().name()).toList());
        assertEquals(20, row.get(0).column().typeOid());
    }

    @Test
    void aTupleOfTheWrongWidthIsRejected() {
        relations.put(orders(new RelationColumn(1, "id", 23, -1)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> relations.pair(ORDERS, TupleData.of(new Text("1"), new Text("2"))));
        assertEquals("tuple has 2 values but relation public.orders (oid 16384) has 1 columns", e.getMessage());
    }

    @Test
    void unknownOid() {
        assertEquals(Optional.empty(), relations.find(ORDERS));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> relations.get(-2));
        assertEquals("no Relation message seen for relation oid 4294967294; PostgreSQL sends one before the first"
                + " change to a table, so a message was skipped", e.getMessage());
    }

    @Test
    void decodedMessagesFeedTheCache() {
        PgOutputDecoder decoder = new PgOutputDecoder();
        relations.put((Relation) decoder.decode(TestingBytes.message('R').int32(ORDERS).string("public")
                .string("orders").int8('d').int16(2).int8(1).string("id").int32(23).int32(-1)
                .int8(0).string("název").int32(25).int32(-1).build()));
        Insert insert = (Insert) decoder.decode(TestingBytes.message('I').int32(ORDERS).int8('N').columns(2)
                .text("5").text("žluťoučký").build());
        List<DecodedColumn> row = relations.pair(insert.relationOid(), insert.newTuple());
        assertEquals("název", row.get(1).column().name());
        assertEquals(new Text("žluťoučký"), row.get(1).value());
    }

    @Test
    void clear() {
        relations.put(orders());
        relations.clear();
        assertEquals(0, relations.size());
    }

    private static Relation orders(RelationColumn... columns) {
        return new Relation(ORDERS, "public", "orders", ReplicaIdentity.DEFAULT, List.of(columns));
    }
}

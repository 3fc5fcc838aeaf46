package io.snapclone.pg.pgoutput;

import static io.snapclone.pg.pgoutput.TestingBytes.message;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

/** Relation and Type, byte by byte. */
class RelationMessagesTest {
    private final PgOutputDecoder decoder = new PgOutputDecoder();

    @Test
    void relation() {
        byte[] bytes = message('R')
                .int32(16384) // relation oid
                .string("public")
                .string("orders")
                .int8('d') // replica identity default
                .int16(3) // columns
                .int8(1).string("id").int32(20).int32(-1) // key column, bigint
                .int8(0).string("amount").int32(1700).int32((12 << 16 | 2) + 4) // numeric(12,2)
                .int8(0).string("note").int32(1043).int32(54) // varchar(50)
                .build();
        Relation expected = new Relation(16384, "public", "orders", ReplicaIdentity.DEFAULT, List.of(
                new RelationColumn(1, "id", 20, -1),
                new RelationColumn(0, "amount", 1700, (12 << 16 | 2) + 4),
                new RelationColumn(0, "note", 1043, 54)));
        Relation decoded = (Relation) decoder.decode(bytes);
        assertEquals(expected, decoded);
        assertTrue(decoded.columns().get(0).isKey());
        assertFalse(decoded.columns().get(1).isKey());
        assertEquals("public.orders", decoded.qualifiedName());
    }

    @Test
    void multiByteNames() {
        byte[] bytes = message('R')
                .int32(16390)
                .string("схема")
                .string("Zamówienia \"2024\" 📦")
                .int8('i')
                .int16(2)
                .int8(1).string("número").int32(23).int32(-1)
                .int8(1).string("键").int32(25).int32(-1)
                .build();
        Relation decoded = (Relation) decoder.decode(bytes);
        assertEquals("схема", decoded.namespace());
        assertEquals("Zamówienia \"2024\" 📦", decoded.name());
        assertEquals(List.of("número", "键"), decoded.columns().stream().map(RelationColumn::name).toList());
        assertEquals(ReplicaIdentity.INDEX, decoded.replicaIdentity());
    }

    @ParameterizedTest
    @CsvSource({"d, DEFAULT", "n, NOTHING", "f, FULL", "i, INDEX"})
    void replicaIdentities(char code, ReplicaIdentity expected) {
        byte[] bytes = message('R').int32(1).string("s").string("t").int8(code).int16(0).build();
        Relation decoded = (Relation) decoder.decode(bytes);
        assertEquals(expected, decoded.replicaIdentity());
        assertEquals(code, expected.code());
    }

    @Test
    void unknownReplicaIdentity() {
        byte[] bytes = message('R').int32(1).string("s").string("t").int8('x').int16(0).build();
        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> decoder.decode(bytes));
        assertEquals("malformed pgoutput Relation: unknown replica identity 'x' (0x78) at offset 9", e.getMessage());
    }

    @Test
    void catalogRelationHasEmptyNamespaceAndNoColumns() {
        byte[] bytes = message('R').int32(1259).string("").string("pg_class").int8('n').int16(0).build();
        Relation decoded = (Relation) decoder.decode(bytes);
        assertEquals("", decoded.namespace());
        assertEquals(List.of(), decoded.columns());
    }

    @Test
    void oidsAboveTwoToTheThirtyOneStayExact() {
        // Oids are unsigned; one past 2^31 arrives as a negative int and must survive unchanged.
        byte[] bytes = message('R').int32(0x8000_0001).string("s").string("t").int8('d').int16(1)
                .int8(0).string("c").int32(0xFFFF_FFF0).int32(-1).build();
        Relation decoded = (Relation) decoder.decode(bytes);
        assertEquals("2147483649", Integer.toUnsignedString(decoded.oid()));
        assertEquals("4294967280", Integer.toUnsignedString(decoded.columns().get(0).typeOid()));
    }

    @Test
    void columnFlagsKeepUnknownBits() {
        byte[] bytes = message('R').int32(1).string("s").string("t").int8('d').int16(1)
                .int8(0x83).string("c").int32(23).int32(-1).build();
        RelationColumn column = ((Relation) decoder.decode(bytes)).columns().get(0);
        assertEquals(0x83, column.flags());
        assertTrue(column.isKey());
    }

    @Test
    void relationWithFewerColumnsThanAnnounced() {
        byte[] bytes = message('R').int32(1).string("s").string("t").int8('d').int16(2)
                .int8(0).string("c").int32(23).int32(-1).build();
        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> decoder.decode(bytes));
        assertEquals("malformed pgoutput Relation: truncated at column flags: needs 1 byte(s) at offset 23, only 0 left"
                + " (message length 23)", e.getMessage());
    }

    @Test
    void type() {
        byte[] bytes = message('Y').int32(16500).string("public").string("mood").build();
        assertEquals(new Type(16500, "public", "mood"), decoder.decode(bytes));
    }

    @Test
    void typeWithMultiByteNameInCatalog() {
        byte[] bytes = message('Y').int32(16501).string("").string("humör").build();
        assertEquals(new Type(16501, "", "humör"), decoder.decode(bytes));
    }
}

package io.snapclone.pg.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapclone.pg.TableId;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

class ChunkTest {
    private static final TableId ORDERS = new TableId("public", "orders");

    @Test
    void encodeAllRoundTripsHostileNames() {
        List<Chunk> chunks = List.of(
                new Chunk(new TableId("public", "orders"), 0, 100),
                new Chunk(new TableId("my schema", "my \"quoted\" table"), 100, Chunk.OPEN),
                new Chunk(new TableId("a.b", "c.d.e"), 5, 6),
                new Chunk(new TableId("comma,schema", "colon:table"), 0, Chunk.OPEN),
                new Chunk(new TableId("100%", "%41%2e%"), 7, 9),
                new Chunk(new TableId("żółw", "日本語🐘"), 0, 1),
                new Chunk(new TableId("tab\tand\nnewline", "it's"), 0, Chunk.OPEN),
                new Chunk(new TableId("-", "\\back\\slash"), 1, Chunk.OPEN),
                new Chunk(new TableId("", "empty schema name"), 0, Chunk.OPEN));
        String encoded = Chunk.encodeAll(chunks);
        assertEquals(chunks, Chunk.decodeAll(encoded));
    }

    @Test
    void encodedFormKeepsSeparatorsOutOfNames() {
        String encoded = Chunk.encodeAll(List.of(new Chunk(new TableId("a.b,c", "d:e%"), 3, Chunk.OPEN)));
        assertEquals("a%2eb%2cc.d%3ae%25:3:-1", encoded);
    }

    @Test
    void plainNamesStayReadable() {
        String encoded = Chunk.encodeAll(List.of(new Chunk(ORDERS, 0, 10), Chunk.whole(new TableId("s", "t"))));
        assertEquals("public.orders:0:10,s.t:0:-1", encoded);
    }

    @Test
    void emptyList() {
        assertEquals("", Chunk.encodeAll(List.of()));
        assertEquals(List.of(), Chunk.decodeAll(""));
        assertEquals(List.of(), Chunk.decodeAll(null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"public.orders:0", "public.orders:0:1:2", "orders:0:1", "a.b.c:0:1", "public.orders:x:1"})
    void malformedEncodingIsRejected(String encoded) {
        assertThrows(IllegalArgumentException.class, () -> Chunk.decodeAll(encoded));
    }

    @Test
    void decodedChunksAreValidated() {
        assertThrows(IllegalArgumentException.class, () -> Chunk.decodeAll("public.orders:5:5"));
    }

    @Test
    void wholeTableHasNoPredicate() {
        Chunk whole = Chunk.whole(ORDERS);
        assertEquals(new Chunk(ORDERS, 0, Chunk.OPEN), whole);
        assertTrue(whole.isOpenEnded());
        assertEquals("", whole.ctidPredicate());
    }

    @Test
    void boundedChunkPredicate() {
        Chunk chunk = new Chunk(ORDERS, 100, 200);
        assertFalse(chunk.isOpenEnded());
        assertEquals("ctid >= '(100,0)'::tid AND ctid < '(200,0)'::tid", chunk.ctidPredicate());
    }

    @Test
    void boundedChunkFromBlockZeroStillHasAnUpperBound() {
        assertEquals("ctid < '(32768,0)'::tid", new Chunk(ORDERS, 0, 32768).ctidPredicate());
    }

    @Test
    void openEndedTailPredicate() {
        assertEquals("ctid >= '(4096,0)'::tid", new Chunk(ORDERS, 4096, Chunk.OPEN).ctidPredicate());
    }

    @Test
    void toStringShowsTheRange() {
        assertEquals("public.orders[0..10)", new Chunk(ORDERS, 0, 10).toString());
        assertEquals("public.orders[10..end)", new Chunk(ORDERS, 10, Chunk.OPEN).toString());
    }

    @ParameterizedTest(name = "[{0}, {1})")
    @CsvSource({"-1, 10", "-5, -1", "10, 10", "10, 9", "0, 0", "0, -2"})
    void invalidRangesAreRejected(long start, long end) {
        assertThrows(IllegalArgumentException.class, () -> new Chunk(ORDERS, start, end));
    }

    @Test
    void tableIsRequired() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> new Chunk(null, 0, 1));
        assertEquals("table is null", e.getMessage());
    }

    @Test
    void resumingAfterARowStartsRightAfterItsCtid() {
        assertEquals("ctid > '(150,3)'::tid AND ctid < '(200,0)'::tid",
                new Chunk(ORDERS, 100, 200).ctidPredicate(new Ctid(150, 3)));
        assertEquals("ctid > '(7,12)'::tid", Chunk.whole(ORDERS).ctidPredicate(new Ctid(7, 12)));
    }

    @Test
    void ctidsParseAndPrintAsPostgresDoes() {
        assertEquals(new Ctid(4294967295L, 65535), Ctid.parse("(4294967295,65535)"));
        assertEquals("(12,3)", Ctid.parse("(12,3)").toString());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Ctid.parse("(1,2); DROP"));
    }
}

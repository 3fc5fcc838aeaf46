package io.snapclone.pg.pgoutput;

import static io.snapclone.pg.pgoutput.TestingBytes.message;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapclone.pg.pgoutput.ColumnValue.Binary;
import io.snapclone.pg.pgoutput.ColumnValue.Text;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

/** Insert, Update, Delete, Truncate and the TupleData they carry, byte by byte. */
class ChangeMessagesTest {
    private final PgOutputDecoder decoder = new PgOutputDecoder();

    @Test
    void insertWithEveryKindOfValue() {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 0, 0, (byte) 0xFF};
        byte[] bytes = message('I')
                .int32(16384)
                .int8('N')
                .columns(6)
                .text("42")
                .nullValue()
                .unchangedToast()
                .binary(png)
                .text("") // an empty string, not NULL
                .text("grüße 🌍\nline two\ttab")
                .build();
        Insert decoded = (Insert) decoder.decode(bytes);
        assertEquals(new Insert(16384, TupleData.of(new Text("42"), ColumnValue.NULL,
                ColumnValue.UNCHANGED_TOAST, new Binary(png), new Text(""), new Text("grüße 🌍\nline two\ttab"))),
                decoded);
        assertArrayEquals(png, ((Binary) decoded.newTuple().get(3)).bytes());
        assertNotEquals(ColumnValue.NULL, decoded.newTuple().get(4));
    }

    @Test
    void insertWithNoColumns() {
        byte[] bytes = message('I').int32(16384).int8('N').columns(0).build();
        assertEquals(new Insert(16384, TupleData.of()), decoder.decode(bytes));
    }

    @Test
    void textIsReadInPlaceFromHeapAndDirectBuffersAlike() {
        // A real U+FFFD is valid UTF-8: the strict second look must accept it, not call it malformed.
        byte[] bytes = message('I').int32(1).int8('N').columns(2).text("a\uFFFDb").text("\\x00ff").build();
        TupleData expected = TupleData.of(new Text("a\uFFFDb"), new Text("\\x00ff"));
        assertEquals(expected, ((Insert) decoder.decode(bytes)).newTuple());
        ByteBuffer direct = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
        assertEquals(expected, ((Insert) decoder.decode(direct)).newTuple());
        // A message that starts inside a larger array (as a reused read buffer would hold it).
        ByteBuffer offset = ByteBuffer.allocate(bytes.length + 3).position(3).put(bytes).position(3).slice();
        assertEquals(expected, ((Insert) decoder.decode(offset)).newTuple());
    }

    @Test
    void textLengthCountsBytesNotCharacters() {
        // "żółw" is 4 characters and 7 bytes.
        byte[] bytes = message('I').int32(1).int8('N').columns(2).text("żółw").text("x").build();
        Insert decoded = (Insert) decoder.decode(bytes);
        assertEquals(TupleData.of(new Text("żółw"), new Text("x")), decoded.newTuple());
    }

    @Test
    void insertNeedsTheNewTupleMarker() {
        byte[] bytes = message('I').int32(1).int8('O').columns(0).build();
        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> decoder.decode(bytes));
        assertEquals("malformed pgoutput Insert: expected 'N' at offset 5, found 'O' (0x4F)", e.getMessage());
    }

    @Test
    void updateWithoutOldValues() {
        byte[] bytes = message('U').int32(16384).int8('N').columns(2).text("1").unchangedToast().build();
        assertEquals(new Update(16384, Optional.empty(),
                TupleData.of(new Text("1"), ColumnValue.UNCHANGED_TOAST)), decoder.decode(bytes));
    }

    @Test
    void updateWithOldKey() {
        // The key changed from 1 to 2: 'K' carries the old key, other columns as NULL.
        byte[] bytes = message('U')
                .int32(16384)
                .int8('K').columns(2).text("1").nullValue()
                .int8('N').columns(2).text("2").text("b")
                .build();
        Update decoded = (Update) decoder.decode(bytes);
        assertEquals(Optional.of(new OldTuple(OldTuple.Kind.KEY, TupleData.of(new Text("1"), ColumnValue.NULL))),
                decoded.oldTuple());
        assertEquals(TupleData.of(new Text("2"), new Text("b")), decoded.newTuple());
    }

    @Test
    void updateWithOldFullTuple() {
        byte[] bytes = message('U')
                .int32(16384)
                .int8('O').columns(3).text("1").text("a").nullValue()
                .int8('N').columns(3).text("1").text("b").text("now set")
                .build();
        Update decoded = (Update) decoder.decode(bytes);
        assertEquals(new OldTuple(OldTuple.Kind.FULL, TupleData.of(new Text("1"), new Text("a"), ColumnValue.NULL)),
                decoded.oldTuple().orElseThrow());
        assertEquals(TupleData.of(new Text("1"), new Text("b"), new Text("now set")), decoded.newTuple());
    }

    @Test
    void updateRejectsAnUnknownMarker() {
        byte[] bytes = message('U').int32(1).int8('X').columns(0).build();
        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> decoder.decode(bytes));
        assertEquals("malformed pgoutput Update: expected 'N', 'K' or 'O' at offset 5, found 'X' (0x58)",
                e.getMessage());
    }

    @Test
    void updateRejectsTwoOldTuples() {
        // The docs: either 'K' or 'O' or neither, never both.
        byte[] bytes = message('U').int32(1).int8('K').columns(0).int8('O').columns(0).int8('N').columns(0).build();
        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> decoder.decode(bytes));
        assertEquals("malformed pgoutput Update: expected 'N' at offset 8, found 'O' (0x4F)", e.getMessage());
    }

    @Test
    void deleteWithOldKey() {
        byte[] bytes = message('D').int32(16384).int8('K').columns(2).text("7").nullValue().build();
        assertEquals(new Delete(16384,
                new OldTuple(OldTuple.Kind.KEY, TupleData.of(new Text("7"), ColumnValue.NULL))), decoder.decode(bytes));
    }

    @Test
    void deleteWithOldFullTuple() {
        byte[] bytes = message('D').int32(16384).int8('O').columns(3).text("7").binary(new byte[] {1})
                .unchangedToast().build();
        Delete decoded = (Delete) decoder.decode(bytes);
        assertEquals(OldTuple.Kind.FULL, decoded.oldTuple().kind());
        assertEquals(TupleData.of(new Text("7"), new Binary(new byte[] {1}), ColumnValue.UNCHANGED_TOAST),
                decoded.oldTuple().tuple());
    }

    @Test
    void deleteNeedsAnOldTuple() {
        byte[] bytes = message('D').int32(16384).int8('N').columns(0).build();
        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> decoder.decode(bytes));
        assertEquals("malformed pgoutput Delete: expected 'K' or 'O' at offset 5, found 'N' (0x4E)", e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({"0, false, false", "1, true, false", "2, false, true", "3, true, true"})
    void truncateOptions(int options, boolean cascade, boolean restartIdentity) {
        byte[] bytes = message('T').int32(1).int8(options).int32(16384).build();
        Truncate decoded = (Truncate) decoder.decode(bytes);
        assertEquals(options, decoded.options());
        assertEquals(cascade, decoded.cascade());
        assertEquals(restartIdentity, decoded.restartIdentity());
    }

    @Test
    void truncateOfSeveralRelations() {
        byte[] bytes = message('T')
                .int32(3) // relations
                .int8(Truncate.CASCADE | Truncate.RESTART_IDENTITY)
                .int32(16384).int32(16390).int32(0xFFFF_FFFE)
                .build();
        Truncate decoded = (Truncate) decoder.decode(bytes);
        assertEquals(new Truncate(3, List.of(16384, 16390, 0xFFFF_FFFE)), decoded);
        assertTrue(decoded.cascade());
        assertTrue(decoded.restartIdentity());
    }

    @Test
    void truncateWithFewerRelationsThanAnnounced() {
        byte[] bytes = message('T').int32(3).int8(0).int32(16384).int32(16390).build();
        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> decoder.decode(bytes));
        assertEquals("malformed pgoutput Truncate: truncated at relation oid: needs 4 byte(s) at offset 14, only 0 left"
                + " (message length 14)", e.getMessage());
    }

    @Test
    void unknownColumnKind() {
        byte[] bytes = message('I').int32(1).int8('N').columns(2).text("a").int8('x').build();
        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> decoder.decode(bytes));
        assertEquals("malformed pgoutput Insert: unknown kind 'x' (0x78) of column 1 at offset 14"
                + " (expected 'n', 'u', 't' or 'b')", e.getMessage());
    }

    @Test
    void binaryValuesAreCopiedAndComparedByValue() {
        byte[] bytes = {1, 2};
        Binary value = new Binary(bytes);
        bytes[0] = 9;
        value.bytes()[1] = 9;
        assertArrayEquals(new byte[] {1, 2}, value.bytes());
        assertEquals(new Binary(new byte[] {1, 2}), value);
        assertEquals(new Binary(new byte[] {1, 2}).hashCode(), value.hashCode());
        assertFalse(value.equals(new Binary(new byte[] {1, 2, 3})));
        assertEquals(2, value.length());
    }
}

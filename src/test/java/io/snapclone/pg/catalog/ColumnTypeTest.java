package io.snapclone.pg.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.snapclone.pg.value.ValueKind;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

/** From what the catalog query returns to a column type: kinds, typmods, enums, arrays, extension types. */
class ColumnTypeTest {
    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', textBlock = """
            1266 | timetz      | TIMETZ
            1186 | interval    | INTERVAL
            790  | money       | MONEY
            142  | xml         | XML
            869  | inet        | TEXT
            650  | cidr        | TEXT
            829  | macaddr     | TEXT
            774  | macaddr8    | TEXT
            600  | point       | POINT
            26   | oid         | INT64
            3220 | pg_lsn      | TEXT
            5069 | xid8        | INT64
            3614 | tsvector    | TSVECTOR
            3615 | tsquery     | TEXT
            3912 | daterange   | TEXT
            601  | lseg        | UNKNOWN
            22   | int2vector  | UNKNOWN
            """)
    void builtInTypesByOid(int oid, String typname, ValueKind kind) {
        assertEquals(kind, ColumnType.of(oid, typname, 'b', typname, -1, List.of()).kind());
    }

    @ParameterizedTest(name = "{0} oid {1}")
    @CsvSource(delimiter = '|', textBlock = """
            citext   | 16390      | TEXT
            ltree    | 24601      | LTREE
            hstore   | 16500      | HSTORE
            hstore   | -1294967296 | HSTORE
            geometry | 16400      | UNKNOWN
            hstore   | 25         | TEXT
            ltree    | 1000       | UNKNOWN
            """)
    void extensionTypesByNameOutsideTheBuiltInRange(String typname, int oid, ValueKind kind) {
        // -1294967296 is oid 3000000000 read into an int; a built-in oid never takes an extension's name.
        assertEquals(kind, ColumnType.of(oid, typname, 'b', typname, -1, List.of()).kind());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            bit(1)            | 1560 | 1  | BIT  | 1
            bit(8)            | 1560 | 8  | BITS | 8
            bit varying(1)    | 1562 | 1  | BIT  | 1
            bit varying(64)   | 1562 | 64 | BITS | 64
            bit varying       | 1562 | -1 | BITS | 2147483647
            """)
    void bitStringsByLength(String name, int oid, int typmod, ValueKind kind, int length) {
        ColumnType type = ColumnType.of(oid, name, typmod);
        assertEquals(kind, type.kind());
        assertEquals(length, type.precision());
    }

    @Test
    void numericTypmodGivesPrecisionAndScale() {
        ColumnType type = ColumnType.of(1700, "numeric(10,2)", ((10 << 16) | 2) + 4);
        assertEquals(10, type.precision());
        assertEquals(2, type.scale());
        assertEquals(false, ColumnType.of(1700, "numeric", -1).hasFixedScale());
    }

    @Test
    void enumKeepsItsLabelsInOrder() {
        ColumnType type = ColumnType.of(16400, "mood", 'e', "mood", -1, List.of("sad", "ok", "happy"));
        assertEquals(ValueKind.ENUM, type.kind());
        assertEquals(List.of("sad", "ok", "happy"), type.enumLabels());
        assertEquals(List.of(), ColumnType.of(16401, "empty", 'e', "empty", -1, List.of()).enumLabels());
    }

    @Test
    void arraysTakeTheirElementWithTheColumnTypmod() {
        ColumnType element = ColumnType.of(1700, "numeric", 'b', "numeric(10,2)[]", ((10 << 16) | 2) + 4, List.of());
        ColumnType array = ColumnType.arrayOf(1231, "numeric(10,2)[]", element, 1);
        assertEquals(ValueKind.ARRAY, array.kind());
        assertEquals(2, array.element().scale());

        ColumnType enumArray = ColumnType.arrayOf(16402, "mood[]",
                ColumnType.of(16400, "mood", 'e', "mood[]", -1, List.of("sad", "happy")), 0);
        assertEquals(List.of("sad", "happy"), enumArray.element().enumLabels());
    }

    @Test
    void multiDimensionalAndUnknownElementArraysTravelAsText() {
        ColumnType int4 = ColumnType.of(23, "integer[]", -1);
        ColumnType matrix = ColumnType.arrayOf(1007, "integer[]", int4, 2);
        assertEquals(ValueKind.UNKNOWN, matrix.kind());
        assertNull(matrix.element());
        ColumnType boxes = ColumnType.arrayOf(1020, "box[]", ColumnType.of(603, "box[]", -1), 1);
        assertEquals(ValueKind.UNKNOWN, boxes.kind());
    }

    @Test
    void inconsistentTypesAreRejected() {
        ColumnType int4 = ColumnType.of(23, "integer", -1);
        assertThrows(IllegalArgumentException.class,
                () -> new ColumnType(1007, "integer[]", ValueKind.ARRAY, -1, -1, null, List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> new ColumnType(23, "integer", ValueKind.INT32, -1, -1, int4, List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> new ColumnType(23, "integer", ValueKind.INT32, -1, -1, null, List.of("a")));
    }

    @org.junit.jupiter.api.Test
    void numericScalesOutsideZeroToPrecisionBecomeAnExactValidDecimal() {
        // typmod = ((precision << 16) | (scale & 0x7ff)) + 4, as PostgreSQL 15+ packs it.
        ColumnType negative = ColumnType.of(1700, "numeric(5,-2)", ((5 << 16) | (-2 & 0x7ff)) + 4);
        org.junit.jupiter.api.Assertions.assertEquals(7, negative.precision());
        org.junit.jupiter.api.Assertions.assertEquals(0, negative.scale());
        ColumnType small = ColumnType.of(1700, "numeric(2,5)", ((2 << 16) | 5) + 4);
        org.junit.jupiter.api.Assertions.assertEquals(5, small.precision());
        org.junit.jupiter.api.Assertions.assertEquals(5, small.scale());
        ColumnType usual = ColumnType.of(1700, "numeric(12,2)", ((12 << 16) | 2) + 4);
        org.junit.jupiter.api.Assertions.assertEquals(12, usual.precision());
        org.junit.jupiter.api.Assertions.assertEquals(2, usual.scale());
    }
}

package io.snapclone.pg.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapclone.pg.TableId;

import org.junit.jupiter.api.Test;

import java.util.List;

/** Selecting columns and overriding the key, before anything reads the table. */
class TableSchemaTest {
    private static final ColumnType INT4 = ColumnType.of(23, "integer", -1);
    private static final TableSchema TABLE = new TableSchema(new TableId("public", "t"),
            List.of(new Column("id", INT4, false), new Column("a", INT4, true), new Column("b", INT4, true)),
            List.of("id"));

    @Test
    void selectKeepsTableOrder() {
        TableSchema selected = TABLE.select(c -> !c.name().equals("a"));
        assertEquals(List.of("id", "b"), selected.columns().stream().map(Column::name).toList());
        assertEquals(List.of("id"), selected.keyColumns());
        assertSame(TABLE, TABLE.select(c -> true));
    }

    @Test
    void selectMayNotDropAKeyColumnOrEveryColumn() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TABLE.select(c -> !c.name().equals("id")));
        assertTrue(e.getMessage().contains("[id]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TABLE.withKey(List.of()).select(c -> false));
    }

    @Test
    void withKeyReplacesTheKey() {
        assertEquals(List.of("b", "a"), TABLE.withKey(List.of("b", "a")).keyColumns());
        assertThrows(IllegalArgumentException.class, () -> TABLE.withKey(List.of("nope")));
    }

    @Test
    void temporalTypesKeepTheirDeclaredPrecision() {
        assertEquals(3, ColumnType.of(1114, "timestamp(3) without time zone", 3).precision());
        assertEquals(0, ColumnType.of(1083, "time(0) without time zone", 0).precision());
        assertEquals(ColumnType.UNSPECIFIED, ColumnType.of(1114, "timestamp without time zone", -1).precision());
    }
}

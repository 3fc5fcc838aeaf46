package io.snapclone.pg.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.snapclone.pg.TableId;
import io.snapclone.pg.catalog.Column;
import io.snapclone.pg.catalog.ColumnType;
import io.snapclone.pg.catalog.TableSchema;

import org.junit.jupiter.api.Test;

import java.util.List;

/** COPY reads exactly the columns of the schema it is given: a selection leaves the others unread. */
class ChunkReaderTest {
    @Test
    void copySelectsOnlyTheSchemasColumns() {
        ColumnType int4 = ColumnType.of(23, "integer", -1);
        TableSchema table = new TableSchema(new TableId("public", "t"), List.of(new Column("id", int4, false),
                new Column("secret", int4, true), new Column("Name", int4, true)), List.of("id"));
        TableSchema selected = table.select(c -> !c.name().equals("secret"));
        assertEquals("COPY (SELECT ctid, \"id\", \"Name\" FROM \"public\".\"t\") TO STDOUT",
                ChunkReader.copySql(selected, Chunk.whole(table.id()), null));
    }

    @Test
    void aPartitionIsReadWithItsRootsColumnsByName() {
        ColumnType int4 = ColumnType.of(23, "integer", -1);
        TableSchema root = new TableSchema(new TableId("public", "orders"), List.of(new Column("id", int4, false),
                new Column("part", int4, false)), List.of("id", "part"));
        assertEquals("COPY (SELECT ctid, \"id\", \"part\" FROM \"public\".\"orders_p1\" WHERE ctid >= '(8,0)'::tid) "
                + "TO STDOUT", ChunkReader.copySql(root, new Chunk(new TableId("public", "orders_p1"), 8, Chunk.OPEN), null));
    }
}

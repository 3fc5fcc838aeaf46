package io.snapclone.pg.snapshot;

import static java.util.Objects.requireNonNull;

import io.snapclone.pg.Identifiers;
import io.snapclone.pg.catalog.Column;
import io.snapclone.pg.catalog.TableSchema;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.stream.Collectors;

/**
 * Streams the rows of one chunk with {@code COPY (SELECT ctid, ...) TO STDOUT}: one row in memory
 * at a time, however large the chunk. Each row's ctid says where to resume after a restart.
 */
public final class ChunkReader implements AutoCloseable {
    private final CopyOut copy;
    private final int fields;
    private long rows;
    private int lastRowBytes;

    private ChunkReader(CopyOut copy, int fields) {
        this.copy = copy;
        this.fields = fields;
    }

    /** @param resumeAfter the last row already sent, or null to read the whole chunk */
    public static ChunkReader open(Connection connection, TableSchema schema, Chunk chunk, Ctid resumeAfter)
            throws SQLException {
        requireNonNull(schema, "schema is null");
        requireNonNull(chunk, "chunk is null");
        CopyOut copy = connection.unwrap(PGConnection.class).getCopyAPI()
                .copyOut(copySql(schema, chunk, resumeAfter));
        return new ChunkReader(copy, schema.columns().size() + 1);
    }

    /**
     * Reads {@code chunk.table()} with the columns of {@code schema} by name: the schema may be a
     * partition's root, whose columns a partition has by the same names though maybe in another
     * order (a table created apart and attached, or with dropped columns).
     */
    static String copySql(TableSchema schema, Chunk chunk, Ctid resumeAfter) {
        String columns = schema.columns().stream().map(Column::name).map(Identifiers::quote)
                .collect(Collectors.joining(", "));
        String predicate = chunk.ctidPredicate(resumeAfter);
        return "COPY (SELECT ctid, " + columns + " FROM " + chunk.table().quoted()
                + (predicate.isEmpty() ? "" : " WHERE " + predicate) + ") TO STDOUT";
    }

    /**
     * The next row, or {@code null} when the chunk is exhausted: index 0 holds the row's ctid,
     * then the columns' fields in table order ({@code null} for NULL).
     */
    public String[] next() throws SQLException {
        byte[] row = copy.readFromCopy();
        if (row == null) {
            return null;
        }
        rows++;
        lastRowBytes = row.length;
        return CopyTextParser.parse(row, fields);
    }

    public long rowsRead() {
        return rows;
    }

    /** Size of the last row as COPY sent it. */
    public int lastRowBytes() {
        return lastRowBytes;
    }

    /** Abandons an unfinished COPY so that the session can be used or closed cleanly. */
    @Override
    public void close() throws SQLException {
        if (copy.isActive()) {
            copy.cancelCopy();
        }
    }
}

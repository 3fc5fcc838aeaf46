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
 * Streams the rows of one chunk with {@code COPY (SELECT ...) TO STDOUT}: one row in memory at a
 * time, however large the chunk.
 */
public final class ChunkReader implements AutoCloseable {
    private final CopyOut copy;
    private final int fields;
    private long rows;

    private ChunkReader(CopyOut copy, int fields) {
        this.copy = copy;
        this.fields = fields;
    }

    public static ChunkReader open(Connection connection, TableSchema schema, Chunk chunk) throws SQLException {
        requireNonNull(schema, "schema is null");
        requireNonNull(chunk, "chunk is null");
        CopyOut copy = connection.unwrap(PGConnection.class).getCopyAPI().copyOut(copySql(schema, chunk));
        return new ChunkReader(copy, schema.columns().size());
    }

    static String copySql(TableSchema schema, Chunk chunk) {
        String columns = schema.columns().stream().map(Column::name).map(Identifiers::quote)
                .collect(Collectors.joining(", "));
        String predicate = chunk.ctidPredicate();
        return "COPY (SELECT " + columns + " FROM " + schema.id().quoted()
                + (predicate.isEmpty() ? "" : " WHERE " + predicate) + ") TO STDOUT";
    }

    /** The next row's fields in column order, or {@code null} when the chunk is exhausted. */
    public String[] next() throws SQLException {
        byte[] row = copy.readFromCopy();
        if (row == null) {
            return null;
        }
        rows++;
        return CopyTextParser.parse(row, fields);
    }

    public long rowsRead() {
        return rows;
    }

    /** Abandons an unfinished COPY so that the session can be used or closed cleanly. */
    @Override
    public void close() throws SQLException {
        if (copy.isActive()) {
            copy.cancelCopy();
        }
    }
}

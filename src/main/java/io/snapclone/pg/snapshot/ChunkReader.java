package io.snapclone.pg.snapshot;

import static java.util.Objects.requireNonNull;

import io.snapclone.pg.Identifiers;
import io.snapclone.pg.catalog.Column;
import io.snapclone.pg.catalog.TableSchema;

import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.stream.Collectors;

/**
 * Streams the rows of one chunk with {@code COPY (SELECT ctid, ...) TO STDOUT}: one row in memory
 * at a time, however large the chunk. Each row's ctid says where to resume after a restart.
 *
 * <p>The COPY runs under a savepoint of the session's snapshot transaction: a COPY abandoned
 * midway (a task stopping) is cancelled, which is an error, and the savepoint keeps that error
 * from ending the transaction, so the snapshot stays held, and importable through the ids the
 * session exported, for whoever starts next.
 */
public final class ChunkReader implements AutoCloseable {
    private static final String SAVEPOINT = "snapclone_chunk";

    private final Connection connection;
    private final CopyOut copy;
    private final int fields;
    private long rows;
    private int lastRowBytes;
    private boolean savepointOpen = true;

    private ChunkReader(Connection connection, CopyOut copy, int fields) {
        this.connection = connection;
        this.copy = copy;
        this.fields = fields;
    }

    /** @param resumeAfter the last row already sent, or null to read the whole chunk */
    public static ChunkReader open(Connection connection, TableSchema schema, Chunk chunk, Ctid resumeAfter)
            throws SQLException {
        requireNonNull(schema, "schema is null");
        requireNonNull(chunk, "chunk is null");
        execute(connection, "SAVEPOINT " + SAVEPOINT);
        CopyOut copy = connection.unwrap(PGConnection.class).getCopyAPI()
                .copyOut(copySql(schema, chunk, resumeAfter));
        return new ChunkReader(connection, copy, schema.columns().size() + 1);
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
            endSavepoint("RELEASE SAVEPOINT ");
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

    /** Abandons an unfinished COPY so that the session can be used, or held, or closed cleanly. */
    @Override
    public void close() throws SQLException {
        if (copy.isActive()) {
            copy.cancelCopy();
        }
        endSavepoint("ROLLBACK TO SAVEPOINT ");
    }

    private void endSavepoint(String command) throws SQLException {
        if (savepointOpen) {
            savepointOpen = false;
            execute(connection, command + SAVEPOINT);
        }
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}

package io.snapclone.pg.catalog;

import static java.util.Objects.requireNonNull;

import io.snapclone.pg.TableId;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/** Reads tables, columns and keys from the system catalogs of one session. */
public final class Catalog {
    private static final String TABLES = """
            SELECT n.nspname, c.relname,
                   GREATEST(c.relpages, 0)::bigint * current_setting('block_size')::bigint,
                   pg_catalog.has_table_privilege(c.oid, 'SELECT')
            FROM pg_catalog.pg_class c
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind = 'r'
              AND n.nspname NOT IN ('pg_catalog', 'information_schema')
              AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
            ORDER BY n.nspname, c.relname""";
    // Tables and partitioned tables, each partition with its ancestors, nearest first.
    private static final String RELATIONS = """
            SELECT n.nspname, c.relname,
                   GREATEST(c.relpages, 0)::bigint * current_setting('block_size')::bigint,
                   pg_catalog.has_table_privilege(c.oid, 'SELECT'), c.relkind = 'p',
                   ARRAY(SELECT an.nspname
                         FROM pg_catalog.pg_partition_ancestors(c.oid) WITH ORDINALITY AS x(relid, ord)
                         JOIN pg_catalog.pg_class ac ON ac.oid = x.relid
                         JOIN pg_catalog.pg_namespace an ON an.oid = ac.relnamespace
                         WHERE c.relispartition AND x.relid <> c.oid ORDER BY x.ord),
                   ARRAY(SELECT ac.relname
                         FROM pg_catalog.pg_partition_ancestors(c.oid) WITH ORDINALITY AS x(relid, ord)
                         JOIN pg_catalog.pg_class ac ON ac.oid = x.relid
                         WHERE c.relispartition AND x.relid <> c.oid ORDER BY x.ord)
            FROM pg_catalog.pg_class c
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p')
              AND n.nspname NOT IN ('pg_catalog', 'information_schema')
              AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
            ORDER BY n.nspname, c.relname""";
    // Generated columns: pgoutput sends STORED ones only since PostgreSQL 18 (where the publication
    // says publish_generated_columns = stored), and VIRTUAL ones never; the snapshot reads what the
    // stream will send, so that both produce one schema (see docs/types.md, "Generated columns").
    // Domains resolve to their base type, however deeply they nest. A true array (not int2vector and
    // the like, whose typcategory is 'A' too) is the typarray of its element; the element is read as
    // it is (a domain element is left unknown). Enum labels come for an enum or an array of one.
    private static final String COLUMNS = """
            WITH RECURSIVE base(attnum, typid, typmod) AS (
                SELECT a.attnum, a.atttypid, a.atttypmod
                FROM pg_catalog.pg_attribute a
                WHERE a.attrelid = ?::regclass AND a.attnum > 0 AND NOT a.attisdropped
              UNION ALL
                SELECT b.attnum, t.typbasetype, t.typtypmod
                FROM base b JOIN pg_catalog.pg_type t ON t.oid = b.typid
                WHERE t.typtype = 'd'
            )
            SELECT a.attname, b.typid, b.typmod, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull,
                   t.typname, t.typtype, a.attndims, e.oid, e.typname, e.typtype,
                   ARRAY(SELECT l.enumlabel FROM pg_catalog.pg_enum l
                         WHERE l.enumtypid = COALESCE(e.oid, t.oid) ORDER BY l.enumsortorder)
            FROM pg_catalog.pg_attribute a
            JOIN base b ON b.attnum = a.attnum
            JOIN pg_catalog.pg_type t ON t.oid = b.typid AND t.typtype <> 'd'
            LEFT JOIN pg_catalog.pg_type e ON t.typcategory = 'A' AND e.oid = t.typelem AND e.typarray = t.oid
            WHERE a.attrelid = ?::regclass
              AND (a.attgenerated = '' OR (a.attgenerated = 's' AND ?))
            ORDER BY a.attnum""";
    private static final String PRIMARY_KEY = """
            SELECT a.attname
            FROM pg_catalog.pg_index i
            CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
            JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
            WHERE i.indrelid = ?::regclass AND i.indisprimary
            ORDER BY k.ord""";

    // A type by oid and modifier, in the column layout of COLUMNS (no attribute: name and NOT NULL empty).
    private static final String TYPE = """
            WITH RECURSIVE base(typid, typmod) AS (
                SELECT ?::oid, ?::int
              UNION ALL
                SELECT t.typbasetype, t.typtypmod
                FROM base b JOIN pg_catalog.pg_type t ON t.oid = b.typid
                WHERE t.typtype = 'd'
            )
            SELECT NULL, b.typid, b.typmod, pg_catalog.format_type(?::oid, ?::int), NULL,
                   t.typname, t.typtype, ?::int, e.oid, e.typname, e.typtype,
                   ARRAY(SELECT l.enumlabel FROM pg_catalog.pg_enum l
                         WHERE l.enumtypid = COALESCE(e.oid, t.oid) ORDER BY l.enumsortorder)
            FROM base b
            JOIN pg_catalog.pg_type t ON t.oid = b.typid AND t.typtype <> 'd'
            LEFT JOIN pg_catalog.pg_type e ON t.typcategory = 'A' AND e.oid = t.typelem AND e.typarray = t.oid""";

    /** The major version whose pgoutput can publish stored generated columns. */
    public static final int STORED_GENERATED_STREAMED_SINCE = 18;

    private final Connection connection;

    public Catalog(Connection connection) {
        this.connection = requireNonNull(connection, "connection is null");
    }

    /**
     * Ordinary tables (partitions included, partitioned parents not) that the filter accepts, with
     * their size as the catalog last estimated it (VACUUM/ANALYZE): listing takes no table locks.
     */
    public List<TableInfo> tables(Predicate<TableId> filter) throws SQLException {
        List<TableInfo> tables = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(TABLES);
             ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                TableId id = new TableId(rs.getString(1), rs.getString(2));
                if (filter.test(id)) {
                    tables.add(new TableInfo(id, rs.getLong(3), rs.getBoolean(4)));
                }
            }
        }
        return tables;
    }

    /**
     * Every ordinary table and partitioned table, each partition with its ancestors: what
     * {@link CapturedTables} resolves the include and exclude lists against. Takes no table locks.
     */
    public List<CatalogTable> relations() throws SQLException {
        List<CatalogTable> relations = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(RELATIONS);
             ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                String[] schemas = (String[]) rs.getArray(6).getArray();
                String[] names = (String[]) rs.getArray(7).getArray();
                List<TableId> ancestors = new ArrayList<>();
                for (int i = 0; i < schemas.length; i++) {
                    ancestors.add(new TableId(schemas[i], names[i]));
                }
                relations.add(new CatalogTable(new TableInfo(new TableId(rs.getString(1), rs.getString(2)),
                        rs.getLong(3), rs.getBoolean(4)), rs.getBoolean(5), ancestors));
            }
        }
        return relations;
    }

    /**
     * The table's size on disk now. {@code pg_relation_size} needs a lock that waits behind an
     * exclusive one (ALTER TABLE...): after the session's lock_timeout, the catalog estimate.
     */
    public long currentSize(TableInfo table) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT pg_catalog.pg_relation_size(?::regclass)")) {
            statement.setString(1, table.id().quoted());
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            if ("55P03".equals(e.getSQLState()) && connection.getAutoCommit()) {
                return table.sizeBytes();
            }
            throw e;
        }
    }

    /**
     * The table's columns as both the snapshot and the stream carry them: generated columns only
     * where pgoutput sends them (stored ones, PostgreSQL 18 and later).
     */
    public TableSchema describe(TableId table) throws SQLException {
        return describe(table.quoted(), table).orElseThrow(() -> new SQLException("table " + table + " has no columns"));
    }

    /**
     * The table with this oid (an unsigned 32-bit value) as it is now, named {@code as}; empty if
     * no table has that oid any more (dropped).
     */
    public Optional<TableSchema> describe(int oid, TableId as) throws SQLException {
        return describe(Integer.toUnsignedString(oid), as);
    }

    /**
     * A type by its oid (a domain's own) and modifier, as a column declared with it and with
     * {@code dimensions} array dimensions would have; empty if no such type exists.
     */
    public Optional<ColumnType> type(int oid, int typmod, int dimensions) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(TYPE)) {
            String unsigned = Integer.toUnsignedString(oid);
            statement.setString(1, unsigned);
            statement.setInt(2, typmod);
            statement.setString(3, unsigned);
            statement.setInt(4, typmod);
            statement.setInt(5, dimensions);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() ? Optional.of(columnType(rs)) : Optional.empty();
            }
        }
    }

    /** @param regclass a quoted name or an oid, as {@code regclass} input takes it */
    private Optional<TableSchema> describe(String regclass, TableId table) throws SQLException {
        List<Column> columns = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(COLUMNS)) {
            // Untyped, so that regclass's own input reads it: a quoted name or an oid (a text cast takes names only).
            statement.setObject(1, regclass, Types.OTHER);
            statement.setObject(2, regclass, Types.OTHER);
            statement.setBoolean(3, storedGeneratedColumnsStreamed());
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    columns.add(new Column(rs.getString(1), columnType(rs), !rs.getBoolean(5)));
                }
            }
        }
        if (columns.isEmpty()) {
            return Optional.empty();
        }
        List<String> key = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(PRIMARY_KEY)) {
            statement.setObject(1, regclass, Types.OTHER);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    key.add(rs.getString(1));
                }
            }
        }
        return Optional.of(new TableSchema(table, columns, key));
    }

    private static ColumnType columnType(ResultSet rs) throws SQLException {
        int typmod = rs.getInt(3);
        String name = rs.getString(4);
        List<String> labels = List.of((String[]) rs.getArray(12).getArray());
        int elementOid = (int) rs.getLong(9); // oids are unsigned 32-bit
        if (rs.wasNull()) {
            return ColumnType.of((int) rs.getLong(2), rs.getString(6), rs.getString(7).charAt(0), name, typmod, labels);
        }
        ColumnType element = ColumnType.of(elementOid, rs.getString(10), rs.getString(11).charAt(0), name, typmod,
                labels);
        return ColumnType.arrayOf((int) rs.getLong(2), name, element, rs.getInt(8));
    }

    /** Whether pgoutput can send stored generated columns (PostgreSQL 18 and later). */
    public boolean storedGeneratedColumnsStreamed() throws SQLException {
        return connection.getMetaData().getDatabaseMajorVersion() >= STORED_GENERATED_STREAMED_SINCE;
    }

    /** The server's page size, needed to turn byte sizes into ctid block ranges. */
    public int blockSize() throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT current_setting('block_size')::int");
             ResultSet rs = statement.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }
}

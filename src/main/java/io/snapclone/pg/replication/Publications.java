package io.snapclone.pg.replication;

import static java.util.Objects.requireNonNull;

import io.snapclone.pg.Identifiers;
import io.snapclone.pg.TableId;
import io.snapclone.pg.catalog.Catalog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The publication a pgoutput slot streams: checked, or created for all or for the captured tables.
 * The name is always quoted or bound, so any PostgreSQL name works.
 */
public final class Publications {
    /** As Debezium's {@code publication.autocreate.mode}. */
    public enum Mode {
        /** The publication must exist. */
        DISABLED,
        /** {@code FOR ALL TABLES} (needs superuser). */
        ALL_TABLES,
        /** {@code FOR TABLE} the captured tables, kept to exactly those. */
        FILTERED
    }

    /**
     * A table PostgreSQL cannot log updates and deletes of: in a publication that publishes them,
     * the application's own UPDATE and DELETE on it would fail.
     */
    public record Unpublishable(TableId table, String reason) {
        public Unpublishable {
            requireNonNull(table, "table is null");
            requireNonNull(reason, "reason is null");
        }

        /** What the user can do about it, as SQL to run or a key to set. */
        public String fix() {
            return "add a primary key, or ALTER TABLE " + table.quoted() + " REPLICA IDENTITY USING INDEX <a unique "
                    + "index on NOT NULL columns>, or ALTER TABLE " + table.quoted() + " REPLICA IDENTITY FULL; or "
                    + "leave the table out with table.exclude.list";
        }

        @Override
        public String toString() {
            return table.qualifiedName() + " (" + reason + ")";
        }
    }

    // A primary key or replica identity index counts only if valid and immediate: the rules of
    // RelationGetIndexList, which decides what PostgreSQL logs as the old key.
    private static final String REPLICA_IDENTITIES = """
            SELECT n.nspname, c.relname, c.relreplident,
                   EXISTS (SELECT 1 FROM pg_catalog.pg_index i WHERE i.indrelid = c.oid AND i.indisprimary
                           AND i.indisvalid AND i.indimmediate),
                   EXISTS (SELECT 1 FROM pg_catalog.pg_index i WHERE i.indrelid = c.oid AND i.indisreplident
                           AND i.indisvalid AND i.indimmediate)
            FROM pg_catalog.pg_class c
            JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind = 'r'
              AND n.nspname NOT IN ('pg_catalog', 'information_schema')
              AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
            ORDER BY n.nspname, c.relname""";

    private Publications() {
    }

    /**
     * The value of pgoutput's {@code publication_names} option. PostgreSQL splits it as a list of
     * identifiers, folding unquoted ones to lower case and cutting at commas, so each name is
     * double-quoted, with an embedded {@code "} doubled.
     */
    public static String namesOption(List<String> names) {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("at least one publication name is needed");
        }
        for (String name : names) {
            if (name.isEmpty()) {
                throw new IllegalArgumentException("a publication name is empty");
            }
        }
        return names.stream().map(Identifiers::quote).collect(Collectors.joining(","));
    }

    /** Whether the table exists (and the user may see it in the catalog). */
    public static boolean tableExists(Connection connection, TableId table) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT pg_catalog.to_regclass(?) IS NOT NULL")) {
            statement.setString(1, table.quoted());
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    public static boolean exists(Connection connection, String name) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT 1 FROM pg_catalog.pg_publication WHERE pubname = ?")) {
            statement.setString(1, name);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** The tables of {@code tables} (all tables when null) that have no usable replica identity. */
    public static List<Unpublishable> unpublishable(Connection connection, Collection<TableId> tables)
            throws SQLException {
        Set<TableId> wanted = tables == null ? null : new HashSet<>(tables);
        List<Unpublishable> result = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(REPLICA_IDENTITIES);
             ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                TableId table = new TableId(rs.getString(1), rs.getString(2));
                if (wanted != null && !wanted.contains(table)) {
                    continue;
                }
                String reason = switch (rs.getString(3)) {
                    case "d" -> rs.getBoolean(4) ? null : "no primary key, and replica identity DEFAULT needs one";
                    case "n" -> "REPLICA IDENTITY NOTHING";
                    case "i" -> rs.getBoolean(5) ? null : "REPLICA IDENTITY USING INDEX, but that index is gone "
                            + "(or invalid)";
                    default -> null; // 'f': FULL logs the whole old row
                };
                if (reason != null) {
                    result.add(new Unpublishable(table, reason));
                }
            }
        }
        return result;
    }

    /**
     * Makes sure the publication exists as {@code mode} wants it. FILTERED publishes exactly
     * {@code tables}, which the caller has cleared of {@link #unpublishable} ones (it may be
     * empty); ALL_TABLES refuses to create a publication while any table lacks a replica identity.
     * A publication created or set here carries stored generated columns where the server can
     * (PostgreSQL 18+), as the snapshot reads them, and publishes partitions via their root as
     * {@code viaRoot} says.
     */
    public static void ensure(Connection connection, String name, Mode mode, List<TableId> tables, boolean viaRoot)
            throws SQLException {
        boolean exists = exists(connection, name);
        String quoted = Identifiers.quote(name);
        List<String> options = options(connection, viaRoot);
        try (Statement statement = connection.createStatement()) {
            switch (mode) {
                case DISABLED -> {
                    if (!exists) {
                        throw new SQLException("Publication " + name + " does not exist and publication.autocreate.mode "
                                + "is disabled: CREATE PUBLICATION " + quoted + " FOR TABLE ..., or set "
                                + "publication.autocreate.mode=filtered", "42704");
                    }
                }
                case ALL_TABLES -> {
                    if (!exists) {
                        List<Unpublishable> blocking = unpublishable(connection, null);
                        if (!blocking.isEmpty()) {
                            throw new SQLException("Will not create publication " + name + " FOR ALL TABLES: the "
                                    + "application's UPDATE and DELETE would then fail on " + blocking.size()
                                    + " table(s) without a replica identity: " + blocking + ". For each one, "
                                    + blocking.get(0).fix() + "; or use publication.autocreate.mode=filtered.", "55000");
                        }
                        statement.execute("CREATE PUBLICATION " + quoted + " FOR ALL TABLES" + with(options));
                    }
                }
                case FILTERED -> setTables(connection, statement, name, exists, tables, options);
            }
        }
    }

    /**
     * Makes sure a publication of inserts and truncates only exists and holds exactly
     * {@code tables} (possibly none). PostgreSQL can log inserts of a table without a replica
     * identity; only a publication of updates or deletes makes the application's UPDATE and DELETE
     * on it fail. A publication's {@code publish} option covers all its tables, hence one of its own.
     */
    public static void ensureInsertsOnly(Connection connection, String name, List<TableId> tables, boolean viaRoot)
            throws SQLException {
        List<String> options = new ArrayList<>(List.of("publish = 'insert, truncate'"));
        options.addAll(options(connection, viaRoot));
        try (Statement statement = connection.createStatement()) {
            setTables(connection, statement, name, exists(connection, name), tables, options);
        }
    }

    /**
     * Stored generated columns are published where the server can (PostgreSQL 18+), as the snapshot
     * reads them; changes of a partition under the topmost ancestor in the publication, or under
     * the partition itself, as {@code viaRoot} says.
     */
    private static List<String> options(Connection connection, boolean viaRoot) throws SQLException {
        List<String> options = new ArrayList<>();
        options.add("publish_via_partition_root = " + viaRoot);
        if (new Catalog(connection).storedGeneratedColumnsStreamed()) {
            options.add("publish_generated_columns = stored");
        }
        return options;
    }

    /** Whether an existing publication publishes partitions via their root; empty if there is no such publication. */
    public static java.util.Optional<Boolean> viaRoot(Connection connection, String name) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT pubviaroot FROM pg_catalog.pg_publication WHERE pubname = ?")) {
            statement.setString(1, name);
            try (ResultSet rs = statement.executeQuery()) {
                return rs.next() ? java.util.Optional.of(rs.getBoolean(1)) : java.util.Optional.empty();
            }
        }
    }

    private static String with(List<String> options) {
        return options.isEmpty() ? "" : " WITH (" + String.join(", ", options) + ")";
    }

    private static void setTables(Connection connection, Statement statement, String name, boolean exists,
                                  List<TableId> tables, List<String> options) throws SQLException {
        String quoted = Identifiers.quote(name);
        String tableList = tables.stream().map(TableId::quoted).collect(Collectors.joining(", "));
        if (!exists) {
            statement.execute("CREATE PUBLICATION " + quoted + (tables.isEmpty() ? "" : " FOR TABLE " + tableList)
                    + with(options));
            return;
        }
        if (!tables.isEmpty()) {
            statement.execute("ALTER PUBLICATION " + quoted + " SET TABLE " + tableList);
        } else {
            // SET TABLE needs at least one table: drop the ones it has instead.
            List<TableId> published = tables(connection, name, table -> true);
            if (!published.isEmpty()) {
                statement.execute("ALTER PUBLICATION " + quoted + " DROP TABLE "
                        + published.stream().map(TableId::quoted).collect(Collectors.joining(", ")));
            }
        }
        if (!options.isEmpty()) {
            statement.execute("ALTER PUBLICATION " + quoted + " SET (" + String.join(", ", options) + ")");
        }
    }

    /**
     * The tables of {@code tables} whose stored generated columns the snapshot reads (PostgreSQL
     * 18+) but the existing publication {@code name} would not send, lacking
     * {@code publish_generated_columns = stored}: their records would change schema at the handover.
     * Empty before 18, where neither carries them.
     */
    public static List<TableId> generatedColumnsUnpublished(Connection connection, String name,
                                                            Collection<TableId> tables) throws SQLException {
        if (!new Catalog(connection).storedGeneratedColumnsStreamed()) {
            return List.of();
        }
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT pubgencols = 's' FROM pg_catalog.pg_publication WHERE pubname = ?")) {
            statement.setString(1, name);
            try (ResultSet rs = statement.executeQuery()) {
                if (!rs.next() || rs.getBoolean(1)) {
                    return List.of();
                }
            }
        }
        Set<TableId> wanted = new HashSet<>(tables);
        List<TableId> result = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement("""
                SELECT DISTINCT n.nspname, c.relname
                FROM pg_catalog.pg_attribute a
                JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
                JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                WHERE a.attgenerated = 's' AND NOT a.attisdropped AND c.relkind = 'r'
                ORDER BY 1, 2""");
             ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                TableId table = new TableId(rs.getString(1), rs.getString(2));
                if (wanted.contains(table)) {
                    result.add(table);
                }
            }
        }
        return result;
    }

    /** The tables a publication publishes now, that {@code filter} accepts. */
    public static List<TableId> tables(Connection connection, String name, Predicate<TableId> filter)
            throws SQLException {
        List<TableId> tables = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement("SELECT schemaname, tablename "
                + "FROM pg_catalog.pg_publication_tables WHERE pubname = ? ORDER BY 1, 2")) {
            statement.setString(1, name);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    TableId table = new TableId(rs.getString(1), rs.getString(2));
                    if (filter.test(table)) {
                        tables.add(table);
                    }
                }
            }
        }
        return tables;
    }
}

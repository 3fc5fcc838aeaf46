package io.snapclone.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapclone.pg.TableId;
import io.snapclone.pg.catalog.Catalog;
import io.snapclone.pg.catalog.Column;
import io.snapclone.pg.replication.Publications;
import io.snapclone.testing.TestingPostgres;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/** Publications against a real server: hostile names, tables without a replica identity, generated columns. */
class PublicationsIT {
    private static final String HOSTILE = "My Pub, \"v2\"";
    private final TestingPostgres postgres = TestingPostgres.shared();

    @Test
    void aHostileNameIsCreatedAlteredFoundAndAcceptedByPgoutput() throws Exception {
        String db = postgres.createDatabase();
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE items (id int PRIMARY KEY)");
            statement.execute("CREATE TABLE others (id int PRIMARY KEY)");
            List<TableId> items = List.of(new TableId("public", "items"));
            Publications.ensure(connection, HOSTILE, Publications.Mode.FILTERED, items, true);
            assertTrue(Publications.exists(connection, HOSTILE));
            Publications.ensure(connection, HOSTILE, Publications.Mode.FILTERED,
                    List.of(new TableId("public", "items"), new TableId("public", "others")), true);
            assertEquals(2, Publications.tables(connection, HOSTILE, table -> true).size());

            statement.execute("SELECT pg_create_logical_replication_slot('pubit_hostile', 'pgoutput')");
            try {
                // The SQL interface decodes only up to the flushed WAL; the test server commits asynchronously.
                statement.execute("SET synchronous_commit = on");
                statement.execute("INSERT INTO items VALUES (1)");
                // The option as pgoutput parses it at stream start: it must find the publication.
                assertTrue(peek(connection, "pubit_hostile", Publications.namesOption(List.of(HOSTILE))) > 0);
                SQLException unquoted = assertThrows(SQLException.class, () -> peek(connection, "pubit_hostile", HOSTILE));
                assertTrue(unquoted.getMessage().contains("does not exist") || unquoted.getMessage().contains("invalid"),
                        unquoted.getMessage());
            } finally {
                statement.execute("SELECT pg_drop_replication_slot('pubit_hostile')");
            }
        }
    }

    @Test
    void tablesWithoutReplicaIdentityAreFoundAndTheApplicationKeepsWorking() throws Exception {
        String db = postgres.createDatabase();
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE keyed (id int PRIMARY KEY, v text)");
            statement.execute("CREATE TABLE keyless (id int, v text)");
            statement.execute("CREATE TABLE nothing (id int PRIMARY KEY, v text)");
            statement.execute("ALTER TABLE nothing REPLICA IDENTITY NOTHING");
            statement.execute("CREATE TABLE full_row (id int, v text)");
            statement.execute("ALTER TABLE full_row REPLICA IDENTITY FULL");
            statement.execute("CREATE TABLE by_index (id int NOT NULL, v text)");
            statement.execute("CREATE UNIQUE INDEX by_index_id ON by_index (id)");
            statement.execute("ALTER TABLE by_index REPLICA IDENTITY USING INDEX by_index_id");
            statement.execute("CREATE TABLE index_gone (id int NOT NULL, v text)");
            statement.execute("CREATE UNIQUE INDEX index_gone_id ON index_gone (id)");
            statement.execute("ALTER TABLE index_gone REPLICA IDENTITY USING INDEX index_gone_id");
            statement.execute("DROP INDEX index_gone_id");
            statement.execute("CREATE TABLE deferred_key (id int PRIMARY KEY DEFERRABLE, v text)");
            List<TableId> all = new Catalog(connection).tables(table -> true).stream().map(t -> t.id()).toList();

            List<Publications.Unpublishable> found = Publications.unpublishable(connection, all);
            assertEquals(List.of("deferred_key", "index_gone", "keyless", "nothing"),
                    found.stream().map(u -> u.table().table()).toList(), found.toString());
            assertTrue(found.get(1).reason().contains("index is gone"), found.toString());
            assertTrue(found.get(2).reason().contains("no primary key"), found.toString());
            assertTrue(found.get(3).reason().contains("NOTHING"), found.toString());
            assertTrue(found.get(0).fix().contains("REPLICA IDENTITY FULL"), found.get(0).fix());

            List<TableId> publishable = all.stream()
                    .filter(t -> found.stream().noneMatch(u -> u.table().equals(t))).toList();
            Publications.ensure(connection, "pubit_keyless", Publications.Mode.FILTERED, publishable, true);
            assertEquals(publishable, Publications.tables(connection, "pubit_keyless", table -> true));
            for (TableId table : all) {
                statement.execute("INSERT INTO " + table.quoted() + " VALUES (1, 'a')");
                statement.execute("UPDATE " + table.quoted() + " SET v = 'b'");
                statement.execute("DELETE FROM " + table.quoted());
            }

            // Nothing publishable left: the publication is emptied rather than failing.
            Publications.ensure(connection, "pubit_keyless", Publications.Mode.FILTERED, List.of(), true);
            assertEquals(List.of(), Publications.tables(connection, "pubit_keyless", table -> true));

            SQLException refused = assertThrows(SQLException.class,
                    () -> Publications.ensure(connection, "pubit_all", Publications.Mode.ALL_TABLES, all, true));
            assertTrue(refused.getMessage().contains("public.keyless"), refused.getMessage());
            assertTrue(!Publications.exists(connection, "pubit_all"));
        }
    }

    @Test
    void anInsertsOnlyPublicationStreamsAKeylessTablesInsertsAndLetsItsUpdatesAndDeletesRun() throws Exception {
        String db = postgres.createDatabase();
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE keyed (id int PRIMARY KEY, v text)");
            statement.execute("CREATE TABLE keyless (id int, v text)");
            List<TableId> keyed = List.of(new TableId("public", "keyed"));
            List<TableId> keyless = List.of(new TableId("public", "keyless"));
            Publications.ensure(connection, "Main", Publications.Mode.FILTERED, keyed, true);
            Publications.ensureInsertsOnly(connection, "Main_inserts", keyless, true);
            Publications.ensureInsertsOnly(connection, "Main_inserts", keyless, true); // the ALTER path
            assertEquals(keyless, Publications.tables(connection, "Main_inserts", table -> true));

            statement.execute("SELECT pg_create_logical_replication_slot('pubit_inserts', 'pgoutput')");
            try {
                statement.execute("SET synchronous_commit = on");
                statement.execute("INSERT INTO keyless VALUES (1, 'a')");
                statement.execute("UPDATE keyless SET v = 'b'");
                statement.execute("DELETE FROM keyless");
                statement.execute("INSERT INTO keyed VALUES (1, 'a')");
                statement.execute("UPDATE keyed SET v = 'b'");
                try (PreparedStatement peek = connection.prepareStatement("SELECT chr(get_byte(data, 0)), count(*) "
                        + "FROM pg_catalog.pg_logical_slot_peek_binary_changes('pubit_inserts', NULL, NULL, "
                        + "'proto_version', '1', 'publication_names', ?) WHERE chr(get_byte(data, 0)) IN ('I', 'U', 'D') "
                        + "GROUP BY 1 ORDER BY 1")) {
                    peek.setString(1, Publications.namesOption(List.of("Main", "Main_inserts")));
                    List<String> counts = new java.util.ArrayList<>();
                    try (ResultSet rs = peek.executeQuery()) {
                        while (rs.next()) {
                            counts.add(rs.getString(1) + "=" + rs.getInt(2));
                        }
                    }
                    assertEquals(List.of("I=2", "U=1"), counts, "both inserts, the keyed table's update only");
                }
            } finally {
                statement.execute("SELECT pg_drop_replication_slot('pubit_inserts')");
            }
            Publications.ensureInsertsOnly(connection, "Main_inserts", List.of(), true);
            assertEquals(List.of(), Publications.tables(connection, "Main_inserts", table -> true));
        }
    }

    @Test
    void generatedColumnsAreDescribedOnlyWherePgoutputSendsThem() throws Exception {
        String db = postgres.createDatabase();
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE shapes (id int PRIMARY KEY, side int, "
                    + "area int GENERATED ALWAYS AS (side * side) STORED)");
            TableId shapes = new TableId("public", "shapes");
            Publications.ensure(connection, "pubit_generated", Publications.Mode.FILTERED, List.of(shapes), true);
            boolean pg18 = connection.getMetaData().getDatabaseMajorVersion() >= 18;
            List<String> columns = new Catalog(connection).describe(shapes).columns().stream().map(Column::name).toList();
            assertEquals(pg18 ? List.of("id", "side", "area") : List.of("id", "side"), columns);
            if (pg18) {
                try (ResultSet rs = statement.executeQuery("SELECT pubgencols FROM pg_catalog.pg_publication "
                        + "WHERE pubname = 'pubit_generated'")) {
                    rs.next();
                    assertEquals("s", rs.getString(1), "publish_generated_columns = stored");
                }
            }
            statement.execute("CREATE PUBLICATION pubit_plain FOR TABLE shapes");
            assertEquals(pg18 ? List.of(shapes) : List.of(),
                    Publications.generatedColumnsUnpublished(connection, "pubit_plain", List.of(shapes)));
            assertEquals(List.of(), Publications.generatedColumnsUnpublished(connection, "pubit_generated",
                    List.of(shapes)));
        }
    }

    private static int peek(Connection connection, String slot, String names) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT count(*) FROM "
                + "pg_catalog.pg_logical_slot_peek_binary_changes(?, NULL, NULL, 'proto_version', '1', "
                + "'publication_names', ?)")) {
            statement.setString(1, slot);
            statement.setString(2, names);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}

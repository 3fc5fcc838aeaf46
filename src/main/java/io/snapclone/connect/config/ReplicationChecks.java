package io.snapclone.connect.config;

import io.snapclone.connect.config.DatabaseChecks.Problem;
import io.snapclone.pg.Identifiers;
import io.snapclone.pg.replication.Publications;
import io.snapclone.pg.TableId;
import io.snapclone.pg.replication.ReplicationSlots;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** What a connector that streams from a slot needs of the server, checked before anything is created. */
final class ReplicationChecks {
    private static final Logger log = LoggerFactory.getLogger(ReplicationChecks.class);
    private static final int NAMES_SHOWN = 10;
    /** Statements EXPLAIN takes, that a heartbeat query is likely to be. */
    private static final Set<String> EXPLAINABLE = Set.of("SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "VALUES");

    private ReplicationChecks() {
    }

    /**
     * @param selected   the tables the snapshot reads
     * @param partitions whether any of them is a partition
     */
    static List<Problem> check(Connection connection, SnapcloneConfig config, List<TableId> selected,
                               boolean partitions) throws SQLException {
        List<Problem> problems = new ArrayList<>();
        String walLevel = single(connection, "SHOW wal_level");
        if (!"logical".equals(walLevel)) {
            problems.add(new Problem(SnapcloneConfig.SNAPSHOT_MODE_CONFIG, "snapshot.mode=" + config.snapshotMode()
                    + " streams from a logical replication slot, but wal_level is '" + walLevel + "': set it with "
                    + "ALTER SYSTEM SET wal_level = logical and restart PostgreSQL, or use snapshot.mode=initial_only."));
        }
        boolean superuser = "true".equals(single(connection, "SELECT rolsuper::text FROM pg_catalog.pg_roles "
                + "WHERE rolname = current_user"));
        boolean replication = superuser || "true".equals(single(connection, "SELECT rolreplication::text "
                + "FROM pg_catalog.pg_roles WHERE rolname = current_user"));
        if (config.slotFailover() && connection.getMetaData().getDatabaseMajorVersion() < 17) {
            problems.add(new Problem(SnapcloneConfig.SLOT_FAILOVER_CONFIG, "Failover slots need PostgreSQL 17 or "
                    + "later; this server is " + connection.getMetaData().getDatabaseProductVersion()
                    + ": set slot.failover=false."));
        }
        String user = config.connectionSettings().user();
        if (!replication) {
            problems.add(new Problem(SnapcloneConfig.USER_CONFIG, "User '" + user + "' may not create or read a "
                    + "replication slot: ALTER ROLE " + Identifiers.quote(user) + " REPLICATION, or use "
                    + "snapshot.mode=initial_only."));
        }
        Optional<ReplicationSlots.SlotInfo> slot = ReplicationSlots.find(connection, config.slotName());
        String database = config.connectionSettings().database();
        if (slot.isPresent() && !slot.get().database().isEmpty() && !slot.get().database().equals(database)) {
            problems.add(new Problem(SnapcloneConfig.SLOT_NAME_CONFIG, "Replication slot " + config.slotName()
                    + " belongs to database '" + slot.get().database() + "', not '" + database + "' (slot names are "
                    + "shared by the whole server, and a slot reads one database): choose another slot.name, e.g. "
                    + "snapclone_" + database.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9_]", "_") + '.'));
        } else if (slot.isPresent() && slot.get().active() && !readByItsOwnTask(connection, config)) {
            problems.add(new Problem(SnapcloneConfig.SLOT_NAME_CONFIG, "Replication slot " + config.slotName()
                    + " is being read by another client right now (" + reader(connection, config.slotName())
                    + "): every connector needs a slot.name of its own, so choose another one."));
        } else if (slot.isPresent() && !"pgoutput".equals(slot.get().plugin())) {
            problems.add(new Problem(SnapcloneConfig.SLOT_NAME_CONFIG, "Replication slot " + config.slotName()
                    + " uses plugin '" + slot.get().plugin() + "', not pgoutput: choose another slot.name."));
        }
        if (slot.isEmpty() && "logical".equals(walLevel)) {
            String full = single(connection, "SELECT CASE WHEN count(*) >= current_setting('max_replication_slots')::int "
                    + "THEN count(*)::text ELSE '' END FROM pg_catalog.pg_replication_slots");
            if (!full.isEmpty()) {
                problems.add(new Problem(SnapcloneConfig.SLOT_NAME_CONFIG, "Replication slot " + config.slotName()
                        + " cannot be created: all " + full + " replication slots of the server (max_replication_slots)"
                        + " are taken. Drop the ones no longer used (see SELECT slot_name, database, active FROM "
                        + "pg_replication_slots; then SELECT pg_drop_replication_slot('<slot_name>')), or raise "
                        + "max_replication_slots and restart PostgreSQL."));
            }
        }
        TableId signals = config.signalTable();
        if (signals != null && !Publications.tableExists(connection, signals)) {
            // As in Debezium, not an error: signals are simply not read until the table exists.
            log.warn("Validating a config: {}", config.missingSignalTable());
        }
        boolean publicationExists = Publications.exists(connection, config.publicationName());
        Publications.Mode mode = config.publicationAutocreateMode();
        if (!publicationExists && mode == Publications.Mode.DISABLED) {
            problems.add(new Problem(SnapcloneConfig.PUBLICATION_NAME_CONFIG, "Publication " + config.publicationName()
                    + " does not exist and publication.autocreate.mode=disabled: create it (CREATE PUBLICATION "
                    + Identifiers.quote(config.publicationName()) + " FOR TABLE ...) or set publication.autocreate.mode="
                    + "filtered."));
        } else if (mode == Publications.Mode.ALL_TABLES && !publicationExists && !superuser) {
            problems.add(new Problem(SnapcloneConfig.PUBLICATION_AUTOCREATE_CONFIG, "Creating a publication FOR ALL "
                    + "TABLES needs a superuser: use publication.autocreate.mode=filtered, or create the publication "
                    + "as a superuser and set publication.autocreate.mode=disabled."));
        }
        if (publicationExists && mode != Publications.Mode.FILTERED) {
            List<TableId> unpublished = Publications.generatedColumnsUnpublished(connection, config.publicationName(),
                    selected);
            if (!unpublished.isEmpty()) {
                problems.add(new Problem(SnapcloneConfig.PUBLICATION_NAME_CONFIG, "Publication "
                        + config.publicationName() + " does not publish stored generated columns, which the snapshot "
                        + "reads on PostgreSQL 18+ from " + unpublished.stream().map(TableId::qualifiedName)
                        .collect(Collectors.joining(", ")) + ": their records would lose those columns at the "
                        + "handover. ALTER PUBLICATION " + Identifiers.quote(config.publicationName())
                        + " SET (publish_generated_columns = stored)."));
            }
        }
        if (publicationExists && mode != Publications.Mode.FILTERED && partitions) {
            boolean viaRoot = Publications.viaRoot(connection, config.publicationName()).orElse(false);
            if (viaRoot != config.publishViaPartitionRoot()) {
                problems.add(new Problem(SnapcloneConfig.PUBLISH_VIA_PARTITION_ROOT_CONFIG, "Publication "
                        + config.publicationName() + " has publish_via_partition_root = " + viaRoot + ", but "
                        + SnapcloneConfig.PUBLISH_VIA_PARTITION_ROOT_CONFIG + "=" + config.publishViaPartitionRoot()
                        + ": the stream would name the changes of captured partitions otherwise than the snapshot. "
                        + "Set " + SnapcloneConfig.PUBLISH_VIA_PARTITION_ROOT_CONFIG + "=" + viaRoot + ", or ALTER "
                        + "PUBLICATION " + Identifiers.quote(config.publicationName()) + " SET (publish_via_partition_root = "
                        + config.publishViaPartitionRoot() + ")."));
            }
        }
        if (publicationExists && mode != Publications.Mode.FILTERED) {
            problems.addAll(unpublishedProblems(connection, config, selected));
        }
        problems.addAll(heartbeatProblems(connection, config));
        if (mode == Publications.Mode.FILTERED && replication && !superuser) {
            // Only once the role may replicate at all: the first fix asked for is the role's.
            problems.addAll(ownershipProblems(connection, config, publicationExists, selected));
        }
        if (mode == Publications.Mode.FILTERED) {
            problems.addAll(keylessProblems(connection, config, selected));
        } else if (mode == Publications.Mode.ALL_TABLES && !publicationExists) {
            List<Publications.Unpublishable> blocking = Publications.unpublishable(connection, null);
            if (!blocking.isEmpty()) {
                problems.add(new Problem(SnapcloneConfig.PUBLICATION_AUTOCREATE_CONFIG, "A publication FOR ALL TABLES "
                        + "would make the application's UPDATE and DELETE fail on tables without a replica identity: "
                        + describe(blocking) + ". Use publication.autocreate.mode=filtered, or for each table "
                        + blocking.get(0).fix() + "."));
            }
        }
        return problems;
    }

    /**
     * Captured tables the filtered publication leaves out: a failure under
     * {@code publication.keyless.tables=fail}; otherwise logged, since Connect's validation has no
     * warnings, and logged again when the connector starts.
     */
    private static List<Problem> keylessProblems(Connection connection, SnapcloneConfig config, List<TableId> selected)
            throws SQLException {
        List<Publications.Unpublishable> keyless = Publications.unpublishable(connection, selected);
        if (keyless.isEmpty()) {
            return List.of();
        }
        String message = keyless.size() + " captured table(s) have no replica identity: " + describe(keyless)
                + ". For each one, " + keyless.get(0).fix() + ".";
        if (config.publicationKeylessTables() == SnapcloneConfig.KeylessTables.FAIL) {
            return List.of(new Problem(SnapcloneConfig.PUBLICATION_KEYLESS_TABLES_CONFIG, message
                    + " (publication.keyless.tables=exclude would snapshot them without streaming their changes.)"));
        }
        if (config.publicationKeylessTables() == SnapcloneConfig.KeylessTables.INSERTS_ONLY) {
            log.warn("{} publication.keyless.tables=inserts_only: they will be snapshotted and left out of publication "
                    + "{}; only their INSERTs and TRUNCATEs are streamed (publication {}), their UPDATEs and DELETEs "
                    + "are NOT.", message, config.publicationName(), config.insertsPublicationName());
        } else {
            log.warn("{} publication.keyless.tables=exclude: they will be snapshotted but left out of publication {}, "
                    + "so their later changes are NOT streamed.", message, config.publicationName());
        }
        return List.of();
    }

    /**
     * publication.autocreate.mode=filtered creates the publication (CREATE on the database) or sets
     * its tables (owner of the publication), and in both cases names the tables (owner of each).
     */
    private static List<Problem> ownershipProblems(Connection connection, SnapcloneConfig config, boolean exists,
                                                   List<TableId> selected) throws SQLException {
        String user = Identifiers.quote(config.connectionSettings().user());
        String publication = Identifiers.quote(config.publicationName());
        List<TableId> notOwned = notOwned(connection, selected);
        String tables = notOwned.stream().limit(NAMES_SHOWN).map(TableId::qualifiedName)
                .collect(Collectors.joining(", ")) + (notOwned.size() > NAMES_SHOWN ? " and more" : "");
        String disabled = SnapcloneConfig.PUBLICATION_AUTOCREATE_CONFIG + "=disabled";
        if (!exists) {
            boolean mayCreate = "true".equals(single(connection,
                    "SELECT has_database_privilege(current_database(), 'CREATE')::text"));
            if (mayCreate && notOwned.isEmpty()) {
                return List.of();
            }
            String lacks = (mayCreate ? "" : "lacks CREATE on the database" + (notOwned.isEmpty() ? "" : " and "))
                    + (notOwned.isEmpty() ? "" : "does not own " + tables);
            return List.of(new Problem(SnapcloneConfig.PUBLICATION_AUTOCREATE_CONFIG, "With "
                    + SnapcloneConfig.PUBLICATION_AUTOCREATE_CONFIG + "=filtered the connector creates publication "
                    + config.publicationName() + " for the captured tables, which needs CREATE on the database and "
                    + "ownership of each table, but user " + user + ' ' + lacks + ". Have the tables' owner (or a "
                    + "superuser) run CREATE PUBLICATION " + publication + " FOR TABLE " + selected.stream()
                    .limit(NAMES_SHOWN).map(TableId::quoted).collect(Collectors.joining(", ")) + " and set "
                    + disabled + "."));
        }
        String owner = single(connection, "SELECT CASE WHEN pg_has_role(pubowner, 'USAGE') THEN '' ELSE "
                + "pubowner::regrole::text END FROM pg_catalog.pg_publication WHERE pubname = "
                + Identifiers.literal(config.publicationName()));
        if (!owner.isEmpty()) {
            return List.of(new Problem(SnapcloneConfig.PUBLICATION_AUTOCREATE_CONFIG, "With "
                    + SnapcloneConfig.PUBLICATION_AUTOCREATE_CONFIG + "=filtered the connector sets the tables of "
                    + "publication " + config.publicationName() + ", which only its owner " + owner + " may: ALTER "
                    + "PUBLICATION " + publication + " OWNER TO " + user + " (who must own the captured tables too), "
                    + "or set " + disabled + " and keep the publication's tables up to date yourself."));
        }
        if (!notOwned.isEmpty()) {
            return List.of(new Problem(SnapcloneConfig.PUBLICATION_AUTOCREATE_CONFIG, "With "
                    + SnapcloneConfig.PUBLICATION_AUTOCREATE_CONFIG + "=filtered the connector sets the tables of "
                    + "publication " + config.publicationName() + ", which needs ownership of each, but user " + user
                    + " does not own " + tables + ". Set " + disabled + " and have the owner ALTER PUBLICATION "
                    + publication + " ADD TABLE them, or leave them out with table.exclude.list."));
        }
        return List.of();
    }

    private static List<TableId> notOwned(Connection connection, List<TableId> selected) throws SQLException {
        Set<TableId> owned = new HashSet<>();
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(
                "SELECT n.nspname, c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
                        + "ON n.oid = c.relnamespace "
                        + "WHERE c.relkind IN ('r', 'p') AND pg_has_role(c.relowner, 'USAGE')")) {
            while (rs.next()) {
                owned.add(new TableId(rs.getString(1), rs.getString(2)));
            }
        }
        return selected.stream().filter(t -> !owned.contains(t)).toList();
    }

    /** Captured tables that a publication we may not change leaves out: their changes would never be streamed. */
    private static List<Problem> unpublishedProblems(Connection connection, SnapcloneConfig config,
                                                     List<TableId> selected) throws SQLException {
        Set<TableId> published = new HashSet<>(Publications.tables(connection, config.publicationName(), t -> true));
        List<TableId> missing = selected.stream().filter(t -> !published.contains(t)).toList();
        if (missing.isEmpty()) {
            return List.of();
        }
        String shown = missing.stream().limit(NAMES_SHOWN).map(TableId::qualifiedName).collect(Collectors.joining(", "))
                + (missing.size() > NAMES_SHOWN ? " and " + (missing.size() - NAMES_SHOWN) + " more" : "");
        return List.of(new Problem(SnapcloneConfig.PUBLICATION_NAME_CONFIG, "Publication " + config.publicationName()
                + " does not publish " + shown + ", which the connector captures: their changes would never be "
                + "streamed. ALTER PUBLICATION " + Identifiers.quote(config.publicationName()) + " ADD TABLE "
                + missing.stream().limit(NAMES_SHOWN).map(TableId::quoted).collect(Collectors.joining(", "))
                + "; or leave them out with table.exclude.list, or set publication.autocreate.mode=filtered."));
    }

    /**
     * A heartbeat query the server rejects (syntax, a missing table, a missing privilege) would
     * fail the stream at its first beat: EXPLAIN it now, which plans and checks privileges but runs
     * nothing, in a read-only transaction. Only a single statement EXPLAIN can take is checked.
     */
    private static List<Problem> heartbeatProblems(Connection connection, SnapcloneConfig config) throws SQLException {
        String query = config.heartbeatActionQuery().strip();
        if (query.endsWith(";")) {
            query = query.substring(0, query.length() - 1);
        }
        String firstWord = query.split("[\\s(]", 2)[0].toUpperCase(java.util.Locale.ROOT);
        if (config.heartbeatInterval().isZero() || query.isBlank() || query.indexOf(';') >= 0
                || !EXPLAINABLE.contains(firstWord)) {
            return List.of();
        }
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET TRANSACTION READ ONLY");
            statement.execute("EXPLAIN " + query);
            return List.of();
        } catch (SQLException e) {
            return List.of(new Problem(SnapcloneConfig.HEARTBEAT_ACTION_QUERY_CONFIG, "PostgreSQL rejects "
                    + SnapcloneConfig.HEARTBEAT_ACTION_QUERY_CONFIG + " for user '" + config.connectionSettings().user()
                    + "' (" + firstLine(e.getMessage()) + "): fix the query, or create what it uses (e.g. the heartbeat table) "
                    + "and grant the user the privilege it needs."));
        } finally {
            connection.rollback();
            connection.setAutoCommit(autoCommit);
        }
    }

    /** PgJDBC adds the error's position on further lines. */
    private static String firstLine(String message) {
        String text = String.valueOf(message);
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }

    /** Who reads a slot, as far as this user may see. */
    /**
     * Whether the slot's reader is a streaming task of the connector being validated, as when its
     * config is updated (PUT /connectors/name/config) while it streams: no other client then.
     */
    private static boolean readByItsOwnTask(Connection connection, SnapcloneConfig config) throws SQLException {
        Object name = config.originals().get("name");
        if (!(name instanceof String connector) || connector.isEmpty()) {
            return false;
        }
        return ReplicationSlots.readerApplication(connection, config.slotName())
                .filter(application -> TaskConfig.isStreamOf(application, connector)).isPresent();
    }

    private static String reader(Connection connection, String slot) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT s.active_pid, a.application_name, "
                + "a.client_addr::text FROM pg_catalog.pg_replication_slots s LEFT JOIN pg_catalog.pg_stat_activity a "
                + "ON a.pid = s.active_pid WHERE s.slot_name = ?")) {
            statement.setString(1, slot);
            try (ResultSet rs = statement.executeQuery()) {
                if (!rs.next()) {
                    return "it has just stopped";
                }
                String application = rs.getString(2);
                String client = rs.getString(3);
                return "walsender pid " + rs.getString(1)
                        + (application == null || application.isEmpty() ? "" : ", application '" + application + "'")
                        + (client == null ? "" : ", from " + client);
            }
        }
    }

    static String describe(List<Publications.Unpublishable> tables) {
        String shown = tables.stream().limit(NAMES_SHOWN).map(Publications.Unpublishable::toString)
                .collect(Collectors.joining(", "));
        return tables.size() > NAMES_SHOWN ? shown + " and " + (tables.size() - NAMES_SHOWN) + " more" : shown;
    }

    private static String single(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : "";
        }
    }
}

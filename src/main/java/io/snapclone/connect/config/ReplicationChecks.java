package io.snapclone.connect.config;

import io.snapclone.connect.config.DatabaseChecks.Problem;
import io.snapclone.pg.Identifiers;
import io.snapclone.pg.replication.Publications;
import io.snapclone.pg.TableId;
import io.snapclone.pg.replication.ReplicationSlots;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** What a connector that streams from a slot needs of the server, checked before anything is created. */
final class ReplicationChecks {
    private static final Logger log = LoggerFactory.getLogger(ReplicationChecks.class);
    private static final int NAMES_SHOWN = 10;

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
        if (slot.isPresent() && slot.get().active()) {
            problems.add(new Problem(SnapcloneConfig.SLOT_NAME_CONFIG, "Replication slot " + config.slotName()
                    + " is being read by another client right now: every connector needs a slot.name of its own."));
        } else if (slot.isPresent() && !"pgoutput".equals(slot.get().plugin())) {
            problems.add(new Problem(SnapcloneConfig.SLOT_NAME_CONFIG, "Replication slot " + config.slotName()
                    + " uses plugin '" + slot.get().plugin() + "', not pgoutput: choose another slot.name."));
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

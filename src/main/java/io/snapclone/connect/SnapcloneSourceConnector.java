package io.snapclone.connect;

import io.snapclone.connect.config.ClusterDatabases;
import io.snapclone.connect.config.ClusterTasks;
import io.snapclone.connect.config.DatabaseChecks;
import io.snapclone.connect.config.DebeziumKeys;
import io.snapclone.connect.config.SnapcloneConfig;
import io.snapclone.connect.offset.OffsetChanges;
import io.snapclone.connect.watermark.WatermarkEvents;
import io.snapclone.pg.ConnectionSettings;
import io.snapclone.pg.Lsn;
import io.snapclone.pg.TableId;

import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.ConnectorTransactionBoundaries;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The coordinator: validates, exports the snapshot, plans the work and hands it to tasks. */
public class SnapcloneSourceConnector extends SourceConnector {
    private static final Logger log = LoggerFactory.getLogger(SnapcloneSourceConnector.class);
    private static final List<String> DATABASE_KEYS = List.of(SnapcloneConfig.HOSTNAME_CONFIG,
            SnapcloneConfig.PORT_CONFIG, SnapcloneConfig.USER_CONFIG, SnapcloneConfig.PASSWORD_CONFIG,
            SnapcloneConfig.DBNAME_CONFIG, SnapcloneConfig.SSLMODE_CONFIG,
            SnapcloneConfig.TABLE_INCLUDE_LIST_CONFIG, SnapcloneConfig.TABLE_EXCLUDE_LIST_CONFIG);

    /** By database: one, or with database.names each of them. */
    private final Map<String, SnapshotCoordinator> coordinators = new LinkedHashMap<>();
    /** The connector's own properties when it captures several databases, else null. */
    private Map<String, String> combinedProps;
    private int maxTasks;

    @Override
    public String version() {
        return Version.VERSION;
    }

    @Override
    public void start(Map<String, String> props) {
        for (DebeziumKeys.Finding finding : DebeziumKeys.review(props)) {
            if (finding.error()) {
                throw new ConfigException(finding.key(), props.get(finding.key()), finding.message());
            }
            log.warn("Connector {}: {}", props.getOrDefault("name", "?"), finding.message());
        }
        SnapcloneConfig config = new SnapcloneConfig(props);
        config.recordOptions(); // fails now, naming the key, rather than in every task
        if (config.notificationChannels().contains("jmx")) {
            log.warn("Connector {}: notification.enabled.channels=jmx is not offered: ignored (sink and log are)",
                    props.getOrDefault("name", "?"));
        }
        for (DatabaseChecks.Problem problem : config.crossKeyProblems()) {
            throw new ConfigException(problem.key(), props.get(problem.key()), problem.message());
        }
        String name = props.getOrDefault("name", config.topicPrefix());
        maxTasks = Integer.parseInt(props.getOrDefault("tasks.max", "1"));
        if (ClusterDatabases.several(config)) {
            startDatabases(props, config, name);
            return;
        }
        SnapshotCoordinator single = new SnapshotCoordinator(name, config, context().offsetStorageReader(),
                context()::requestTaskReconfiguration);
        coordinators.put(config.connectionSettings().database(), single);
        try {
            single.start(new HashMap<>(props), maxTasks);
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
    }

    /** database.names: a coordinator per database, each as for one database, with configs of its own. */
    private void startDatabases(Map<String, String> props, SnapcloneConfig config, String name) {
        List<String> databases;
        try {
            databases = ClusterDatabases.resolve(config);
        } catch (SQLException e) {
            throw new ConnectException("Could not list the databases for " + SnapcloneConfig.DATABASE_NAMES_CONFIG + "=*: "
                    + DatabaseChecks.connectionProblem(config.connectionSettings(), e).message(), e);
        }
        String collision = databases.isEmpty() ? "no database to capture: " + SnapcloneConfig.USER_CONFIG
                + " may connect to none that is not a template" : ClusterDatabases.collision(databases);
        if (collision != null) {
            throw new ConfigException(SnapcloneConfig.DATABASE_NAMES_CONFIG, props.get(SnapcloneConfig.DATABASE_NAMES_CONFIG),
                    collision);
        }
        combinedProps = Map.copyOf(props);
        log.info("Connector {}: capturing {} databases: {}; {}", name, databases.size(), databases,
                config.watermarkConsumerProps().isEmpty() ? "no cluster watermarks (" + SnapcloneConfig.WATERMARK_KAFKA_SERVERS_CONFIG
                        + " is not set)" : "cluster watermarks on " + config.progressTopic());
        for (String dropped : ClusterDatabases.slotsLeftBehind(config, databases)) {
            log.warn("Connector {}: {}", name, dropped);
        }
        try {
            ClusterDatabases.configs(props, config, databases).forEach((database, own) -> {
                SnapshotCoordinator coordinator = new SnapshotCoordinator(own.get("name"), new SnapcloneConfig(own),
                        context().offsetStorageReader(), context()::requestTaskReconfiguration);
                coordinators.put(database, coordinator);
                coordinator.start(own, maxTasks);
            });
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
    }

    @Override
    public Class<? extends Task> taskClass() {
        return SnapcloneSourceTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        if (combinedProps == null) {
            return coordinators.values().iterator().next().taskConfigs();
        }
        Map<String, List<Map<String, String>>> perDatabase = new LinkedHashMap<>();
        coordinators.forEach((database, coordinator) -> perDatabase.put(database, coordinator.taskConfigs()));
        return ClusterTasks.combine(combinedProps, perDatabase, this.maxTasks);
    }

    @Override
    public void stop() {
        coordinators.values().forEach(SnapshotCoordinator::close);
        coordinators.clear();
    }

    /**
     * Exactly-once (KIP-618): every record's offset says exactly where to resume, and a restart
     * skips what the committed offsets cover, so nothing is sent twice inside transactions.
     */
    @Override
    public ExactlyOnceSupport exactlyOnceSupport(Map<String, String> props) {
        return ExactlyOnceSupport.SUPPORTED;
    }

    /**
     * With {@code transaction.boundary=connector}: Kafka transactions end only where PostgreSQL
     * transactions end (each holds one or more whole ones).
     */
    @Override
    public ConnectorTransactionBoundaries canDefineTransactionBoundaries(Map<String, String> props) {
        return ConnectorTransactionBoundaries.SUPPORTED;
    }

    /**
     * Offsets set through Connect's REST API (KIP-875), checked before Connect writes them; a
     * change that makes no sense fails the request with the reason. See {@link OffsetChanges}.
     */
    @Override
    public boolean alterOffsets(Map<String, String> connectorConfig, Map<Map<String, ?>, Map<String, ?>> offsets) {
        SnapcloneConfig config = new SnapcloneConfig(connectorConfig);
        String name = connectorConfig.getOrDefault("name", config.topicPrefix());
        List<String> problems = ClusterDatabases.several(config) ? databasesOffsetProblems(config, name, offsets)
                : OffsetChanges.problems(config.topicPrefix(), config.slotName(), offsets,
                        () -> new LiveDatabase(config.connectionSettings(), "snapclone-offsets " + name));
        if (!problems.isEmpty()) {
            throw new ConnectException("Offsets of connector " + name + " not changed: " + String.join("; ", problems));
        }
        log.info("Connector {}: offsets changed through the REST API: {}", name,
                OffsetChanges.describe(config.slotName(), offsets));
        return true;
    }

    /**
     * With database.names: each change judged as by that database's connector (its partitions carry
     * its topic prefix); the cluster cut's own offset may only be removed.
     */
    private static List<String> databasesOffsetProblems(SnapcloneConfig config, String name,
                                                        Map<Map<String, ?>, Map<String, ?>> offsets) {
        List<String> databases;
        try {
            databases = ClusterDatabases.resolve(config);
        } catch (SQLException e) {
            throw new ConnectException("Could not list the databases to check the offsets against: "
                    + DatabaseChecks.connectionProblem(config.connectionSettings(), e).message(), e);
        }
        Map<String, String> byPrefix = new HashMap<>();
        databases.forEach(database -> byPrefix.put(ClusterDatabases.topicPrefix(config.topicPrefix(), database), database));
        Map<String, Map<Map<String, ?>, Map<String, ?>>> byDatabase = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        offsets.forEach((partition, offset) -> {
            String database = byPrefix.get(String.valueOf(partition.get("server")));
            if (database != null) {
                byDatabase.computeIfAbsent(database, d -> new HashMap<>()).put(partition, offset);
            } else if (!partition.equals(WatermarkEvents.partition(config.topicPrefix()))) {
                problems.add("partition " + partition + " is not one of this connector's: its \"server\" must be "
                        + "<topic.prefix>.<database> for one of " + databases);
            } else if (offset != null) {
                problems.add("the offset of " + partition + " is the cluster cut's own bookkeeping: it can be removed "
                        + "(null), not set");
            }
        });
        byDatabase.forEach((database, changes) -> problems.addAll(OffsetChanges.problems(
                ClusterDatabases.topicPrefix(config.topicPrefix(), database),
                ClusterDatabases.slotName(config.slotName(), database), changes,
                () -> new LiveDatabase(ClusterDatabases.settings(config.connectionSettings(), database),
                        "snapclone-offsets " + name))));
        return problems;
    }

    /** The database as {@link OffsetChanges} asks it, a short session a question. */
    private record LiveDatabase(ConnectionSettings settings, String applicationName) implements OffsetChanges.Database {
        @Override
        public boolean tableExists(TableId table) {
            return "true".equals(single("SELECT (pg_catalog.to_regclass(?) IS NOT NULL)::text", table.quoted()));
        }

        @Override
        public Lsn currentWalLsn() {
            return Lsn.parse(single("SELECT pg_catalog.pg_current_wal_lsn()::text", null));
        }

        private String single(String sql, String parameter) {
            try (Connection connection = settings.open(applicationName);
                 PreparedStatement statement = connection.prepareStatement(sql)) {
                if (parameter != null) {
                    statement.setString(1, parameter);
                }
                try (ResultSet rs = statement.executeQuery()) {
                    rs.next();
                    return rs.getString(1);
                }
            } catch (SQLException e) {
                throw new ConnectException("Could not check the offsets against the database: "
                        + DatabaseChecks.connectionProblem(settings, e).message(), e);
            }
        }
    }

    @Override
    public ConfigDef config() {
        return SnapcloneConfig.CONFIG_DEF;
    }

    /** Adds, to the per-key checks, what only the live database can tell. */
    @Override
    public Config validate(Map<String, String> props) {
        Config config = super.validate(props);
        // Debezium's keys that snapclone does not define: an error against the key if ignoring it
        // would change the records, else a warning (validation has no warnings: they are logged).
        for (DebeziumKeys.Finding finding : DebeziumKeys.review(props)) {
            if (finding.error()) {
                ConfigValue value = new ConfigValue(finding.key(), props.get(finding.key()), List.of(), new ArrayList<>());
                value.addErrorMessage(finding.message());
                config.configValues().add(value);
            } else {
                log.warn("Validating a config: {}", finding.message());
            }
        }
        Map<String, ConfigValue> values = config.configValues().stream()
                .collect(Collectors.toMap(ConfigValue::name, Function.identity()));
        SnapcloneConfig parsed;
        try {
            parsed = new SnapcloneConfig(props);
        } catch (ConfigException e) {
            return config; // already reported against its key above
        }
        List<DatabaseChecks.Problem> crossKey = parsed.crossKeyProblems();
        crossKey.forEach(problem -> values.get(problem.key()).addErrorMessage(problem.message()));
        boolean keysValid = DATABASE_KEYS.stream().allMatch(key -> values.get(key).errorMessages().isEmpty());
        if (!keysValid || !crossKey.isEmpty()) {
            return config;
        }
        if (!ClusterDatabases.several(parsed)) {
            for (DatabaseChecks.Problem problem : DatabaseChecks.check(parsed)) {
                values.get(problem.key()).addErrorMessage(problem.message());
            }
            return config;
        }
        ConfigValue names = values.get(SnapcloneConfig.DATABASE_NAMES_CONFIG);
        List<String> databases;
        try {
            databases = ClusterDatabases.resolve(parsed);
        } catch (SQLException e) {
            names.addErrorMessage("Could not list the databases: "
                    + DatabaseChecks.connectionProblem(parsed.connectionSettings(), e).message());
            return config;
        }
        if (databases.isEmpty()) {
            names.addErrorMessage("No database to capture: " + SnapcloneConfig.USER_CONFIG + " may connect to none "
                    + "that is not a template.");
        }
        String collision = ClusterDatabases.collision(databases);
        if (collision != null) {
            names.addErrorMessage(collision);
            return config;
        }
        // Each database as if it were the only one; what is wrong names the database.
        ClusterDatabases.configs(props, parsed, databases).forEach((database, own) -> {
            for (DatabaseChecks.Problem problem : DatabaseChecks.check(new SnapcloneConfig(own))) {
                String key = problem.key().equals(SnapcloneConfig.DBNAME_CONFIG) ? SnapcloneConfig.DATABASE_NAMES_CONFIG
                        : problem.key();
                values.get(key).addErrorMessage("database '" + database + "': " + problem.message());
            }
        });
        return config;
    }
}

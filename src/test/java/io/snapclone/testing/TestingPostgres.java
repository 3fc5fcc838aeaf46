package io.snapclone.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.util.LinuxUtils;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL server from zonky's embedded binaries ({@code wal_level=logical}, a free
 * loopback port), shared by every test in the JVM. Tests connect as {@link #USER}, a password-
 * authenticated role without superuser, and each test class works in a database of its own.
 * A server of a test's own ({@link #start(Map)}) can also crash and come back
 * ({@link #crashRestart()}); never crash the shared one, other test classes use it.
 */
public final class TestingPostgres {
    public static final String USER = "snapclone";
    public static final String PASSWORD = "s3cret-pw";
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static TestingPostgres shared;

    private final EmbeddedPostgres server;
    // What the postmaster needs to start again as zonky started it: same binaries, data, port, settings.
    private final Path binDir;
    private final Path dataDir;
    private final Map<String, String> settings;

    private TestingPostgres(EmbeddedPostgres server, Path binDir, Path dataDir, Map<String, String> settings) {
        this.server = server;
        this.binDir = binDir;
        this.dataDir = dataDir;
        this.settings = Map.copyOf(settings);
    }

    public static synchronized TestingPostgres shared() {
        if (shared == null) {
            // Nothing crashes the shared server: commits need not reach the WAL before they return.
            shared = start(Map.of("synchronous_commit", "off"));
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
        }
        return shared;
    }

    /** A server of its own (not shared: close it), e.g. with {@code wal_level=replica}. */
    public static TestingPostgres start(String walLevel) {
        return start(Map.of("wal_level", walLevel));
    }

    /**
     * A server of its own (not shared: close it) with {@code overrides} on top of the usual settings
     * (wal_level=logical, fsync=off, synchronous_commit=on...), e.g. {@code Map.of("statement_timeout",
     * "2s")}. Values are server defaults, as if written in postgresql.conf; no whitespace in them.
     */
    public static TestingPostgres start(Map<String, String> overrides) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("wal_level", "logical");
        settings.put("max_replication_slots", "20");
        settings.put("max_wal_senders", "20");
        settings.put("max_connections", "200");
        settings.put("fsync", "off");
        // With fsync=off a WAL flush is a write(2), cheap; it makes every commit survive crashRestart().
        settings.put("synchronous_commit", "on");
        settings.put("full_page_writes", "off");
        settings.put("listen_addresses", "localhost");
        settings.putAll(overrides);
        settings.forEach((key, value) -> {
            if (value.isEmpty() || value.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("setting " + key + " needs a value without whitespace: '" + value + "'");
            }
        });
        try {
            Path dir = Files.createTempDirectory("snapclone-pg");
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setOverrideWorkingDirectory(dir.toFile());
            settings.forEach(builder::setServerConfig);
            EmbeddedPostgres server = builder.start();
            Path binDir;
            Path dataDir;
            try (Connection connection = server.getPostgresDatabase().getConnection();
                 Statement statement = connection.createStatement()) {
                binDir = Path.of(queryString(statement, "SELECT setting FROM pg_catalog.pg_config WHERE name = 'BINDIR'"));
                dataDir = Path.of(queryString(statement, "SHOW data_directory"));
            }
            TestingPostgres postgres = new TestingPostgres(server, binDir, dataDir, settings);
            postgres.requirePasswords();
            return postgres;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start embedded PostgreSQL", e);
        } catch (SQLException e) {
            throw new IllegalStateException("could not set up embedded PostgreSQL", e);
        }
    }

    private static String queryString(Statement statement, String sql) throws SQLException {
        try (ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /**
     * Crashes the server ({@code pg_ctl stop -m immediate}: every backend dies at once, nothing
     * is checkpointed) and starts it again on the same port, data directory and settings; returns
     * once it accepts connections, after crash recovery. Every open connection is broken.
     */
    public void crashRestart() {
        stopImmediately();
        startAgain();
    }

    /** Kills the server as a crash would ({@code pg_ctl stop -m immediate}); returns once it is down. */
    public void stopImmediately() {
        pgCtl(List.of("stop", "-m", "immediate", "-w", "-t", "60"));
    }

    /**
     * Starts the server after {@link #stopImmediately()} on the same port, data directory and
     * settings (wal_level and the others are command-line options, as zonky gives them); returns
     * once it accepts connections.
     */
    public void startAgain() {
        List<String> options = new ArrayList<>(List.of("-p", Integer.toString(port()), "-F"));
        settings.forEach((key, value) -> {
            options.add("-c");
            options.add(key + '=' + value);
        });
        // The log file, not a pipe: the postmaster outlives pg_ctl and would block on a full pipe.
        pgCtl(List.of("start", "-w", "-t", "60", "-l", dataDir.resolve("restart.log").toString(),
                "-o", String.join(" ", options)));
    }

    private void pgCtl(List<String> arguments) {
        pgCtl(binDir, dataDir, arguments);
    }

    private static void pgCtl(Path binDir, Path dataDir, List<String> arguments) {
        List<String> command = new ArrayList<>();
        // As zonky does: pg_ctl refuses to run as root, and in a user namespace it is not root.
        if (LinuxUtils.isUnshareAvailable()) {
            command.addAll(List.of("unshare", "-U"));
        }
        command.addAll(List.of(binDir.resolve("pg_ctl").toString(), "-D", dataDir.toString()));
        command.addAll(arguments);
        try {
            Path output = Files.createTempFile("snapclone-pg_ctl", ".log");
            try {
                Process process = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(output.toFile()).start();
                if (!process.waitFor(90, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException("pg_ctl " + arguments + " did not finish in 90 s");
                }
                if (process.exitValue() != 0) {
                    throw new IllegalStateException("pg_ctl " + arguments + " failed with exit code " + process.exitValue()
                            + ": " + Files.readString(output));
                }
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not run pg_ctl " + arguments, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running pg_ctl " + arguments, e);
        }
    }

    /**
     * A hot standby of this server with PostgreSQL 17's slot synchronisation on, so that failover
     * slots follow it: a physical slot for it here ({@code synchronized_standby_slots} names it, so
     * no logical slot gets ahead of the standby), then this server is stopped cleanly, its data
     * directory copied (the embedded binaries have no pg_basebackup) and both started. Call on a
     * server of its own before any logical slot exists (a copied slot would block the sync).
     */
    public Standby startStandby() {
        try {
            try (Connection connection = superuser("postgres"); Statement statement = connection.createStatement()) {
                statement.execute("SELECT pg_create_physical_replication_slot('standby')");
                statement.execute("ALTER SYSTEM SET synchronized_standby_slots = 'standby'");
                String hbaFile = queryString(statement, "SHOW hba_file");
                Files.writeString(Path.of(hbaFile), "host replication postgres 127.0.0.1/32 trust\n"
                        + "host replication postgres ::1/128 trust\n" + Files.readString(Path.of(hbaFile)));
            }
            pgCtl(List.of("stop", "-m", "fast", "-w", "-t", "60"));
            Path standbyDir = Files.createTempDirectory("snapclone-pg-standby").resolve("data");
            try (var files = Files.walk(dataDir)) {
                for (Path source : (Iterable<Path>) files::iterator) {
                    Path relative = dataDir.relativize(source);
                    // Slots are the primary's own; the standby gets its failover slots by synchronisation.
                    boolean slot = relative.getNameCount() > 1 && relative.getName(0).toString().equals("pg_replslot");
                    Path target = standbyDir.resolve(relative.toString());
                    if (Files.isDirectory(source) && !slot) {
                        Files.createDirectories(target);
                    } else if (!slot && !relative.toString().equals("postmaster.pid")) {
                        Files.copy(source, target);
                    }
                }
            }
            Files.setPosixFilePermissions(standbyDir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            Files.writeString(standbyDir.resolve("standby.signal"), "");
            Files.writeString(standbyDir.resolve("postgresql.auto.conf"), String.join("\n",
                    "primary_conninfo = 'host=localhost port=" + port() + " user=postgres dbname=postgres'",
                    "primary_slot_name = 'standby'", "hot_standby_feedback = on", "sync_replication_slots = on",
                    ""));
            startAgain();
            int standbyPort;
            try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
                standbyPort = socket.getLocalPort();
            }
            List<String> options = new ArrayList<>(List.of("-p", Integer.toString(standbyPort), "-F"));
            settings.forEach((key, value) -> options.addAll(List.of("-c", key + '=' + value)));
            pgCtl(binDir, standbyDir, List.of("start", "-w", "-t", "60", "-l", standbyDir.resolve("standby.log").toString(),
                    "-o", String.join(" ", options)));
            return new Standby(binDir, standbyDir, standbyPort);
        } catch (IOException e) {
            throw new UncheckedIOException("could not set up a standby", e);
        } catch (SQLException e) {
            throw new IllegalStateException("could not set up a standby", e);
        }
    }

    /** A standby made by {@link #startStandby()}: promote it, connect to it, stop it. */
    public static final class Standby implements AutoCloseable {
        private final Path binDir;
        private final Path dataDir;
        private final int port;

        private Standby(Path binDir, Path dataDir, int port) {
            this.binDir = binDir;
            this.dataDir = dataDir;
            this.port = port;
        }

        public int port() {
            return port;
        }

        public Connection superuser(String database) throws SQLException {
            return DriverManager.getConnection("jdbc:postgresql://localhost:" + port + "/" + database, "postgres", "");
        }

        /** Makes it the primary ({@code pg_ctl promote}); returns once it accepts writes. */
        public void promote() {
            pgCtl(binDir, dataDir, List.of("promote", "-w", "-t", "60"));
        }

        /** Stops it and removes its data directory. */
        @Override
        public void close() {
            pgCtl(binDir, dataDir, List.of("stop", "-m", "immediate", "-w", "-t", "60"));
            try (var files = Files.walk(dataDir.getParent())) {
                for (Path file : (Iterable<Path>) files.sorted(java.util.Comparator.reverseOrder())::iterator) {
                    Files.delete(file);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("could not remove the standby's data directory", e);
            }
        }
    }

    /** The superuser keeps trust; everyone else must give a password, as on a real server. */
    private void requirePasswords() throws SQLException, IOException {
        try (Connection connection = superuser("postgres"); Statement statement = connection.createStatement()) {
            statement.execute("CREATE ROLE " + USER + " LOGIN PASSWORD '" + PASSWORD + "'");
            String hbaFile;
            try (ResultSet rs = statement.executeQuery("SHOW hba_file")) {
                rs.next();
                hbaFile = rs.getString(1);
            }
            Files.writeString(Path.of(hbaFile), String.join("\n",
                    "local all postgres trust",
                    "host all postgres 127.0.0.1/32 trust",
                    "host all postgres ::1/128 trust",
                    "host all all 127.0.0.1/32 scram-sha-256",
                    "host all all ::1/128 scram-sha-256",
                    "host replication all 127.0.0.1/32 scram-sha-256",
                    ""));
            statement.execute("SELECT pg_reload_conf()");
        }
    }

    public String host() {
        return "localhost";
    }

    public int port() {
        return server.getPort();
    }

    public Connection superuser(String database) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://localhost:" + port() + "/" + database, "postgres", "");
    }

    /** A new empty database in which {@link #USER} may read every table the superuser creates. */
    public String createDatabase() {
        return createDatabase("db" + DATABASES.incrementAndGet());
    }

    public String createDatabase(String name) {
        try (Connection connection = superuser("postgres"); Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        try (Connection connection = superuser(name); Statement statement = connection.createStatement()) {
            statement.execute("ALTER DEFAULT PRIVILEGES GRANT SELECT ON TABLES TO " + USER);
            statement.execute("ALTER DEFAULT PRIVILEGES GRANT USAGE ON SCHEMAS TO " + USER);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return name;
    }

    /** The database keys of a connector config that reads {@code database} as {@link #USER}. */
    public Map<String, String> connectorConfig(String database) {
        Map<String, String> config = new HashMap<>();
        config.put("database.hostname", host());
        config.put("database.port", Integer.toString(port()));
        config.put("database.user", USER);
        config.put("database.password", PASSWORD);
        config.put("database.dbname", database);
        config.put("database.sslmode", "disable");
        return config;
    }

    /** {@code table (id bigint PRIMARY KEY, v text)} with {@code rows} rows of 40 characters. */
    public void createTable(String database, String table, int rows) throws SQLException {
        try (Connection connection = superuser(database); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE " + table + " (id bigint PRIMARY KEY, v text)");
            statement.execute("INSERT INTO " + table + " SELECT g, repeat('x', 40) FROM generate_series(1, " + rows + ") g");
            statement.execute("ANALYZE " + table);
        }
    }

    /** Sessions of {@code database} in pg_stat_activity that meet an SQL condition. */
    public int sessions(String database, String condition) throws SQLException {
        try (Connection connection = superuser(database); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                     + "AND pid <> pg_backend_pid() AND " + condition)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Whether a connector's coordinator still holds its exported snapshot (the snapshot phase is on). */
    public boolean coordinatorHoldsSnapshot(String database) throws SQLException {
        return sessions(database, "application_name LIKE 'snapclone-coordinator%'") > 0;
    }

    /**
     * Drops every replication slot of {@code database} once no walsender holds it (one that was just
     * closed may hold it for a moment): slots outlive connectors and keep WAL on the shared server.
     */
    public void dropSlotsWhenReleased(String database) throws SQLException {
        try (Connection connection = superuser(database); Statement statement = connection.createStatement()) {
            Poll.until(Duration.ofSeconds(60), "the slots of " + database + " released", () -> {
                try (ResultSet rs = statement.executeQuery("SELECT count(*) FROM pg_replication_slots "
                        + "WHERE database = current_database() AND active")) {
                    rs.next();
                    return rs.getInt(1) == 0;
                }
            });
            statement.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
                    + "WHERE database = current_database()");
        }
    }

    /** As {@link #connectorConfig}, as the superuser: for slots, publications and Debezium. */
    public Map<String, String> superuserConnectorConfig(String database) {
        Map<String, String> config = connectorConfig(database);
        config.put("database.user", "postgres");
        config.put("database.password", "");
        return config;
    }

    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

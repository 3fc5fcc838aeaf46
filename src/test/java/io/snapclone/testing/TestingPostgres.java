package io.snapclone.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real PostgreSQL server from zonky's embedded binaries ({@code wal_level=logical}, a free
 * loopback port), shared by every test in the JVM. Tests connect as {@link #USER}, a password-
 * authenticated role without superuser, and each test class works in a database of its own.
 */
public final class TestingPostgres {
    public static final String USER = "snapclone";
    public static final String PASSWORD = "s3cret-pw";
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static TestingPostgres shared;

    private final EmbeddedPostgres server;

    private TestingPostgres(EmbeddedPostgres server) {
        this.server = server;
    }

    public static synchronized TestingPostgres shared() {
        if (shared == null) {
            shared = start();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
        }
        return shared;
    }

    private static TestingPostgres start() {
        return start("logical");
    }

    /** A server of its own (not shared: close it), e.g. with {@code wal_level=replica}. */
    public static TestingPostgres start(String walLevel) {
        try {
            Path dir = Files.createTempDirectory("snapclone-pg");
            EmbeddedPostgres server = EmbeddedPostgres.builder()
                    .setOverrideWorkingDirectory(dir.toFile())
                    .setServerConfig("wal_level", walLevel)
                    .setServerConfig("max_replication_slots", "20")
                    .setServerConfig("max_wal_senders", "20")
                    .setServerConfig("max_connections", "200")
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("full_page_writes", "off")
                    .setServerConfig("listen_addresses", "localhost")
                    .start();
            TestingPostgres postgres = new TestingPostgres(server);
            postgres.requirePasswords();
            return postgres;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start embedded PostgreSQL", e);
        } catch (SQLException e) {
            throw new IllegalStateException("could not set up embedded PostgreSQL", e);
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

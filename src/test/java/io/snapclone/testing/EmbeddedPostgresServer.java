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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * PostgreSQL from zonky's embedded binaries on a free loopback port, controlled with its own
 * {@code pg_ctl}: the default fixture, and the one {@code .ci/pg-versions} runs on every major.
 */
final class EmbeddedPostgresServer implements PostgresServer {
    private final EmbeddedPostgres server;
    // What the postmaster needs to start again as zonky started it: same binaries, data, port, settings.
    private final Path binDir;
    private final Path dataDir;
    private final Map<String, String> settings;

    private EmbeddedPostgresServer(EmbeddedPostgres server, Path binDir, Path dataDir, Map<String, String> settings) {
        this.server = server;
        this.binDir = binDir;
        this.dataDir = dataDir;
        this.settings = Map.copyOf(settings);
    }

    static EmbeddedPostgresServer start(Map<String, String> settings) {
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
            return new EmbeddedPostgresServer(server, binDir, dataDir, settings);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start embedded PostgreSQL", e);
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the settings of embedded PostgreSQL", e);
        }
    }

    private static String queryString(Statement statement, String sql) throws SQLException {
        try (ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Override
    public int port() {
        return server.getPort();
    }

    @Override
    public void stopImmediately() {
        pgCtl(List.of("stop", "-m", "immediate", "-w", "-t", "60"));
    }

    /**
     * On the same port, data directory and settings (wal_level and the others are command-line
     * options, as zonky gives them).
     */
    @Override
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
     * A physical slot for the standby here ({@code synchronized_standby_slots} names it, so no
     * logical slot gets ahead of the standby), then this server is stopped cleanly, its data
     * directory copied (the embedded binaries have no pg_basebackup) and both started.
     */
    @Override
    public TestingPostgres.Standby startStandby() {
        try {
            try (Connection connection = DriverManager.getConnection("jdbc:postgresql://localhost:" + port() + "/postgres",
                    "postgres", ""); Statement statement = connection.createStatement()) {
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
            return new TestingPostgres.Standby(standbyPort, () -> pgCtl(binDir, standbyDir, List.of("promote", "-w", "-t", "60")),
                    () -> stopAndRemove(standbyDir));
        } catch (IOException e) {
            throw new UncheckedIOException("could not set up a standby", e);
        } catch (SQLException e) {
            throw new IllegalStateException("could not set up a standby", e);
        }
    }

    private void stopAndRemove(Path standbyDir) {
        pgCtl(binDir, standbyDir, List.of("stop", "-m", "immediate", "-w", "-t", "60"));
        try (var files = Files.walk(standbyDir.getParent())) {
            for (Path file : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not remove the standby's data directory", e);
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

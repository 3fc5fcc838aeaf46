package io.snapclone.testing;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Ports;
import org.opentest4j.TestAbortedException;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * PostgreSQL in the official image ({@code -Dsnapclone.postgres.image}, default {@code postgres:17}),
 * reached through a {@link TcpProxy} on localhost: Docker maps the container's port anew when it
 * starts again after a crash, and the proxy keeps the port that connector configs already name.
 */
final class ContainerPostgresServer implements PostgresServer {
    static final String IMAGE = System.getProperty("snapclone.postgres.image", "postgres:17");
    private static final int PORT = 5432;

    private final PostgreSQLContainer container;
    private final TcpProxy proxy;

    private ContainerPostgresServer(PostgreSQLContainer container, TcpProxy proxy) {
        this.container = container;
        this.proxy = proxy;
    }

    static ContainerPostgresServer start(Map<String, String> settings) {
        List<String> command = new ArrayList<>(List.of("postgres"));
        settings.forEach((key, value) -> {
            // The image listens on every address of the container; localhost alone would shut Docker out.
            if (!key.equals("listen_addresses")) {
                command.addAll(List.of("-c", key + '=' + value));
            }
        });
        PostgreSQLContainer container = new PostgreSQLContainer(IMAGE)
                .withUsername("postgres")
                .withPassword("postgres")
                .withDatabaseName("postgres")
                // As the embedded server: the superuser connects without a password; TestingPostgres
                // then makes everyone else give one.
                .withEnv("POSTGRES_HOST_AUTH_METHOD", "trust")
                .withCommand(command.toArray(String[]::new));
        container.start();
        return new ContainerPostgresServer(container, TcpProxy.start(container.getHost(), container.getMappedPort(PORT)));
    }

    @Override
    public int port() {
        return proxy.port();
    }

    @Override
    public void stopImmediately() {
        DockerClient docker = DockerClientFactory.lazyClient();
        try {
            // The postmaster is the container's first process: when it dies, so does the container.
            container.execInContainer("sh", "-c", "gosu postgres pg_ctl stop -m immediate -D \"$PGDATA\"");
        } catch (Exception e) {
            // The exec may be cut off as the container goes; whether it went is checked below.
        }
        Poll.until(Duration.ofSeconds(60), "the PostgreSQL container to stop", () ->
                !Boolean.TRUE.equals(docker.inspectContainerCmd(container.getContainerId()).exec().getState().getRunning()));
    }

    @Override
    public void startAgain() {
        DockerClient docker = DockerClientFactory.lazyClient();
        docker.startContainerCmd(container.getContainerId()).exec();
        int mapped = Poll.until(Duration.ofSeconds(60), "the PostgreSQL container's port", () -> {
            Ports.Binding[] bindings = docker.inspectContainerCmd(container.getContainerId()).exec()
                    .getNetworkSettings().getPorts().getBindings().get(ExposedPort.tcp(PORT));
            return bindings == null || bindings.length == 0 ? null : Integer.valueOf(bindings[0].getHostPortSpec());
        });
        proxy.retarget(mapped);
        Poll.until(Duration.ofSeconds(120), "PostgreSQL to accept connections after its restart", () -> {
            try (var connection = DriverManager.getConnection("jdbc:postgresql://localhost:" + port() + "/postgres",
                    "postgres", "")) {
                return connection.isValid(5);
            }
        });
    }

    @Override
    public TestingPostgres.Standby startStandby() {
        throw new TestAbortedException("a standby is built from the embedded server's data directory;"
                + " this test runs on the embedded fixture only");
    }

    @Override
    public void close() {
        proxy.close();
        container.stop();
    }
}

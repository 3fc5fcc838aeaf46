package io.snapclone.testing;

import org.testcontainers.DockerClientFactory;

/**
 * Which servers the integration tests run on, from {@code -Dsnapclone.fixture}: {@code embedded}
 * (the default: PostgreSQL from local binaries, Kafka in this JVM) or {@code containers} (the
 * official PostgreSQL and Kafka images through Testcontainers; {@code mvn -Ptestcontainers verify}).
 */
public final class Fixture {
    private static final String PROPERTY = "snapclone.fixture";

    private Fixture() {
    }

    public static boolean containers() {
        String fixture = System.getProperty(PROPERTY, "embedded");
        return switch (fixture) {
            case "embedded" -> false;
            case "containers" -> true;
            default -> throw new IllegalStateException("-D" + PROPERTY + "=" + fixture
                    + " is not a fixture: use embedded (the default) or containers");
        };
    }

    /** Null if the fixture can run here, else why not (no Docker engine for the containers). */
    public static String unavailableReason() {
        if (containers() && !DockerClientFactory.instance().isDockerAvailable()) {
            return "-Ptestcontainers needs a Docker engine and none answers here (DOCKER_HOST, /var/run/docker.sock):"
                    + " integration tests skipped; without -Ptestcontainers they run on the embedded servers";
        }
        return null;
    }
}

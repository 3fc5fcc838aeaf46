package io.snapclone.testing;

import java.net.URI;
import java.util.List;

/**
 * Where the tests' Kafka broker and Connect workers run: in this JVM ({@link EmbeddedConnectBackend})
 * or a broker container with workers in this JVM ({@link WorkersOnBroker}). Tests never see
 * which: they use {@link TestingConnect}, which talks to either through REST and Kafka clients.
 */
interface ConnectBackend {
    String bootstrapServers();

    /** The REST URLs of the workers still running, in the order they started. */
    List<URI> workers();

    /** Stops the worker with this REST URL; it leaves the group as a worker being shut down does. */
    void stopWorker(URI worker);

    void stop();
}

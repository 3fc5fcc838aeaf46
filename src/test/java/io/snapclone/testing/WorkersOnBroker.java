package io.snapclone.testing;

import org.apache.kafka.connect.util.clusters.WorkerHandle;
import org.testcontainers.kafka.KafkaContainer;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Connect workers in this JVM (the plugin under test is on its class path) against a broker that
 * runs elsewhere: the official {@code apache/kafka} image ({@code -Dsnapclone.kafka.image}) for the
 * containers fixture ({@link #onContainer}). Any thread.
 */
final class WorkersOnBroker implements ConnectBackend {
    static final String KAFKA_IMAGE = System.getProperty("snapclone.kafka.image", "apache/kafka:3.9.1");

    private final String bootstrapServers;
    private final Runnable stopBroker;
    private final List<WorkerHandle> workers = new ArrayList<>();

    WorkersOnBroker(String bootstrapServers, Runnable stopBroker, int workerCount, Map<String, String> workerProps) {
        this.bootstrapServers = bootstrapServers;
        this.stopBroker = stopBroker;
        for (int i = 0; i < workerCount; i++) {
            Map<String, String> props = new HashMap<>(workerProps);
            props.put("bootstrap.servers", bootstrapServers);
            props.put("listeners", "http://localhost:0");
            workers.add(WorkerHandle.start("snapclone-test-worker-" + i, props));
        }
    }

    /** Workers against a broker container started for them; stopping them stops it. */
    static WorkersOnBroker onContainer(int workerCount, Map<String, String> workerProps, Properties brokerProps) {
        KafkaContainer broker = new KafkaContainer(KAFKA_IMAGE);
        // The image reads broker settings from KAFKA_<NAME> variables: log.retention.ms -> KAFKA_LOG_RETENTION_MS.
        brokerProps.forEach((key, value) -> broker.withEnv(
                "KAFKA_" + key.toString().toUpperCase(Locale.ROOT).replace('.', '_'), value.toString()));
        broker.start();
        return new WorkersOnBroker(broker.getBootstrapServers(), broker::stop, workerCount, workerProps);
    }

    @Override
    public String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public synchronized List<URI> workers() {
        return workers.stream().map(WorkerHandle::url).toList();
    }

    @Override
    public synchronized void stopWorker(URI worker) {
        WorkerHandle handle = workers.stream().filter(w -> w.url().equals(worker)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no worker at " + worker));
        handle.stop();
        workers.remove(handle);
    }

    @Override
    public synchronized void stop() {
        workers.forEach(WorkerHandle::stop);
        workers.clear();
        stopBroker.run();
    }
}

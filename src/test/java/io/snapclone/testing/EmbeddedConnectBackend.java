package io.snapclone.testing;

import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.apache.kafka.connect.util.clusters.WorkerHandle;

import java.net.URI;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** A KRaft broker and Connect workers in this JVM: Kafka's own test cluster, the default fixture. */
final class EmbeddedConnectBackend implements ConnectBackend {
    private final EmbeddedConnectCluster cluster;

    EmbeddedConnectBackend(int workers, Map<String, String> workerProps, Properties brokerProps) {
        cluster = new EmbeddedConnectCluster.Builder()
                .name("snapclone-test")
                .numWorkers(workers)
                .numBrokers(1)
                .workerProps(workerProps)
                .brokerProps(brokerProps)
                .build();
        cluster.start();
    }

    @Override
    public String bootstrapServers() {
        return cluster.kafka().bootstrapServers();
    }

    @Override
    public List<URI> workers() {
        return cluster.workers().stream().map(WorkerHandle::url).sorted(Comparator.comparing(URI::getPort)).toList();
    }

    @Override
    public void stopWorker(URI worker) {
        cluster.removeWorker(cluster.workers().stream().filter(w -> w.url().equals(worker)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no worker at " + worker)));
    }

    @Override
    public void stop() {
        cluster.stop();
    }
}

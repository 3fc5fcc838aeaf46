package io.snapclone.testing;

import io.snapclone.connect.SnapcloneSourceConnector;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorOffset;
import org.apache.kafka.connect.runtime.rest.entities.TaskInfo;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A real in-process Kafka Connect cluster (a KRaft broker and a worker with its REST API),
 * shared by every test in the JVM. Our only use of Kafka's internal test API lives here.
 */
public final class TestingConnect {
    public static final String CONNECTOR_CLASS = SnapcloneSourceConnector.class.getName();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestingConnect shared;

    private final EmbeddedConnectCluster cluster;
    private final Map<String, String> workerProps;

    private TestingConnect(EmbeddedConnectCluster cluster, Map<String, String> workerProps) {
        this.cluster = cluster;
        this.workerProps = Map.copyOf(workerProps);
    }

    public static synchronized TestingConnect shared() {
        if (shared == null) {
            shared = start(1);
            Runtime.getRuntime().addShutdownHook(new Thread(shared.cluster::stop));
        }
        return shared;
    }

    public static TestingConnect start(int workers) {
        return start(workers, false, Map.of(), Map.of());
    }

    /** A cluster of its own (stop it) with worker settings of the test's on top of the usual ones. */
    public static TestingConnect start(int workers, Map<String, String> workerOverrides) {
        return start(workers, false, workerOverrides, Map.of());
    }

    /** As {@link #start(int, Map)}, with broker settings of the test's on top of the usual ones. */
    public static TestingConnect start(int workers, Map<String, String> workerOverrides,
                                       Map<String, String> brokerOverrides) {
        return start(workers, false, workerOverrides, brokerOverrides);
    }

    /** A cluster of its own (stop it) whose worker runs source connectors exactly once (KIP-618). */
    public static TestingConnect startExactlyOnce() {
        return start(1, true, Map.of(), Map.of());
    }

    public void stop() {
        cluster.stop();
    }

    /**
     * The worker settings of every test cluster (a modifiable copy): plugins from the class path,
     * JsonConverter without schemas, offsets committed every 500 ms. Workers of other processes
     * ({@link ConnectWorkerProcess}) start from these too.
     */
    public static Map<String, String> workerProps() {
        Map<String, String> workerProps = new HashMap<>();
        workerProps.put("plugin.discovery", "service_load");
        workerProps.put("offset.flush.interval.ms", "500");
        workerProps.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
        workerProps.put("key.converter.schemas.enable", "false");
        workerProps.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        workerProps.put("value.converter.schemas.enable", "false");
        workerProps.put("value.converter.decimal.format", "NUMERIC");
        return workerProps;
    }

    private static TestingConnect start(int workers, boolean exactlyOnce, Map<String, String> workerOverrides,
                                        Map<String, String> brokerOverrides) {
        Map<String, String> workerProps = workerProps();
        // Named here rather than left to EmbeddedConnectCluster, so that a worker of another process can join.
        workerProps.put("group.id", "snapclone-test");
        workerProps.put("config.storage.topic", "snapclone-test-configs");
        workerProps.put("offset.storage.topic", "snapclone-test-offsets");
        workerProps.put("status.storage.topic", "snapclone-test-status");
        for (String topic : List.of("config", "offset", "status")) {
            workerProps.put(topic + ".storage.replication.factor", "1");
        }
        workerProps.putAll(workerOverrides);
        Properties brokerProps = new Properties();
        if (exactlyOnce) {
            workerProps.put("exactly.once.source.support", "enabled");
            // One broker: the transaction log cannot have the default three replicas.
            brokerProps.put("transaction.state.log.replication.factor", "1");
            brokerProps.put("transaction.state.log.min.isr", "1");
            // Transactions past their transaction.timeout.ms are aborted within a second, not ten.
            brokerProps.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");
        }
        brokerProps.put("auto.create.topics.enable", "false");
        // The log cleaner's default 128 MB buffer would take half of a 256 MB test heap.
        brokerProps.put("log.cleaner.dedupe.buffer.size", Integer.toString(4 * 1024 * 1024));
        brokerProps.putAll(brokerOverrides);
        EmbeddedConnectCluster cluster = new EmbeddedConnectCluster.Builder()
                .name("snapclone-test")
                .numWorkers(workers)
                .numBrokers(1)
                .workerProps(workerProps)
                .brokerProps(brokerProps)
                .build();
        cluster.start();
        return new TestingConnect(cluster, workerProps);
    }

    public EmbeddedConnectCluster cluster() {
        return cluster;
    }

    /** What a worker of another process needs to join this cluster: its broker, group, topics and settings. */
    public Map<String, String> joiningWorkerProps() {
        Map<String, String> props = new HashMap<>(workerProps);
        props.put("bootstrap.servers", cluster.kafka().bootstrapServers());
        return props;
    }

    /** Topic creation settings every connector config in the tests carries. */
    public static Map<String, String> baseConnectorConfig(String topicPrefix, int tasks) {
        Map<String, String> config = new HashMap<>();
        config.put("connector.class", CONNECTOR_CLASS);
        config.put("tasks.max", Integer.toString(tasks));
        config.put("topic.prefix", topicPrefix);
        // Snapshot-only unless a test asks for a slot: slots outlive connectors and keep WAL.
        config.put("snapshot.mode", "initial_only");
        config.put("topic.creation.default.replication.factor", "1");
        config.put("topic.creation.default.partitions", "1");
        return config;
    }

    /** A connector config reading {@code database} (keys from {@link TestingPostgres#connectorConfig}). */
    public static Map<String, String> connectorConfig(Map<String, String> database, String topicPrefix, int tasks,
                                                      Map<String, String> overrides) {
        Map<String, String> config = baseConnectorConfig(topicPrefix, tasks);
        config.putAll(database);
        config.putAll(overrides);
        return config;
    }

    public void deploy(String name, Map<String, String> config) {
        cluster.configureConnector(name, config);
    }

    public void delete(String name) {
        cluster.deleteConnector(name);
    }

    /** Every record now in the topics (missing topics count as empty). */
    public List<ConsumerRecord<byte[], byte[]>> readAll(String... topics) {
        return readAll(false, topics);
    }

    /** As {@link #readAll(String...)}; {@code committedOnly}: as a read_committed consumer sees them. */
    public List<ConsumerRecord<byte[], byte[]>> readAll(boolean committedOnly, String... topics) {
        List<String> existing = new ArrayList<>();
        for (String topic : topics) {
            if (cluster.kafka().describeTopics(topic).get(topic).isPresent()) {
                existing.add(topic);
            }
        }
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        if (existing.isEmpty()) {
            return records;
        }
        try {
            Map<String, Object> isolation = Map.of("isolation.level", committedOnly ? "read_committed" : "read_uncommitted");
            cluster.kafka().consumeAll(60_000, isolation, isolation, existing.toArray(String[]::new)).forEach(records::add);
        } catch (Exception e) {
            throw new IllegalStateException("could not read " + existing, e);
        }
        return records;
    }

    /** The committed offset of a table's first chunk, from {@code GET /connectors/{name}/offsets}; null if none. */
    public Map<String, ?> firstChunkOffset(String connector, String table) {
        for (ConnectorOffset offset : cluster.connectorOffsets(connector).offsets()) {
            if (offset.offset() != null && table.equals(offset.partition().get("table"))
                    && Long.valueOf(0).equals(((Number) offset.partition().get("block")).longValue())) {
                return offset.offset();
            }
        }
        return null;
    }

    /** The {@code event} fields of the progress topic, in order. */
    public List<String> progressEvents(String topicPrefix) throws IOException {
        List<String> events = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : readAll(true, topicPrefix + ".snapclone.progress")) {
            events.add(JSON.readTree(record.value()).get("event").asText());
        }
        return events;
    }

    /** Task configs as {@code GET /connectors/{name}/tasks} shows them. */
    public List<Map<String, String>> taskConfigs(String connector) {
        return cluster.taskConfigs(connector).stream().map(TaskInfo::config).toList();
    }
}

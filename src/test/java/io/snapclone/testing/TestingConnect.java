package io.snapclone.testing;

import io.snapclone.connect.SnapcloneSourceConnector;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfos;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorOffset;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorOffsets;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A real Kafka Connect cluster (a KRaft broker and workers with their REST API), shared by every
 * test in the JVM: the one Connect fixture of the tests. It runs in this JVM by default, or on the
 * official broker image with {@code -Ptestcontainers} ({@link Fixture}); tests cannot tell which,
 * since everything here goes through REST and Kafka's clients. Any thread.
 */
public final class TestingConnect {
    public static final String CONNECTOR_CLASS = SnapcloneSourceConnector.class.getName();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestingConnect shared;

    private final ConnectBackend backend;
    private final Map<String, String> workerProps;

    TestingConnect(ConnectBackend backend, Map<String, String> workerProps) {
        this.backend = backend;
        this.workerProps = Map.copyOf(workerProps);
    }

    public static synchronized TestingConnect shared() {
        if (shared == null) {
            shared = start(1);
            Runtime.getRuntime().addShutdownHook(new Thread(shared::stop));
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
        backend.stop();
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

    /**
     * {@link #workerProps()} with a group of its own and its storage topics (one replica each):
     * named here rather than left to EmbeddedConnectCluster, so that a worker of another process can join.
     */
    static Map<String, String> groupWorkerProps(String group) {
        Map<String, String> workerProps = workerProps();
        workerProps.put("group.id", group);
        workerProps.put("config.storage.topic", group + "-configs");
        workerProps.put("offset.storage.topic", group + "-offsets");
        workerProps.put("status.storage.topic", group + "-status");
        for (String topic : List.of("config", "offset", "status")) {
            workerProps.put(topic + ".storage.replication.factor", "1");
        }
        return workerProps;
    }

    private static TestingConnect start(int workers, boolean exactlyOnce, Map<String, String> workerOverrides,
                                        Map<String, String> brokerOverrides) {
        Map<String, String> workerProps = groupWorkerProps("snapclone-test");
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
        ConnectBackend backend = Fixture.containers()
                ? WorkersOnBroker.onContainer(workers, workerProps, brokerProps)
                : new EmbeddedConnectBackend(workers, workerProps, brokerProps);
        return new TestingConnect(backend, workerProps);
    }

    /** What a worker of another process needs to join this cluster: its broker, group, topics and settings. */
    public Map<String, String> joiningWorkerProps() {
        Map<String, String> props = new HashMap<>(workerProps);
        props.put("bootstrap.servers", bootstrapServers());
        return props;
    }

    public String bootstrapServers() {
        return backend.bootstrapServers();
    }

    /** The REST API of a worker of this JVM that is running. */
    public ConnectRest rest() {
        return new ConnectRest(endpoint(""));
    }

    /** The URL of a REST resource, e.g. {@code connectors/orders/status}, on a running worker. */
    public URI endpoint(String resource) {
        List<URI> workers = backend.workers();
        if (workers.isEmpty()) {
            throw new IllegalStateException("no worker of this JVM is running");
        }
        return workers.get(0).resolve(resource);
    }

    /** Stops the worker of this JVM whose id ({@code host:port}, as the status shows it) is given. */
    public void stopWorker(String workerId) {
        backend.stopWorker(backend.workers().stream().filter(url -> workerId.endsWith(":" + url.getPort()))
                .findFirst().orElseThrow(() -> new AssertionError(workerId + " is not a worker of this JVM: "
                        + backend.workers())));
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
        rest().deploy(name, config);
    }

    public void delete(String name) {
        rest().delete(name);
    }

    /** The connector's status; throws (IllegalStateException) while Connect has none, so poll it. */
    public ConnectorStateInfo connectorStatus(String name) {
        return rest().connectorStatus(name);
    }

    /** {@code validate()} through REST, as {@code PUT /connector-plugins/.../config/validate} answers it. */
    public ConfigInfos validate(Map<String, String> config) {
        return rest().validate(SnapcloneSourceConnector.class.getSimpleName(), config);
    }

    public void restartTask(String name, int task) {
        rest().restartTask(name, task);
    }

    public void restartConnector(String name) {
        rest().restartConnector(name);
    }

    public void restartConnectorAndTasks(String name) {
        rest().restartConnectorAndTasks(name);
    }

    public ConnectorOffsets offsets(String name) {
        return rest().offsets(name);
    }

    /** The topics the connector has written to, as {@code GET /connectors/<name>/topics} lists them. */
    public List<String> connectorTopics(String name) {
        return rest().topics(name);
    }

    /** An admin client of the cluster's broker; close it. */
    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
    }

    /** A byte-array consumer of the cluster's broker, with settings of the test's on top; close it. */
    public KafkaConsumer<byte[], byte[]> consumer(Map<String, Object> overrides) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // A group of its own, for consumers that subscribe rather than assign.
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "snapclone-test-" + UUID.randomUUID());
        config.putAll(overrides);
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    public void createTopic(String topic, int partitions) {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not create " + topic, e);
        }
    }

    public void deleteTopic(String topic) {
        try (Admin admin = admin()) {
            admin.deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not delete " + topic, e);
        }
    }

    public boolean topicExists(String topic) {
        try (Admin admin = admin()) {
            return admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic);
        } catch (Exception e) {
            throw new IllegalStateException("could not list the topics", e);
        }
    }

    /** The end offset of a partition (as a read_uncommitted consumer sees it). */
    public long endOffset(TopicPartition partition) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(Map.of())) {
            return consumer.endOffsets(List.of(partition), Duration.ofSeconds(30)).get(partition);
        }
    }

    /** Every record now in the topics (missing topics count as empty). */
    public List<ConsumerRecord<byte[], byte[]>> readAll(String... topics) {
        return readAll(false, topics);
    }

    /** As {@link #readAll(String...)}; {@code committedOnly}: as a read_committed consumer sees them. */
    public List<ConsumerRecord<byte[], byte[]>> readAll(boolean committedOnly, String... topics) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        Map<String, Object> isolation = Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                committedOnly ? "read_committed" : "read_uncommitted");
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(isolation)) {
            Map<String, List<PartitionInfo>> existing = consumer.listTopics(Duration.ofSeconds(30));
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                existing.getOrDefault(topic, List.of())
                        .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // Read_committed end offsets stop at the last stable offset: what such a consumer sees now.
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read " + List.of(topics) + " to " + ends + " in 60 s");
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    // What was written since the end offsets were taken is left out: the topics as they were then.
                    if (record.offset() < ends.get(new TopicPartition(record.topic(), record.partition()))) {
                        records.add(record);
                    }
                }
            }
        }
        return records;
    }

    /** The committed offset of a table's first chunk, from {@code GET /connectors/{name}/offsets}; null if none. */
    public Map<String, ?> firstChunkOffset(String connector, String table) {
        for (ConnectorOffset offset : offsets(connector).offsets()) {
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
        return rest().taskConfigs(connector);
    }
}

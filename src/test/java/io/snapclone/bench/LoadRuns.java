package io.snapclone.bench;

import io.snapclone.testing.TestingConnect;
import io.snapclone.testing.TestingPostgres;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;

import java.sql.Connection;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Timed initial loads of the benchmark's data set through a Connect cluster, for each contender:
 * rows per second from {@code PUT /connectors/<name>/config} until every row is in the topics (end
 * offsets), so connector start, planning and topic creation count.
 */
final class LoadRuns {
    private static final long DEADLINE_NANOS = 30L * 60 * 1_000_000_000L;

    private final TestingPostgres postgres;
    private final TestingConnect connect;
    private final String db;
    private final long rows;
    private final long accounts;
    /** Numbers every run in the JVM: a reused connector name would find the old run's offsets and do nothing. */
    private static final AtomicInteger RUN = new AtomicInteger();

    LoadRuns(TestingPostgres postgres, TestingConnect connect, String db, BenchData data) {
        this.postgres = postgres;
        this.connect = connect;
        this.db = db;
        this.rows = data.rows();
        this.accounts = data.accounts();
    }

    /** @param rowsPerSecond the load's rate; {@code bytesPerRow} what a row weighs in the topics' logs */
    record Result(double rowsPerSecond, double bytesPerRow, Map<String, Integer> tasksPerWorker) {
    }

    /** @param pipeline converter and producer settings (connector-level overrides) */
    Result snapclone(int tasks, Map<String, String> pipeline) throws Exception {
        String prefix = "sc" + RUN.incrementAndGet();
        Map<String, String> config = TestingConnect.connectorConfig(postgres.superuserConnectorConfig(db), prefix, tasks,
                pipeline);
        config.put("table.include.list", BenchData.TABLES);
        return time(prefix, config);
    }

    /** The pipeline ceiling: {@link PipelineCeilingConnector} emitting as many rows. */
    Result ceiling(int tasks, Map<String, String> pipeline) throws Exception {
        String prefix = "ceil" + RUN.incrementAndGet();
        Map<String, String> config = TestingConnect.baseConnectorConfig(prefix, tasks);
        config.put("connector.class", PipelineCeilingConnector.class.getName());
        config.put(PipelineCeilingConnector.ROWS, Long.toString(rows));
        config.put(PipelineCeilingConnector.ACCOUNTS, Long.toString(accounts));
        config.putAll(pipeline);
        return time(prefix, config);
    }

    /** @param overrides connector settings: Debezium's own, converters, producer overrides */
    Result debezium(Map<String, String> overrides) throws Exception {
        String prefix = "dbz" + RUN.incrementAndGet();
        Map<String, String> config = TestingConnect.baseConnectorConfig(prefix, 1);
        config.putAll(debeziumSnapshot(postgres, db, prefix));
        config.putAll(overrides);
        try {
            return time(prefix, config);
        } finally {
            dropSlotAndPublication(postgres, db, prefix);
        }
    }

    /** Debezium's PostgreSQL connector loading the data set once ({@code initial_only}) under {@code prefix}. */
    static Map<String, String> debeziumSnapshot(TestingPostgres postgres, String db, String prefix) {
        Map<String, String> config = new HashMap<>(postgres.superuserConnectorConfig(db));
        config.put("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        config.put("topic.prefix", prefix);
        config.put("plugin.name", "pgoutput");
        config.put("slot.name", prefix);
        config.put("publication.name", prefix);
        config.put("publication.autocreate.mode", "filtered");
        config.put("snapshot.mode", "initial_only");
        config.put("table.include.list", BenchData.TABLES);
        return config;
    }

    /** What a Debezium run leaves behind: its slot (once released) and publication. */
    static void dropSlotAndPublication(TestingPostgres postgres, String db, String name) throws Exception {
        try (Connection connection = postgres.superuser(db); Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
                    + "WHERE slot_name = '" + name + "' AND NOT active");
            statement.execute("DROP PUBLICATION IF EXISTS " + name);
        }
    }

    private Result time(String prefix, Map<String, String> config) throws Exception {
        List<TopicPartition> topics = List.of(new TopicPartition(prefix + ".public.pgbench_accounts", 0),
                new TopicPartition(prefix + ".public.wide", 0));
        long start = System.nanoTime();
        connect.deploy(prefix, config);
        // Where the snapshot's tasks run: looked at once a second while they run (the most seen
        // running at once), since a finished snapshot reconfigures them.
        Map<String, Integer> tasksPerWorker = Map.of();
        long lookedAt = 0;
        while (inKafka(topics) < rows) {
            if (System.nanoTime() - lookedAt > 1_000_000_000L) {
                lookedAt = System.nanoTime();
                Map<String, Integer> now = tasksPerWorker(prefix);
                if (total(now) > total(tasksPerWorker)) {
                    tasksPerWorker = now;
                }
            }
            if (System.nanoTime() - start > DEADLINE_NANOS) {
                throw new AssertionError(prefix + ": timed out with " + inKafka(topics) + " of " + rows + " rows");
            }
            Thread.sleep(50);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Result result = new Result(rows / seconds, (double) logBytes(topics) / rows, tasksPerWorker);
        connect.delete(prefix);
        for (TopicPartition topic : topics) {
            if (exists(topic.topic())) {
                connect.deleteTopic(topic.topic());
            }
        }
        return result;
    }

    /** Where the connector's running tasks are, as the REST API's status says; empty before they run. */
    private Map<String, Integer> tasksPerWorker(String connector) {
        Map<String, Integer> perWorker = new TreeMap<>();
        try {
            for (ConnectorStateInfo.TaskState task : connect.connectorStatus(connector).tasks()) {
                if ("RUNNING".equals(task.state())) {
                    perWorker.merge(task.workerId(), 1, Integer::sum);
                }
            }
        } catch (RuntimeException notYetKnown) {
            // 404 until the connector is created
        }
        return perWorker;
    }

    private static int total(Map<String, Integer> tasksPerWorker) {
        return tasksPerWorker.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Size of the topics' logs on the broker: what the records weigh in Kafka. */
    private long logBytes(List<TopicPartition> topics) throws Exception {
        try (Admin admin = connect.admin()) {
            List<Integer> brokers = admin.describeCluster().nodes().get().stream().map(Node::id).toList();
            return admin.describeLogDirs(brokers).allDescriptions().get().values().stream()
                    .flatMap(dirs -> dirs.values().stream())
                    .flatMap(dir -> dir.replicaInfos().entrySet().stream())
                    .filter(replica -> topics.contains(replica.getKey()))
                    .mapToLong(replica -> replica.getValue().size()).sum();
        }
    }

    private long inKafka(List<TopicPartition> topics) throws Exception {
        long total = 0;
        for (TopicPartition topic : topics) {
            if (exists(topic.topic())) {
                total += connect.endOffset(topic);
            }
        }
        return total;
    }

    private boolean exists(String topic) {
        return connect.topicExists(topic);
    }
}

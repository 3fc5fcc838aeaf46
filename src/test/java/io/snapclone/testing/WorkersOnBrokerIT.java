package io.snapclone.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.util.clusters.EmbeddedKafkaCluster;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;

/**
 * The containers fixture's Connect half ({@link WorkersOnBroker}: workers of this JVM on a broker
 * that is not theirs) on a broker that needs no Docker, so that it runs in every build: a snapshot
 * through REST, records read back, and a worker leaving with the connector moving to the other.
 */
class WorkersOnBrokerIT {
    @Test
    void workersOnABrokerOfTheirOwnRunAConnectorAndHandItOver() throws Exception {
        TestingPostgres postgres = TestingPostgres.shared();
        String db = postgres.createDatabase();
        postgres.createTable(db, "items", 2_000);
        Properties brokerProps = new Properties();
        brokerProps.put("auto.create.topics.enable", "false");
        EmbeddedKafkaCluster broker = new EmbeddedKafkaCluster(1, brokerProps);
        broker.start();
        Map<String, String> workerProps = TestingConnect.groupWorkerProps("workers-on-broker");
        // A worker that left gets its work back within 2 s, not Connect's default 5 minutes.
        workerProps.put("scheduled.rebalance.max.delay.ms", "2000");
        TestingConnect connect = new TestingConnect(new WorkersOnBroker(broker.bootstrapServers(), broker::stop, 2,
                workerProps), workerProps);
        try {
            connect.deploy("wob", TestingConnect.connectorConfig(postgres.connectorConfig(db), "wob", 2, Map.of()));
            Poll.until(Duration.ofSeconds(120), "every row", () -> connect.readAll("wob.public.items").size() == 2_000);
            ConnectorStateInfo status = connect.connectorStatus("wob");
            assertEquals("RUNNING", status.connector().state());

            String first = status.connector().workerId();
            connect.stopWorker(first);
            String second = Poll.until(Duration.ofSeconds(120), "the connector on the other worker", () -> {
                ConnectorStateInfo now = connect.connectorStatus("wob");
                return "RUNNING".equals(now.connector().state()) && !first.equals(now.connector().workerId())
                        ? now.connector().workerId() : null;
            });
            assertNotEquals(first, second);
            assertEquals(2_000, connect.readAll("wob.public.items").size(), "nothing read twice by the move");
            connect.delete("wob");
        } finally {
            connect.stop();
        }
    }
}

package io.snapclone.connect.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapclone.pg.TableId;
import io.snapclone.pg.snapshot.Chunk;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.openmbean.CompositeData;
import javax.management.openmbean.TabularData;

/** A task's Debezium-compatible beans, read by Debezium's names through the platform MBean server. */
class DebeziumBeansTest {
    private static final MBeanServer JMX = ManagementFactory.getPlatformMBeanServer();
    private static final TableId ORDERS = new TableId("public", "orders");
    private static final TableId ITEMS = new TableId("public", "items");

    @Test
    void oneTaskUsesDebeziumsExactNames() throws Exception {
        TaskBeanNames names = new TaskBeanNames("my connector", "shop", 0, 1);
        assertEquals(new ObjectName("debezium.postgres:type=connector-metrics,context=snapshot,server=shop"),
                names.debezium("snapshot"));
        assertEquals("type=connector-metrics,context=streaming,server=shop",
                names.debezium("streaming").getKeyPropertyListString(), "key order as Debezium's, for exporter rules");
        assertEquals(new ObjectName("io.snapclone:type=snapshot-metrics,connector=\"my connector\",task=0"),
                names.ours("snapshot-metrics"));
    }

    @Test
    void severalTasksCarryATaskKeyAsDebeziumsMultiTaskConnectors() throws Exception {
        assertEquals("type=connector-metrics,server=shop,task=2,context=snapshot",
                new TaskBeanNames("c", "shop", 2, 3).debezium("snapshot").getKeyPropertyListString());
    }

    @Test
    void aServerNameDebeziumWouldQuoteIsQuoted() throws Exception {
        assertEquals("\"a,b\"", new TaskBeanNames("c", "a,b", 0, 1).debezium("snapshot").getKeyProperty("server"));
        assertEquals("shop.eu-1", new TaskBeanNames("c", "shop.eu-1", 0, 1).debezium("snapshot").getKeyProperty("server"));
    }

    @Test
    void snapshotAttributesFollowOurMetrics() throws Exception {
        Chunk first = new Chunk(ORDERS, 0, 10);
        Chunk second = new Chunk(ORDERS, 10, Chunk.OPEN);
        Chunk items = Chunk.whole(ITEMS);
        ObjectName name = new ObjectName("debezium.postgres:type=connector-metrics,context=snapshot,server=snaptest");
        SnapshotMetrics metrics = new SnapshotMetrics(new TaskBeanNames("snaptest", "snaptest", 0, 1),
                List.of(first, second, items)).register();
        try {
            assertEquals(true, JMX.getAttribute(name, "SnapshotRunning"));
            assertEquals(false, JMX.getAttribute(name, "SnapshotCompleted"));
            assertEquals(false, JMX.getAttribute(name, "SnapshotAborted"));
            assertEquals(2, JMX.getAttribute(name, "TotalTableCount"));
            assertEquals(2, JMX.getAttribute(name, "RemainingTableCount"));
            assertArrayEquals(new String[] {"public.items", "public.orders"},
                    (String[]) JMX.getAttribute(name, "CapturedTables"));
            assertEquals(-1L, JMX.getAttribute(name, "MilliSecondsSinceLastEvent"));
            assertNull(JMX.getAttribute(name, "LastEvent"));

            metrics.rowsSent(ORDERS, 5, 500);
            metrics.chunkRead(first, 1_000_000);
            metrics.rowsSent(ORDERS, 2, 200);
            metrics.chunkRead(second, 1_000_000);
            assertEquals(1, JMX.getAttribute(name, "RemainingTableCount"));
            assertEquals(7L, JMX.getAttribute(name, "TotalNumberOfEventsSeen"));
            assertEquals(7L, JMX.getAttribute(name, "TotalNumberOfReadEventsSeen"));
            assertEquals(0L, JMX.getAttribute(name, "TotalNumberOfCreateEventsSeen"));
            assertTrue((Long) JMX.getAttribute(name, "MilliSecondsSinceLastEvent") >= 0);
            assertEquals("op=r table=public.orders", JMX.getAttribute(name, "LastEvent"));
            Map<String, Long> rows = longs((TabularData) JMX.getAttribute(name, "RowsScanned"));
            assertEquals(Map.of("public.orders", 7L, "public.items", 0L), rows);
            assertEquals(Map.of("public.orders", 2L, "public.items", 1L),
                    longs((TabularData) JMX.getAttribute(name, "TableChunkCounts")));
            assertEquals(Map.of("public.orders", 2L, "public.items", 0L),
                    longs((TabularData) JMX.getAttribute(name, "TableChunksCompletedCounts")));
            assertEquals(true, JMX.getAttribute(name, "SnapshotRunning"));
            // No queue: an always empty one, so that "queue full" alerts written for Debezium stay quiet.
            assertEquals(8192, JMX.getAttribute(name, "QueueTotalCapacity"));
            assertEquals(8192, JMX.getAttribute(name, "QueueRemainingCapacity"));

            metrics.chunkRead(items, 1_000_000);
            assertEquals(false, JMX.getAttribute(name, "SnapshotRunning"));
            assertEquals(true, JMX.getAttribute(name, "SnapshotCompleted"));
            assertEquals(0, JMX.getAttribute(name, "RemainingTableCount"));
            assertTrue((Long) JMX.getAttribute(name, "SnapshotDurationInSeconds") >= 0);
        } finally {
            metrics.close();
        }
        assertFalse(JMX.isRegistered(name), "the Debezium bean leaves with the task");
        assertFalse(JMX.isRegistered(metrics.name()), "our bean leaves with the task");
    }

    @Test
    void streamingAttributesFollowOurMetrics() throws Exception {
        ObjectName name = new ObjectName("debezium.postgres:type=connector-metrics,context=streaming,server=strtest");
        StreamingMetrics metrics = new StreamingMetrics(new TaskBeanNames("strtest", "strtest", 0, 1), List.of(ORDERS))
                .register();
        try {
            assertEquals(false, JMX.getAttribute(name, "Connected"));
            assertEquals(-1L, JMX.getAttribute(name, "MilliSecondsBehindSource"));
            assertEquals(0, ((TabularData) JMX.getAttribute(name, "SourceEventPosition")).size());
            assertNull(JMX.getAttribute(name, "LastTransactionId"));
            assertNull(JMX.getAttribute(name, "MilliSecondsBehindSourceMaxValue"));
            assertArrayEquals(new String[] {"public.orders"}, (String[]) JMX.getAttribute(name, "CapturedTables"));

            metrics.connected(true);
            long now = System.currentTimeMillis();
            List<SourceRecord> batch = List.of(change(ITEMS, "c", 100, 7), change(ITEMS, "u", 200, 7),
                    change(ITEMS, "d", 300, 7));
            metrics.eventsRead(batch.size(), now - 40, now);
            metrics.changesRead(batch);
            metrics.transactionCommitted();

            assertEquals(true, JMX.getAttribute(name, "Connected"));
            assertEquals(40L, JMX.getAttribute(name, "MilliSecondsBehindSource"));
            assertEquals(40L, JMX.getAttribute(name, "MilliSecondsBehindSourceMaxValue"));
            assertEquals(40.0, JMX.getAttribute(name, "MilliSecondsBehindSourceAverageValue"));
            assertEquals(3L, JMX.getAttribute(name, "TotalNumberOfEventsSeen"));
            assertEquals(1L, JMX.getAttribute(name, "TotalNumberOfCreateEventsSeen"));
            assertEquals(1L, JMX.getAttribute(name, "TotalNumberOfUpdateEventsSeen"));
            assertEquals(1L, JMX.getAttribute(name, "TotalNumberOfDeleteEventsSeen"));
            assertEquals(1L, JMX.getAttribute(name, "NumberOfCommittedTransactions"));
            assertEquals("7", JMX.getAttribute(name, "LastTransactionId"));
            assertEquals("table=public.items lsn=0/12C txId=7", JMX.getAttribute(name, "LastEvent"));
            assertTrue((Long) JMX.getAttribute(name, "MilliSecondsSinceLastEvent") >= 0);
            TabularData position = (TabularData) JMX.getAttribute(name, "SourceEventPosition");
            assertEquals("300", position.get(new Object[] {"lsn"}).get("value"));
            assertArrayEquals(new String[] {"public.items", "public.orders"},
                    (String[]) JMX.getAttribute(name, "CapturedTables"));
            assertEquals(-1L, JMX.getAttribute(name, "NumberOfUnchangedEventsSkipped"));
        } finally {
            metrics.close();
        }
        assertFalse(JMX.isRegistered(name), "the Debezium bean leaves with the task");
        assertFalse(JMX.isRegistered(metrics.name()), "our bean leaves with the task");
    }

    private static SourceRecord change(TableId table, String op, long lsn, long txId) {
        Schema source = SchemaBuilder.struct().field("schema", Schema.STRING_SCHEMA).field("table", Schema.STRING_SCHEMA)
                .field("txId", Schema.OPTIONAL_INT64_SCHEMA).field("lsn", Schema.OPTIONAL_INT64_SCHEMA).build();
        Schema envelope = SchemaBuilder.struct().field("op", Schema.STRING_SCHEMA).field("source", source).build();
        Struct value = new Struct(envelope).put("op", op).put("source",
                new Struct(source).put("schema", table.schema()).put("table", table.table()).put("txId", txId).put("lsn", lsn));
        return new SourceRecord(Map.of(), Map.of(), "strtest." + table.qualifiedName(), envelope, value);
    }

    /** An MXBean's {@code Map<String, Long>}, back from its open type. */
    private static Map<String, Long> longs(TabularData data) {
        Map<String, Long> map = new java.util.HashMap<>();
        for (Object row : data.values()) {
            CompositeData entry = (CompositeData) row;
            map.put((String) entry.get("key"), (Long) entry.get("value"));
        }
        return map;
    }
}

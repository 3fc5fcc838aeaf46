package io.snapclone.connect.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.TreeMap;

/**
 * Our Debezium-compatible MXBean interfaces declare every attribute Debezium 3.x declares, with
 * the same type, read from Debezium's own interfaces on the test classpath. Operations (methods
 * that are not getters: {@code reset()}, {@code pause()}, ...) are left out on purpose: dashboards
 * and exporters read attributes, and resetting or pausing has no meaning for us.
 */
class DebeziumAttributeNamesTest {
    /** Attributes Debezium declares that we leave out, with the reason. None so far. */
    private static final Map<String, String> LEFT_OUT = Map.of();

    @Test
    void theSnapshotBeanHasDebeziumsAttributes() throws Exception {
        assertSameAttributes("io.debezium.pipeline.metrics.SnapshotChangeEventSourceMetricsMXBean",
                DebeziumSnapshotMetricsMXBean.class);
    }

    @Test
    void theStreamingBeanHasDebeziumsPostgresAttributes() throws Exception {
        assertSameAttributes("io.debezium.connector.postgresql.metrics.PostgresStreamingChangeEventSourceMetricsMXBean",
                DebeziumStreamingMetricsMXBean.class);
    }

    private static void assertSameAttributes(String debeziumInterface, Class<?> ours) throws ClassNotFoundException {
        Map<String, String> expected = attributes(Class.forName(debeziumInterface));
        LEFT_OUT.keySet().forEach(expected::remove);
        assertEquals(expected, attributes(ours), "attributes of " + ours.getSimpleName() + " vs " + debeziumInterface);
    }

    /** Attribute name → type, as the MXBean rules derive them from getters (inherited ones too). */
    private static Map<String, String> attributes(Class<?> type) {
        Map<String, String> attributes = new TreeMap<>();
        for (Method method : type.getMethods()) {
            if (Modifier.isStatic(method.getModifiers()) || method.getParameterCount() != 0) {
                continue;
            }
            String name = method.getName();
            if (name.startsWith("get") && name.length() > 3 && method.getReturnType() != void.class) {
                attributes.put(name.substring(3), method.getGenericReturnType().getTypeName());
            } else if (name.startsWith("is") && name.length() > 2 && method.getReturnType() == boolean.class) {
                attributes.put(name.substring(2), method.getGenericReturnType().getTypeName());
            }
        }
        return attributes;
    }
}

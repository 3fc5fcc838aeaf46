package io.snapclone.connect.metrics;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/** Names, registers and unregisters a task's MBeans in the platform server. Any thread. */
final class TaskBeans {
    private static final Logger log = LoggerFactory.getLogger(TaskBeans.class);

    private TaskBeans() {
    }

    /** {@code io.snapclone:type=<type>,connector="<connector>",task=<task>} */
    static ObjectName name(String type, String connector, int task) {
        try {
            return new ObjectName("io.snapclone:type=" + type + ",connector=" + ObjectName.quote(connector)
                    + ",task=" + task);
        } catch (JMException e) {
            throw new IllegalArgumentException("cannot name metrics for connector " + connector, e);
        }
    }

    /** Registers {@code bean}; a bean left by an earlier instance of the same task is replaced. */
    static void register(Object bean, ObjectName name) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            if (server.isRegistered(name)) {
                server.unregisterMBean(name);
            }
            server.registerMBean(bean, name);
        } catch (JMException e) {
            log.warn("Could not register metrics {}", name, e);
        }
    }

    static void unregister(ObjectName name) {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            if (server.isRegistered(name)) {
                server.unregisterMBean(name);
            }
        } catch (JMException e) {
            log.debug("Could not unregister {}", name, e);
        }
    }
}

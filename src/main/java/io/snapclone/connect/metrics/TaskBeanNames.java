package io.snapclone.connect.metrics;

import static java.util.Objects.requireNonNull;

import java.util.regex.Pattern;

import javax.management.JMException;
import javax.management.ObjectName;

/**
 * The names of one task's beans: ours, keyed by the connector's name, and the Debezium-compatible
 * ones, keyed as Debezium's PostgreSQL connector keys them, by {@code topic.prefix}.
 *
 * <p>Debezium's PostgreSQL connector runs one task and names its beans
 * {@code debezium.postgres:type=connector-metrics,context=<snapshot|streaming>,server=<topic.prefix>}
 * (3.7, {@code io.debezium.metrics.Metrics}), with no task key. We keep that exact name when the
 * phase runs one task (always in the streaming phase), so that dashboards and JMX exporter rules
 * written for Debezium match. With several snapshot tasks the names must differ; we then use the
 * form Debezium's multi-task connectors (SQL Server, Oracle) use:
 * {@code debezium.postgres:type=connector-metrics,server=<topic.prefix>,task=<n>,context=<context>}.
 *
 * @param connector the connector's name
 * @param server {@code topic.prefix}, Debezium's logical server name
 * @param task this task's index
 * @param tasks how many tasks the connector runs in this phase
 */
public record TaskBeanNames(String connector, String server, int task, int tasks) {
    /** What Debezium ({@code io.debezium.util.Sanitizer.jmxSanitize}) leaves unquoted in a name. */
    private static final Pattern PLAIN = Pattern.compile("[\\w-%\\. \t]*");

    public TaskBeanNames {
        requireNonNull(connector, "connector is null");
        requireNonNull(server, "server is null");
        if (task < 0) {
            throw new IllegalArgumentException("task is negative: " + task);
        }
        if (tasks < 1) {
            throw new IllegalArgumentException("tasks is less than 1: " + tasks);
        }
    }

    /** {@code io.snapclone:type=<type>,connector="<connector>",task=<task>} */
    public ObjectName ours(String type) {
        return TaskBeans.name(type, connector, task);
    }

    /** Debezium's name of this task's bean for {@code context} ({@code snapshot} or {@code streaming}). */
    public ObjectName debezium(String context) {
        String value = PLAIN.matcher(server).matches() ? server : ObjectName.quote(server);
        String keys = tasks == 1
                ? "context=" + context + ",server=" + value
                : "server=" + value + ",task=" + task + ",context=" + context;
        try {
            return new ObjectName("debezium.postgres:type=connector-metrics," + keys);
        } catch (JMException e) {
            throw new IllegalArgumentException("cannot name Debezium metrics for topic prefix " + server, e);
        }
    }
}

package io.snapclone.connect.config;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Task configs when several databases are captured: each database's coordinator plans its own
 * tasks (their configs as for one database), and a Connect task runs one or more of them, from
 * several databases, side by side. Database {@code i}'s task {@code t} runs in Connect task
 * {@code (i + t) mod tasks.max}, so that the databases' streams (each one's task 0) spread over
 * the tasks. Stateless.
 */
public final class ClusterTasks {
    static final String COUNT_CONFIG = "cluster.task.parts";
    static final String PART_PREFIX = "cluster.task.part.";
    /** The databases captured, in Connect task 0's config: it publishes the cluster watermarks. */
    static final String DATABASES_CONFIG = "cluster.databases";

    private ClusterTasks() {
    }

    /**
     * The Connect tasks' configs.
     *
     * @param perDatabase by database (in database.names order), the task configs its coordinator planned
     */
    public static List<Map<String, String>> combine(Map<String, String> connectorProps,
                                                    Map<String, List<Map<String, String>>> perDatabase, int maxTasks) {
        Map<Integer, List<Map<String, String>>> byTask = new TreeMap<>();
        int i = 0;
        for (List<Map<String, String>> tasks : perDatabase.values()) {
            for (int t = 0; t < tasks.size(); t++) {
                byTask.computeIfAbsent((i + t) % maxTasks, k -> new ArrayList<>()).add(tasks.get(t));
            }
            i++;
        }
        List<Map<String, String>> configs = new ArrayList<>();
        for (List<Map<String, String>> parts : byTask.values()) {
            Map<String, String> task = new HashMap<>(connectorProps);
            task.put(TaskConfig.TASK_INDEX_CONFIG, Integer.toString(configs.size()));
            task.put(COUNT_CONFIG, Integer.toString(parts.size()));
            for (int p = 0; p < parts.size(); p++) {
                String prefix = PART_PREFIX + p + ".";
                parts.get(p).forEach((key, value) -> task.put(prefix + key, value));
            }
            if (configs.isEmpty()) {
                task.put(DATABASES_CONFIG, encode(new ArrayList<>(perDatabase.keySet())));
            }
            configs.add(task);
        }
        return configs;
    }

    /** Whether {@code props} are of a Connect task that runs parts of several databases. */
    public static boolean isCombined(Map<String, String> props) {
        return props.containsKey(COUNT_CONFIG);
    }

    /** The configs of the parts a combined task runs. */
    public static List<Map<String, String>> parts(Map<String, String> props) {
        int count = Integer.parseInt(props.get(COUNT_CONFIG));
        List<Map<String, String>> parts = new ArrayList<>();
        for (int p = 0; p < count; p++) {
            String prefix = PART_PREFIX + p + ".";
            Map<String, String> part = new HashMap<>();
            props.forEach((key, value) -> {
                if (key.startsWith(prefix)) {
                    part.put(key.substring(prefix.length()), value);
                }
            });
            parts.add(part);
        }
        return parts;
    }

    /** The databases whose watermark this task publishes (Connect task 0), or empty. */
    public static List<String> watermarkDatabases(Map<String, String> props) {
        String encoded = props.get(DATABASES_CONFIG);
        return encoded == null ? List.of() : decode(encoded);
    }

    private static String encode(List<String> names) {
        return String.join(",", names.stream().map(n -> URLEncoder.encode(n, StandardCharsets.UTF_8)).toList());
    }

    private static List<String> decode(String encoded) {
        return encoded.isEmpty() ? List.of() : Arrays.stream(encoded.split(","))
                .map(n -> URLDecoder.decode(n, StandardCharsets.UTF_8)).toList();
    }
}

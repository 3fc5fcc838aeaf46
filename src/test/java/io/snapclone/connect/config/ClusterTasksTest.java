package io.snapclone.connect.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

class ClusterTasksTest {
    @Test
    void eachDatabasesTasksSpreadFromItsOwnStart() {
        Map<String, List<Map<String, String>>> perDatabase = new LinkedHashMap<>();
        perDatabase.put("a", List.of(Map.of("db", "a", "t", "0"), Map.of("db", "a", "t", "1")));
        perDatabase.put("b", List.of(Map.of("db", "b", "t", "0")));
        perDatabase.put("c,d", List.of(Map.of("db", "c,d", "t", "0"), Map.of("db", "c,d", "t", "1")));
        List<Map<String, String>> tasks = ClusterTasks.combine(Map.of("name", "x"), perDatabase, 2);

        assertEquals(2, tasks.size());
        assertTrue(ClusterTasks.isCombined(tasks.get(0)));
        // a0 → 0, a1 → 1, b0 → 1, c0 → 0, c1 → 1: each database's stream (its task 0) on a task of its own turn.
        assertEquals(List.of(Map.of("db", "a", "t", "0"), Map.of("db", "c,d", "t", "0")), ClusterTasks.parts(tasks.get(0)));
        assertEquals(List.of(Map.of("db", "a", "t", "1"), Map.of("db", "b", "t", "0"), Map.of("db", "c,d", "t", "1")),
                ClusterTasks.parts(tasks.get(1)));
        assertEquals(List.of("a", "b", "c,d"), ClusterTasks.watermarkDatabases(tasks.get(0)), "task 0 publishes the cuts");
        assertEquals(List.of(), ClusterTasks.watermarkDatabases(tasks.get(1)));
        assertEquals("0", tasks.get(0).get("task.index"));
        assertEquals("1", tasks.get(1).get("task.index"));
        assertEquals("x", tasks.get(1).get("name"));
    }

    @Test
    void databasesWithoutTasksLeaveNoEmptyTask() {
        Map<String, List<Map<String, String>>> perDatabase = new LinkedHashMap<>();
        perDatabase.put("a", List.of());
        perDatabase.put("b", List.of(Map.of("db", "b")));
        List<Map<String, String>> tasks = ClusterTasks.combine(Map.of(), perDatabase, 4);
        assertEquals(1, tasks.size());
        assertEquals(List.of(Map.of("db", "b")), ClusterTasks.parts(tasks.get(0)));
        assertFalse(ClusterTasks.watermarkDatabases(tasks.get(0)).isEmpty());
        assertTrue(ClusterTasks.combine(Map.of(), Map.of("a", List.of()), 2).isEmpty());
    }
}

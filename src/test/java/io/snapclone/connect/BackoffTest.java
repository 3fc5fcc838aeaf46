package io.snapclone.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.time.Duration;

class BackoffTest {
    private static final long MS = 1_000_000;

    @Test
    void waitsDoubleUpToTheMaximum() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(500), -1);
        assertTrue(backoff.failed(0));
        assertEquals(100 * MS, backoff.waitNanos(0));
        assertFalse(backoff.due(99 * MS));
        assertTrue(backoff.due(100 * MS));
        backoff.failed(0);
        assertEquals(200 * MS, backoff.waitNanos(0));
        backoff.failed(0);
        assertEquals(400 * MS, backoff.waitNanos(0));
        backoff.failed(0);
        assertEquals(500 * MS, backoff.waitNanos(0));
        for (int i = 0; i < 100; i++) {
            assertTrue(backoff.failed(0), "no limit");
        }
        assertEquals(500 * MS, backoff.waitNanos(0));
        assertEquals(104, backoff.failures());
    }

    @Test
    void givesUpAfterMaxRetriesAndStartsOverAfterASuccess() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(10), 2);
        assertTrue(backoff.failed(0));
        assertTrue(backoff.failed(0));
        assertFalse(backoff.failed(0));
        backoff.succeeded();
        assertTrue(backoff.failed(0));
        assertEquals(100 * MS, backoff.waitNanos(0));
        assertTrue(new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), 0).due(0), "nothing failed yet");
        assertFalse(new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), 0).failed(0), "no retries at all");
    }
}

package io.snapclone.connect;

import java.time.Duration;

/**
 * When to try again after a failure that heals by itself: waits double from {@code initial} up to
 * {@code max}; after {@code maxRetries} failed attempts in a row (negative: no limit) it gives up.
 * A success starts over. Not thread-safe: one thread owns it.
 */
final class Backoff {
    private final long initialNanos;
    private final long maxNanos;
    private final int maxRetries;
    private int failures;
    private long dueNanos;

    Backoff(Duration initial, Duration max, int maxRetries) {
        this.initialNanos = initial.toNanos();
        this.maxNanos = Math.max(initialNanos, max.toNanos());
        this.maxRetries = maxRetries;
    }

    /**
     * Records a failure at {@code nowNanos}.
     *
     * @return false if the retries are used up
     */
    boolean failed(long nowNanos) {
        failures++;
        if (maxRetries >= 0 && failures > maxRetries) {
            return false;
        }
        long wait = initialNanos << Math.min(failures - 1, 20);
        dueNanos = nowNanos + (wait <= 0 || wait > maxNanos ? maxNanos : wait);
        return true;
    }

    void succeeded() {
        failures = 0;
    }

    /** Failed attempts in a row so far. */
    int failures() {
        return failures;
    }

    boolean due(long nowNanos) {
        return nowNanos - dueNanos >= 0;
    }

    /** Nanoseconds until the next attempt, 0 if due. */
    long waitNanos(long nowNanos) {
        return Math.max(0, dueNanos - nowNanos);
    }
}

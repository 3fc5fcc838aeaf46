package io.snapclone.pg.snapshot;

import static java.util.Objects.requireNonNull;

/**
 * {@code pg_current_snapshot()} ({@code xmin:xmax:xip,...}) inside a transaction that uses a
 * snapshot: two transactions with the same fingerprint see the same data.
 */
public record Fingerprint(String value) {
    public Fingerprint {
        requireNonNull(value, "value is null");
        if (value.isBlank()) {
            throw new IllegalArgumentException("fingerprint is blank");
        }
    }

    @Override
    public String toString() {
        return value;
    }
}

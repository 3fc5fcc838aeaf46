package io.snapclone.pg.pgoutput;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * Truncate ('T'): one {@code TRUNCATE} statement, which may name several tables.
 *
 * @param options option bits: 1 {@code CASCADE}, 2 {@code RESTART IDENTITY}; others kept as sent
 * @param relationOids the truncated tables, each named by an earlier {@link Relation} message
 */
public record Truncate(int options, List<Integer> relationOids) implements PgOutputMessage {
    public static final int CASCADE = 1;
    public static final int RESTART_IDENTITY = 2;

    public Truncate {
        relationOids = List.copyOf(requireNonNull(relationOids, "relationOids is null"));
    }

    public boolean cascade() {
        return (options & CASCADE) != 0;
    }

    public boolean restartIdentity() {
        return (options & RESTART_IDENTITY) != 0;
    }
}

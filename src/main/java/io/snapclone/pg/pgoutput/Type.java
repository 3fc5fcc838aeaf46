package io.snapclone.pg.pgoutput;

import static java.util.Objects.requireNonNull;

/**
 * Type ('Y'): names a non-built-in data type that a following Relation message uses.
 *
 * @param namespace the schema; empty for {@code pg_catalog}
 */
public record Type(int oid, String namespace, String name) implements PgOutputMessage {
    public Type {
        requireNonNull(namespace, "namespace is null");
        requireNonNull(name, "name is null");
    }
}

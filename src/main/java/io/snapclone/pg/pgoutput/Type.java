package io.snapclone.pg.pgoutput;

import static java.util.Objects.requireNonNull;

import java.util.OptionalLong;

/**
 * Type ('Y'): names a non-built-in data type that a following Relation message uses.
 *
 * @param streamXid the streamed transaction's xid, present only inside a Stream Start/Stop block
 * @param namespace the schema; empty for {@code pg_catalog}
 */
public record Type(OptionalLong streamXid, int oid, String namespace, String name) implements PgOutputMessage {
    public Type {
        Xids.check(streamXid, "streamXid");
        requireNonNull(namespace, "namespace is null");
        requireNonNull(name, "name is null");
    }
}

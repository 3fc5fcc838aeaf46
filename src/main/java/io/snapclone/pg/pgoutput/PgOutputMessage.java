package io.snapclone.pg.pgoutput;

/**
 * One decoded pgoutput logical replication message. The permitted types follow the protocol-1
 * sections of PostgreSQL's "Logical Replication Message Formats" one to one; messages of later
 * protocol versions are {@link UnsupportedMessage}s.
 */
public sealed interface PgOutputMessage
        permits Begin, Commit, Origin, Relation, Type, Insert, Update, Delete, Truncate, LogicalMessage,
        UnsupportedMessage {
}

package io.snapclone.pg.pgoutput;

/**
 * One decoded pgoutput logical replication message. The permitted types follow the sections of
 * PostgreSQL's "Logical Replication Message Formats" one to one.
 */
public sealed interface PgOutputMessage
        permits Begin, Commit, Origin, Relation, Type, Insert, Update, Delete, Truncate, LogicalMessage,
        StreamStart, StreamStop, StreamCommit, StreamAbort, UnsupportedMessage {
}

package io.snapclone.pg.pgoutput;

import static java.util.Objects.requireNonNull;

/**
 * A message PostgreSQL documents but this decoder does not take apart, since it needs a protocol
 * version the stream never asks for (it uses version 1): the streaming messages of protocol 2
 * (Stream Start, Stream Stop, Stream Commit, Stream Abort), sent only with {@code streaming}, and
 * the two-phase commit messages of protocol 3 (Begin Prepare, Prepare, Commit Prepared, Rollback
 * Prepared, Stream Prepare), sent only with {@code two_phase}. Seeing one means the stream (or,
 * for two-phase, the slot) was set up by something else. The caller decides whether to stop.
 *
 * @param type the message type byte, e.g. 'S'
 * @param name the message's name in the PostgreSQL documentation, e.g. "Stream Start"
 * @param length the size of the whole message in bytes, type byte included
 */
public record UnsupportedMessage(char type, String name, int length) implements PgOutputMessage {
    public UnsupportedMessage {
        requireNonNull(name, "name is null");
    }
}

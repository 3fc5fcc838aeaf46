package io.snapclone.pg.pgoutput;

import static java.util.Objects.requireNonNull;

/**
 * A message PostgreSQL documents but this decoder does not take apart: the two-phase commit
 * messages of protocol 3 (Begin Prepare, Prepare, Commit Prepared, Rollback Prepared, Stream
 * Prepare). They are only sent when a client asks for {@code two_phase}; snapclone does not, so
 * seeing one means the slot was set up by something else. The caller decides whether to stop.
 *
 * @param type the message type byte, e.g. 'b'
 * @param name the message's name in the PostgreSQL documentation, e.g. "Begin Prepare"
 * @param length the size of the whole message in bytes, type byte included
 */
public record UnsupportedMessage(char type, String name, int length) implements PgOutputMessage {
    public UnsupportedMessage {
        requireNonNull(name, "name is null");
    }
}

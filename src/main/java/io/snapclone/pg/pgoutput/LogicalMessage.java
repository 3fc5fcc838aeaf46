package io.snapclone.pg.pgoutput;

import static java.util.Objects.requireNonNull;

import io.snapclone.pg.Lsn;

import java.util.Arrays;
import java.util.Objects;

/**
 * Message ('M'): what {@code pg_logical_emit_message()} wrote (sent only with the
 * {@code messages} option). Heartbeats and watermarks can travel this way.
 *
 * @param transactional whether the message belongs to a transaction (flag bit 1) or was emitted
 *        immediately
 */
public record LogicalMessage(boolean transactional, Lsn lsn, String prefix, byte[] content)
        implements PgOutputMessage {
    public LogicalMessage {
        requireNonNull(lsn, "lsn is null");
        requireNonNull(prefix, "prefix is null");
        content = requireNonNull(content, "content is null").clone();
    }

    @Override
    public byte[] content() {
        return content.clone();
    }

    // Arrays compare by identity; a message compares by its content.
    @Override
    public boolean equals(Object other) {
        return other instanceof LogicalMessage message
                && transactional == message.transactional
                && lsn.equals(message.lsn)
                && prefix.equals(message.prefix)
                && Arrays.equals(content, message.content);
    }

    @Override
    public int hashCode() {
        return 31 * Objects.hash(transactional, lsn, prefix) + Arrays.hashCode(content);
    }

    @Override
    public String toString() {
        return "LogicalMessage[transactional=" + transactional + ", lsn=" + lsn + ", prefix=" + prefix + ", content="
                + content.length + " bytes]";
    }
}

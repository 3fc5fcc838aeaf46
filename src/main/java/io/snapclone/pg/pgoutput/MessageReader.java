package io.snapclone.pg.pgoutput;

import static java.util.Objects.requireNonNull;

import io.snapclone.pg.Lsn;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads the big-endian fields of one message, checking every length before it reads, so that
 * short or corrupt input fails with a {@link MalformedMessageException} naming the message, the
 * field and the offset, never with an index or underflow exception.
 */
final class MessageReader {
    private final ByteBuffer buffer;
    private final int start;
    private final CharsetDecoder utf8;
    private String message = "message";

    /** @param utf8 a decoder that reports malformed input; reused, so not shared between threads */
    MessageReader(ByteBuffer buffer, CharsetDecoder utf8) {
        // A private view, so that the caller's position and byte order are left alone.
        this.buffer = requireNonNull(buffer, "buffer is null").slice().order(ByteOrder.BIG_ENDIAN);
        this.start = this.buffer.position();
        this.utf8 = requireNonNull(utf8, "utf8 is null");
    }

    /** A UTF-8 decoder that fails on bad input rather than substituting U+FFFD. */
    static CharsetDecoder strictUtf8() {
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
    }

    /** Names the message in error messages once its type is known. */
    void describing(String message) {
        this.message = requireNonNull(message, "message is null");
    }

    int offset() {
        return buffer.position() - start;
    }

    int length() {
        return buffer.limit() - start;
    }

    int remaining() {
        return buffer.remaining();
    }

    byte readByte(String field) {
        need(1, field);
        return buffer.get();
    }

    /** An Int8 as 0..255. */
    int readUnsignedByte(String field) {
        return readByte(field) & 0xFF;
    }

    short readInt16(String field) {
        need(2, field);
        return buffer.getShort();
    }

    int readInt32(String field) {
        need(4, field);
        return buffer.getInt();
    }

    /** An unsigned Int32 such as a transaction id, as a non-negative long. */
    long readUnsignedInt32(String field) {
        return Integer.toUnsignedLong(readInt32(field));
    }

    long readInt64(String field) {
        need(8, field);
        return buffer.getLong();
    }

    Lsn readLsn(String field) {
        return new Lsn(readInt64(field));
    }

    /** A TimestampTz, converted to microseconds since the Unix epoch. */
    long readTimestamp(String field) {
        return PgEpoch.toUnixMicros(readInt64(field));
    }

    /** A count that must not be negative (column and relation counts, lengths). */
    int readCount32(String field) {
        int offset = offset();
        int count = readInt32(field);
        if (count < 0) {
            throw malformed(field + " is negative (" + count + ") at offset " + offset);
        }
        return count;
    }

    int readCount16(String field) {
        int offset = offset();
        short count = readInt16(field);
        if (count < 0) {
            throw malformed(field + " is negative (" + count + ") at offset " + offset);
        }
        return count;
    }

    byte[] readBytes(int count, String field) {
        need(count, field);
        byte[] bytes = new byte[count];
        buffer.get(bytes);
        return bytes;
    }

    /** A NUL-terminated string, decoded as UTF-8. */
    String readString(String field) {
        int offset = offset();
        int end = -1;
        for (int i = buffer.position(); i < buffer.limit(); i++) {
            if (buffer.get(i) == 0) {
                end = i;
                break;
            }
        }
        if (end < 0) {
            throw malformed(field + " at offset " + offset + " has no terminating NUL before the end of the message");
        }
        String text = utf8(end - buffer.position(), field, offset);
        buffer.get(); // the NUL
        return text;
    }

    /** A counted text value, decoded as UTF-8. */
    String readText(int count, String field) {
        int offset = offset();
        return utf8(count, field, offset);
    }

    /** Every message is sent whole, so bytes left over mean the layout was misread. */
    void expectEnd() {
        if (buffer.hasRemaining()) {
            throw malformed(buffer.remaining() + " unexpected trailing byte(s) at offset " + offset()
                    + " (message length " + length() + ")");
        }
    }

    MalformedMessageException malformed(String detail) {
        return new MalformedMessageException("malformed pgoutput " + message + ": " + detail);
    }

    private void need(int count, String field) {
        if (buffer.remaining() < count) {
            throw malformed("truncated at " + field + ": needs " + count + " byte(s) at offset " + offset()
                    + ", only " + buffer.remaining() + " left (message length " + length() + ")");
        }
    }

    /**
     * The next {@code count} bytes as UTF-8, read in place: a value can be hundreds of megabytes,
     * and a copy of its bytes or a UTF-16 buffer (twice its size) would multiply that.
     */
    private String utf8(int count, String field, int offset) {
        need(count, field);
        ByteBuffer bytes = buffer.slice(buffer.position(), count);
        buffer.position(buffer.position() + count);
        // String's own decoder is fast (ASCII is a plain copy into a compact string) but replaces
        // malformed input; text that shows a replacement character is decoded again, strictly.
        String text = bytes.hasArray()
                ? new String(bytes.array(), bytes.arrayOffset(), count, StandardCharsets.UTF_8) : null;
        if (text == null || text.indexOf('\uFFFD') >= 0) {
            try {
                text = utf8.reset().decode(bytes).toString();
            } catch (CharacterCodingException e) {
                // Strict: a replacement character would silently change the data.
                throw new MalformedMessageException("malformed pgoutput " + message + ": " + field + " at offset "
                        + offset + " is not valid UTF-8", e);
            }
        }
        return text;
    }
}

package io.snapclone.pg.pgoutput;

/**
 * The bytes are not a pgoutput message this decoder understands: truncated, with trailing bytes,
 * an unknown type byte, or a value out of range. The message says which message, field and offset.
 */
public class MalformedMessageException extends RuntimeException {
    public MalformedMessageException(String message) {
        super(message);
    }

    public MalformedMessageException(String message, Throwable cause) {
        super(message, cause);
    }
}

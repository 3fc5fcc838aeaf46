package io.snapclone.pg.pgoutput;

/** Stream Stop ('E', protocol 2+): the current block of a streamed transaction ends. */
public record StreamStop() implements PgOutputMessage {
}

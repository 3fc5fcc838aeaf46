package io.snapclone.pg.pgoutput;

import static java.util.Objects.requireNonNull;

import io.snapclone.pg.Lsn;

/**
 * Origin ('O'): the transaction was replicated here from another node; may appear several times.
 *
 * @param commitLsn the LSN of the commit on the origin server
 * @param name the replication origin's name
 */
public record Origin(Lsn commitLsn, String name) implements PgOutputMessage {
    public Origin {
        requireNonNull(commitLsn, "commitLsn is null");
        requireNonNull(name, "name is null");
    }
}

package io.snapclone.connect;

import static java.util.Objects.requireNonNull;

import io.snapclone.pg.snapshot.Chunk;
import io.snapclone.pg.snapshot.Ctid;

/** A chunk still to read, and where an earlier run of it stopped (per committed offsets). */
record ChunkWork(Chunk chunk, Ctid resumeAfter, long rowsBefore) {
    ChunkWork {
        requireNonNull(chunk, "chunk is null");
    }
}

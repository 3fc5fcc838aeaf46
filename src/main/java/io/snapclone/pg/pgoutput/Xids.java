package io.snapclone.pg.pgoutput;

/** Transaction ids are unsigned 32-bit on the wire; they are held as non-negative longs. */
final class Xids {
    private Xids() {
    }

    static void check(long xid, String name) {
        if (xid < 0 || xid > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException(name + " is not an unsigned 32-bit transaction id: " + xid);
        }
    }
}

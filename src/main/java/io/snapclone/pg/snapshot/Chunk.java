package io.snapclone.pg.snapshot;

import static java.util.Objects.requireNonNull;

import io.snapclone.pg.TableId;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A unit of snapshot work: the heap blocks {@code [startBlock, endBlock)} of a table, read with a
 * Tid Range Scan. The last chunk of a table is open-ended ({@code endBlock == OPEN}) so that pages
 * added after planning are still read; a table read whole is the chunk {@code [0, OPEN)}.
 */
public record Chunk(TableId table, long startBlock, long endBlock) {
    public static final long OPEN = -1;

    public Chunk {
        requireNonNull(table, "table is null");
        if (startBlock < 0) {
            throw new IllegalArgumentException("startBlock is negative: " + startBlock);
        }
        if (endBlock != OPEN && endBlock <= startBlock) {
            throw new IllegalArgumentException("empty block range [" + startBlock + ", " + endBlock + ")");
        }
    }

    public static Chunk whole(TableId table) {
        return new Chunk(table, 0, OPEN);
    }

    public boolean isOpenEnded() {
        return endBlock == OPEN;
    }

    /** The WHERE clause that restricts a scan to this chunk, or empty for a whole table. */
    public String ctidPredicate() {
        return ctidPredicate(null);
    }

    /**
     * The WHERE clause for what is left of this chunk after the row at {@code resumeAfter} (null:
     * the whole chunk). Both forms are Tid Range Scans on PostgreSQL 14+.
     */
    public String ctidPredicate(Ctid resumeAfter) {
        String lower;
        if (resumeAfter != null) {
            lower = "ctid > '" + resumeAfter + "'::tid";
        } else if (startBlock > 0) {
            lower = "ctid >= '(" + startBlock + ",0)'::tid";
        } else {
            lower = "";
        }
        String upper = isOpenEnded() ? "" : "ctid < '(" + endBlock + ",0)'::tid";
        return lower.isEmpty() || upper.isEmpty() ? lower + upper : lower + " AND " + upper;
    }

    @Override
    public String toString() {
        return table + "[" + startBlock + ".." + (isOpenEnded() ? "end" : Long.toString(endBlock)) + ")";
    }

    /**
     * A compact text form for task configs: {@code schema.table:start:end}, entries separated by
     * commas, names percent-encoded so that any identifier survives.
     */
    public static String encodeAll(List<Chunk> chunks) {
        StringBuilder out = new StringBuilder();
        for (Chunk chunk : chunks) {
            if (!out.isEmpty()) {
                out.append(',');
            }
            out.append(escape(chunk.table.schema())).append('.').append(escape(chunk.table.table()))
                    .append(':').append(chunk.startBlock).append(':').append(chunk.endBlock);
        }
        return out.toString();
    }

    public static List<Chunk> decodeAll(String encoded) {
        List<Chunk> chunks = new ArrayList<>();
        if (encoded == null || encoded.isEmpty()) {
            return chunks;
        }
        for (String entry : encoded.split(",")) {
            String[] parts = entry.split(":");
            String[] names = parts[0].split("\\.");
            if (parts.length != 3 || names.length != 2) {
                throw new IllegalArgumentException("malformed chunk: " + entry);
            }
            TableId table = new TableId(unescape(names[0]), unescape(names[1]));
            chunks.add(new Chunk(table, Long.parseLong(parts[1]), Long.parseLong(parts[2])));
        }
        return chunks;
    }

    private static String escape(String name) {
        StringBuilder out = new StringBuilder();
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c == '%' || c == ',' || c == '.' || c == ':' || c < 0x20 || c >= 0x7f) {
                out.append('%').append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static String unescape(String escaped) {
        byte[] bytes = new byte[escaped.length()];
        int n = 0;
        for (int i = 0; i < escaped.length(); i++) {
            char c = escaped.charAt(i);
            if (c == '%') {
                bytes[n++] = (byte) Integer.parseInt(escaped, i + 1, i + 3, 16);
                i += 2;
            } else {
                bytes[n++] = (byte) c;
            }
        }
        return new String(bytes, 0, n, StandardCharsets.UTF_8);
    }
}

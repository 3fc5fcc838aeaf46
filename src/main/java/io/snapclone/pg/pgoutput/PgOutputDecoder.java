package io.snapclone.pg.pgoutput;

import static java.util.Objects.requireNonNull;

import io.snapclone.pg.Lsn;

import java.nio.ByteBuffer;
import java.nio.charset.CharsetDecoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns the payload of one pgoutput message (one XLogData body from the replication stream)
 * into a {@link PgOutputMessage}. Pure: it never touches the database.
 *
 * <p>Layouts follow PostgreSQL's "Logical Replication Message Formats"
 * (https://www.postgresql.org/docs/current/protocol-logicalrep-message-formats.html).
 * Timestamps are converted from PostgreSQL's epoch (2000-01-01) to microseconds since the Unix
 * epoch. Text values and names are decoded as UTF-8, which is what the replication connection's
 * client encoding is.
 *
 * <p>Protocol version 1 only, the version the stream asks for: Begin, Commit, Origin, Relation,
 * Type, Insert, Update, Delete, Truncate and Message. Later versions add the streaming of
 * in-progress transactions (2) and two-phase commit (3), which snapclone does not ask for:
 * memory is bounded without streaming, and streaming would send changes of transactions that
 * later abort. Their messages come back as {@link UnsupportedMessage}, skipped whole.
 *
 * <p>Keeps no state between messages, but reuses one UTF-8 decoder: one thread at a time.
 */
public final class PgOutputDecoder {
    private final CharsetDecoder utf8 = MessageReader.strictUtf8();

    public PgOutputMessage decode(byte[] message) {
        return decode(ByteBuffer.wrap(requireNonNull(message, "message is null")));
    }

    /**
     * Decodes the bytes from {@code message}'s position to its limit, which must be exactly one
     * message. The buffer's position is not changed.
     *
     * @throws MalformedMessageException if the bytes are not one well-formed message
     */
    public PgOutputMessage decode(ByteBuffer message) {
        MessageReader in = new MessageReader(requireNonNull(message, "message is null"), utf8);
        byte type = in.readByte("message type");
        PgOutputMessage decoded = switch (type) {
            case 'B' -> begin(in);
            case 'C' -> commit(in);
            case 'O' -> origin(in);
            case 'R' -> relation(in);
            case 'Y' -> type(in);
            case 'I' -> insert(in);
            case 'U' -> update(in);
            case 'D' -> delete(in);
            case 'T' -> truncate(in);
            case 'M' -> logicalMessage(in);
            case 'S' -> unsupported(in, type, "Stream Start");
            case 'E' -> unsupported(in, type, "Stream Stop");
            case 'c' -> unsupported(in, type, "Stream Commit");
            case 'A' -> unsupported(in, type, "Stream Abort");
            case 'b' -> unsupported(in, type, "Begin Prepare");
            case 'P' -> unsupported(in, type, "Prepare");
            case 'K' -> unsupported(in, type, "Commit Prepared");
            case 'r' -> unsupported(in, type, "Rollback Prepared");
            case 'p' -> unsupported(in, type, "Stream Prepare");
            default -> throw new MalformedMessageException("unknown pgoutput message type " + describe(type)
                    + " (message length " + in.length() + ")");
        };
        in.expectEnd();
        return decoded;
    }

    private Begin begin(MessageReader in) {
        in.describing("Begin");
        Lsn finalLsn = in.readLsn("final LSN");
        long commitTime = in.readTimestamp("commit timestamp");
        long xid = in.readUnsignedInt32("xid");
        return new Begin(finalLsn, commitTime, xid);
    }

    private Commit commit(MessageReader in) {
        in.describing("Commit");
        int flags = in.readUnsignedByte("flags");
        Lsn commitLsn = in.readLsn("commit LSN");
        Lsn endLsn = in.readLsn("end LSN");
        long commitTime = in.readTimestamp("commit timestamp");
        return new Commit(flags, commitLsn, endLsn, commitTime);
    }

    private Origin origin(MessageReader in) {
        in.describing("Origin");
        Lsn commitLsn = in.readLsn("origin commit LSN");
        String name = in.readString("origin name");
        return new Origin(commitLsn, name);
    }

    private Relation relation(MessageReader in) {
        in.describing("Relation");
        int oid = in.readInt32("relation oid");
        String namespace = in.readString("namespace");
        String name = in.readString("relation name");
        int identityOffset = in.offset();
        byte identityCode = in.readByte("replica identity");
        ReplicaIdentity identity = ReplicaIdentity.forCode(identityCode).orElseThrow(() -> in.malformed(
                "unknown replica identity " + describe(identityCode) + " at offset " + identityOffset));
        int count = in.readCount16("column count");
        List<RelationColumn> columns = new ArrayList<>(Math.min(count, in.remaining()));
        for (int i = 0; i < count; i++) {
            int flags = in.readUnsignedByte("column flags");
            String columnName = in.readString("column name");
            int typeOid = in.readInt32("column type oid");
            int typeModifier = in.readInt32("column type modifier");
            columns.add(new RelationColumn(flags, columnName, typeOid, typeModifier));
        }
        return new Relation(oid, namespace, name, identity, columns);
    }

    private Type type(MessageReader in) {
        in.describing("Type");
        int oid = in.readInt32("type oid");
        String namespace = in.readString("namespace");
        String name = in.readString("type name");
        return new Type(oid, namespace, name);
    }

    private Insert insert(MessageReader in) {
        in.describing("Insert");
        int relationOid = in.readInt32("relation oid");
        expectMarker(in, 'N', "new tuple marker");
        return new Insert(relationOid, tuple(in));
    }

    private Update update(MessageReader in) {
        in.describing("Update");
        int relationOid = in.readInt32("relation oid");
        int markerOffset = in.offset();
        byte marker = in.readByte("tuple marker");
        Optional<OldTuple> old = Optional.empty();
        if (marker == 'K' || marker == 'O') {
            old = Optional.of(new OldTuple(marker == 'K' ? OldTuple.Kind.KEY : OldTuple.Kind.FULL, tuple(in)));
            markerOffset = in.offset();
            marker = in.readByte("new tuple marker");
        }
        if (marker != 'N') {
            throw in.malformed("expected 'N'" + (old.isEmpty() ? ", 'K' or 'O'" : "") + " at offset " + markerOffset
                    + ", found " + describe(marker));
        }
        return new Update(relationOid, old, tuple(in));
    }

    private Delete delete(MessageReader in) {
        in.describing("Delete");
        int relationOid = in.readInt32("relation oid");
        int markerOffset = in.offset();
        byte marker = in.readByte("old tuple marker");
        OldTuple.Kind kind = switch (marker) {
            case 'K' -> OldTuple.Kind.KEY;
            case 'O' -> OldTuple.Kind.FULL;
            default -> throw in.malformed("expected 'K' or 'O' at offset " + markerOffset + ", found " + describe(marker));
        };
        return new Delete(relationOid, new OldTuple(kind, tuple(in)));
    }

    private Truncate truncate(MessageReader in) {
        in.describing("Truncate");
        int count = in.readCount32("relation count");
        int options = in.readUnsignedByte("options");
        List<Integer> oids = new ArrayList<>(Math.min(count, in.remaining() / 4));
        for (int i = 0; i < count; i++) {
            oids.add(in.readInt32("relation oid"));
        }
        return new Truncate(options, oids);
    }

    private LogicalMessage logicalMessage(MessageReader in) {
        in.describing("Message");
        int flags = in.readUnsignedByte("flags");
        Lsn lsn = in.readLsn("message LSN");
        String prefix = in.readString("prefix");
        int length = in.readCount32("content length");
        byte[] content = in.readBytes(length, "content");
        return new LogicalMessage((flags & 1) != 0, lsn, prefix, content);
    }

    private UnsupportedMessage unsupported(MessageReader in, byte type, String name) {
        // Skipped whole: the caller sees what arrived, never a half-read guess at its fields.
        int length = in.length();
        in.readBytes(in.remaining(), name);
        return new UnsupportedMessage((char) type, name, length);
    }

    private TupleData tuple(MessageReader in) {
        int count = in.readCount16("tuple column count");
        List<ColumnValue> values = new ArrayList<>(Math.min(count, in.remaining()));
        for (int i = 0; i < count; i++) {
            values.add(columnValue(in, i));
        }
        return new TupleData(values);
    }

    private ColumnValue columnValue(MessageReader in, int column) {
        int offset = in.offset();
        byte kind = in.readByte("kind of column " + column);
        return switch (kind) {
            case 'n' -> ColumnValue.NULL;
            case 'u' -> ColumnValue.UNCHANGED_TOAST;
            case 't' -> new ColumnValue.Text(in.readText(in.readCount32("length of column " + column),
                    "text of column " + column));
            case 'b' -> new ColumnValue.Binary(in.readBytes(in.readCount32("length of column " + column),
                    "bytes of column " + column));
            default -> throw in.malformed("unknown kind " + describe(kind) + " of column " + column + " at offset "
                    + offset + " (expected 'n', 'u', 't' or 'b')");
        };
    }

    private static void expectMarker(MessageReader in, char expected, String field) {
        int offset = in.offset();
        byte marker = in.readByte(field);
        if (marker != expected) {
            throw in.malformed("expected '" + expected + "' at offset " + offset + ", found " + describe(marker));
        }
    }

    /** A type byte as both character and hex, since a corrupt one is often unprintable. */
    static String describe(byte b) {
        int value = b & 0xFF;
        String hex = String.format("0x%02X", value);
        return value >= 0x20 && value < 0x7F ? "'" + (char) value + "' (" + hex + ")" : hex;
    }
}

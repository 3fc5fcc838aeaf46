package io.snapclone.pg.pgoutput;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;

/** One column's value in a {@link TupleData}, by its kind byte: 'n', 'u', 't' or 'b'. */
public sealed interface ColumnValue permits ColumnValue.Null, ColumnValue.UnchangedToast, ColumnValue.Text,
        ColumnValue.Binary {
    /** 'n': SQL NULL. */
    Null NULL = new Null();

    /** 'u': a TOASTed value the change did not touch; PostgreSQL does not send it again. */
    UnchangedToast UNCHANGED_TOAST = new UnchangedToast();

    record Null() implements ColumnValue {
    }

    /**
     * 'u': an unchanged TOASTed value. It is not NULL: the old value still stands, and whoever
     * builds a record must say so rather than write NULL over it.
     */
    record UnchangedToast() implements ColumnValue {
    }

    /** 't': the value in the type's text output format, decoded as UTF-8. */
    record Text(String value) implements ColumnValue {
        public Text {
            requireNonNull(value, "value is null");
        }
    }

    /** 'b': the value in the type's binary send format (only with the {@code binary} option), as sent. */
    record Binary(byte[] bytes) implements ColumnValue {
        public Binary {
            bytes = requireNonNull(bytes, "bytes is null").clone();
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        public int length() {
            return bytes.length;
        }

        // Arrays compare by identity; a value compares by its bytes.
        @Override
        public boolean equals(Object other) {
            return other instanceof Binary binary && Arrays.equals(bytes, binary.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "Binary[" + bytes.length + " bytes]";
        }
    }
}

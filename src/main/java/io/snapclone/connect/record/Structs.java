package io.snapclone.connect.record;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Sets a Struct's fields without {@link Struct#put}'s checks. put validates every value against
 * its schema — a nested struct again field by field — and builds a message string for each call:
 * the profile of the snapshot's hot path showed those checks taking about 45% of the task's CPU.
 * Our values come from decoders whose types are fitted to the schemas they build (and the tests
 * validate what they produce), so the check is redundant here. Where Struct's backing array cannot
 * be reached (a Kafka that renamed it), {@link #set} falls back to put.
 */
final class Structs {
    private static final VarHandle VALUES = valuesHandle();

    private Structs() {
    }

    /** Sets {@code field} of {@code struct} (a field of the struct's own schema) to {@code value}. */
    static void set(Struct struct, Field field, Object value) {
        if (VALUES == null) {
            struct.put(field, value);
        } else {
            ((Object[]) VALUES.get(struct))[field.index()] = value;
        }
    }

    /** Whether {@link #set} skips the checks (false: it is put). */
    static boolean unchecked() {
        return VALUES != null;
    }

    private static VarHandle valuesHandle() {
        try {
            return MethodHandles.privateLookupIn(Struct.class, MethodHandles.lookup())
                    .findVarHandle(Struct.class, "values", Object[].class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}

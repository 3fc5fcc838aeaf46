package io.snapclone.pg.pgoutput;

import static io.snapclone.pg.pgoutput.TestingBytes.message;

import java.util.List;

/** One well-formed message of every decoded type, for tests that mangle them. */
final class Samples {
    record Sample(String name, byte[] bytes) {
    }

    private Samples() {
    }

    static List<Sample> all() {
        return List.of(
                new Sample("Begin", message('B').int64(0x16_B374D848L).int64(1_000_000).int32(742).build()),
                new Sample("Commit", message('C').int8(0).int64(0x100).int64(0x180).int64(5).build()),
                new Sample("Origin", message('O').int64(0x200).string("node_b").build()),
                new Sample("Relation", message('R').int32(16384).string("public").string("orders").int8('d').int16(2)
                        .int8(1).string("id").int32(23).int32(-1)
                        .int8(0).string("note").int32(1043).int32(54).build()),
                new Sample("Type", message('Y').int32(16500).string("public").string("mood").build()),
                new Sample("Insert", message('I').int32(16384).int8('N').columns(4)
                        .text("1").nullValue().unchangedToast().binary(new byte[] {0, 1, 2}).build()),
                new Sample("Update", message('U').int32(16384).int8('O').columns(2).text("1").text("old")
                        .int8('N').columns(2).text("1").text("new").build()),
                new Sample("Delete", message('D').int32(16384).int8('K').columns(2).text("1").nullValue().build()),
                new Sample("Truncate", message('T').int32(2).int8(3).int32(16384).int32(16390).build()),
                new Sample("Message", message('M').int8(1).int64(0x300).string("snapclone").int32(3)
                        .bytes(new byte[] {'a', 0, 'b'}).build()));
    }
}

package io.snapclone;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The PostgreSQL core ({@code io.snapclone.pg..}) compiles without Kafka: the Connect layer
 * depends on it, never the other way. Sources are scanned as text, so no extra dependency.
 */
class ArchitectureTest {
    private static final Path PG_SOURCES = Path.of(System.getProperty("basedir", System.getProperty("user.dir")),
            "src", "main", "java", "io", "snapclone", "pg");
    /** An import of Kafka, or a fully qualified use of it in code. */
    private static final Pattern KAFKA = Pattern.compile(
            "^\\s*import\\s+(static\\s+)?org\\.apache\\.kafka\\.|\\borg\\s*\\.\\s*apache\\s*\\.\\s*kafka\\s*\\.");

    @Test
    void pgPackagesDoNotUseKafka() throws IOException {
        List<Path> files = javaFiles();
        assertTrue(files.size() >= 10, "expected the pg sources under " + PG_SOURCES + ", found " + files);
        List<String> violations = new ArrayList<>();
        for (Path file : files) {
            violations.addAll(kafkaReferences(file.toString(), Files.readString(file, StandardCharsets.UTF_8)));
        }
        assertEquals(List.of(), violations, "io.snapclone.pg must not depend on Kafka");
    }

    @Test
    void scannerSeesImportsAndQualifiedNamesButNotComments() {
        assertFalse(kafkaReferences("A", "import org.apache.kafka.connect.data.Schema;\n").isEmpty());
        assertFalse(kafkaReferences("B", "import static org.apache.kafka.common.utils.Utils.join;\n").isEmpty());
        assertFalse(kafkaReferences("C", "class C { org.apache.kafka.connect.data.Struct s; }\n").isEmpty());
        assertTrue(kafkaReferences("D", "// like org.apache.kafka.connect does\n/* org.apache.kafka.x */\n"
                + "/**\n * {@link org.apache.kafka.Foo}\n */\nclass D {}\n").isEmpty());
        assertTrue(kafkaReferences("E", "import java.util.List;\nclass E { String s = \"kafka\"; }\n").isEmpty());
        // A string that looks like a comment opener hides nothing after it.
        assertFalse(kafkaReferences("F", "class F { String u = \"jdbc:x:/*\"; char c = '\\''; \n"
                + "org.apache.kafka.connect.data.Struct s; }\n").isEmpty());
    }

    private static List<Path> javaFiles() throws IOException {
        try (Stream<Path> paths = Files.walk(PG_SOURCES)) {
            return paths.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        }
    }

    private static List<String> kafkaReferences(String name, String source) {
        List<String> found = new ArrayList<>();
        String[] lines = withoutComments(source).split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            Matcher matcher = KAFKA.matcher(lines[i]);
            if (matcher.find()) {
                found.add(name + ":" + (i + 1) + ": " + lines[i].trim());
            }
        }
        return found;
    }

    /**
     * Blanks out comments but keeps line breaks, so line numbers still point at the source. String
     * and character literals are copied as they are, so "jdbc:postgresql://" starts no comment.
     */
    private static String withoutComments(String source) {
        StringBuilder out = new StringBuilder(source.length());
        int i = 0;
        while (i < source.length()) {
            if (source.startsWith("\"\"\"", i)) {
                int end = source.indexOf("\"\"\"", i + 3);
                end = end < 0 ? source.length() : end + 3;
                out.append(source, i, end);
                i = end;
            } else if (source.charAt(i) == '"' || source.charAt(i) == '\'') {
                char quote = source.charAt(i);
                int end = i + 1;
                while (end < source.length() && source.charAt(end) != quote && source.charAt(end) != '\n') {
                    end += source.charAt(end) == '\\' ? 2 : 1;
                }
                end = Math.min(end + 1, source.length());
                out.append(source, i, end);
                i = end;
            } else if (source.startsWith("//", i)) {
                while (i < source.length() && source.charAt(i) != '\n') {
                    i++;
                }
            } else if (source.startsWith("/*", i)) {
                int end = source.indexOf("*/", i + 2);
                end = end < 0 ? source.length() : end + 2;
                source.substring(i, end).chars().filter(c -> c == '\n').forEach(c -> out.append('\n'));
                i = end;
            } else {
                out.append(source.charAt(i++));
            }
        }
        return out.toString();
    }
}

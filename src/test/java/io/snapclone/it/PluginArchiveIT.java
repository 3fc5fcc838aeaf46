package io.snapclone.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapclone.connect.SnapcloneSourceConnector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

/**
 * What {@code mvn package} builds, checked after it (Failsafe runs after the package phase): the
 * Confluent Hub archive with a manifest that matches the build, and the plain plugin directory.
 */
class PluginArchiveIT {
    private static final String VERSION = new SnapcloneSourceConnector().version();
    private static final String ROOT = "snapclone-snapclone-" + VERSION + "/";

    @Test
    void theHubArchiveHasAManifestOfThisBuildTheJarsDocsAndExamples() throws IOException {
        assertNotEquals("0.1.0-dev", VERSION, "the version comes from the packaged jar's manifest");
        Path archive = Path.of("target", "components", "packages", "snapclone-snapclone-" + VERSION + ".zip");
        assertTrue(Files.isRegularFile(archive), archive + " is built by mvn package");
        try (ZipFile zip = new ZipFile(archive.toFile())) {
            String manifestText = text(zip, ROOT + "manifest.json");
            assertFalse(manifestText.contains("${"), "every placeholder is filled in: " + manifestText);
            JsonNode manifest = new ObjectMapper().readTree(manifestText);
            assertEquals("snapclone", manifest.path("name").asText());
            assertEquals(VERSION, manifest.path("version").asText());
            assertEquals("snapclone", manifest.path("owner").path("username").asText());
            assertEquals("[\"source\"]", manifest.path("component_types").toString());
            assertTrue(manifest.path("features").path("kafka_connect_api").asBoolean());
            assertTrue(manifest.path("features").path("supported_encodings").size() > 0);
            assertTrue(manifest.path("license").path(0).path("name").asText().contains("Apache"));
            for (String field : List.of("title", "description", "documentation_url", "source_url")) {
                assertFalse(manifest.path(field).asText().isBlank(), field);
            }
            assertTrue(manifest.path("requirements").size() > 0 && manifest.path("tags").size() > 0);

            List<String> jars = names(zip, ROOT + "lib/");
            assertTrue(jars.contains("snapclone-" + VERSION + ".jar"), jars.toString());
            assertTrue(jars.stream().anyMatch(j -> j.startsWith("postgresql-")), jars.toString());
            // The worker provides Kafka's own jars; a second copy in the plugin would shadow them.
            assertTrue(jars.stream().noneMatch(j -> j.startsWith("kafka-") || j.startsWith("connect-")), jars.toString());
            assertEquals(List.of(SnapcloneSourceConnector.class.getName()),
                    serviceEntries(zip, ROOT + "lib/snapclone-" + VERSION + ".jar"));

            List<String> docs = names(zip, ROOT + "doc/");
            assertTrue(docs.containsAll(List.of("README.md", "LICENSE", "NOTICE")), docs.toString());
            assertTrue(names(zip, ROOT + "doc/docs/").contains("operations.md"));
            try (Stream<Path> configs = Files.list(Path.of("config"))) {
                List<String> examples = configs.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json"))
                        .sorted().toList();
                assertEquals(examples, names(zip, ROOT + "etc/").stream().sorted().toList());
            }
        }
    }

    @Test
    void thePluginDirectoryHoldsTheSameJars() throws IOException {
        Path lib = Path.of("target", "snapclone-" + VERSION, "snapclone", "lib");
        try (Stream<Path> files = Files.list(lib)) {
            List<String> jars = files.map(p -> p.getFileName().toString()).toList();
            assertTrue(jars.contains("snapclone-" + VERSION + ".jar"), jars.toString());
            assertTrue(jars.stream().anyMatch(j -> j.startsWith("postgresql-")), jars.toString());
        }
    }

    private static String text(ZipFile zip, String name) throws IOException {
        ZipEntry entry = zip.getEntry(name);
        assertTrue(entry != null, name + " in the archive");
        try (InputStream in = zip.getInputStream(entry)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The names of the files directly under {@code dir}. */
    private static List<String> names(ZipFile zip, String dir) {
        return zip.stream().map(ZipEntry::getName)
                .filter(n -> n.startsWith(dir) && !n.endsWith("/") && n.indexOf('/', dir.length()) < 0)
                .map(n -> n.substring(dir.length())).toList();
    }

    /** The connector classes a jar inside the archive declares to Connect's ServiceLoader. */
    private static List<String> serviceEntries(ZipFile zip, String jar) throws IOException {
        try (ZipInputStream in = new ZipInputStream(zip.getInputStream(zip.getEntry(jar)))) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null; ) {
                if (entry.getName().equals("META-INF/services/org.apache.kafka.connect.source.SourceConnector")) {
                    List<String> classes = new ArrayList<>();
                    for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                        if (!line.isBlank() && !line.startsWith("#")) {
                            classes.add(line.trim());
                        }
                    }
                    return classes;
                }
            }
        }
        throw new AssertionError(jar + " has no connector service file");
    }
}

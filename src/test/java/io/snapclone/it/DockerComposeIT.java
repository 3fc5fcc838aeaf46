package io.snapclone.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.snapclone.connect.SnapcloneSourceConnector;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * docker-compose.yml cannot be started here (no Docker engine; CI checks its syntax with
 * {@code docker-compose config -q}), so this checks what a syntax check cannot: after
 * {@code mvn package}, every file and directory the stack mounts exists, the plugin directory's
 * default version is this build's, and every long-running service has a healthcheck.
 */
class DockerComposeIT {
    private static final Pattern MOUNT = Pattern.compile("^\\s+- (\\./[^:]+):");
    private static final Pattern VERSION_DEFAULT = Pattern.compile("\\$\\{SNAPCLONE_VERSION:-([^}]+)}");
    private static final Pattern SERVICE = Pattern.compile("^  ([a-z-]+):\\s*$");

    @Test
    void everyMountedFileExistsAndEveryServiceIsWatched() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("docker-compose.yml"));
        String version = new SnapcloneSourceConnector().version();
        List<String> mounts = new ArrayList<>();
        Map<String, Boolean> healthchecks = new LinkedHashMap<>();
        String service = null;
        boolean inServices = false;
        for (String line : lines) {
            inServices |= line.equals("services:");
            Matcher serviceName = SERVICE.matcher(line);
            if (inServices && serviceName.matches()) {
                service = serviceName.group(1);
                healthchecks.put(service, false);
            } else if (service != null && line.trim().equals("healthcheck:")) {
                healthchecks.put(service, true);
            }
            Matcher defaultVersion = VERSION_DEFAULT.matcher(line);
            if (defaultVersion.find()) {
                assertEquals(version, defaultVersion.group(1), "SNAPCLONE_VERSION's default is the pom's version");
            }
            Matcher mount = MOUNT.matcher(VERSION_DEFAULT.matcher(line).replaceAll(version));
            if (mount.find()) {
                mounts.add(mount.group(1));
            }
        }
        assertTrue(mounts.size() >= 4, "mounts found: " + mounts);
        for (String mount : mounts) {
            assertTrue(Files.exists(Path.of(mount)), mount + " is mounted by docker-compose.yml but does not exist");
        }
        assertTrue(Files.isDirectory(Path.of("target", "snapclone-" + version, "snapclone", "lib")));
        healthchecks.remove("register-connector"); // a one-shot job, not a service to watch
        assertEquals(List.of("postgres", "kafka", "schema-registry", "connect"), List.copyOf(healthchecks.keySet()));
        assertTrue(healthchecks.values().stream().allMatch(Boolean::booleanValue), "healthchecks: " + healthchecks);
    }
}

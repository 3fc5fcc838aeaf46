package io.snapclone.connect.config;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.ConfigKey;
import org.apache.kafka.common.config.ConfigDef.Type;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders a {@link ConfigDef} as the Markdown reference in {@code docs/configuration.md}: one table
 * per group, keys in their order within the group. Secrets never appear: a password key's default
 * is shown as {@code [hidden]}. {@link ConfigDocsTest} fails when the committed file drifts.
 */
final class ConfigDocs {
    static final String REGENERATE = "mvn -B test -Dtest=ConfigDocsTest -Dsnapclone.docs.update=true";
    private static final String NO_GROUP = "Other";

    private ConfigDocs() {
    }

    /** Writes the reference for {@link SnapcloneConfig#CONFIG_DEF}: {@code ConfigDocs [file]}. */
    public static void main(String[] args) throws IOException {
        Path file = Path.of(args.length > 0 ? args[0] : "docs/configuration.md");
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, render(SnapcloneConfig.CONFIG_DEF), StandardCharsets.UTF_8);
    }

    static String render(ConfigDef definition) {
        Map<String, List<ConfigKey>> groups = new LinkedHashMap<>();
        for (String group : definition.groups()) {
            groups.put(group, new ArrayList<>());
        }
        for (ConfigKey key : definition.configKeys().values()) {
            if (!key.internalConfig) {
                groups.computeIfAbsent(key.group == null ? NO_GROUP : key.group, g -> new ArrayList<>()).add(key);
            }
        }
        StringBuilder out = new StringBuilder();
        out.append("# Configuration\n\n");
        out.append("<!-- Generated from SnapcloneConfig.CONFIG_DEF by ConfigDocs (src/test); do not edit by hand.\n");
        out.append("     Regenerate with: ").append(REGENERATE).append(" -->\n");
        out.append("\nEvery key of the snapclone source connector, by group. Keys without a default are required.\n");
        groups.forEach((group, keys) -> {
            if (keys.isEmpty()) {
                return;
            }
            keys.sort(Comparator.comparingInt((ConfigKey key) -> key.orderInGroup).thenComparing(key -> key.name));
            out.append("\n## ").append(group).append("\n\n");
            out.append("| Key | Type | Default | Valid values | Importance | Description |\n");
            out.append("| --- | --- | --- | --- | --- | --- |\n");
            for (ConfigKey key : keys) {
                out.append("| `").append(key.name).append("` | ")
                        .append(key.type.name().toLowerCase(Locale.ROOT)).append(" | ")
                        .append(defaultText(key)).append(" | ")
                        .append(key.validator == null ? "" : cell(key.validator.toString())).append(" | ")
                        .append(key.importance == null ? "" : key.importance.name().toLowerCase(Locale.ROOT)).append(" | ")
                        .append(cell(key.documentation == null ? "" : key.documentation)).append(" |\n");
            }
        });
        return out.toString();
    }

    private static String defaultText(ConfigKey key) {
        if (!key.hasDefault()) {
            return "*required*";
        }
        if (key.defaultValue == null) {
            return "";
        }
        if (key.type == Type.PASSWORD) {
            return "`[hidden]`";
        }
        String text = ConfigDef.convertToString(key.defaultValue, key.type);
        return text.isEmpty() ? "`\"\"`" : '`' + text.replace("`", "'").replace("|", "\\|") + '`';
    }

    /** Keeps text inside one table cell, and keeps {@code <topic.prefix>} from reading as HTML. */
    private static String cell(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("|", "\\|").replace("\r", "").replace("\n", " ");
    }
}

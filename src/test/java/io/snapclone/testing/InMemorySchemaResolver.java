package io.snapclone.testing;

import io.apicurio.registry.resolver.ParsedSchema;
import io.apicurio.registry.resolver.SchemaLookupResult;
import io.apicurio.registry.resolver.SchemaParser;
import io.apicurio.registry.resolver.SchemaResolver;
import io.apicurio.registry.resolver.data.Record;
import io.apicurio.registry.resolver.strategy.ArtifactReference;
import io.apicurio.registry.resolver.strategy.ArtifactReferenceResolverStrategy;
import io.apicurio.registry.rest.client.RegistryClient;
import org.apache.avro.Schema;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A schema registry in a static map, so that the serializer and the deserializer of one JVM (each
 * configured with its own instance) agree on ids without a server. A schema gets one id, used as
 * both global id and content id, whichever {@code apicurio.registry.use-id} asks for.
 */
public final class InMemorySchemaResolver implements SchemaResolver<Schema, Object> {
    private static final AtomicLong NEXT_ID = new AtomicLong(1);
    private static final Map<String, SchemaLookupResult<Schema>> BY_SCHEMA = new ConcurrentHashMap<>();
    private static final Map<Long, SchemaLookupResult<Schema>> BY_ID = new ConcurrentHashMap<>();

    private SchemaParser<Schema, Object> schemaParser;

    @Override
    public void configure(Map<String, ?> configs, SchemaParser<Schema, Object> schemaParser) {
        this.schemaParser = schemaParser;
    }

    @Override
    public void setClient(RegistryClient client) {
        // no registry to talk to
    }

    @Override
    public void setArtifactResolverStrategy(ArtifactReferenceResolverStrategy<Schema, Object> strategy) {
        // artifacts are keyed by schema text, not by topic
    }

    @Override
    public SchemaParser<Schema, Object> getSchemaParser() {
        return schemaParser;
    }

    /** Registers the schema of the record's payload (once per distinct schema text). */
    @Override
    public SchemaLookupResult<Schema> resolveSchema(Record<Object> record) {
        ParsedSchema<Schema> parsed = schemaParser.getSchemaFromData(record);
        Schema schema = parsed.getParsedSchema();
        return BY_SCHEMA.computeIfAbsent(schema.toString(), text -> {
            long id = NEXT_ID.getAndIncrement();
            SchemaLookupResult<Schema> result = SchemaLookupResult.<Schema>builder()
                    .parsedSchema(parsed)
                    .globalId(id)
                    .contentId(id)
                    .groupId("default")
                    .artifactId(schema.getFullName())
                    .version("1")
                    .build();
            BY_ID.put(id, result);
            return result;
        });
    }

    @Override
    public SchemaLookupResult<Schema> resolveSchemaByArtifactReference(ArtifactReference reference) {
        Long id = reference.getGlobalId() != null ? reference.getGlobalId() : reference.getContentId();
        SchemaLookupResult<Schema> result = id == null ? null : BY_ID.get(id);
        if (result == null) {
            throw new IllegalStateException("no schema registered for " + reference);
        }
        return result;
    }

    @Override
    public void reset() {
        // the map is shared by every instance: resetting one serde must not lose the others' schemas
    }

    @Override
    public void close() {
    }

    /** The schema registered under {@code id} (the id in a Confluent-framed record). */
    public static Schema schema(long id) {
        SchemaLookupResult<Schema> result = BY_ID.get(id);
        if (result == null) {
            throw new IllegalStateException("no schema registered with id " + id);
        }
        return result.getParsedSchema().getParsedSchema();
    }

    /** How many distinct schemas have been registered in this JVM. */
    public static int size() {
        return BY_ID.size();
    }
}

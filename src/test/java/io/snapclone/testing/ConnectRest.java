package io.snapclone.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfos;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorOffsets;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The calls of Kafka Connect's REST API that tests make against one worker of any kind (in-process
 * or {@link ConnectWorkerProcess}); a worker forwards what only the leader can do. Answers are read
 * into Connect's own REST entities where tests want them typed. Any thread.
 */
public final class ConnectRest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final URI base;

    public ConnectRest(URI base) {
        this.base = base;
    }

    /** {@code PUT /connectors/<name>/config}; retried while the group rebalances (409). */
    public void deploy(String connector, Map<String, String> config) {
        call("PUT", "connectors/" + connector + "/config", json(config));
    }

    /** {@code POST /connectors/<name>/tasks/<task>/restart}. */
    public void restartTask(String connector, int task) {
        call("POST", "connectors/" + connector + "/tasks/" + task + "/restart", null);
    }

    /** {@code POST /connectors/<name>/restart?includeTasks=true}: the connector and every task. */
    public void restartConnectorAndTasks(String connector) {
        call("POST", "connectors/" + connector + "/restart?includeTasks=true&onlyFailed=false", null);
    }

    /** {@code POST /connectors/<name>/restart}: the connector alone. */
    public void restartConnector(String connector) {
        call("POST", "connectors/" + connector + "/restart", null);
    }

    /** {@code PUT /connectors/<name>/stop}: connector and tasks shut down, config kept (KIP-875). */
    public void stop(String connector) {
        call("PUT", "connectors/" + connector + "/stop", null);
    }

    /** {@code DELETE /connectors/<name>/offsets} (the connector must be stopped); returns Connect's message. */
    public String resetOffsets(String connector) {
        return call("DELETE", "connectors/" + connector + "/offsets", null, false);
    }

    /**
     * {@code PATCH /connectors/<name>/offsets} with {@code {"offsets": [{"partition":..., "offset":...}]}};
     * offsets the connector refuses come back as a 500 with its reason, not retried.
     */
    public String alterOffsets(String connector, List<Map<String, Object>> offsets) {
        return call("PATCH", "connectors/" + connector + "/offsets", json(Map.of("offsets", offsets)), false);
    }

    public void pause(String connector) {
        call("PUT", "connectors/" + connector + "/pause", null);
    }

    public void resume(String connector) {
        call("PUT", "connectors/" + connector + "/resume", null);
    }

    /** {@code PUT /connector-plugins/<class>/config/validate}. */
    public ConfigInfos validate(String connectorClass, Map<String, String> config) {
        return read(call("PUT", "connector-plugins/" + connectorClass + "/config/validate", json(config)), ConfigInfos.class);
    }

    /** {@code GET /connectors/<name>/status}, typed; fails (IllegalStateException) while it has none. */
    public ConnectorStateInfo connectorStatus(String connector) {
        return read(call("GET", "connectors/" + connector + "/status", null), ConnectorStateInfo.class);
    }

    /** {@code GET /connectors/<name>/offsets}. */
    public ConnectorOffsets offsets(String connector) {
        return read(call("GET", "connectors/" + connector + "/offsets", null), ConnectorOffsets.class);
    }

    /** The topics the connector has written to ({@code GET /connectors/<name>/topics}). */
    public List<String> topics(String connector) {
        List<String> topics = new ArrayList<>();
        read(call("GET", "connectors/" + connector + "/topics", null)).path(connector).path("topics")
                .forEach(topic -> topics.add(topic.asText()));
        return topics;
    }

    public void delete(String connector) {
        call("DELETE", "connectors/" + connector, null);
    }

    /** {@code GET /connectors/<name>/status}. */
    public JsonNode status(String connector) {
        return read(call("GET", "connectors/" + connector + "/status", null));
    }

    /** The worker ({@code host:port}) running the connector, or null while none does. */
    public String connectorWorker(String connector) {
        JsonNode status = status(connector);
        return "RUNNING".equals(status.path("connector").path("state").asText())
                ? status.path("connector").path("worker_id").asText() : null;
    }

    /** Task configs as {@code GET /connectors/<name>/tasks} shows them, in task order. */
    public List<Map<String, String>> taskConfigs(String connector) {
        List<Map<String, String>> configs = new ArrayList<>();
        for (JsonNode task : read(call("GET", "connectors/" + connector + "/tasks", null))) {
            configs.add(JSON.convertValue(task.get("config"), JSON.getTypeFactory()
                    .constructMapType(Map.class, String.class, String.class)));
        }
        return configs;
    }

    /** The rows committed so far: the sum of the {@code rows} of every committed source offset. */
    public long committedRows(String connector) {
        long rows = 0;
        for (JsonNode offset : read(call("GET", "connectors/" + connector + "/offsets", null)).path("offsets")) {
            rows += offset.path("offset").path("rows").asLong(0);
        }
        return rows;
    }

    /** The HTTP status of {@code GET <path>}, or -1 if the worker does not answer. */
    public int statusOf(String path) {
        try {
            return HTTP.send(request("GET", path, null), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Retried for a minute while Connect asks to try again (409 rebalancing, 5xx no leader yet);
     * any other failure (e.g. 400 bad config, 404 no status yet) is thrown at once as an
     * IllegalStateException, which a test's {@link Poll} may retry.
     */
    private String call(String method, String path, String body) {
        return call(method, path, body, true);
    }

    private String call(String method, String path, String body, boolean retryServerErrors) {
        HttpResponse<String> response = Poll.until(Duration.ofSeconds(60), method + " " + base + path, () -> {
            HttpResponse<String> answer = HTTP.send(request(method, path, body), HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() == 409 || (retryServerErrors && answer.statusCode() >= 500)) {
                throw new IllegalStateException(answer.statusCode() + " " + answer.body());
            }
            return answer;
        });
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + path + ": " + response.statusCode() + " " + response.body());
        }
        return response.body();
    }

    private HttpRequest request(String method, String path, String body) {
        return HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static <T> T read(String body, Class<T> type) {
        try {
            return JSON.readValue(body, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode read(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package io.snapclone.testing;

import org.apache.kafka.connect.cli.ConnectDistributed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A Kafka Connect worker in a JVM of its own ({@code ConnectDistributed} on this JVM's class path)
 * that joins the cluster of a {@link TestingConnect} ({@link TestingConnect#joiningWorkerProps()}:
 * its broker, group and internal topics). Unlike an in-process worker it can die as a crashed
 * machine's would: {@link #kill()} sends SIGKILL, so nothing is stopped, committed or closed.
 * Its output goes to a log file of its own; {@link #close()}, and at the latest this JVM's exit,
 * ends it.
 */
public final class ConnectWorkerProcess implements AutoCloseable {
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroyForcibly)));
    }

    private final String name;
    private final Process process;
    private final URI url;
    private final Path log;

    private ConnectWorkerProcess(String name, Process process, URI url, Path log) {
        this.name = name;
        this.process = process;
        this.url = url;
        this.log = log;
    }

    /**
     * Starts a worker named {@code name} with {@code workerProps} (plus its own REST listener on a
     * free port), writing its properties, logging configuration and output into {@code dir};
     * returns once its REST API reports it healthy (it has joined the group).
     */
    public static ConnectWorkerProcess start(String name, Map<String, String> workerProps, Path dir, String heap) {
        return start(name, workerProps, dir, heap, List.of());
    }

    /** As {@link #start(String, Map, Path, String)}, with further options for the worker's JVM. */
    public static ConnectWorkerProcess start(String name, Map<String, String> workerProps, Path dir, String heap,
                                             List<String> jvmOptions) {
        try {
            Files.createDirectories(dir);
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            Properties props = new Properties();
            props.putAll(new TreeMap<>(workerProps));
            props.put("listeners", "http://localhost:" + port);
            props.put("rest.advertised.host.name", "localhost");
            props.put("rest.advertised.port", Integer.toString(port));
            Path propsFile = dir.resolve(name + ".properties");
            try (var out = Files.newBufferedWriter(propsFile)) {
                props.store(out, "Connect worker " + name);
            }
            Path logConfig = dir.resolve("worker-log4j2.xml");
            Files.writeString(logConfig, LOG_CONFIG);
            Path log = dir.resolve(name + ".log");
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx" + heap, "-Dlog4j2.configurationFile=" + logConfig.toAbsolutePath()));
            command.addAll(jvmOptions);
            command.addAll(List.of(
                    // Under Failsafe this is a manifest-only jar whose Class-Path names every jar; -cp follows it.
                    "-cp", System.getProperty("java.class.path"),
                    ConnectDistributed.class.getName(), propsFile.toAbsolutePath().toString()));
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            RUNNING.add(process);
            ConnectWorkerProcess worker = new ConnectWorkerProcess(name, process, URI.create("http://localhost:" + port + "/"),
                    log);
            try {
                worker.awaitHealthy(Duration.ofSeconds(120));
            } catch (RuntimeException | Error e) {
                worker.close();
                throw e;
            }
            return worker;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start Connect worker " + name, e);
        }
    }

    private void awaitHealthy(Duration timeout) {
        ConnectRest rest = new ConnectRest(url);
        Poll.until(timeout, "worker " + name + " to be healthy (log: " + log + ")", () -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("worker " + name + " exited with " + process.exitValue() + "; log: " + log);
            }
            return rest.statusOf("health") == 200;
        });
    }

    public String name() {
        return name;
    }

    /** The base URI of the worker's REST API. */
    public URI url() {
        return url;
    }

    /** The id Connect's status shows for this worker ({@code host:port}). */
    public String workerId() {
        return url.getHost() + ":" + url.getPort();
    }

    public ConnectRest rest() {
        return new ConnectRest(url);
    }

    public Path log() {
        return log;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: the worker dies at once, as in a crash; returns once it is gone. */
    public void kill() {
        process.destroyForcibly();
        awaitExit(30);
    }

    /** SIGTERM: Connect's shutdown hook stops the worker gracefully; SIGKILL if it is not gone in 60 s. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroy();
            if (!awaitExit(60)) {
                process.destroyForcibly();
                awaitExit(30);
            }
        }
        RUNNING.remove(process);
    }

    private boolean awaitExit(int seconds) {
        try {
            return process.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for worker " + name + " to exit", e);
        }
    }

    @Override
    public String toString() {
        return "worker " + name + " (pid " + process.pid() + ", " + url + ")";
    }

    private static final String LOG_CONFIG = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!-- A Connect worker of its own process: INFO to its output, which goes to a file. -->
            <Configuration status="WARN">
              <Appenders>
                <Console name="console" target="SYSTEM_OUT">
                  <PatternLayout pattern="%d{HH:mm:ss.SSS} %-5level [%t] %c{1}: %msg%n"/>
                </Console>
              </Appenders>
              <Loggers>
                <Logger name="org.apache.kafka.clients.NetworkClient" level="ERROR"/>
                <Root level="INFO">
                  <AppenderRef ref="console"/>
                </Root>
              </Loggers>
            </Configuration>
            """;
}

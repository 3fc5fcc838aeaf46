package io.snapclone.testing;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy on 127.0.0.1 in front of a server (PostgreSQL), to break the network under a
 * client: {@link #cut()} resets every connection and every new one, {@link #blackhole()} lets
 * nothing through without closing anything (a silent partition), {@link #strand()} silences the
 * open connections for good while new ones work, {@link #restore()} heals.
 *
 * <p>Every method may be called from any thread. Threads are daemons: one accepts, two per
 * connection copy bytes. {@link #close()} stops them all.
 */
public final class TcpProxy implements AutoCloseable {
    private enum Mode { FORWARD, CUT, BLACKHOLE, CLOSED }

    private final String targetHost;
    private volatile int targetPort;
    private final ServerSocket listener;
    // Guards mode and links together, so that cut() cannot miss a connection being set up.
    private final Object monitor = new Object();
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private Mode mode = Mode.FORWARD;

    private TcpProxy(String targetHost, int targetPort, ServerSocket listener) {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.listener = listener;
    }

    /** A proxy on a free port of 127.0.0.1 that forwards to {@code targetHost:targetPort}. */
    public static TcpProxy start(String targetHost, int targetPort) {
        requireNonNull(targetHost, "targetHost is null");
        try {
            ServerSocket listener = new ServerSocket();
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            TcpProxy proxy = new TcpProxy(targetHost, targetPort, listener);
            daemon("tcp-proxy-accept-" + proxy.port(), proxy::acceptLoop).start();
            return proxy;
        } catch (IOException e) {
            throw new UncheckedIOException("could not open a proxy port", e);
        }
    }

    /** The address clients should connect to instead of the target: always 127.0.0.1. */
    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Connections accepted since the start (including the ones cut or reset on arrival). */
    public int acceptedConnections() {
        return accepted.get();
    }

    /** Connections now forwarded or held (blackholed). */
    public int openConnections() {
        return links.size();
    }

    /**
     * Resets (TCP RST) every open connection at once, both towards the client and the target;
     * until {@link #restore()}, new connections are accepted and reset straight away, as a
     * firewall that rejects them would.
     */
    public void cut() {
        List<Link> closing;
        synchronized (monitor) {
            if (mode == Mode.CLOSED) {
                return;
            }
            mode = Mode.CUT;
            closing = new ArrayList<>(links);
            monitor.notifyAll();
        }
        closing.forEach(Link::abort);
    }

    /**
     * Forwards nothing more in either direction, and closes nothing: open connections hang
     * (bytes in flight wait in the proxy), new ones are accepted but never reach the target.
     * The client's kernel still gets ACKs from the proxy, so only an application-level timeout
     * (or {@link #cut()}) notices, not TCP keepalive. {@link #restore()} delivers what waited.
     */
    public void blackhole() {
        synchronized (monitor) {
            if (mode != Mode.CLOSED) {
                mode = Mode.BLACKHOLE;
            }
        }
    }

    /**
     * The open connections forward nothing more, ever, and are not closed; new connections work.
     * As after a NAT or firewall lost its state, or a failover behind a virtual IP: only an
     * application-level deadline notices, on either side.
     */
    public void strand() {
        links.forEach(link -> link.stranded = true);
    }

    /**
     * New connections go to {@code port} on the same host from now on (a virtual IP that moved to
     * a promoted standby); open ones keep their old target until they end.
     */
    public void retarget(int port) {
        targetPort = port;
    }

    /** Forwards again: held connections resume, new ones reach the target. */
    public void restore() {
        synchronized (monitor) {
            if (mode != Mode.CLOSED) {
                mode = Mode.FORWARD;
                monitor.notifyAll();
            }
        }
    }

    /** Stops accepting and resets every connection. Safe to call twice. */
    @Override
    public void close() {
        List<Link> closing;
        synchronized (monitor) {
            mode = Mode.CLOSED;
            closing = new ArrayList<>(links);
            monitor.notifyAll();
        }
        try {
            listener.close();
        } catch (IOException ignored) {
            // Closing anyway.
        }
        closing.forEach(Link::abort);
    }

    @Override
    public String toString() {
        return "TcpProxy[" + host() + ':' + port() + " -> " + targetHost + ':' + targetPort + ']';
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            accepted.incrementAndGet();
            daemon("tcp-proxy-" + port() + "-connect", () -> connect(client)).start();
        }
    }

    /** Waits out a blackhole before reaching the target, so that the target sees no half-open startup. */
    private void connect(Socket client) {
        Link link = new Link(client);
        synchronized (monitor) {
            if (mode == Mode.CUT || mode == Mode.CLOSED) {
                link.abort();
                return;
            }
            links.add(link);
        }
        try {
            awaitForwarding();
            Socket upstream = new Socket();
            upstream.setTcpNoDelay(true);
            upstream.connect(new InetSocketAddress(targetHost, targetPort), 10_000);
            client.setTcpNoDelay(true);
            if (!link.connected(upstream)) {
                return;
            }
            daemon("tcp-proxy-" + port() + "-up", () -> pump(client, upstream, link)).start();
            pump(upstream, client, link);
        } catch (IOException | InterruptedException e) {
            link.abort();
        }
    }

    private void pump(Socket from, Socket to, Link link) {
        byte[] buffer = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int read;
            while ((read = in.read(buffer)) >= 0) {
                awaitForwarding();
                if (link.stranded) {
                    continue; // dropped: a stranded link's bytes never arrive
                }
                out.write(buffer, 0, read);
                out.flush();
            }
            // An orderly end on one side ends the other's writing; the link goes when both have ended.
            to.shutdownOutput();
            link.halfClosed();
        } catch (IOException | InterruptedException e) {
            link.abort();
        }
    }

    /** Blocks while blackholed; fails once cut or closed. */
    private void awaitForwarding() throws InterruptedException, IOException {
        synchronized (monitor) {
            while (mode == Mode.BLACKHOLE) {
                monitor.wait();
            }
            if (mode != Mode.FORWARD) {
                throw new IOException("cut");
            }
        }
    }

    private static Thread daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        return thread;
    }

    /** One client connection and, once reached, its connection to the target. */
    private final class Link {
        private final Socket client;
        private final AtomicInteger openDirections = new AtomicInteger(2);
        private volatile Socket upstream;
        private volatile boolean aborted;
        private volatile boolean stranded;

        Link(Socket client) {
            this.client = client;
        }

        /** @return false if the link was cut while connecting (the upstream socket is then closed) */
        boolean connected(Socket socket) {
            upstream = socket;
            if (aborted) {
                reset(socket);
                return false;
            }
            return true;
        }

        void halfClosed() {
            if (openDirections.decrementAndGet() == 0) {
                links.remove(this);
                closeQuietly(client);
                closeQuietly(upstream);
            }
        }

        /** Resets both sides: the peers see "connection reset", not an orderly end. */
        void abort() {
            aborted = true;
            links.remove(this);
            reset(client);
            Socket socket = upstream;
            if (socket != null) {
                reset(socket);
            }
        }

        private static void reset(Socket socket) {
            try {
                socket.setSoLinger(true, 0);
            } catch (IOException ignored) {
                // Already closed.
            }
            closeQuietly(socket);
        }

        private static void closeQuietly(Socket socket) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // Nothing left to do.
            }
        }
    }
}

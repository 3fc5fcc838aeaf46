package io.snapclone.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

class TcpProxyTest {
    private ServerSocket echo;
    private TcpProxy proxy;

    @BeforeEach
    void startEchoServerAndProxy() throws IOException {
        echo = new ServerSocket();
        echo.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread acceptor = new Thread(this::echoLoop, "echo-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        proxy = TcpProxy.start("127.0.0.1", echo.getLocalPort());
    }

    @AfterEach
    void stop() throws IOException {
        proxy.close();
        echo.close();
    }

    @Test
    void forwardsBothWays() throws IOException {
        try (Socket socket = connect()) {
            assertEquals("hello", roundTrip(socket, "hello"));
            assertEquals("again", roundTrip(socket, "again"));
            byte[] big = new byte[1 << 20];
            for (int i = 0; i < big.length; i++) {
                big[i] = (byte) i;
            }
            // Written by another thread: the echo returns bytes while we are still sending.
            Thread writer = new Thread(() -> {
                try {
                    socket.getOutputStream().write(big);
                } catch (IOException ignored) {
                    // The read below fails then.
                }
            });
            writer.start();
            assertArrayEquals(big, socket.getInputStream().readNBytes(big.length));
        }
        assertEquals(1, proxy.acceptedConnections());
        Poll.until(Duration.ofSeconds(10), "the closed connection to leave the proxy", () -> proxy.openConnections() == 0);
    }

    @Test
    void cutResetsOpenConnectionsAndRefusesNewOnesUntilRestored() throws IOException {
        try (Socket first = connect(); Socket second = connect()) {
            assertEquals("one", roundTrip(first, "one"));
            assertEquals("two", roundTrip(second, "two"));
            assertEquals(2, proxy.openConnections());

            proxy.cut();

            assertEquals(0, proxy.openConnections());
            assertBroken(first);
            assertBroken(second);
            assertResetOnArrival();
        }
        proxy.restore();
        try (Socket after = connect()) {
            assertEquals("back", roundTrip(after, "back"));
        }
    }

    @Test
    void blackholeHoldsTrafficWithoutClosingAndRestoreDeliversIt() throws IOException {
        try (Socket held = connect()) {
            assertEquals("before", roundTrip(held, "before"));

            proxy.blackhole();

            held.getOutputStream().write(line("waiting"));
            held.setSoTimeout(500);
            assertThrows(SocketTimeoutException.class, () -> held.getInputStream().read(), "nothing comes back");
            try (Socket fresh = connect()) {
                fresh.getOutputStream().write(line("new"));
                fresh.setSoTimeout(500);
                assertThrows(SocketTimeoutException.class, () -> fresh.getInputStream().read(), "a new one hangs too");

                proxy.restore();

                held.setSoTimeout(10_000);
                fresh.setSoTimeout(10_000);
                assertEquals("waiting", readLine(held.getInputStream()));
                assertEquals("new", readLine(fresh.getInputStream()));
            }
        }
    }

    @Test
    void cutEndsABlackhole() throws IOException {
        try (Socket held = connect()) {
            assertEquals("before", roundTrip(held, "before"));
            proxy.blackhole();
            held.getOutputStream().write(line("lost"));
            proxy.cut();
            assertBroken(held);
        }
    }

    @Test
    void closeResetsConnectionsAndStopsListening() throws IOException {
        try (Socket socket = connect()) {
            assertEquals("x", roundTrip(socket, "x"));
            proxy.close();
            proxy.close();
            assertBroken(socket);
        }
        // Not "a new connect fails": another process on this machine may take the freed port at once.
        assertEquals(0, proxy.openConnections());
    }

    /** A connection during a cut is reset as it arrives: within connect() itself, or on first use. */
    private void assertResetOnArrival() throws IOException {
        Socket during;
        try {
            during = connect();
        } catch (SocketException reset) {
            return;
        }
        try (during) {
            assertBroken(during);
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(proxy.host(), proxy.port()), 5_000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static String roundTrip(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(line(text));
        return readLine(socket.getInputStream());
    }

    /** A cut connection ends (reset or EOF) at once, not after a timeout. */
    private static void assertBroken(Socket socket) {
        long start = System.nanoTime();
        try {
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write(line("anyone?"));
            int read = in.read();
            assertEquals(-1, read, "the connection should be gone");
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the connection hangs instead of being cut", e);
        } catch (IOException expected) {
            // Connection reset.
        }
        assertEquals(true, System.nanoTime() - start < Duration.ofSeconds(5).toNanos(), "broken at once");
    }

    private static byte[] line(String text) {
        return (text + '\n').getBytes(StandardCharsets.UTF_8);
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder text = new StringBuilder();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new IOException("end of stream after '" + text + "'");
            }
            text.append((char) c);
        }
        return text.toString();
    }

    private void echoLoop() {
        while (!echo.isClosed()) {
            try {
                Socket socket = echo.accept();
                Thread thread = new Thread(() -> {
                    try (socket) {
                        socket.getInputStream().transferTo(socket.getOutputStream());
                    } catch (IOException ignored) {
                        // The proxy reset it.
                    }
                }, "echo");
                thread.setDaemon(true);
                thread.start();
            } catch (IOException e) {
                return;
            }
        }
    }
}

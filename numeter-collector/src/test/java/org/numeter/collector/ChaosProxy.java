package org.numeter.collector;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy for fault tests: it accepts on a free loopback port, connects upstream, pipes bytes both ways, and
 * can cut connections at random points (after a random number of bytes, in either direction, with a reset) or
 * refuse everything while "down". The seed is printed so a failing run can be replayed.
 */
final class ChaosProxy implements java.io.Closeable {
    private final InetSocketAddress upstream;
    private final Random random;
    private final long seed;
    private final ServerSocket server;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong cuts = new AtomicLong();
    private volatile double cutProbability;
    private volatile int maxBytesBeforeCut = 1;
    private volatile boolean down;

    ChaosProxy(InetSocketAddress upstream, long seed) throws IOException {
        this.upstream = upstream;
        this.seed = seed;
        this.random = new Random(seed);
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("chaos-accept").start(this::acceptLoop);
        System.out.printf("chaos proxy on port %d -> %s, seed %d%n", port(), upstream, seed);
    }

    int port() {
        return server.getLocalPort();
    }

    long seed() {
        return seed;
    }

    /** Cuts a share of the new connections, each after a random number of bytes from 1 to {@code maxBytes}. */
    void cutRandomly(double probability, int maxBytes) {
        this.maxBytesBeforeCut = maxBytes;
        this.cutProbability = probability;
    }

    /** While down, every connection is reset at once and existing ones are cut. */
    void down(boolean down) {
        this.down = down;
        if (down) {
            open.forEach(ChaosProxy::reset);
        }
    }

    long connections() {
        return connections.get();
    }

    long cuts() {
        return cuts.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            connections.incrementAndGet();
            if (down) {
                reset(client);
                continue;
            }
            long budget;
            synchronized (random) {
                budget = random.nextDouble() < cutProbability ? 1 + random.nextInt(maxBytesBeforeCut) : Long.MAX_VALUE;
            }
            Thread.ofVirtual().start(() -> connect(client, new AtomicLong(budget)));
        }
    }

    private void connect(Socket client, AtomicLong budget) {
        Socket up = new Socket();
        try {
            up.connect(upstream, 2000);
        } catch (IOException e) {
            reset(client);
            closeQuietly(up);
            return;
        }
        open.add(client);
        open.add(up);
        AtomicLong directionsDone = new AtomicLong();
        Thread.ofVirtual().start(() -> pipe(client, up, budget, directionsDone));
        Thread.ofVirtual().start(() -> pipe(up, client, budget, directionsDone));
    }

    /** Copies until either side closes or the shared byte budget of the connection runs out, then resets both. */
    private void pipe(Socket from, Socket to, AtomicLong budget, AtomicLong directionsDone) {
        byte[] buffer = new byte[8192];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                long left = budget.addAndGet(-n);
                if (left < 0) {
                    int allowed = (int) Math.max(0, n + left);
                    out.write(buffer, 0, allowed);
                    out.flush();
                    cuts.incrementAndGet();
                    reset(from);
                    reset(to);
                    return;
                }
                out.write(buffer, 0, n);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            reset(from);
            reset(to);
        } finally {
            if (directionsDone.incrementAndGet() == 2) {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
            }
        }
    }

    private static void reset(Socket s) {
        try {
            if (!s.isClosed()) {
                s.setSoLinger(true, 0);
            }
        } catch (IOException ignored) {
            // closing anyway
        }
        closeQuietly(s);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing more to do with a socket being thrown away
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        open.forEach(ChaosProxy::reset);
    }
}

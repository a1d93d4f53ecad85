package org.numeter.bench.load;

import io.javalin.Javalin;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.numeter.link.HttpErrors;
import org.numeter.link.PullRoutes;

/**
 * The pull endpoints of a whole simulated fleet on one port: each poller's spool is served by its own
 * {@link PullRoutes} (the real pull link, token included) in its own Javalin servlet, mounted at {@code /p/<host>}.
 * One Jetty server for all of them, because ten thousand servers with their own threads would measure the
 * simulation rather than the collector.
 */
final class FleetServer implements AutoCloseable {
    private final Server server;
    private final ServerConnector connector;
    private final List<String> hosts;

    FleetServer(SimulatedFleet fleet, String token, int threads) {
        hosts = List.copyOf(fleet.hosts());
        server = new Server(new QueuedThreadPool(threads, Math.min(threads, 16)));
        connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        List<Handler> handlers = new ArrayList<>();
        for (String host : fleet.hosts()) {
            Javalin app = Javalin.create(config -> {
                config.startup.showJavalinBanner = false;
                config.startup.startupWatcherEnabled = false;
                new HttpErrors("simulated poller " + host).install(config.routes);
                new PullRoutes(fleet.spool(host), token).register(config.routes);
            });
            ServletContextHandler context = new ServletContextHandler();
            context.setContextPath("/p/" + host);
            context.addServlet(new ServletHolder(app.javalinServlet()), "/*");
            handlers.add(context);
        }
        // All at once: adding them one by one is quadratic.
        ContextHandlerCollection contexts = new ContextHandlerCollection();
        contexts.setHandlers(handlers.toArray(Handler[]::new));
        server.setHandler(contexts);
    }

    void start() throws Exception {
        server.start();
    }

    URI url(String host) {
        return URI.create("http://127.0.0.1:" + connector.getLocalPort() + "/p/" + host);
    }

    /** Writes the collector's pollers file for the whole fleet, {@code host url} a line, as {@code file}. */
    Path writePollersFile(Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String h : hosts) {
            lines.add(h + " " + url(h));
        }
        return Files.write(file, lines);
    }

    @Override
    public void close() throws IOException {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IOException("stopping the fleet's server: " + e.getMessage(), e);
        }
    }
}

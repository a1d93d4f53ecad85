package org.numeter.app;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.numeter.config.Config;
import org.numeter.web.WebServer;

/**
 * Maps configuration onto the roles' builders: the one place that knows both the catalogue ({@link Settings})
 * and the roles' APIs. The role commands and {@code standalone} all build their roles here.
 */
final class Roles {
    private Roles() {}

    static WebServer.Builder web(Config config) {
        Path dataDir = config.get(Settings.DATA_DIR);
        WebServer.Builder web = WebServer.builder()
                .bind(config.get(Settings.WEB_BIND))
                .port(config.get(Settings.WEB_PORT))
                .dataDir(dataDir.resolve("web"))
                .storages(uris(config.get(Settings.WEB_STORAGES), Settings.WEB_STORAGES.name()))
                .adminPassword(config.find(Settings.WEB_ADMIN_PASSWORD).orElse(null));
        config.find(Settings.WEB_DATABASE_URL).ifPresent(url -> web.database(url,
                config.find(Settings.WEB_DATABASE_USER).orElse(null),
                config.find(Settings.WEB_DATABASE_PASSWORD).orElse(null)));
        for (String pair : config.get(Settings.WEB_HOST_GROUPS)) {
            int eq = pair.lastIndexOf('=');
            web.hostPattern(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return web;
    }

    static List<URI> uris(List<String> texts, String key) {
        return texts.stream().map(t -> {
            URI uri = URI.create(t);
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new IllegalArgumentException(key + ": '" + t + "' is not an http:// URL");
            }
            return uri;
        }).toList();
    }
}

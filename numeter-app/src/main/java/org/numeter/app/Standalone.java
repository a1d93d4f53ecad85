package org.numeter.app;

import java.net.URI;
import java.util.List;
import org.numeter.alert.AlertEngine;
import org.numeter.collector.Collector;
import org.numeter.collector.PollerAddress;
import org.numeter.component.CheckResult;
import org.numeter.component.Component;
import org.numeter.config.Config;
import org.numeter.poller.Poller;
import org.numeter.spool.Spool;
import org.numeter.storage.RrdStore;
import org.numeter.storage.Storage;
import org.numeter.telemetry.Readiness;
import org.numeter.telemetry.Telemetry;
import org.numeter.web.WebServer;

/**
 * All four roles in one process, on one data directory: poller → (in-process) collector → (in-process) storage →
 * (HTTP on loopback) web. The hops are the same {@code Drain}s as between machines, over local spools instead of
 * HTTP, so a standalone install loses nothing on a restart either.
 */
final class Standalone implements Component {
    private final Config config;
    private final Running running = new Running();
    private WebServer web;
    private Storage storage;
    private Poller poller;
    private String host;
    private Telemetry telemetry;

    Standalone(Config config) {
        this.config = config;
    }

    @Override
    public void start() throws Exception {
        try {
            host = Roles.pollerHost(config);
            // One process, one telemetry: the storage's and the web's ports both serve every role's figures and
            // checks, so /ready is down when any role is.
            telemetry = running.own(Telemetry.create());
            Spool pollerSpool = running.own(Roles.pollerSpool(config, host));
            Spool collectorSpool = running.own(Roles.collectorSpool(config));
            RrdStore store = running.own(Roles.rrdStore(config));
            AlertEngine alerts = Roles.bind(telemetry, Roles.alertEngine(config, store));
            if (alerts != null) {
                running.start(alerts);
            }

            storage = running.start(Storage.builder()
                    .telemetry(telemetry)
                    .store(store)
                    .alerts(alerts)
                    .upstream("collector (in-process)", collectorSpool)
                    .interval(config.get(Settings.STORAGE_INTERVAL))
                    .bind(config.get(Settings.STORAGE_BIND))
                    .port(config.get(Settings.STORAGE_PORT))
                    .staleAfter(Roles.staleAfter(config))
                    .build());
            running.start(Collector.builder()
                    .telemetry(telemetry)
                    .host(Roles.collectorId(config))
                    .spool(collectorSpool)
                    .readers(address -> pollerSpool)
                    .poller(PollerAddress.of(host, "http://127.0.0.1/in-process", null))
                    .interval(config.get(Settings.COLLECTOR_INTERVAL))
                    .silentIntervals(config.get(Settings.COLLECTOR_SILENT_AFTER))
                    .pollerInterval(config.get(Settings.POLLER_INTERVAL))
                    .maxClockSkew(config.get(Settings.COLLECTOR_MAX_CLOCK_SKEW))
                    .build());
            poller = running.start(Roles.poller(config, host, pollerSpool, telemetry));
            web = running.start(Roles.web(config).telemetry(telemetry)
                    .storages(List.of(URI.create("http://127.0.0.1:" + storage.port() + "/")))
                    .build());
        } catch (Exception | Error e) {
            running.close();
            throw e;
        }
    }

    String host() {
        return host;
    }

    URI webUri() {
        return web.uri();
    }

    int storagePort() {
        return storage.port();
    }

    Poller poller() {
        return poller;
    }

    /** Every role's check, as {@code GET /ready} answers them: down when one role is. */
    @Override
    public CheckResult check() {
        if (telemetry == null) {
            return CheckResult.failed("standalone is not started");
        }
        Readiness r = telemetry.readiness();
        if (!r.ready()) {
            return CheckResult.failed(r.reason());
        }
        String detail = String.join("; ", r.checks().stream().map(c -> c.name() + ": " + c.detail()).toList());
        return new CheckResult(true, detail, r.status().equals("DEGRADED"));
    }

    @Override
    public void close() {
        running.close();
    }

    @Override
    public String toString() {
        return "Standalone{host=" + host + "}";
    }
}

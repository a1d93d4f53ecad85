package org.numeter.app;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.Callable;
import org.numeter.alert.AlertEngine;
import org.numeter.alert.ListeningStore;
import org.numeter.amqp.AmqpConsumer;
import org.numeter.config.Config;
import org.numeter.link.HttpSpoolReader;
import org.numeter.storage.RrdStore;
import org.numeter.storage.Storage;
import org.numeter.telemetry.Telemetry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code numeter storage}: drains collectors into round-robin files and serves API v1. */
@Command(name = "storage", mixinStandardHelpOptions = true, description = "Runs a storage.")
final class StorageCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Override
    public Integer call() throws Exception {
        Config config = options.load(Settings.storage(), Map.of());
        try (Running running = new Running()) {
            Telemetry telemetry = running.own(Telemetry.create());
            RrdStore store = running.own(Roles.rrdStore(config));
            AlertEngine alerts = Roles.bind(telemetry, Roles.alertEngine(config, store));
            if (alerts != null) {
                running.start(alerts);
            }
            Storage.Builder storage = Storage.builder()
                    .telemetry(telemetry)
                    .store(store)
                    .alerts(alerts)
                    .interval(config.get(Settings.STORAGE_INTERVAL))
                    .bind(config.get(Settings.STORAGE_BIND))
                    .port(config.get(Settings.STORAGE_PORT))
                    .staleAfter(Roles.staleAfter(config));
            config.find(Settings.STORAGE_TOKEN).ifPresent(storage::token);
            for (URI collector : Roles.uris(config.get(Settings.STORAGE_COLLECTORS), "storage.collectors")) {
                HttpSpoolReader.Builder reader = HttpSpoolReader.builder(collector);
                config.find(Settings.STORAGE_COLLECTOR_TOKEN).ifPresent(reader::token);
                storage.upstream(collector.toString(), reader.build());
            }
            Storage started = running.start(storage.build());
            if (config.find(Settings.STORAGE_AMQP_SHARD).isPresent()) {
                Roles.bind(telemetry, running.start(AmqpConsumer.builder()
                        .uri(config.get(Settings.AMQP_URI))
                        .exchange(config.get(Settings.AMQP_EXCHANGE))
                        .shards(config.get(Settings.AMQP_SHARDS))
                        .shard(config.get(Settings.STORAGE_AMQP_SHARD))
                        .store(alerts == null ? store : new ListeningStore(store, alerts))
                        .build()));
            }
            System.out.println("numeter storage: API on " + config.get(Settings.STORAGE_BIND) + ":" + started.port());
            running.awaitShutdown();
        }
        return 0;
    }
}

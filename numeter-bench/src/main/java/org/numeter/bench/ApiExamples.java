package org.numeter.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.numeter.model.Field;
import org.numeter.model.FieldType;
import org.numeter.model.Plugin;
import org.numeter.model.SampleBatch;
import org.numeter.storage.RrdStore;
import org.numeter.storage.Storage;
import org.numeter.store.Archives;

/**
 * Prints, as Markdown, a real request and its response for every endpoint of the storage API, from a storage
 * started here over a few batches: the examples of {@code docs/api.md} come from this.
 */
public final class ApiExamples {
    private static final long T = 1_699_999_980L;

    private ApiExamples() {}

    public static void main(String[] argv) throws Exception {
        Path dir = Files.createTempDirectory("numeter-api-examples");
        try (RrdStore store = RrdStore.builder(dir).archives(Archives.DEFAULT).open()) {
            fill(store);
            Storage storage = Storage.builder().store(store).bind("127.0.0.1").port(0)
                    .clock(java.time.Clock.fixed(java.time.Instant.ofEpochSecond(T + 180), java.time.ZoneOffset.UTC))
                    .build();
            storage.start();
            try {
                String base = "http://127.0.0.1:" + storage.port();
                HttpClient http = HttpClient.newHttpClient();
                String data = "/api/v1/hosts/web1/plugins/load/data";
                for (String path : List.of("/api/v1/hosts", "/api/v1/hosts/web1", "/api/v1/hosts/nope",
                        "/api/v1/hosts/web1/plugins", "/api/v1/hosts/web1/plugins/if_eth0",
                        "/api/v1/hosts/web1/plugins/nope",
                        data + "?from=" + (T + 60) + "&to=" + (T + 180) + "&resolution=60",
                        "/api/v1/hosts/web1/plugins/if_eth0/data?from=" + (T - 240) + "&to=" + (T + 180)
                                + "&points=2&cf=MAX&fields=up,down",
                        data + "?from=abc", data + "?cf=median", data + "?fields=load,nope",
                        "/api/v1/hosts/web1/plugins/load/graph.png?from=" + (T - 3600) + "&to=" + (T + 180)
                                + "&width=400&height=150&legend=false",
                        "/api/v1/status")) {
                    show(http, base, path);
                }
            } finally {
                storage.close();
            }
            Storage guarded = Storage.builder().store(store).bind("127.0.0.1").port(0).token("s3cret").build();
            guarded.start();
            try {
                show(HttpClient.newHttpClient(), "http://127.0.0.1:" + guarded.port(), "/api/v1/hosts");
            } finally {
                guarded.close();
            }
        } finally {
            Machine.deleteTree(dir);
        }
    }

    private static void fill(RrdStore store) throws Exception {
        Plugin load = Plugin.builder("load").title("Load average").category("system").vlabel("load")
                .args("--base 1000 -l 0").field(Field.builder("load").label("load").warning("10").critical("120")
                        .build()).build();
        Plugin traffic = Plugin.builder("if_eth0").title("eth0 traffic").category("network")
                .vlabel("bits in (-) / out (+) per ${graph_period}").args("--base 1000")
                .field(Field.builder("down").label("received").type(FieldType.DERIVE).min(0.0).graph(false).build())
                .field(Field.builder("up").label("bps").type(FieldType.DERIVE).min(0.0).negative("down").build())
                .build();
        List<SampleBatch> batches = new ArrayList<>();
        double[] loads = {0.42, Double.NaN, 0.57};
        for (int i = 0; i < loads.length; i++) {
            batches.add(new SampleBatch("web1", "load", T + 60L * (i + 1), Map.of("load", loads[i]),
                    i == 0 ? load : null));
        }
        for (int i = -4; i <= 3; i++) {
            Map<String, Double> v = new LinkedHashMap<>();
            v.put("down", 1_000_000.0 + 60_000.0 * (i + 4));
            v.put("up", 500_000.0 + 30_000.0 * (i + 4) * (i + 4));
            batches.add(new SampleBatch("web1", "if_eth0", T + 60L * i, v, i == -4 ? traffic : null));
        }
        store.write(batches);
    }

    private static void show(HttpClient http, String base, String path) throws Exception {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        String type = r.headers().firstValue("Content-Type").orElse("");
        System.out.println("```");
        System.out.println("$ curl -i 'http://storage:8082" + path + "'");
        System.out.println("HTTP/1.1 " + r.statusCode());
        System.out.println("Content-Type: " + type);
        System.out.println();
        if (type.startsWith("image/")) {
            System.out.println("<" + r.body().length + " bytes of PNG>");
        } else {
            System.out.println(new String(r.body(), StandardCharsets.UTF_8));
        }
        System.out.println("```");
        System.out.println();
    }
}

package org.numeter.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.http.UnauthorizedResponse;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.numeter.codec.Json;
import org.numeter.component.CheckResult;
import org.numeter.link.HttpErrors;
import org.numeter.testkit.EndlessBody;
import org.numeter.testkit.Scrape;

class TelemetryRoutesIT {
    private final HttpClient http = HttpClient.newHttpClient();
    private Telemetry telemetry;
    private Javalin app;
    private final AtomicReference<CheckResult> state = new AtomicReference<>(CheckResult.OK);

    @BeforeEach
    void start() {
        telemetry = Telemetry.create();
        telemetry.meters().check("thing", state::get);
        app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            TelemetryRoutes.install(config, telemetry, new HttpErrors("test API"));
            config.routes.before("/private/*", ctx -> {
                throw new UnauthorizedResponse("log in first");
            });
            config.routes.get("/things/{id}", ctx -> ctx.result("thing " + ctx.pathParam("id")));
            config.routes.get("/private/{id}", ctx -> ctx.result("secret"));
            config.routes.post("/echo", ctx -> ctx.result("read " + ctx.bodyAsBytes().length + " bytes"));
        });
        app.start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        app.stop();
        telemetry.close();
        http.close();
    }

    private HttpResponse<String> send(String method, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).method(method, HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + app.port() + path);
    }

    private Scrape metrics() throws Exception {
        HttpResponse<String> r = send("GET", "/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        return Scrape.parse(r.body());
    }

    @Test
    void healthSaysTheProcessLivesWithItsVersion() throws Exception {
        state.set(CheckResult.failed("down, but alive"));
        HttpResponse<String> r = send("GET", "/health");
        assertThat(r.statusCode()).isEqualTo(200);
        JsonNode body = Json.mapper().readTree(r.body());
        assertThat(body.path("status").asText()).isEqualTo("UP");
        assertThat(body.path("version").asText()).isEqualTo(BuildInfo.version()).matches("\\d+\\.\\d+\\.\\d+.*");
    }

    @Test
    void readyIs503WithTheReasonWhenACheckIsDownAnd200WhenDegraded() throws Exception {
        HttpResponse<String> up = send("GET", "/ready");
        assertThat(up.statusCode()).isEqualTo(200);
        assertThat(Json.mapper().readTree(up.body()).path("status").asText()).isEqualTo("UP");

        state.set(CheckResult.degraded("1 of 3 upstreams failing: redis://:hunter2@10.0.0.9:6379/0 refused"));
        HttpResponse<String> degraded = send("GET", "/ready");
        assertThat(degraded.statusCode()).isEqualTo(200);
        JsonNode d = Json.mapper().readTree(degraded.body());
        assertThat(d.path("status").asText()).isEqualTo("DEGRADED");
        assertThat(d.path("checks").get(0).path("detail").asText())
                .isEqualTo("1 of 3 upstreams failing: redis://***@10.0.0.9:6379/0 refused");
        assertThat(degraded.body()).doesNotContain("hunter2");

        state.set(CheckResult.failed("every upstream fails"));
        HttpResponse<String> down = send("GET", "/ready");
        assertThat(down.statusCode()).isEqualTo(503);
        JsonNode body = Json.mapper().readTree(down.body());
        assertThat(body.path("status").asText()).isEqualTo("DOWN");
        assertThat(body.path("reason").asText()).isEqualTo("thing: every upstream fails");

        state.set(CheckResult.OK);
        assertThat(send("GET", "/ready").statusCode()).isEqualTo(200);
    }

    @Test
    void aCheckThatThrowsIsDownNotA500() throws Exception {
        telemetry.meters().check("broken", () -> {
            throw new IllegalStateException("no connection");
        });
        HttpResponse<String> r = send("GET", "/ready");
        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.body()).contains("broken: IllegalStateException: no connection");
    }

    @Test
    void metricsHaveTheJvmsStandardMetersAndTheBuild() throws Exception {
        Scrape s = metrics();
        for (String name : List.of("jvm_memory_used_bytes", "jvm_gc_memory_allocated_bytes_total",
                "jvm_threads_live_threads", "jvm_classes_loaded_classes", "process_cpu_usage",
                "process_uptime_seconds", "process_files_open_files", "process_files_max_files")) {
            assertThat(s.has(name)).as(name + " in\n" + s.text()).isTrue();
        }
        assertThat(s.value("numeter_build_info", "version", BuildInfo.version())).hasValue(1.0);
    }

    @Test
    void figuresAreOneLineEachAndLeaveWithTheirScope() throws Exception {
        AtomicLong moved = new AtomicLong(41);
        List<String> pollers = new CopyOnWriteArrayList<>(List.of("web1", "web2"));
        Meters scope = telemetry.meters()
                .counter("numeter.test.moved", "Records moved", moved::get, "role", "test")
                .gauge("numeter.test.waiting.seconds", "Age", () -> 2.5, "role", "test")
                .counters("numeter.test.drained", "Per poller", List.of("poller"), () -> pollers, List::of,
                        p -> p.length());
        moved.incrementAndGet();
        Scrape s = metrics();
        assertThat(s.value("numeter_test_moved_total", "role", "test")).hasValue(42.0);
        assertThat(s.value("numeter_test_waiting_seconds", "role", "test")).hasValue(2.5);
        assertThat(s.value("numeter_test_drained_total", "poller", "web2")).hasValue(4.0);
        pollers.add("db10");
        assertThat(metrics().value("numeter_test_drained_total", "poller", "db10")).hasValue(4.0);

        scope.close();
        Scrape after = metrics();
        assertThat(after.has("numeter_test_moved_total")).isFalse();
        assertThat(after.has("numeter_test_drained_total")).isFalse();
    }

    @Test
    void everyRequestIsTimedByItsRouteTemplateAndStatus() throws Exception {
        send("GET", "/things/abc");
        send("GET", "/things/def");
        send("GET", "/private/1");
        send("GET", "/nowhere/" + System.nanoTime());
        Scrape s = metrics();
        String timer = "numeter_http_server_requests_seconds";
        assertThat(s.value(timer + "_count", "server", "test API", "method", "GET", "route", "/things/{id}",
                "status", "200")).hasValue(2.0);
        assertThat(s.find(timer + "_bucket", "route", "/things/{id}", "status", "200")).hasSizeGreaterThan(5)
                .anySatisfy(b -> assertThat(b.labels()).containsEntry("le", "0.005"));
        // refused by a before handler, still counted under its route, not its raw path
        assertThat(s.value(timer + "_count", "route", "/private/{id}", "status", "401")).hasValue(1.0);
        assertThat(s.value(timer + "_count", "route", "unmatched", "status", "404")).hasValue(1.0);
        assertThat(s.text()).doesNotContain("/nowhere/");
    }

    @Test
    void aWrongMethodIsA405() throws Exception {
        assertThat(send("POST", "/health").statusCode()).isEqualTo(405);
        assertThat(send("DELETE", "/things/abc").statusCode()).isEqualTo(405);
        assertThat(send("GET", "/echo").statusCode()).isEqualTo(405);
        assertThat(send("GET", "/nowhere").statusCode()).isEqualTo(404);
    }

    @Test
    void aChunkedBodyOverTheLimitIsA413BeforeItIsReadToTheEnd() throws Exception {
        EndlessBody.Answer a = EndlessBody.send(uri("/"), "POST", "/echo", Map.of(), "", Duration.ofSeconds(20));
        assertThat(a.status()).as(a.statusLine()).isEqualTo(413);
        HttpResponse<String> small = http.send(HttpRequest.newBuilder(uri("/echo"))
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(1000))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(small.body()).isEqualTo("read 1000 bytes");
    }
}

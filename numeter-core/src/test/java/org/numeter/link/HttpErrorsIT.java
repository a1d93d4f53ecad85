package org.numeter.link;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import io.javalin.http.UnauthorizedResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.numeter.codec.BatchCodec;

class HttpErrorsIT {
    private final HttpErrors errors = new HttpErrors("test API");
    private final HttpClient http = HttpClient.newHttpClient();
    private Javalin app;

    @BeforeEach
    void start() {
        app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            errors.install(config.routes);
            config.routes.get("/bad", ctx -> {
                throw new IllegalArgumentException("from 'abc' is not an epoch second");
            });
            config.routes.get("/codec", ctx -> BatchCodec.decodeBatch(
                    "{\"host\":\"web1\",\"plugin\":\"cpu\",\"time\":\"x\"}".getBytes(StandardCharsets.UTF_8)));
            config.routes.get("/missing", ctx -> {
                throw new NoSuchElementException("host 'web9' is unknown");
            });
            config.routes.get("/javalin", ctx -> {
                throw new UnauthorizedResponse("log in first");
            });
            config.routes.get("/broken", ctx -> {
                throw new IOException("disk on fire: /var/lib/secret");
            });
        });
        app.start("127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        app.stop();
        http.close();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void badInputIsA400WithTheMessage() throws Exception {
        HttpResponse<String> bad = get("/bad");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).isEqualTo("from 'abc' is not an epoch second");
        assertThat(bad.headers().firstValue("Content-Type")).hasValueSatisfying(
                v -> assertThat(v).startsWith("text/plain"));
        HttpResponse<String> codec = get("/codec");
        assertThat(codec.statusCode()).isEqualTo(400);
        assertThat(codec.body()).isEqualTo("host web1, plugin cpu: time '\"x\"' is not an epoch second");
        assertThat(errors.badRequests()).isEqualTo(2);
    }

    @Test
    void unknownThingsAre404AndJavalinResponsesKeepTheirStatus() throws Exception {
        HttpResponse<String> missing = get("/missing");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).isEqualTo("host 'web9' is unknown");
        assertThat(errors.notFound()).isEqualTo(1);
        HttpResponse<String> javalin = get("/javalin");
        assertThat(javalin.statusCode()).isEqualTo(401);
        assertThat(javalin.body()).isEqualTo("log in first");
        assertThat(errors.serverErrors()).isZero();
    }

    @Test
    void anythingElseIsA500CountedWithoutItsDetails() throws Exception {
        HttpResponse<String> broken = get("/broken");
        assertThat(broken.statusCode()).isEqualTo(500);
        assertThat(broken.body()).isEqualTo("internal error (IOException), see the test API log")
                .doesNotContain("secret");
        assertThat(errors.serverErrors()).isEqualTo(1);
    }
}

package org.numeter.storage;

import com.fasterxml.jackson.core.type.TypeReference;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import org.numeter.alert.AlertEngine;
import org.numeter.alert.Rule;
import org.numeter.codec.Json;
import org.numeter.storage.internal.Params;

/**
 * The alert engine on the storage API (docs/api.md, section 2): current problems, history, the change feed the web
 * follows, and the rules the web pushes. Behind the same token as the rest of API v1.
 */
final class AlertRoutes {
    private static final long DAY = 86_400;

    private final AlertEngine engine;
    private final Clock clock;

    AlertRoutes(AlertEngine engine, Clock clock) {
        this.engine = engine;
        this.clock = clock;
    }

    void register(RoutesConfig j, String prefix) {
        j.get(prefix + "/alerts", ctx -> json(ctx, engine.problems()));
        j.get(prefix + "/alerts/history", this::history);
        j.get(prefix + "/alerts/changes", ctx -> json(ctx, engine.changes(
                Params.number(ctx, "after", 0, Long.MAX_VALUE, 0), (int) Params.number(ctx, "max", 1, 10_000, 1000))));
        j.get(prefix + "/alerts/rules", ctx -> json(ctx, engine.rules()));
        j.put(prefix + "/alerts/rules", this::putRules);
    }

    private void history(Context ctx) throws IOException {
        long now = clock.instant().getEpochSecond();
        long to = Params.epochSecond(ctx, "to", now);
        long from = Params.epochSecond(ctx, "from", to - DAY);
        if (to < from) {
            throw new IllegalArgumentException("to '" + to + "' is before from '" + from + "'");
        }
        String host = ctx.queryParam("host");
        int max = (int) Params.number(ctx, "max", 1, 100_000, 10_000);
        json(ctx, engine.history(host == null || host.isEmpty() ? null : host, from, to, max));
    }

    private void putRules(Context ctx) throws IOException {
        List<Rule> rules;
        try {
            rules = Json.mapper().readValue(ctx.bodyAsBytes(), new TypeReference<List<Rule>>() {});
        } catch (IOException e) {
            throw new IllegalArgumentException("rules: not a JSON list of rules: " + e.getMessage());
        }
        engine.rules(rules == null ? List.of() : rules);
        ctx.status(204);
    }

    private static void json(Context ctx, Object value) throws IOException {
        ctx.contentType("application/json").result(Json.mapper().writeValueAsBytes(value));
    }
}

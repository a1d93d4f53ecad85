package org.numeter.web.internal;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/** Events: annotations on the graphs of their hosts. A user sees an event through the hosts it may see. */
public final class EventApi {
    static final int MAX_COMMENT = 2000;
    static final int MAX_HOSTS = 100;

    record EventBody(Long at, String title, String comment, List<String> hosts) {}

    private final Access access;
    private final EventRepository events;
    private final HostApi hostApi;
    private final Clock clock;

    public EventApi(Access access, EventRepository events, HostApi hostApi, Clock clock) {
        this.access = access;
        this.events = events;
        this.hostApi = hostApi;
        this.clock = clock;
    }

    public void register(RoutesConfig routes) {
        routes.get("/api/events", this::list);
        routes.post("/api/events", this::create);
        routes.get("/api/events/{id}", this::get);
        routes.delete("/api/events/{id}", this::delete);
    }

    Map<String, Object> json(User me, EventRepository.Event e, List<String> hosts) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", e.id());
        out.put("at", e.at());
        out.put("title", e.title());
        out.put("comment", e.comment());
        out.put("hosts", hosts);
        out.put("deletable", me.superuser() || (e.createdBy() != null && e.createdBy() == me.id()));
        return out;
    }

    /** {@code host} (optional) narrows to one host; {@code from} and {@code to} default to the last day. */
    private void list(Context ctx) {
        User me = Auth.user(ctx);
        long[] range = hostApi.range(ctx);
        String host = ctx.queryParam("host");
        List<String> hosts = host == null ? access.visibleHosts(me) : List.of(access.requireHost(me, host));
        ctx.json(events.between(range[0], range[1], hosts).stream()
                .map(e -> json(me, e, access.visibleHosts(me, e))).toList());
    }

    private EventRepository.Event visible(User me, Context ctx) {
        long id = Input.id(ctx.pathParam("id"), "event id");
        EventRepository.Event e = events.byId(id).orElse(null);
        if (e == null || access.visibleHosts(me, e).isEmpty()) {
            throw HttpProblem.notFound("event " + id + " is unknown");
        }
        return e;
    }

    private void get(Context ctx) {
        User me = Auth.user(ctx);
        EventRepository.Event e = visible(me, ctx);
        ctx.json(json(me, e, access.visibleHosts(me, e)));
    }

    private void create(Context ctx) {
        User me = Auth.user(ctx);
        EventBody body = Input.body(ctx, EventBody.class);
        if (body.at() == null || body.at() <= 0 || body.at() > 32503680000L) {
            throw HttpProblem.badRequest("at '" + body.at() + "' is not an epoch second");
        }
        String title = Input.label(body.title(), "event title");
        String comment = body.comment() == null ? "" : body.comment();
        if (comment.length() > MAX_COMMENT) {
            throw HttpProblem.badRequest("comment has " + comment.length() + " characters; at most " + MAX_COMMENT);
        }
        if (comment.chars().anyMatch(c -> c < 0x20 && c != '\n' && c != '\t')) {
            throw HttpProblem.badRequest("comment holds a control character");
        }
        if (body.hosts() == null || body.hosts().isEmpty() || body.hosts().size() > MAX_HOSTS) {
            throw HttpProblem.badRequest("an event needs 1 to " + MAX_HOSTS + " hosts");
        }
        LinkedHashSet<String> hosts = new LinkedHashSet<>();
        for (String h : body.hosts()) {
            hosts.add(access.requireHost(me, h));
        }
        long id = events.create(body.at(), title, comment, me.id(), List.copyOf(hosts), clock.millis());
        EventRepository.Event e = events.byId(id).orElseThrow();
        ctx.status(201).json(json(me, e, access.visibleHosts(me, e)));
    }

    private void delete(Context ctx) {
        User me = Auth.user(ctx);
        EventRepository.Event e = visible(me, ctx);
        if (!me.superuser() && (e.createdBy() == null || e.createdBy() != me.id())) {
            throw HttpProblem.forbidden("only who created event " + e.id() + " may delete it");
        }
        events.delete(e.id());
        ctx.status(204);
    }
}

package org.numeter.web.internal;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.numeter.alert.AlertState;
import org.numeter.alert.Change;
import org.numeter.alert.Glob;
import org.numeter.alert.Rule;
import org.numeter.alert.notify.Channel;
import org.numeter.alert.notify.Contact;

/**
 * The alert API (docs/api.md, section 3, "Alerts"): problems and history of the hosts a user may see,
 * acknowledgements and silences, contacts, and the administrator's rules. A host the user may not see is answered
 * as unknown, as everywhere else.
 */
public final class AlertApi {
    static final int MAX_COMMENT = 2000;
    static final long MAX_UNTIL = 366L * 86400;

    record AckBody(String host, String plugin, String field, String comment, Long until) {}

    record SilenceBody(String hosts, String plugins, String comment, Long until) {}

    record ContactBody(String name, String channel, String target, String secret, List<String> states, Long groupId) {}

    record RuleBody(String hosts, String plugins, String fields, String warning, String critical, Integer forPoints,
            String hysteresis) {}

    private final Access access;
    private final AlertService alerts;
    private final AlertRepository repo;
    private final Map<String, Channel> channels;
    private final UserRepository users;
    private final Clock clock;

    public AlertApi(Access access, AlertService alerts, Map<String, Channel> channels, UserRepository users,
            Clock clock) {
        this.access = access;
        this.alerts = alerts;
        this.repo = alerts.repository();
        this.channels = Map.copyOf(channels);
        this.users = users;
        this.clock = clock;
    }

    public void register(RoutesConfig app) {
        app.get("/api/alerts", this::problems);
        app.get("/api/alerts/summary", this::summary);
        app.get("/api/alerts/history", this::history);
        app.post("/api/alerts/acks", this::ack);
        app.delete("/api/alerts/acks/{id}", this::unack);
        app.get("/api/alerts/silences", this::silences);
        app.post("/api/alerts/silences", this::silence);
        app.delete("/api/alerts/silences/{id}", this::unsilence);
        app.get("/api/alerts/contacts", this::contacts);
        app.post("/api/alerts/contacts", this::addContact);
        app.delete("/api/alerts/contacts/{id}", this::deleteContact);
        app.get("/api/alerts/rules", this::rules);
        app.post("/api/alerts/rules", this::addRule);
        app.delete("/api/alerts/rules/{id}", this::deleteRule);
        app.get("/api/alerts/outbox", this::outbox);
    }

    private long now() {
        return clock.instant().getEpochSecond();
    }

    // ---- problems

    static String link(Change c) {
        StringBuilder b = new StringBuilder("/hosts/").append(c.host()).append("?from=").append(c.at() - 3600)
                .append("&to=").append(c.at() + 3600);
        if (c.plugin() != null) {
            b.append("#plugin-").append(c.plugin());
        }
        return b.toString();
    }

    /** What the page shows of an acknowledgement or a silence. */
    record Note(long id, String comment, String by, long until) {}

    private void problems(Context ctx) throws java.io.IOException {
        User me = Auth.user(ctx);
        List<AlertService.Problem> list = new ArrayList<>(alerts.problems(me));
        list.sort((a, b) -> {
            int byHost = a.state().host().compareTo(b.state().host());
            return byHost != 0 ? byHost : Long.compare(b.state().at(), a.state().at());
        });
        // written with the streaming generator: at 10,000 problems, databind's reflection was most of the time
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(256 + list.size() * 300);
        try (com.fasterxml.jackson.core.JsonGenerator g = org.numeter.codec.Json.mapper().getFactory()
                .createGenerator(bytes)) {
            g.writeStartObject();
            g.writeObjectFieldStart("counts");
            for (var e : counts(list).entrySet()) {
                g.writeNumberField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            g.writeArrayFieldStart("problems");
            for (AlertService.Problem p : list) {
                Change c = p.state();
                g.writeStartObject();
                g.writeStringField("host", c.host());
                g.writeStringField("plugin", c.plugin());
                g.writeStringField("field", c.field());
                g.writeStringField("state", c.to().name());
                g.writeStringField("from", c.from().name());
                g.writeNumberField("since", c.at());
                if (c.value() == null) {
                    g.writeNullField("value");
                } else {
                    g.writeNumberField("value", c.value());
                }
                g.writeStringField("threshold", c.threshold());
                g.writeStringField("reason", c.reason());
                g.writeStringField("link", link(c));
                AlertRepository.Ack a = p.ack();
                note(g, "ack", a == null ? null : new Note(a.id(), a.comment(), String.valueOf(a.by()), a.until()));
                AlertRepository.Silence s = p.silence();
                note(g, "silence", s == null ? null
                        : new Note(s.id(), s.comment(), String.valueOf(s.by()), s.until()));
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        ctx.contentType("application/json").result(bytes.toByteArray());
    }

    private static void note(com.fasterxml.jackson.core.JsonGenerator g, String name, Note n)
            throws java.io.IOException {
        if (n == null) {
            g.writeNullField(name);
            return;
        }
        g.writeObjectFieldStart(name);
        g.writeNumberField("id", n.id());
        g.writeStringField("comment", n.comment());
        g.writeStringField("by", n.by());
        g.writeNumberField("until", n.until());
        g.writeEndObject();
    }

    private static Map<String, Integer> counts(List<AlertService.Problem> list) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        counts.put("total", list.size());
        for (AlertState s : List.of(AlertState.CRITICAL, AlertState.WARNING, AlertState.UNKNOWN)) {
            counts.put(s.lower(), (int) list.stream().filter(p -> p.state().to() == s).count());
        }
        counts.put("acknowledged", (int) list.stream().filter(p -> p.ack() != null).count());
        counts.put("silenced", (int) list.stream().filter(p -> p.silence() != null).count());
        counts.put("open", (int) list.stream().filter(p -> p.ack() == null && p.silence() == null).count());
        counts.put("openCritical", (int) list.stream().filter(p -> p.ack() == null && p.silence() == null
                && p.state().to() == AlertState.CRITICAL).count());
        return counts;
    }

    private void summary(Context ctx) {
        ctx.json(counts(alerts.problems(Auth.user(ctx))));
    }

    private void history(Context ctx) {
        User me = Auth.user(ctx);
        String host = ctx.queryParam("host");
        if (host != null && !host.isEmpty()) {
            access.requireHost(me, host);
        } else {
            host = null;
        }
        long to = Input.longParam(ctx, "to", now(), 1, 32503680000L);
        long from = Input.longParam(ctx, "from", to - 86400, 1, 32503680000L);
        if (from > to) {
            throw HttpProblem.badRequest("from " + from + " is after to " + to);
        }
        ctx.json(alerts.history(me, host, from, to));
    }

    // ---- acknowledgements and silences

    private long until(Long until) {
        long now = now();
        if (until == null || until <= now || until > now + MAX_UNTIL) {
            throw HttpProblem.badRequest("until '" + until + "' is not an epoch second within the next year");
        }
        return until;
    }

    private static String comment(String comment) {
        String c = comment == null ? "" : comment.trim();
        if (c.length() > MAX_COMMENT) {
            throw HttpProblem.badRequest("comment has " + c.length() + " characters; at most " + MAX_COMMENT);
        }
        if (c.chars().anyMatch(ch -> ch < 0x20 && ch != '\n' && ch != '\t')) {
            throw HttpProblem.badRequest("comment holds a control character");
        }
        return c;
    }

    private void ack(Context ctx) {
        User me = Auth.user(ctx);
        AckBody b = Input.body(ctx, AckBody.class);
        String host = access.requireHost(me, b.host());
        String plugin = b.plugin() == null || b.plugin().isEmpty() ? null : Input.plugin(b.plugin());
        String field = b.field() == null || b.field().isEmpty() ? null : Input.field(b.field());
        long id = repo.addAck(host, plugin, field, comment(b.comment()), until(b.until()), me.id(), clock.millis());
        ctx.status(201).json(repo.ack(id).orElseThrow());
    }

    private void unack(Context ctx) {
        User me = Auth.user(ctx);
        long id = Input.id(ctx.pathParam("id"), "acknowledgement id");
        AlertRepository.Ack a = repo.ack(id).filter(x -> access.canSee(me, x.host()))
                .orElseThrow(() -> HttpProblem.notFound("acknowledgement " + id + " is unknown"));
        repo.deleteAck(a.id());
        ctx.status(204);
    }

    private void silences(Context ctx) {
        User me = Auth.user(ctx);
        ctx.json(repo.silences(now()).stream().filter(s -> me.superuser() || (s.createdBy() != null
                && s.createdBy() == me.id())).toList());
    }

    private void silence(Context ctx) {
        User me = Auth.user(ctx);
        SilenceBody b = Input.body(ctx, SilenceBody.class);
        String hosts;
        String plugins;
        try {
            hosts = Glob.of(b.hosts(), "host").toString();
            plugins = Glob.of(b.plugins(), "plugin").toString();
        } catch (IllegalArgumentException e) {
            throw HttpProblem.badRequest(e.getMessage());
        }
        long id = repo.addSilence(hosts, plugins, comment(b.comment()), until(b.until()), me.id(), clock.millis());
        ctx.status(201).json(repo.silence(id).orElseThrow());
    }

    private void unsilence(Context ctx) {
        User me = Auth.user(ctx);
        long id = Input.id(ctx.pathParam("id"), "silence id");
        AlertRepository.Silence s = repo.silence(id).filter(x -> me.superuser() || (x.createdBy() != null
                && x.createdBy() == me.id())).orElseThrow(() -> HttpProblem.notFound("silence " + id + " is unknown"));
        repo.deleteSilence(s.id());
        ctx.status(204);
    }

    // ---- contacts

    private boolean mine(User me, Contact c) {
        return me.superuser() || (c.userId() != null && c.userId() == me.id());
    }

    private static Map<String, Object> json(Contact c) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", c.id());
        out.put("name", c.name());
        out.put("channel", c.channel());
        out.put("target", c.target());
        out.put("signed", c.secret() != null && !c.secret().isEmpty());
        out.put("states", AlertState.values().length == c.states().size() ? List.of(AlertState.values())
                : List.copyOf(new java.util.TreeSet<>(c.states())));
        out.put("userId", c.userId());
        out.put("groupId", c.groupId());
        return out;
    }

    private void contacts(Context ctx) {
        User me = Auth.user(ctx);
        ctx.json(repo.contacts().stream().filter(c -> mine(me, c)).map(AlertApi::json).toList());
    }

    private void addContact(Context ctx) {
        User me = Auth.user(ctx);
        ContactBody b = Input.body(ctx, ContactBody.class);
        String name = Input.label(b.name(), "contact name");
        Channel channel = channels.get(b.channel() == null ? "" : b.channel());
        if (channel == null) {
            throw HttpProblem.badRequest("channel '" + Input.quote(b.channel()) + "' is not one of "
                    + String.join(", ", new java.util.TreeSet<>(channels.keySet())));
        }
        if (channel.name().equals("command") && !me.superuser()) {
            throw HttpProblem.forbidden("only a superuser may make a command contact: it runs on the web's machine");
        }
        if (b.groupId() != null && !me.superuser()) {
            throw HttpProblem.forbidden("only a superuser may make a group's contact");
        }
        try {
            channel.validate(b.target());
        } catch (IllegalArgumentException e) {
            throw HttpProblem.badRequest(e.getMessage());
        }
        Set<AlertState> states = java.util.EnumSet.noneOf(AlertState.class);
        for (String s : b.states() == null ? List.of("WARNING", "CRITICAL", "UNKNOWN", "OK") : b.states()) {
            try {
                states.add(AlertState.parse(s));
            } catch (IllegalArgumentException e) {
                throw HttpProblem.badRequest(e.getMessage());
            }
        }
        if (states.isEmpty()) {
            throw HttpProblem.badRequest("states must name at least one of OK, WARNING, CRITICAL, UNKNOWN");
        }
        String secret = b.secret() == null || b.secret().isEmpty() ? null : b.secret();
        if (secret != null && secret.length() > 200) {
            throw HttpProblem.badRequest("secret has " + secret.length() + " characters; at most 200");
        }
        Long userId = b.groupId() == null ? me.id() : null;
        long id = repo.addContact(name, channel.name(), b.target(), secret, states, userId, b.groupId(),
                clock.millis());
        ctx.status(201).json(json(repo.contact(id).orElseThrow()));
    }

    private void deleteContact(Context ctx) {
        User me = Auth.user(ctx);
        long id = Input.id(ctx.pathParam("id"), "contact id");
        Contact c = repo.contact(id).filter(x -> mine(me, x))
                .orElseThrow(() -> HttpProblem.notFound("contact " + id + " is unknown"));
        repo.deleteContact(c.id());
        ctx.status(204);
    }

    // ---- rules

    private void rules(Context ctx) {
        access.requireSuperuser(Auth.user(ctx));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("rules", repo.rules().stream().map(r -> Map.of("id", r.id(), "rule", r.rule())).toList());
        answer.put("applied", alerts.rules());
        ctx.json(answer);
    }

    private void addRule(Context ctx) {
        User me = Auth.user(ctx);
        access.requireSuperuser(me);
        RuleBody b = Input.body(ctx, RuleBody.class);
        Rule r = new Rule(orStar(b.hosts()), orStar(b.plugins()), orStar(b.fields()), b.warning(), b.critical(),
                b.forPoints(), b.hysteresis(), "new rule");
        try {
            r.compile();
        } catch (IllegalArgumentException e) {
            throw HttpProblem.badRequest(e.getMessage());
        }
        long id = repo.addRule(r, me.id(), clock.millis());
        alerts.pushRulesNow();
        ctx.status(201).json(Map.of("id", id));
    }

    private static String orStar(String glob) {
        return glob == null || glob.isBlank() ? "*" : glob.trim();
    }

    private void deleteRule(Context ctx) {
        access.requireSuperuser(Auth.user(ctx));
        long id = Input.id(ctx.pathParam("id"), "rule id");
        if (!repo.deleteRule(id)) {
            throw HttpProblem.notFound("rule " + id + " is unknown");
        }
        alerts.pushRulesNow();
        ctx.status(204);
    }

    private void outbox(Context ctx) {
        access.requireSuperuser(Auth.user(ctx));
        Map<String, Object> answer = new LinkedHashMap<>(alerts.figures());
        answer.put("recent", alerts.sender() == null ? List.of() : new JdbcOutboxView(alerts).recent());
        ctx.json(answer);
    }

    /** The outbox's newest entries, for the admin page. */
    private record JdbcOutboxView(AlertService alerts) {
        List<?> recent() {
            return alerts.outbox().recent(50);
        }
    }
}

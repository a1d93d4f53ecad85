package org.numeter.web.internal;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Users, groups, host assignments and storages: a superuser changes them; others read their own groups. */
public final class AdminApi {
    record NewUser(String username, String email, String password, Boolean active, Boolean superuser,
            List<Long> groupIds) {}

    record UserChange(String email, Boolean active, Boolean superuser, List<Long> groupIds, String password) {}

    record GroupBody(String name) {}

    record HostGroups(List<Long> groupIds) {}

    record StorageBody(String url) {}

    record UserRow(long id, String username, String email, boolean active, boolean superuser, List<Group> groups) {}

    private static final int MAX_IDS = 1000;

    private final Access access;
    private final UserRepository users;
    private final GroupRepository groups;
    private final HostRepository hosts;
    private final SessionRepository sessions;
    private final Storages storages;
    private final StorageCatalog catalog;
    private final Secrets secrets;
    private final Clock clock;

    public AdminApi(Access access, UserRepository users, GroupRepository groups, HostRepository hosts,
            SessionRepository sessions, Storages storages, StorageCatalog catalog, Secrets secrets, Clock clock) {
        this.access = access;
        this.users = users;
        this.groups = groups;
        this.hosts = hosts;
        this.sessions = sessions;
        this.storages = storages;
        this.catalog = catalog;
        this.secrets = secrets;
        this.clock = clock;
    }

    public void register(RoutesConfig routes) {
        routes.get("/api/users", this::listUsers);
        routes.post("/api/users", this::createUser);
        routes.get("/api/users/{id}", this::getUser);
        routes.put("/api/users/{id}", this::updateUser);
        routes.delete("/api/users/{id}", this::deleteUser);
        routes.get("/api/groups", this::listGroups);
        routes.post("/api/groups", this::createGroup);
        routes.get("/api/groups/{id}", this::getGroup);
        routes.put("/api/groups/{id}", this::renameGroup);
        routes.delete("/api/groups/{id}", this::deleteGroup);
        routes.put("/api/hosts/{host}/groups", this::setHostGroups);
        routes.get("/api/storages", this::listStorages);
        routes.post("/api/storages", this::addStorage);
        routes.delete("/api/storages/{id}", this::removeStorage);
    }

    private UserRow row(User u) {
        return new UserRow(u.id(), u.username(), u.email(), u.active(), u.superuser(), users.groupsOf(u.id()));
    }

    private void listUsers(Context ctx) {
        access.requireSuperuser(Auth.user(ctx));
        ctx.json(users.all().stream().map(this::row).toList());
    }

    private void getUser(Context ctx) {
        User me = Auth.user(ctx);
        long id = Input.id(ctx.pathParam("id"), "user id");
        if (me.id() != id) {
            access.requireSuperuser(me);
        }
        ctx.json(row(users.byId(id).orElseThrow(() -> HttpProblem.notFound("user " + id + " is unknown"))));
    }

    private void createUser(Context ctx) {
        access.requireSuperuser(Auth.user(ctx));
        NewUser req = Input.body(ctx, NewUser.class);
        String username = Input.username(req.username());
        String email = Input.email(req.email());
        String password = Input.password(req.password(), "password");
        List<Long> groupIds = groupIds(req.groupIds());
        if (users.byUsername(username).isPresent()) {
            throw HttpProblem.conflict("username '" + username + "' is taken");
        }
        long id = users.create(username, email, secrets.hashPassword(password), req.active() == null || req.active(),
                req.superuser() != null && req.superuser(), clock.millis());
        users.setGroups(id, groupIds);
        ctx.status(201).json(row(users.byId(id).orElseThrow()));
    }

    private void updateUser(Context ctx) {
        User me = Auth.user(ctx);
        access.requireSuperuser(me);
        long id = Input.id(ctx.pathParam("id"), "user id");
        UserChange req = Input.body(ctx, UserChange.class);
        User current = users.byId(id).orElseThrow(() -> HttpProblem.notFound("user " + id + " is unknown"));
        String email = req.email() == null ? current.email() : Input.email(req.email());
        boolean active = req.active() == null ? current.active() : req.active();
        boolean superuser = req.superuser() == null ? current.superuser() : req.superuser();
        List<Long> groupIds = req.groupIds() == null ? null : groupIds(req.groupIds());
        String password = req.password() == null ? null : Input.password(req.password(), "password");
        if (me.id() == id && (!active || !superuser)) {
            throw HttpProblem.badRequest("a superuser cannot deactivate or demote itself");
        }
        users.update(id, email, active, superuser);
        if (groupIds != null) {
            users.setGroups(id, groupIds);
        }
        if (password != null) {
            users.setPasswordHash(id, secrets.hashPassword(password), false);
            sessions.deleteOfUser(id);
        }
        if (!active) {
            sessions.deleteOfUser(id);
        }
        ctx.json(row(users.byId(id).orElseThrow()));
    }

    private void deleteUser(Context ctx) {
        User me = Auth.user(ctx);
        access.requireSuperuser(me);
        long id = Input.id(ctx.pathParam("id"), "user id");
        if (me.id() == id) {
            throw HttpProblem.badRequest("a superuser cannot delete itself");
        }
        if (!users.delete(id)) {
            throw HttpProblem.notFound("user " + id + " is unknown");
        }
        ctx.status(204);
    }

    private void listGroups(Context ctx) {
        User me = Auth.user(ctx);
        ctx.json(me.superuser() ? groups.all() : users.groupsOf(me.id()));
    }

    private void getGroup(Context ctx) {
        User me = Auth.user(ctx);
        long id = Input.id(ctx.pathParam("id"), "group id");
        Group g = groups.byId(id).orElseThrow(() -> HttpProblem.notFound("group " + id + " is unknown"));
        if (!me.superuser() && users.groupsOf(me.id()).stream().noneMatch(x -> x.id() == id)) {
            throw HttpProblem.notFound("group " + id + " is unknown");
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", g.id());
        answer.put("name", g.name());
        answer.put("members", groups.members(id).stream().map(User::username).toList());
        answer.put("hosts", groups.hosts(id));
        ctx.json(answer);
    }

    private void createGroup(Context ctx) {
        access.requireSuperuser(Auth.user(ctx));
        String name = Input.groupName(Input.body(ctx, GroupBody.class).name());
        if (groups.byName(name).isPresent()) {
            throw HttpProblem.conflict("group '" + name + "' exists");
        }
        long id = groups.create(name, clock.millis());
        ctx.status(201).json(new Group(id, name));
    }

    private void renameGroup(Context ctx) {
        access.requireSuperuser(Auth.user(ctx));
        long id = Input.id(ctx.pathParam("id"), "group id");
        String name = Input.groupName(Input.body(ctx, GroupBody.class).name());
        groups.byId(id).orElseThrow(() -> HttpProblem.notFound("group " + id + " is unknown"));
        if (groups.byName(name).filter(g -> g.id() != id).isPresent()) {
            throw HttpProblem.conflict("group '" + name + "' exists");
        }
        groups.rename(id, name);
        ctx.json(new Group(id, name));
    }

    private void deleteGroup(Context ctx) {
        access.requireSuperuser(Auth.user(ctx));
        long id = Input.id(ctx.pathParam("id"), "group id");
        if (!groups.delete(id)) {
            throw HttpProblem.notFound("group " + id + " is unknown");
        }
        ctx.status(204);
    }

    private void setHostGroups(Context ctx) {
        User me = Auth.user(ctx);
        access.requireSuperuser(me);
        String host = access.requireHost(me, ctx.pathParam("host"));
        List<Long> ids = groupIds(Input.body(ctx, HostGroups.class).groupIds());
        hosts.setGroups(host, ids);
        ctx.json(Map.of("id", host, "groups", hosts.groupsOf(host)));
    }

    private void listStorages(Context ctx) {
        access.requireSuperuser(Auth.user(ctx));
        ctx.json(storages.refresh().storages());
    }

    private void addStorage(Context ctx) {
        access.requireSuperuser(Auth.user(ctx));
        String url = Input.body(ctx, StorageBody.class).url();
        catalog.add(Input.storageUrl(url));
        ctx.status(201).json(storages.snapshot().storages());
    }

    private void removeStorage(Context ctx) {
        access.requireSuperuser(Auth.user(ctx));
        long id = Input.id(ctx.pathParam("id"), "storage id");
        if (!catalog.remove(id)) {
            throw HttpProblem.notFound("storage " + id + " is unknown (storages from the configuration have no id)");
        }
        ctx.status(204);
    }

    /** Group ids that all exist; a list of unknown or too many ids is a 400 that changes nothing. */
    private List<Long> groupIds(List<Long> ids) {
        if (ids == null) {
            return List.of();
        }
        if (ids.size() > MAX_IDS) {
            throw HttpProblem.badRequest("groupIds has " + ids.size() + " entries; at most " + MAX_IDS);
        }
        List<Long> out = new ArrayList<>();
        for (Long id : ids) {
            if (id == null || groups.byId(id).isEmpty()) {
                throw HttpProblem.badRequest("group id '" + id + "' is unknown");
            }
            if (!out.contains(id)) {
                out.add(id);
            }
        }
        return out;
    }
}

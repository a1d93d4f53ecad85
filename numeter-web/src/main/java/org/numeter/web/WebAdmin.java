package org.numeter.web;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.numeter.web.internal.Database;
import org.numeter.web.internal.Db;
import org.numeter.web.internal.Group;
import org.numeter.web.internal.GroupRepository;
import org.numeter.web.internal.HostRepository;
import org.numeter.web.internal.HttpProblem;
import org.numeter.web.internal.Input;
import org.numeter.web.internal.Secrets;
import org.numeter.web.internal.SessionRepository;
import org.numeter.web.internal.User;
import org.numeter.web.internal.UserRepository;

/**
 * Users, groups and host assignments changed directly in the web's database, without HTTP: what the launcher's
 * {@code numeter user|group|host} commands use when the web is not reachable (first set-up, a lost admin password,
 * provisioning). Opened from the same settings as the web, it applies the same migrations and the same input rules
 * as the REST API, so a name the API refuses is refused here too.
 *
 * <pre>{@code
 * try (WebAdmin admin = WebAdmin.open(WebServer.builder().dataDir(Path.of("data/web")))) {
 *     String password = admin.addUser("alice", "", true, List.of(), null).password();
 * }
 * }</pre>
 *
 * <p>The embedded H2 database allows one process at a time: while a web runs on it, {@link #open} fails with a
 * {@link Refused} saying so. With PostgreSQL both may run; the web sees the changes at its next request.
 */
public final class WebAdmin implements AutoCloseable {
    // H2's DATABASE_ALREADY_OPEN_1: the file is locked by another process.
    private static final int H2_IN_USE = 90020;

    private final Database database;
    private final UserRepository users;
    private final GroupRepository groups;
    private final HostRepository hosts;
    private final SessionRepository sessions;
    private final Secrets secrets;
    private final Clock clock;

    private WebAdmin(Database database, int passwordCost, Clock clock) {
        this.database = database;
        this.users = new UserRepository(database.db());
        this.groups = new GroupRepository(database.db());
        this.hosts = new HostRepository(database.db());
        this.sessions = new SessionRepository(database.db());
        this.secrets = new Secrets(passwordCost);
        this.clock = clock;
    }

    /** Opens (and migrates) the database the web with these settings uses; only its database settings count. */
    public static WebAdmin open(WebServer.Builder settings) {
        try {
            return new WebAdmin(settings.openDatabase(), settings.passwordCost(), settings.clock());
        } catch (IllegalStateException e) {
            Path file = settings.h2File();
            if (file != null && lockedByAnotherProcess(e)) {
                throw new Refused("the web's database " + file + ".mv.db is in use by a running numeter web;"
                        + " stop it or use the web's admin pages / REST API");
            }
            throw new Refused(firstLine(e.getMessage()));
        }
    }

    private static boolean lockedByAnotherProcess(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException s && s.getErrorCode() == H2_IN_USE) {
                return true;
            }
        }
        return false;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "the web's database cannot be opened";
        }
        int nl = message.indexOf('\n');
        return (nl < 0 ? message : message.substring(0, nl)).strip();
    }

    /** Every user, by username. */
    public List<UserInfo> users() {
        return users.all().stream().map(this::info).toList();
    }

    /**
     * Adds an active user in these groups (names). A null password generates one, answered once in
     * {@link Added#password()}; a given one must have 8 to 200 characters, as in the REST API.
     */
    public Added addUser(String username, String email, boolean superuser, List<String> groupNames,
            String password) {
        return refusing(() -> {
            String name = Input.username(username);
            String mail = Input.email(email);
            boolean generated = password == null;
            String secret = generated ? Secrets.randomPassword() : Input.password(password, "password");
            List<Long> groupIds = groupIds(groupNames);
            if (users.byUsername(name).isPresent()) {
                throw new Refused("username '" + name + "' is taken");
            }
            long id = database.db().inTransaction(tx -> {
                UserRepository inTx = new UserRepository(tx);
                long created = inTx.create(name, mail, secrets.hashPassword(secret), true, superuser, clock.millis());
                for (long g : groupIds) {
                    tx.update("INSERT INTO memberships (user_id, group_id) VALUES (?, ?)", created, g);
                }
                return created;
            });
            return new Added(info(users.byId(id).orElseThrow()), generated ? secret : null);
        });
    }

    /**
     * Sets a user's password and ends its sessions. A null password generates one, which is answered; a given one
     * is answered as null. Either way the user is not asked to change it.
     */
    public String setPassword(String username, String password) {
        return refusing(() -> {
            User user = user(username);
            boolean generated = password == null;
            String secret = generated ? Secrets.randomPassword() : Input.password(password, "password");
            users.setPasswordHash(user.id(), secrets.hashPassword(secret), false);
            sessions.deleteOfUser(user.id());
            return generated ? secret : null;
        });
    }

    /** Lets a user log in again, or refuses its logins and tokens (ending its sessions) without deleting it. */
    public UserInfo setActive(String username, boolean active) {
        return refusing(() -> {
            User user = user(username);
            users.update(user.id(), user.email(), active, user.superuser());
            if (!active) {
                sessions.deleteOfUser(user.id());
            }
            return info(users.byId(user.id()).orElseThrow());
        });
    }

    /** Deletes a user with its sessions, tokens, views and dashboards. */
    public void deleteUser(String username) {
        refusing(() -> users.delete(user(username).id()));
    }

    /** Every group with its members and hosts, by name. */
    public List<GroupInfo> groups() {
        return groups.all().stream().map(this::info).toList();
    }

    public GroupInfo addGroup(String name) {
        return refusing(() -> {
            String checked = Input.groupName(name);
            if (groups.byName(checked).isPresent()) {
                throw new Refused("group '" + checked + "' exists");
            }
            groups.create(checked, clock.millis());
            return info(groups.byName(checked).orElseThrow());
        });
    }

    /** Deletes a group; its members and hosts stay, outside it. */
    public void deleteGroup(String name) {
        refusing(() -> groups.delete(group(name).id()));
    }

    /** Puts a user in a group; answers false when it already was. */
    public boolean addMember(String groupName, String username) {
        return refusing(() -> {
            Group group = group(groupName);
            User user = user(username);
            List<Long> ids = new ArrayList<>(users.groupsOf(user.id()).stream().map(Group::id).toList());
            if (ids.contains(group.id())) {
                return false;
            }
            ids.add(group.id());
            users.setGroups(user.id(), ids);
            return true;
        });
    }

    /** Takes a user out of a group; answers false when it was not in it. */
    public boolean removeMember(String groupName, String username) {
        return refusing(() -> {
            Group group = group(groupName);
            User user = user(username);
            List<Long> ids = new ArrayList<>(users.groupsOf(user.id()).stream().map(Group::id).toList());
            if (!ids.remove(group.id())) {
                return false;
            }
            users.setGroups(user.id(), ids);
            return true;
        });
    }

    /** Every host the web knows (seen on a storage, or assigned here), with its groups, by id. */
    public List<HostInfo> hosts() {
        Map<String, List<String>> assigned = hosts.assignments();
        return hosts.all().stream().map(h -> new HostInfo(h, assigned.getOrDefault(h, List.of()))).toList();
    }

    /**
     * Replaces a host's groups by these (none empties them). A host the web has not seen yet is recorded, so that
     * hosts can be provisioned before their first sample.
     */
    public HostInfo setHostGroups(String host, List<String> groupNames) {
        return refusing(() -> {
            String id = Input.host(host);
            List<Long> groupIds = groupIds(groupNames);
            // The storage is learnt when a storage reports the host; until then it has none.
            hosts.addIfAbsent(id, "", clock.millis());
            hosts.setGroups(id, groupIds);
            return new HostInfo(id, hosts.groupsOf(id).stream().map(Group::name).toList());
        });
    }

    @Override
    public void close() {
        database.close();
    }

    @Override
    public String toString() {
        return "WebAdmin{open=" + database.isOpen() + "}";
    }

    private UserInfo info(User u) {
        return new UserInfo(u.username(), u.email(), u.active(), u.superuser(),
                users.groupsOf(u.id()).stream().map(Group::name).toList());
    }

    private GroupInfo info(Group g) {
        return new GroupInfo(g.name(), groups.members(g.id()).stream().map(User::username).toList(),
                groups.hosts(g.id()));
    }

    private User user(String username) {
        String name = Input.username(username);
        return users.byUsername(name).orElseThrow(() -> new Refused("user '" + name + "' is unknown"));
    }

    private Group group(String name) {
        String checked = Input.groupName(name);
        return groups.byName(checked).orElseThrow(() -> new Refused("group '" + checked + "' is unknown"));
    }

    /** Group names that all exist, as ids without repeats; one unknown name refuses the whole change. */
    private List<Long> groupIds(List<String> names) {
        List<Long> ids = new ArrayList<>();
        for (String name : Objects.requireNonNullElse(names, List.<String>of())) {
            long id = group(name).id();
            if (!ids.contains(id)) {
                ids.add(id);
            }
        }
        return ids;
    }

    private interface Operation<T> {
        T run();
    }

    /** The input rules answer HTTP problems; here they are refusals with the same one-line message. */
    private static <T> T refusing(Operation<T> operation) {
        try {
            return operation.run();
        } catch (HttpProblem e) {
            throw new Refused(e.getMessage());
        } catch (Db.DataAccessException e) {
            if (e.duplicateKey()) {
                // Another client added the same name between our check and our insert.
                throw new Refused("the change conflicts with a concurrent one: " + firstLine(e.getMessage()));
            }
            throw e;
        }
    }

    /**
     * A user as an operator sees it.
     *
     * @param username how it logs in
     * @param email where to reach it, or empty
     * @param active false when its logins are refused
     * @param superuser sees every host and may change users, groups and hosts
     * @param groups the names of its groups, sorted
     */
    public record UserInfo(String username, String email, boolean active, boolean superuser, List<String> groups) {
        public UserInfo {
            groups = List.copyOf(groups);
        }
    }

    /**
     * A group with its members' usernames and its host ids, each sorted.
     */
    public record GroupInfo(String name, List<String> members, List<String> hosts) {
        public GroupInfo {
            members = List.copyOf(members);
            hosts = List.copyOf(hosts);
        }
    }

    /** A host id with the names of its groups, sorted. */
    public record HostInfo(String id, List<String> groups) {
        public HostInfo {
            groups = List.copyOf(groups);
        }
    }

    /**
     * A user just added.
     *
     * @param user the user
     * @param password the generated password, shown once; null when the caller gave one
     */
    public record Added(UserInfo user, String password) {
        @Override
        public String toString() {
            return "Added[user=" + user + ", password=" + (password == null ? "given" : "generated") + "]";
        }
    }

    /** An operation refused: unknown or taken names, invalid values, a database in use. One line, no cause. */
    public static final class Refused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Refused(String message) {
            super(message, null, false, false);
        }
    }
}

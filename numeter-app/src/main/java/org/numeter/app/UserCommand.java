package org.numeter.app;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.numeter.web.WebAdmin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code numeter user ...}: the web's accounts, changed in its database when the web is not reachable. */
@Command(name = "user", mixinStandardHelpOptions = true,
        description = "Lists, adds and changes the web's users, directly in its database.",
        subcommands = {UserCommand.ListUsers.class, UserCommand.Add.class, UserCommand.Passwd.class,
            UserCommand.Disable.class, UserCommand.Enable.class, UserCommand.Delete.class})
final class UserCommand {

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists every user.")
    static final class ListUsers extends AdminCommand {
        @Override
        void run(WebAdmin admin, PrintWriter out) {
            List<WebAdmin.UserInfo> users = admin.users();
            if (json) {
                printJson(out, users);
                return;
            }
            Table table = new Table("USERNAME", "EMAIL", "ACTIVE", "SUPERUSER", "GROUPS");
            for (WebAdmin.UserInfo u : users) {
                table.row(u.username(), u.email(), yesNo(u.active()), yesNo(u.superuser()),
                        String.join(",", u.groups()));
            }
            table.print(out);
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Adds an active user; its password is read from standard input or generated and printed"
                    + " once.")
    static final class Add extends AdminCommand {
        @Parameters(paramLabel = "USERNAME", description = "How the user logs in.")
        String username;

        @Option(names = "--email", paramLabel = "EMAIL", description = "Where to reach the user.")
        String email = "";

        @Option(names = "--superuser", description = "Sees every host and may change users, groups and hosts.")
        boolean superuser;

        @Option(names = {"-g", "--group"}, paramLabel = "GROUP", description = "A group to join; may be repeated.")
        List<String> groups = new ArrayList<>();

        @Option(names = "--password-stdin", description = "Reads the password from the first line of standard input.")
        boolean passwordStdin;

        @Override
        void run(WebAdmin admin, PrintWriter out) throws IOException {
            String password = passwordStdin ? passwordFromStdin() : null;
            WebAdmin.Added added = admin.addUser(username, email, superuser, groups, password);
            if (json) {
                Map<String, Object> answer = new LinkedHashMap<>();
                answer.put("user", added.user());
                answer.put("password", added.password());
                printJson(out, answer);
            } else if (added.password() == null) {
                out.println("user '" + added.user().username() + "' added");
            } else {
                out.println("user '" + added.user().username() + "' added with the password " + added.password()
                        + " (shown once)");
            }
        }
    }

    @Command(name = "passwd", mixinStandardHelpOptions = true,
            description = "Sets a user's password, read from standard input or generated and printed once; ends"
                    + " its sessions.")
    static final class Passwd extends AdminCommand {
        @Parameters(paramLabel = "USERNAME")
        String username;

        @Option(names = "--password-stdin", description = "Reads the password from the first line of standard input.")
        boolean passwordStdin;

        @Override
        void run(WebAdmin admin, PrintWriter out) throws IOException {
            String given = passwordStdin ? passwordFromStdin() : null;
            String generated = admin.setPassword(username, given);
            if (json) {
                Map<String, Object> answer = new LinkedHashMap<>();
                answer.put("username", username);
                answer.put("password", generated);
                printJson(out, answer);
            } else if (generated == null) {
                out.println("password of '" + username + "' set");
            } else {
                out.println("password of '" + username + "' set to " + generated + " (shown once)");
            }
        }
    }

    /** Enables or disables a user. */
    abstract static class Activity extends AdminCommand {
        @Parameters(paramLabel = "USERNAME")
        String username;

        abstract boolean active();

        @Override
        void run(WebAdmin admin, PrintWriter out) {
            WebAdmin.UserInfo user = admin.setActive(username, active());
            if (json) {
                printJson(out, user);
            } else {
                out.println("user '" + user.username() + "' " + (active() ? "enabled" : "disabled"));
            }
        }
    }

    @Command(name = "disable", mixinStandardHelpOptions = true,
            description = "Refuses a user's logins and tokens and ends its sessions, without deleting it.")
    static final class Disable extends Activity {
        @Override
        boolean active() {
            return false;
        }
    }

    @Command(name = "enable", mixinStandardHelpOptions = true, description = "Lets a disabled user log in again.")
    static final class Enable extends Activity {
        @Override
        boolean active() {
            return true;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Deletes a user with its sessions, tokens, views and dashboards.")
    static final class Delete extends AdminCommand {
        @Parameters(paramLabel = "USERNAME")
        String username;

        @Override
        void run(WebAdmin admin, PrintWriter out) {
            admin.deleteUser(username);
            if (json) {
                printJson(out, Map.of("deleted", username));
            } else {
                out.println("user '" + username + "' deleted");
            }
        }
    }
}

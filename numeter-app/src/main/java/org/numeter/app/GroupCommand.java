package org.numeter.app;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import org.numeter.web.WebAdmin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code numeter group ...}: the web's groups and their members, changed in its database. */
@Command(name = "group", mixinStandardHelpOptions = true,
        description = "Lists, adds and changes the web's groups, directly in its database.",
        subcommands = {GroupCommand.ListGroups.class, GroupCommand.Add.class, GroupCommand.Delete.class,
            GroupCommand.AddMember.class, GroupCommand.RemoveMember.class})
final class GroupCommand {

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists every group, its members and hosts.")
    static final class ListGroups extends AdminCommand {
        @Override
        void run(WebAdmin admin, PrintWriter out) {
            List<WebAdmin.GroupInfo> groups = admin.groups();
            if (json) {
                printJson(out, groups);
                return;
            }
            Table table = new Table("GROUP", "MEMBERS", "HOSTS");
            for (WebAdmin.GroupInfo g : groups) {
                table.row(g.name(), String.join(",", g.members()), String.join(",", g.hosts()));
            }
            table.print(out);
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Adds a group.")
    static final class Add extends AdminCommand {
        @Parameters(paramLabel = "GROUP")
        String name;

        @Override
        void run(WebAdmin admin, PrintWriter out) {
            WebAdmin.GroupInfo group = admin.addGroup(name);
            if (json) {
                printJson(out, group);
            } else {
                out.println("group '" + group.name() + "' added");
            }
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Deletes a group; its members and hosts stay, outside it.")
    static final class Delete extends AdminCommand {
        @Parameters(paramLabel = "GROUP")
        String name;

        @Override
        void run(WebAdmin admin, PrintWriter out) {
            admin.deleteGroup(name);
            if (json) {
                printJson(out, Map.of("deleted", name));
            } else {
                out.println("group '" + name + "' deleted");
            }
        }
    }

    /** Puts a user in a group or takes it out. */
    abstract static class Membership extends AdminCommand {
        @Parameters(index = "0", paramLabel = "GROUP")
        String group;

        @Parameters(index = "1", paramLabel = "USERNAME")
        String username;

        /** Answers whether anything changed. */
        abstract boolean change(WebAdmin admin);

        abstract String done();

        @Override
        void run(WebAdmin admin, PrintWriter out) {
            boolean changed = change(admin);
            if (json) {
                printJson(out, Map.of("group", group, "username", username, "changed", changed));
            } else {
                out.println("user '" + username + "' " + done() + " group '" + group + "'"
                        + (changed ? "" : " (no change)"));
            }
        }
    }

    @Command(name = "add-member", mixinStandardHelpOptions = true, description = "Puts a user in a group.")
    static final class AddMember extends Membership {
        @Override
        boolean change(WebAdmin admin) {
            return admin.addMember(group, username);
        }

        @Override
        String done() {
            return "is in";
        }
    }

    @Command(name = "remove-member", mixinStandardHelpOptions = true, description = "Takes a user out of a group.")
    static final class RemoveMember extends Membership {
        @Override
        boolean change(WebAdmin admin) {
            return admin.removeMember(group, username);
        }

        @Override
        String done() {
            return "is not in";
        }
    }
}

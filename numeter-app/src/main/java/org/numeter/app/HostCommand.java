package org.numeter.app;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import org.numeter.web.WebAdmin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code numeter host ...}: which groups see which hosts, changed in the web's database. */
@Command(name = "host", mixinStandardHelpOptions = true,
        description = "Lists the hosts the web knows and sets their groups, directly in its database.",
        subcommands = {HostCommand.ListHosts.class, HostCommand.Groups.class})
final class HostCommand {

    @Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the hosts the web knows and their"
            + " groups.")
    static final class ListHosts extends AdminCommand {
        @Override
        void run(WebAdmin admin, PrintWriter out) {
            List<WebAdmin.HostInfo> hosts = admin.hosts();
            if (json) {
                printJson(out, hosts);
                return;
            }
            Table table = new Table("HOST", "GROUPS");
            for (WebAdmin.HostInfo h : hosts) {
                table.row(h.id(), String.join(",", h.groups()));
            }
            table.print(out);
        }
    }

    @Command(name = "groups", mixinStandardHelpOptions = true,
            description = "Sets the groups of a host (none: no group), recording it if the web has not seen it yet.")
    static final class Groups extends AdminCommand {
        @Parameters(index = "0", paramLabel = "HOST")
        String host;

        @Parameters(index = "1..*", arity = "0..*", paramLabel = "GROUP")
        List<String> groups = new ArrayList<>();

        @Override
        void run(WebAdmin admin, PrintWriter out) {
            WebAdmin.HostInfo result = admin.setHostGroups(host, groups);
            if (json) {
                printJson(out, result);
            } else {
                out.println("host '" + result.id() + "' is in "
                        + (result.groups().isEmpty() ? "no group" : "groups " + String.join(",", result.groups())));
            }
        }
    }
}

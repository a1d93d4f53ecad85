package org.numeter.app;

import java.io.InputStream;
import java.io.PrintWriter;
import org.numeter.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code numeter} launcher: one program, several roles (DESIGN.md, "One program, several roles"). */
@Command(
        name = "numeter",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "Monitoring and graphing for fleets of machines.",
        subcommands = {
            StandaloneCommand.class,
            PollerCommand.class,
            CollectorCommand.class,
            StorageCommand.class,
            ImportMuninCommand.class,
            WebCommand.class,
            UserCommand.class,
            GroupCommand.class,
            HostCommand.class,
            ConfigDocCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Numeter {
    // Where --password-stdin reads; tests give their own.
    InputStream in = System.in;

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("poller")) {
            PollerLog.choose();
        }
        System.exit(run(args));
    }

    static int run(String... args) {
        return run(new PrintWriter(System.err, true), args);
    }

    static int run(PrintWriter err, String... args) {
        return run(new PrintWriter(System.out, true), err, args);
    }

    static int run(PrintWriter out, PrintWriter err, String... args) {
        return run(System.in, out, err, args);
    }

    /** Runs with these streams: what the admin commands read and print goes there. */
    static int run(InputStream in, PrintWriter out, PrintWriter err, String... args) {
        Numeter numeter = new Numeter();
        numeter.in = in;
        CommandLine cli;
        if (args.length > 0 && args[0].equals("poller")) {
            // The poller's command alone: picocli then reads no other command's class (about 250 classes and
            // their reflection, 1 MB of a poller meant to stay small, docs/decisions.md "Poller footprint").
            cli = new CommandLine(new PollerCommand());
            cli.setCommandName("numeter poller");
            args = java.util.Arrays.copyOfRange(args, 1, args.length);
        } else {
            cli = new CommandLine(numeter);
        }
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof ConfigException) {
                commandLine.getErr().println("numeter: " + e.getMessage());
                return 2;
            }
            // A role that cannot start (a port taken, a directory not writable, a database refusing) is an
            // operator's problem, not a bug: its reasons, one line each, say what to fix.
            String role = commandLine.getCommandName().replaceFirst("^numeter ", "");
            StringBuilder why = new StringBuilder("numeter " + role + " cannot start: ");
            Throwable t = e;
            String last = null;
            while (t != null) {
                String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
                if (!message.equals(last)) {
                    why.append(last == null ? "" : "\n  because: ").append(message);
                    last = message;
                }
                t = t.getCause();
            }
            commandLine.getErr().println(why);
            return 1;
        });
        return cli.execute(args);
    }
}

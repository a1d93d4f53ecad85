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
        if (args.length > 0 && args[0].equals("poller")) {
            // The poller's arguments read by hand, without picocli (about 170 classes and their reflection, 1 MB
            // of a poller meant to stay small, docs/decisions.md "Poller footprint").
            return PollerCli.run(out, err, java.util.Arrays.copyOfRange(args, 1, args.length));
        }
        return runCommand(in, out, err, args);
    }

    private static int runCommand(InputStream in, PrintWriter out, PrintWriter err, String... args) {
        Numeter numeter = new Numeter();
        numeter.in = in;
        CommandLine cli = new CommandLine(numeter);
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof ConfigException) {
                commandLine.getErr().println("numeter: " + e.getMessage());
                return 2;
            }
            commandLine.getErr().println(cannotStart(commandLine.getCommandName().replaceFirst("^numeter ", ""), e));
            return 1;
        });
        return cli.execute(args);
    }

    /**
     * Why {@code role} cannot start, its reasons one line each: a port taken, a directory not writable, a database
     * refusing is an operator's problem, not a bug, and these lines say what to fix.
     */
    static String cannotStart(String role, Throwable e) {
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
        return why.toString();
    }
}

package org.numeter.app;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.numeter.config.ConfigException;

/**
 * {@code numeter poller}'s arguments read without picocli: its 170 classes and their reflection are about 1 MB of a
 * poller meant to stay small (docs/decisions.md, "Poller footprint"). Same options, usage, messages and exit codes
 * as picocli gives {@link PollerCommand} (NumeterTest compares the usage with picocli's): {@code -c/--config FILE},
 * {@code -s/--set KEY=VALUE} (repeatable), {@code -h/--help}, {@code -V/--version} (which, as picocli's for a
 * subcommand without a version, prints nothing).
 */
final class PollerCli {
    static final String USAGE = """
            Usage: numeter poller [-hV] [-c=FILE] [-s=KEY=VALUE]...
            Runs a poller on this host.
              -c, --config=FILE     Configuration file of 'key = value' lines (see README.
                                      md for the keys).
              -h, --help            Show this help message and exit.
              -s, --set=KEY=VALUE   Sets one key, above the environment and the file; may
                                      be repeated.
              -V, --version         Print version information and exit.
            """;

    private PollerCli() {}

    /** A mistake in the arguments: picocli's message, then the usage, exit code 2. */
    private static final class Mistake extends Exception {
        private static final long serialVersionUID = 1L;

        Mistake(String message) {
            super(message, null, false, false);
        }
    }

    /** Runs {@code numeter poller} with {@code args} (those after {@code poller}); answers the exit code. */
    static int run(PrintWriter out, PrintWriter err, String... args) {
        PollerCommand command = new PollerCommand();
        command.options = new ConfigOptions();
        boolean help = false;
        boolean version = false;
        // picocli goes on after an argument it does not know, and names them all at the end unless help was asked
        int unmatchedFrom = -1;
        List<String> unmatched = new ArrayList<>();
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                String name = a;
                String value = null;
                if (a.startsWith("--") && a.indexOf('=') > 0) {
                    name = a.substring(0, a.indexOf('='));
                    value = a.substring(a.indexOf('=') + 1);
                } else if (a.startsWith("-") && !a.startsWith("--") && a.length() > 2) {
                    name = a.substring(0, 2);
                    String rest = a.substring(2);
                    if (name.equals("-c") || name.equals("-s")) {
                        value = rest.startsWith("=") ? rest.substring(1) : rest;
                    } else if (name.equals("-h") || name.equals("-V")) {
                        // clustered: flags, then maybe an option with its value (-hV, -hcFILE)
                        int j = 1;
                        while (j < a.length() && (a.charAt(j) == 'h' || a.charAt(j) == 'V')) {
                            help |= a.charAt(j) == 'h';
                            version |= a.charAt(j) == 'V';
                            j++;
                        }
                        if (j == a.length()) {
                            continue;
                        }
                        name = "-" + a.charAt(j);
                        rest = a.substring(j + 1);
                        value = !name.equals("-c") && !name.equals("-s") ? null
                                : rest.isEmpty() ? null : rest.startsWith("=") ? rest.substring(1) : rest;
                        if (value == null && !name.equals("-c") && !name.equals("-s")) {
                            name = "-" + a.substring(j);
                        }
                    } else {
                        name = a;
                    }
                }
                switch (name) {
                    case "-h", "--help" -> help = true;
                    case "-V", "--version" -> version = true;
                    case "-c", "--config" -> {
                        if (value == null) {
                            value = parameter(args, ++i, "'--config'", "(FILE)");
                        }
                        if (command.options.file != null) {
                            throw new Mistake("option '--config' (FILE) should be specified only once");
                        }
                        command.options.file = Path.of(value);
                    }
                    case "-s", "--set" -> {
                        if (value == null) {
                            value = parameter(args, ++i, "'--set'", "(KEY=VALUE)");
                        }
                        int eq = value.indexOf('=');
                        if (eq < 0) {
                            throw new Mistake("Value for option option '--set' (KEY=VALUE) should be in KEY=VALUE"
                                    + " format but was " + value);
                        }
                        command.options.overrides.put(value.substring(0, eq), value.substring(eq + 1));
                    }
                    default -> {
                        if (unmatchedFrom < 0) {
                            unmatchedFrom = i;
                        }
                        unmatched.add(a);
                    }
                }
            }
            if (!unmatched.isEmpty() && !help && !version) {
                String plural = unmatched.size() == 1 ? "" : "s";
                String list = "'" + String.join("', '", unmatched) + "'";
                throw new Mistake(unmatched.get(0).startsWith("-") ? "Unknown option" + plural + ": " + list
                        : unmatched.size() == 1 ? "Unmatched argument at index " + unmatchedFrom + ": " + list
                        : "Unmatched arguments from index " + unmatchedFrom + ": " + list);
            }
        } catch (Mistake m) {
            err.println(m.getMessage());
            err.print(USAGE);
            err.flush();
            return 2;
        }
        if (help) {
            out.print(USAGE);
            out.flush();
            return 0;
        }
        if (version) {
            return 0;
        }
        try {
            return command.call();
        } catch (ConfigException e) {
            err.println("numeter: " + e.getMessage());
            return 2;
        } catch (Exception e) {
            err.println(Numeter.cannotStart("poller", e));
            return 1;
        }
    }

    private static String parameter(String[] args, int i, String option, String label) throws Mistake {
        if (i >= args.length) {
            throw new Mistake("Missing required parameter for option " + option + " " + label);
        }
        if (isOption(args[i])) {
            throw new Mistake("Expected parameter for option " + option + " but found '" + args[i] + "'");
        }
        return args[i];
    }

    /** An argument picocli takes for one of the options rather than for a value. */
    private static boolean isOption(String a) {
        String name = a.startsWith("--") && a.indexOf('=') > 0 ? a.substring(0, a.indexOf('='))
                : a.startsWith("-") && !a.startsWith("--") && a.length() > 2 ? a.substring(0, 2) : a;
        return switch (name) {
            case "-h", "--help", "-V", "--version", "-c", "--config", "-s", "--set" -> true;
            default -> false;
        };
    }
}

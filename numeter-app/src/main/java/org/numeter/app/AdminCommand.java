package org.numeter.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;
import org.numeter.codec.Json;
import org.numeter.config.Config;
import org.numeter.web.WebAdmin;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What every {@code numeter user|group|host} command shares: the web's configuration keys, the web's database
 * opened directly (no HTTP), {@code --json} for scripts, and the exit codes 0 done, 1 refused or failed (one line
 * on standard error), 2 bad usage or configuration.
 */
abstract class AdminCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Option(names = "--json", description = "Prints the result as one line of JSON, for scripts.")
    boolean json;

    @Spec
    CommandSpec spec;

    /** Does the work on the open database; what it prints goes to {@code out}. */
    abstract void run(WebAdmin admin, PrintWriter out) throws IOException;

    @Override
    public final Integer call() {
        Config config = options.load(Settings.web(), Map.of());
        // The pool logs a failed opening with its stack; the command reports it in one line.
        ((Logger) LoggerFactory.getLogger("com.zaxxer.hikari.pool.HikariPool")).setLevel(Level.OFF);
        PrintWriter out = spec.commandLine().getOut();
        try (WebAdmin admin = WebAdmin.open(Roles.web(config))) {
            run(admin, out);
            out.flush();
            return 0;
        } catch (WebAdmin.Refused e) {
            return failed(e.getMessage());
        } catch (IOException | RuntimeException e) {
            return failed(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
    }

    private int failed(String message) {
        int nl = message.indexOf('\n');
        spec.commandLine().getErr().println(spec.qualifiedName() + ": " + (nl < 0 ? message : message.substring(0, nl)));
        return 1;
    }

    void printJson(PrintWriter out, Object value) {
        try {
            out.println(Json.mapper().writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** The first line of standard input, for {@code --password-stdin}; its line ending is not part of it. */
    String passwordFromStdin() throws IOException {
        Numeter root = (Numeter) spec.root().userObject();
        BufferedReader reader = new BufferedReader(new InputStreamReader(root.in, StandardCharsets.UTF_8));
        String line = reader.readLine();
        if (line == null) {
            throw new WebAdmin.Refused("--password-stdin: standard input is empty; a password line is expected");
        }
        return line;
    }

    static String yesNo(boolean value) {
        return value ? "yes" : "no";
    }
}

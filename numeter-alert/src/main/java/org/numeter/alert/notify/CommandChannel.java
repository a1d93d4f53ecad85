package org.numeter.alert.notify;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.numeter.alert.Change;
import org.numeter.codec.Json;

/**
 * munin's {@code contact.NAME.command}: a command line run by {@code /bin/sh -c}, the text on its standard input
 * (as munin pipes it) and the problem in environment variables: {@code NUMETER_HOST}, {@code NUMETER_PLUGIN},
 * {@code NUMETER_FIELD}, {@code NUMETER_STATE}, {@code NUMETER_PREVIOUS}, {@code NUMETER_VALUE},
 * {@code NUMETER_THRESHOLD}, {@code NUMETER_REASON} (of the worst change), {@code NUMETER_SUBJECT},
 * {@code NUMETER_CHANGES} (all of them, JSON) and {@code NUMETER_DELIVERY}. Exit status 0 is a delivery.
 */
public final class CommandChannel implements Channel {
    private final Duration timeout;

    public CommandChannel(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    public String name() {
        return "command";
    }

    @Override
    public void validate(String target) {
        if (target == null || target.isBlank() || target.length() > 2000 || target.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("command must be one line of at most 2000 characters");
        }
    }

    @Override
    public void send(Contact contact, Notice notice) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(List.of("/bin/sh", "-c", contact.target()));
        Map<String, String> env = pb.environment();
        Change worst = null;
        for (Change c : notice.changes()) {
            if (worst == null || c.to().severity() >= worst.to().severity()) {
                worst = c;
            }
        }
        if (worst != null) {
            env.put("NUMETER_HOST", worst.host());
            env.put("NUMETER_PLUGIN", worst.plugin() == null ? "" : worst.plugin());
            env.put("NUMETER_FIELD", worst.field() == null ? "" : worst.field());
            env.put("NUMETER_STATE", worst.to().name());
            env.put("NUMETER_PREVIOUS", worst.from().name());
            env.put("NUMETER_VALUE", worst.value() == null ? "" : String.valueOf(worst.value()));
            env.put("NUMETER_THRESHOLD", worst.threshold() == null ? "" : worst.threshold());
            env.put("NUMETER_REASON", worst.reason());
        }
        env.put("NUMETER_SUBJECT", notice.subject());
        env.put("NUMETER_CHANGES", Json.mapper().writeValueAsString(notice.changes()));
        env.put("NUMETER_DELIVERY", String.valueOf(notice.id()));
        pb.redirectErrorStream(true);
        Process p = pb.start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(notice.text().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // the command need not read its input
        }
        // read the output beside the wait, so that a command that hangs with its output open is still stopped
        java.util.concurrent.CompletableFuture<byte[]> output = new java.util.concurrent.CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (InputStream out = p.getInputStream()) {
                output.complete(out.readNBytes(4096));
            } catch (IOException e) {
                output.complete(new byte[0]);
            }
        });
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException("command of " + contact + " did not end within " + timeout);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("command of " + contact + ": interrupted", e);
        }
        if (p.exitValue() != 0) {
            byte[] text = output.completeOnTimeout(new byte[0], 1, TimeUnit.SECONDS).join();
            String first = new String(text, StandardCharsets.UTF_8).lines().findFirst().orElse("");
            throw new IOException("command of " + contact + " exited with " + p.exitValue()
                    + (first.isEmpty() ? "" : ": " + first));
        }
    }

    @Override
    public String toString() {
        return "CommandChannel{timeout=" + timeout + "}";
    }
}

package org.numeter.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.numeter.model.Field;
import org.numeter.model.FieldType;
import org.numeter.model.Plugin;
import org.numeter.model.SampleBatch;
import org.numeter.poller.Cycle;
import org.numeter.poller.Source;
import org.numeter.poller.SourceProvider;

/**
 * Test-only source {@code counter}: one plugin, {@value #PLUGIN}, whose one GAUGE field is the batch's own timestamp,
 * so that a storage's points can be checked one by one against what the poller produced. A child JVM started on
 * the test class path finds it like any other source.
 *
 * <p>With the system property {@value #LOG_PROPERTY} set to a file, every timestamp is appended to it as a line
 * when the collection returns, before the poller appends the batch to its spool: the file is what was produced.
 * A {@code {host}} in the file's name is replaced by the poller's host, for JVMs that run several pollers.
 */
public final class CounterSourceProvider implements SourceProvider {
    static final String NAME = "counter";
    static final String PLUGIN = "test_counter";
    static final String FIELD = "value";
    static final String LOG_PROPERTY = "numeter.test.counter.log";

    static final Plugin META = Plugin.builder(PLUGIN).title("Test counter").category("test")
            .field(Field.builder(FIELD).label("batch timestamp").type(FieldType.GAUGE).build())
            .build();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Source create(Map<String, String> settings) {
        if (!settings.isEmpty()) {
            throw new IllegalArgumentException("source counter takes no settings; got " + settings.keySet());
        }
        String log = System.getProperty(LOG_PROPERTY);
        return new Counter(log == null ? null : Path.of(log));
    }

    private record Counter(Path log) implements Source {
        @Override
        public String name() {
            return NAME;
        }

        @Override
        public List<SampleBatch> collect(Cycle cycle) throws IOException {
            long t = cycle.timestamp();
            if (log != null) {
                Path file = Path.of(log.toString().replace("{host}", cycle.host()));
                // One small write per line: a kill cannot leave half a line behind.
                Files.write(file, (t + "\n").getBytes(StandardCharsets.US_ASCII), StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            }
            return List.of(new SampleBatch(cycle.host(), PLUGIN, t, Map.of(FIELD, (double) t), META));
        }
    }
}

package org.numeter.app;

import java.util.concurrent.Callable;
import org.numeter.config.ConfigDoc;
import picocli.CommandLine.Command;

/** Prints the configuration tables of README.md from the catalogue, so the docs cannot drift from the code. */
@Command(name = "config-doc", description = "Prints every configuration key as Markdown tables.")
final class ConfigDocCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.out.print(tables());
        return 0;
    }

    /** The tables README.md ends with (ConfigDocTest checks that it does). */
    static String tables() {
        return "### Poller\n\n" + ConfigDoc.markdownTable(Settings.poller()) + "\n"
                + "### Collector\n\n" + ConfigDoc.markdownTable(Settings.collector()) + "\n"
                + "### Storage\n\n" + ConfigDoc.markdownTable(Settings.storage()) + "\n"
                + "### Web\n\n" + ConfigDoc.markdownTable(Settings.web()) + "\n";
    }
}

package org.numeter.app;

import java.util.concurrent.Callable;
import org.numeter.config.ConfigDoc;
import picocli.CommandLine.Command;

/** Prints the configuration tables of README.md from the catalogue, so the docs cannot drift from the code. */
@Command(name = "config-doc", description = "Prints every configuration key as Markdown tables.")
final class ConfigDocCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.out.println("### Poller\n\n" + ConfigDoc.markdownTable(Settings.poller()));
        System.out.println("### Collector\n\n" + ConfigDoc.markdownTable(Settings.collector()));
        System.out.println("### Storage\n\n" + ConfigDoc.markdownTable(Settings.storage()));
        System.out.println("### Web\n\n" + ConfigDoc.markdownTable(Settings.web()));
        return 0;
    }
}

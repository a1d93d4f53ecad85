package org.numeter.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/**
 * {@code numeter poller}'s arguments, read by hand (PollerCli), answer as picocli answers for {@link PollerCommand}:
 * same usage, same messages, same exit codes, for every case that does not start a poller.
 */
class PollerCliTest {
    @ParameterizedTest
    @ValueSource(strings = {"--help", "-h", "--version", "-V", "-hV", "--bogus", "-x", "extra", "extra more",
        "--set", "-s", "--set novalue", "--set=novalue", "-snovalue", "--config", "-c", "--set --config",
        "-c a -c b", "--config=a --config b", "--set a=1 extra", "-h --bogus", "--bogus -h", "-h extra", "-h --set", "--set -h", "-h --set novalue",
        "-V --bogus", "--bogus extra", "extra --bogus", "-h -c a -c b", "-s -c", "-s -x", "-s=-x", "-c --set=a",
        "-s=a --bogus -c", "--set= extra", "-hx", "-xh", "-Vx", "-hc", "-hcfoo", "-hs", "-hsa=b -V", "-x",
        "-hVs=a=b -c f"})
    void answersAsPicocliDoes(String line) {
        String[] args = line.split(" ");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = PollerCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);

        StringWriter pOut = new StringWriter();
        StringWriter pErr = new StringWriter();
        CommandLine cli = new CommandLine(new PollerCommand()).setCommandName("numeter poller");
        cli.setOut(new PrintWriter(pOut, true));
        cli.setErr(new PrintWriter(pErr, true));
        cli.setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
        int picocli = cli.execute(args);

        assertThat(code).as("exit code of numeter poller " + line).isEqualTo(picocli);
        assertThat(out.toString()).as("output of numeter poller " + line).isEqualTo(pOut.toString());
        assertThat(err.toString()).as("errors of numeter poller " + line).isEqualTo(pErr.toString());
    }
}

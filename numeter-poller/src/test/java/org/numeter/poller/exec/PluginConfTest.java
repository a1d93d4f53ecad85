package org.numeter.poller.exec;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** munin-node's plugin-conf.d rules: sections, wildcards and their precedence, files in order, bad lines. */
class PluginConfTest {
    @TempDir
    Path dir;

    @Test
    void aPluginsOwnSectionComesFirstThenTheWildcardSortingLast() {
        PluginConf conf = PluginConf.parse("conf", List.of(
                "# comment",
                "[*]",
                "env.A from-star",
                "env.B from-star",
                "timeout 30",
                "[if_*]",
                "env.A from-if",
                "user nobody",
                "[if_eth*]",
                "env.A from-if-eth",
                "[if_eth0]",
                "group adm, (optional)",
                "env.C own  # trailing comment"));

        PluginConf.Settings eth0 = conf.forPlugin("if_eth0");
        assertThat(eth0.env()).isEqualTo(Map.of("A", "from-if-eth", "B", "from-star", "C", "own"));
        assertThat(eth0.user()).isEqualTo("nobody");
        assertThat(eth0.groups()).containsExactly("adm", "(optional)");
        assertThat(eth0.timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(conf.forPlugin("if_lo").env()).containsEntry("A", "from-if");
        assertThat(conf.forPlugin("cpu").env()).isEqualTo(Map.of("A", "from-star", "B", "from-star"));
        assertThat(conf.problems()).isEmpty();
    }

    @Test
    void laterFilesOverrideEarlierOnesKeyByKeyAndABadLineSkipsTheRestOfItsFile() throws Exception {
        Files.writeString(dir.resolve("munin-node"), "[cpu]\nenv.X 1\ntimeout 5\n");
        Files.writeString(dir.resolve("zzz-local"), "[cpu]\nenv.X 2\nnonsense here\n[cpu]\ntimeout 9\n");
        Files.writeString(dir.resolve(".hidden"), "[cpu]\nenv.X 3\n");
        Files.writeString(dir.resolve("odd name"), "[cpu]\nenv.X 4\n");

        PluginConf conf = PluginConf.read(dir);

        assertThat(conf.forPlugin("cpu").env()).containsEntry("X", "2");
        assertThat(conf.forPlugin("cpu").timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(conf.problems()).singleElement().asString().contains("zzz-local line 3 'nonsense here'")
                .contains("unknown key 'nonsense'");
    }

    @Test
    void aMissingFolderIsNoConfiguration() throws Exception {
        assertThat(PluginConf.read(dir.resolve("none")).forPlugin("cpu")).isEqualTo(PluginConf.Settings.NONE);
    }
}

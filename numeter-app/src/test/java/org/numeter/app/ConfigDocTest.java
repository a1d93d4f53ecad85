package org.numeter.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** README.md's configuration tables are what {@code numeter config-doc} prints: a new key must be documented. */
class ConfigDocTest {
    @Test
    void theReadmeHasTheTablesOfEveryKey() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
        assertThat(readme).as("README.md is out of date: replace its tables with the output of 'numeter config-doc'")
                .contains(ConfigDocCommand.tables().strip());
    }
}

package org.numeter.poller.munin;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.numeter.poller.Source;
import org.numeter.poller.UntidySiteContract;
import org.numeter.testkit.MuninNode;
import org.numeter.testkit.UntidyPlugins;

/** The untidy site through a real munin-node with its own plugin folder and plugin-conf.d. */
class MuninCompatibilityIT extends UntidySiteContract {
    private MuninNode node;

    @Override
    protected Source source(java.util.List<String> plugins) throws Exception {
        if (node == null) {
            node = new MuninNode(dir.resolve("node"));
            UntidyPlugins.write(node.plugins(), node.pluginConf());
            node.start();
        }
        return new MuninSource(node.address(), null, plugins, null, MuninSource.DEFAULT_CONNECTIONS, "");
    }

    @Override
    protected Path stateDir() {
        return dir.resolve("node").resolve("plugin-state");
    }

    @AfterEach
    void stopNode() {
        if (node != null) {
            node.close();
        }
    }
}

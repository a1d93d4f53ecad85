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
    protected Source source() throws Exception {
        if (node == null) {
            node = new MuninNode(dir.resolve("node"));
            UntidyPlugins.write(node.plugins(), node.pluginConf());
            node.start();
        }
        return new MuninSource(node.address(), null, java.util.List.of(), null, MuninSource.DEFAULT_CONNECTIONS,
                "");
    }

    /**
     * munin-node forks a process for each connection and each plugin: on a loaded machine (load 10 on 2 cores, as
     * measured) a plugin is read anywhere from 0.3 to 0.95 s into its second, so one point is up to 1 s in 10 off,
     * the next making up for it; the rate over the run is still checked to 1 %.
     */
    @Override
    protected double pointTolerance() {
        return 0.10;
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

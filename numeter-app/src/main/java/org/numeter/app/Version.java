package org.numeter.app;

import org.numeter.telemetry.BuildInfo;
import picocli.CommandLine.IVersionProvider;

/** The version of this build ({@code numeter --version}), written into the jar by Maven from the project's version. */
public final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"numeter " + BuildInfo.version() + " (Java " + Runtime.version() + ")"};
    }
}

package org.numeter.app;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar's manifest, or "development" when run from classes. */
public final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Numeter.class.getPackage().getImplementationVersion();
        return new String[] {"numeter " + (v == null ? "development" : v)};
    }
}

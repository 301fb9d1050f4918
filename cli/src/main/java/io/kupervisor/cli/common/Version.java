package io.kupervisor.cli.common;

import picocli.CommandLine;

/** The version every command prints for {@code -V}: the jar's, and the supervisord release it follows. */
public final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Version.class.getPackage().getImplementationVersion();
        return new String[] {"kupervisor " + (v == null ? "dev" : v) + " (supervisord 4.2.5 compatible)"};
    }
}

package io.snapclone.connect;

/** The connector's version, from the jar manifest when packaged. */
public final class Version {
    public static final String VERSION = Version.class.getPackage().getImplementationVersion() == null
            ? "0.1.0-dev" : Version.class.getPackage().getImplementationVersion();

    private Version() {
    }
}

package io.kupervisor.supervisord.posix;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Loads {@link Posix}'s native half, libkupervisor-posix.so: from the path in the system property
 * {@value #PROPERTY} when set (the launchers set it: nothing is written at start), else from the
 * class path, where Maven's build puts it beside the classes (native/linux-ARCH/). From inside a
 * jar it is copied to a temporary file, loaded, and the file removed at once (the mapping stays).
 */
final class NativeLibrary {
    static final String PROPERTY = "kupervisor.posix.library";
    private static final String NAME = "libkupervisor-posix.so";

    private NativeLibrary() {
    }

    static void load() {
        String configured = System.getProperty(PROPERTY);
        if (configured != null && !configured.isEmpty()) {
            System.load(Path.of(configured).toAbsolutePath().toString());
            return;
        }
        String resource = "/native/linux-" + System.getProperty("os.arch") + "/" + NAME;
        URL url = NativeLibrary.class.getResource(resource);
        if (url == null) {
            throw new UnsatisfiedLinkError("kupervisor's native library " + resource.substring(1)
                    + " is not on the class path (built by the supervisord module with a C compiler; or set -D"
                    + PROPERTY + "=PATH)");
        }
        try {
            if (url.getProtocol().equals("file")) {
                System.load(Path.of(url.toURI()).toString());
                return;
            }
            Path copy = Files.createTempFile("kupervisor-posix", ".so");
            try (InputStream in = url.openStream()) {
                Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
                System.load(copy.toString());
            } finally {
                Files.deleteIfExists(copy);
            }
        } catch (IOException | URISyntaxException e) {
            throw new UnsatisfiedLinkError("kupervisor's native library " + url + ": " + e.getMessage());
        }
    }
}

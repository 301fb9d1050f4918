package io.kupervisor.supervisord.posix;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Posix's native half found on the class path inside a jar (how the tests of other modules and
 * any class path without -Dkupervisor.posix.library meet it): copied to a temporary file, loaded,
 * and the file removed at once, so that nothing is left behind however the JVM ends.
 */
class NativeLibraryTest {
    private static final String RESOURCE = "native/linux-" + System.getProperty("os.arch") + "/libkupervisor-posix.so";

    @TempDir
    Path dir;

    /** The child: its pid through the library, and the line of its memory map that is the library. */
    public static void main(String[] args) throws IOException {
        System.out.println(Posix.getpid());
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            if (line.contains("kupervisor-posix")) {
                System.out.println(line.substring(line.indexOf('/')));
                break;
            }
        }
    }

    @Test
    void fromAJarTheLibraryIsLoadedFromACopyThatIsRemovedAtOnce() throws Exception {
        Path jar = dir.resolve("native.jar");
        try (InputStream lib = NativeLibrary.class.getResourceAsStream("/" + RESOURCE);
             JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            assertThat(lib).as("the build's " + RESOURCE).isNotNull();
            out.putNextEntry(new JarEntry(RESOURCE));
            lib.transferTo(out);
        }
        Path tmp = Files.createDirectory(dir.resolve("tmp"));
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Djava.io.tmpdir=" + tmp,
                "-cp", jar + java.io.File.pathSeparator + System.getProperty("java.class.path"),
                NativeLibraryTest.class.getName()).redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).as(out).isZero();
        List<String> lines = out.lines().toList();
        assertThat(lines.get(0)).as(out).isEqualTo(Long.toString(child.pid()));
        // mapped from the temporary copy, which was already gone while the child ran
        assertThat(lines.get(1)).as(out).startsWith(tmp.toString()).endsWith("(deleted)");
        try (var left = Files.list(tmp)) {
            assertThat(left).isEmpty();
        }
    }
}

package io.kupervisor.supervisord.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AutoLogNamesTest {

    @TempDir
    Path dir;

    @Test
    void namesFollowSupervisordsPatternAndAreCreated0600() throws IOException {
        Path p = AutoLogNames.create(dir, "web", "stdout", "supervisor");
        assertThat(p.getParent()).isEqualTo(dir);
        assertThat(p.getFileName().toString()).matches("web-stdout---supervisor-[a-z0-9_]{8}\\.log");
        assertThat(p).exists();
        assertThat(Files.size(p)).isZero();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p))).isEqualTo("rw-------");
        Path e = AutoLogNames.create(dir, "web", "stderr", "supervisor");
        assertThat(e.getFileName().toString()).startsWith("web-stderr---supervisor-");
    }

    @Test
    void everyNameIsNew() throws IOException {
        Set<Path> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            assertThat(seen.add(AutoLogNames.create(dir, "p", "stdout", "id"))).isTrue();
        }
        assertThat(AutoLogNames.randomName()).hasSize(8).matches("[a-z0-9_]+");
    }

    @Test
    void cleanupRemovesThisIdentifiersLogsAndTheirBackupsOnly() throws IOException {
        List<Path> mine = new ArrayList<>();
        mine.add(AutoLogNames.create(dir, "a", "stdout", "supervisor"));
        mine.add(AutoLogNames.create(dir, "b", "stderr", "supervisor"));
        Path rotated = Files.createFile(Path.of(mine.get(0) + ".1"));
        Path rotated10 = Files.createFile(Path.of(mine.get(0) + ".10"));
        Path other = AutoLogNames.create(dir, "a", "stdout", "otherid");
        Path otherRotated = Files.createFile(Path.of(other + ".3"));
        Path plain = Files.createFile(dir.resolve("a.log"));
        Path userLog = Files.createFile(dir.resolve("supervisor-app.log"));
        Path subdir = Files.createDirectory(dir.resolve("x---supervisor-dir.log"));

        List<String> warnings = new ArrayList<>();
        List<Path> removed = AutoLogNames.cleanup(dir, "supervisor", warnings::add);

        assertThat(removed).containsExactlyInAnyOrder(mine.get(0), mine.get(1), rotated, rotated10);
        for (Path p : removed) {
            assertThat(p).doesNotExist();
        }
        assertThat(other).exists();
        assertThat(otherRotated).exists();
        assertThat(plain).exists();
        assertThat(userLog).exists();
        assertThat(subdir).exists();
        assertThat(warnings).containsExactly("Failed to clean up '" + subdir + "'");
    }

    @Test
    void cleanupOfAMissingDirectoryWarns() {
        List<String> warnings = new ArrayList<>();
        AutoLogNames.cleanup(dir.resolve("nope"), "supervisor", warnings::add);
        assertThat(warnings).containsExactly("Could not clear childlog dir");
        AutoLogNames.cleanup(dir.resolve("nope"), "supervisor"); // no exception
    }

    @Test
    void nameMatchingIsPythonsReMatch() {
        assertThat(AutoLogNames.isAutoLogName("p-stdout---supervisor-abc_1234.log", "supervisor")).isTrue();
        assertThat(AutoLogNames.isAutoLogName("p-stdout---supervisor-abc_1234.log.7", "supervisor")).isTrue();
        // re.match anchors at the start only
        assertThat(AutoLogNames.isAutoLogName("p-stdout---supervisor-x.logfoo", "supervisor")).isTrue();
        assertThat(AutoLogNames.isAutoLogName("---supervisor-x.log", "supervisor")).isFalse();
        assertThat(AutoLogNames.isAutoLogName("p-stdout---supervisor-.log", "supervisor")).isFalse();
        assertThat(AutoLogNames.isAutoLogName("p-stdout---supervisor-a b.log", "supervisor")).isFalse();
        assertThat(AutoLogNames.isAutoLogName("p-stdout---supervisorx-a.log", "supervisor")).isFalse();
        // the identifier is literal
        assertThat(AutoLogNames.isAutoLogName("p-stdout---axb-q.log", "a.b")).isFalse();
        assertThat(AutoLogNames.isAutoLogName("p-stdout---a.b-q.log", "a.b")).isTrue();
    }
}

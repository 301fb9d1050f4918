package io.kupervisor.core.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * supervisord names the section and file of a mistake; kupervisor also names the key and the
 * line. These are kupervisor's own additions, so they are tested here rather than against the
 * oracle.
 */
class ErrorLocationTest {
    @TempDir
    Path dir;

    private ConfigException refuse(String main, Map<String, String> others) throws IOException {
        Files.writeString(dir.resolve("supervisord.conf"), main);
        for (var e : others.entrySet()) {
            Files.createDirectories(dir.resolve(e.getKey()).getParent());
            Files.writeString(dir.resolve(e.getKey()), e.getValue());
        }
        HostEnvironment host = new HostEnvironment(Map.of("PATH", "/usr/bin:/bin", "HOME", "/root"),
                "h", dir, HostChecks.strict(dir)).relaxed();
        return catchThrowableOfType(ConfigException.class,
                () -> new ConfigLoader(host).read(dir.resolve("supervisord.conf")));
    }

    @Test
    void aBadValueIsLocatedAtItsKeyAndLine() throws IOException {
        ConfigException e = refuse("""
                [supervisord]

                [program:a]
                command=/bin/true
                autorestart=maybe
                """, Map.of());
        assertThat(e).isNotNull();
        assertThat(e.origin().section()).isEqualTo("program:a");
        assertThat(e.origin().key()).isEqualTo("autorestart");
        assertThat(e.origin().line()).isEqualTo(5);
        assertThat(e.origin().file()).isEqualTo(dir.resolve("supervisord.conf"));
        assertThat(e.describe()).startsWith("Error: invalid 'autorestart' value 'maybe' in section 'program:a'")
                .contains("line 5, [program:a] autorestart");
    }

    @Test
    void aMistakeInAnIncludedFileNamesThatFile() throws IOException {
        ConfigException e = refuse("""
                [supervisord]
                [include]
                files = conf.d/*.conf
                """, Map.of("conf.d/web.conf", """
                ; web
                [program:web]
                command = /bin/true
                startsecs = soon
                """));
        assertThat(e.origin().file()).isEqualTo(dir.resolve("conf.d/web.conf"));
        assertThat(e.origin().line()).isEqualTo(4);
        assertThat(e.supervisordMessage()).contains("(file: '" + dir.resolve("conf.d/web.conf") + "')");
    }

    @Test
    void aLineWithoutEqualsIsLocatedByLine() throws IOException {
        ConfigException e = refuse("[supervisord]\n[program:a]\ncommand=/bin/true\nthis line has no equals\n", Map.of());
        assertThat(e.origin().line()).isEqualTo(4);
        assertThat(e.supervisordMessage()).isEqualTo("Source contains parsing errors: '" + dir.resolve("supervisord.conf")
                + "'\n\t[line  4]: 'this line has no equals\\n'");
    }

    @Test
    void aMissingCommandPointsAtTheSectionHeader() throws IOException {
        ConfigException e = refuse("[supervisord]\n\n[program:a]\nautostart=true\n", Map.of());
        assertThat(e.origin().section()).isEqualTo("program:a");
        assertThat(e.origin().line()).isEqualTo(3);
    }

    @Test
    void aWrongValueInAMultiLineCommandPointsAtTheKeyLine() throws IOException {
        ConfigException e = refuse("[supervisord]\n[program:a]\ncommand=/bin/echo\n  %(nope)s\n", Map.of());
        assertThat(e.origin().key()).isEqualTo("command");
        assertThat(e.origin().line()).isEqualTo(3);
        assertThat(e.supervisordMessage()).contains("contains names ('nope') which cannot be expanded");
    }

    @Test
    void aMissingFileIsSaidPlainly() {
        assertThatThrownBy(() -> new ConfigLoader(HostEnvironment.current()).read(dir.resolve("nope.conf")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("could not find config file " + dir.resolve("nope.conf"));
    }

    @Test
    void aNulByteInACommandIsRefusedAtItsKey() throws IOException {
        ConfigException e = refuse("[supervisord]\n\n[program:c]\ncommand=/bin/sle\0ep 100\n", Map.of());
        assertThat(e).isNotNull();
        assertThat(e.supervisordMessage()).isEqualTo(
                "embedded null byte in '/bin/sle\\x00ep 100' in section 'program:c' (file: '"
                        + dir.resolve("supervisord.conf") + "')");
        assertThat(e.origin().key()).isEqualTo("command");
        assertThat(e.origin().line()).isEqualTo(4);
    }

    @Test
    void aNulByteInADirectoryOrEnvironmentIsRefused() throws IOException {
        ConfigException dirErr = refuse("[supervisord]\n[program:c]\ncommand=/bin/true\ndirectory=/tm\0p\n", Map.of());
        assertThat(dirErr.origin().key()).isEqualTo("directory");
        ConfigException envErr = refuse("[supervisord]\n[program:c]\ncommand=/bin/true\nenvironment=A=\"x\0y\"\n",
                Map.of());
        assertThat(envErr.origin().key()).isEqualTo("environment");
        assertThat(envErr.supervisordMessage()).startsWith("embedded null byte in ");
    }

    @Test
    void aNulByteInASectionNameIsRefusedAtItsHeader() throws IOException {
        ConfigException e = refuse("[supervisord]\n\n[program:a\0b]\ncommand=/bin/sleep 100\n", Map.of());
        assertThat(e).isNotNull();
        assertThat(e.supervisordMessage()).isEqualTo("embedded null byte in section name 'program:a\\x00b'");
        assertThat(e.origin().section()).isEqualTo("program:a\0b");
        assertThat(e.origin().line()).isEqualTo(3);
    }

    @Test
    void aNulByteWhereSupervisordNeverLooksIsLeftAlone() throws IOException {
        // a comment, and a section supervisord does not read
        ConfigException e = refuse("[supervisord]\n; a\0b\n[notes\0]\nx=1\n[program:a]\ncommand=/bin/true\n", Map.of());
        assertThat(e).isNull();
    }

    @Test
    void numprocsBeyondTheBoundIsRefusedBeforeAnythingIsBuilt() throws IOException {
        ConfigException e = refuse("""
                [supervisord]
                [program:d]
                command=/bin/true
                process_name=%(process_num)s
                numprocs=1000000
                """, Map.of());
        assertThat(e).isNotNull();
        assertThat(e.supervisordMessage()).startsWith(
                "numprocs 1000000 is more than kupervisor runs in one program (at most 10000) in section 'program:d'");
        assertThat(e.origin().key()).isEqualTo("numprocs");
        assertThat(e.origin().line()).isEqualTo(5);
        assertThat(refuse("""
                [supervisord]
                [program:d]
                command=/bin/true
                process_name=%(process_num)s
                numprocs=10000
                """, Map.of())).isNull();
    }
}

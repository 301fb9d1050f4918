package io.kupervisor.supervisord.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kupervisor.supervisord.log.LogReader.LogReadException;
import io.kupervisor.supervisord.log.LogReader.LogReadException.Fault;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Expected values computed by supervisor 4.2.5's own readFile/tailFile on the same 78-byte file. */
class LogReaderTest {

    @TempDir
    Path dir;

    Path file;

    /** 77 letters a..z repeating, then a newline: 78 bytes. */
    static final String CONTENT;

    static {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 77; i++) {
            sb.append((char) ('a' + i % 26));
        }
        CONTENT = sb.append('\n').toString();
    }

    @BeforeEach
    void writeFile() throws IOException {
        file = dir.resolve("lr.log");
        Files.writeString(file, CONTENT);
    }

    @ParameterizedTest(name = "tail({0},{1})")
    @CsvSource(delimiter = '|', value = {
        "0|10|68|78|true",
        "1000|10|-1|78|false",
        "78|10|-1|78|false",
        "77|10|68|78|false",
        "70|10|68|78|false",
        "0|100|0|78|false",
        "0|78|0|78|false",
        "0|77|1|78|true",
        "5|0|-1|78|true",
        "-5|0|-1|78|true",
        "0|-5|-1|78|true",
        "-5|5|73|78|true",
        "100|0|-1|78|false",
        "68|10|68|78|false",
        "10|5|73|78|true",
        "0|0|-1|78|true",
        "78|0|-1|78|false",
        "-100|0|-1|78|true",
    })
    void tailMatchesSupervisord(long offset, long length, int from, long newOffset, boolean overflow) {
        LogReader.Tail t = LogReader.tailFile(file, offset, length);
        String expected = from < 0 ? "" : CONTENT.substring(from);
        assertThat(new String(t.bytes(), StandardCharsets.UTF_8)).isEqualTo(expected);
        assertThat(t.offset()).isEqualTo(newOffset);
        assertThat(t.overflow()).isEqualTo(overflow);
    }

    @Test
    void referenceExamples() {
        LogReader.Tail t = LogReader.tailFile(file, 0, 10);
        assertThat(t.bytes()).hasSize(10).isEqualTo(CONTENT.substring(68).getBytes(StandardCharsets.UTF_8));
        assertThat(t.offset()).isEqualTo(78);
        assertThat(t.overflow()).isTrue();
        LogReader.Tail none = LogReader.tailFile(file, 1000, 10);
        assertThat(none.bytes()).isEmpty();
        assertThat(none.offset()).isEqualTo(78);
        assertThat(none.overflow()).isFalse();
    }

    @Test
    void tailOfMissingFileIsEmptyAtZero() {
        LogReader.Tail t = LogReader.tailFile(dir.resolve("missing.log"), 40, 10);
        assertThat(t.bytes()).isEmpty();
        assertThat(t.offset()).isZero();
        assertThat(t.overflow()).isFalse();
        assertThat(LogReader.tailFile(null, 40, 10).offset()).isZero();
    }

    @Test
    void tailOfEmptyFile() throws IOException {
        Path empty = Files.createFile(dir.resolve("empty.log"));
        LogReader.Tail t = LogReader.tailFile(empty, 0, 10);
        assertThat(t.bytes()).isEmpty();
        assertThat(t.offset()).isZero();
        assertThat(t.overflow()).isFalse();
    }

    @ParameterizedTest(name = "read({0},{1})")
    @CsvSource(delimiter = '|', value = {
        "0|0|0|78",
        "10|5|10|15",
        "-5|0|73|78",
        "-100|0|0|78",
        "100|0|78|78",
        "70|100|70|78",
        "78|0|78|78",
    })
    void readMatchesSupervisord(long offset, long length, int from, int to) throws LogReadException {
        assertThat(new String(LogReader.readFile(file, offset, length), StandardCharsets.UTF_8))
                .isEqualTo(CONTENT.substring(from, to));
    }

    @ParameterizedTest(name = "read({0},{1}) is BAD_ARGUMENTS")
    @CsvSource(delimiter = '|', value = {"-5|5", "0|-1", "-1|-1", "10|-10"})
    void badArguments(long offset, long length) {
        assertThatThrownBy(() -> LogReader.readFile(file, offset, length))
                .isInstanceOfSatisfying(LogReadException.class, e -> {
                    assertThat(e.fault()).isEqualTo(Fault.BAD_ARGUMENTS);
                    assertThat(e.faultName()).isEqualTo("BAD_ARGUMENTS");
                    assertThat(e.faultCode()).isEqualTo(3);
                });
    }

    @Test
    void missingFileIsNoFileBeforeArgumentsAreChecked() {
        Path missing = dir.resolve("missing.log");
        assertThatThrownBy(() -> LogReader.readFile(missing, -5, 5))
                .isInstanceOfSatisfying(LogReadException.class, e -> {
                    assertThat(e.faultName()).isEqualTo("NO_FILE");
                    assertThat(e.faultCode()).isEqualTo(20);
                    assertThat(e.getMessage()).isEqualTo("NO_FILE: " + missing);
                });
        assertThatThrownBy(() -> LogReader.readFile(null, 0, 0))
                .isInstanceOfSatisfying(LogReadException.class, e -> assertThat(e.fault()).isEqualTo(Fault.NO_FILE));
    }

    @Test
    void unreadableFileIsFailed() {
        // a directory exists but cannot be opened as a file
        assertThatThrownBy(() -> LogReader.readFile(dir, 0, 0))
                .isInstanceOfSatisfying(LogReadException.class, e -> {
                    assertThat(e.faultName()).isEqualTo("FAILED");
                    assertThat(e.faultCode()).isEqualTo(30);
                });
    }
}

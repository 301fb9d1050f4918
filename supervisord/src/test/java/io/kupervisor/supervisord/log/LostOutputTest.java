package io.kupervisor.supervisord.log;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LostOutputTest {

    @Test
    void oneLinePerEpisodeAndOneWhenItEnds() {
        List<String> lines = new ArrayList<>();
        LostOutput lost = new LostOutput("web", "stdout", (level, msg) -> lines.add(level.code() + " " + msg));
        lost.wrote();
        IOException full = new IOException("No space left on device");
        lost.failed(full, 100);
        lost.failed(full, 20);
        lost.failed(full, 3);
        lost.wrote();
        lost.wrote();
        lost.failed(full, 7);
        assertThat(lines).containsExactly(
                "ERRO kupervisor: cannot write the stdout log of web: No space left on device; its output is lost"
                        + " until writing works again",
                "WARN kupervisor: the stdout log of web is written again; 123 bytes of output were lost",
                "ERRO kupervisor: cannot write the stdout log of web: No space left on device; its output is lost"
                        + " until writing works again");
    }
}

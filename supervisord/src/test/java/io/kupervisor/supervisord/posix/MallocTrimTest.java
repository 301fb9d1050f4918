package io.kupervisor.supervisord.posix;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The daemon gives start-up's freed C heap back once it has settled: malloc_trim(0). */
class MallocTrimTest {

    @Test
    void freedMemoryInTheMiddleOfTheHeapGoesBackToTheKernel() throws IOException {
        try (Arena kept = Arena.ofConfined()) {
            try (Arena freed = Arena.ofConfined()) {
                // 32 MiB in small blocks, written (zeroed) so that they are resident
                for (int i = 0; i < 32 * 1024; i++) {
                    freed.allocate(1024);
                }
                // allocated after them, so that free() alone cannot shrink the heap past them
                kept.allocate(1024);
            }
            // freed, but glibc keeps the pages until asked
            long before = rssKb();
            assertThat(Posix.mallocTrim()).isTrue();
            long after = rssKb();
            assertThat(before - after).as("RSS given back (KiB)").isGreaterThan(16 * 1024);
        }
    }

    private static long rssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}

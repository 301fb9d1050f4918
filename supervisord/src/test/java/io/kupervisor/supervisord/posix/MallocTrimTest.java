package io.kupervisor.supervisord.posix;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;

import static org.assertj.core.api.Assertions.assertThat;

/** The daemon gives start-up's freed C heap back once it has settled: malloc_trim through FFM. */
class MallocTrimTest {

    @Test
    void freedMemoryInTheMiddleOfTheHeapGoesBackToTheKernel() {
        try (Arena kept = Arena.ofConfined()) {
            try (Arena freed = Arena.ofConfined()) {
                for (int i = 0; i < 20_000; i++) {
                    freed.allocate(1024);
                }
                // allocated after them, so that free() alone cannot shrink the heap past them
                kept.allocate(1024);
            }
            assertThat(Posix.mallocTrim()).isTrue();
        }
    }
}

package io.kupervisor.supervisord.io;

import io.kupervisor.supervisord.posix.Posix;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The output pump reads every pipe on one thread, and sleeps on epoll with no timeout. */
class OutputPumpTest {

    @Test
    void bytesReachTheSinkAndEndOfFileClosesThePipe() throws Exception {
        OutputPump pump = new OutputPump();
        pump.start();
        try {
            int[] pipe = Posix.pipe();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            CountDownLatch closed = new CountDownLatch(1);
            pump.register(pipe[0], new OutputPump.Sink() {
                @Override
                public void write(byte[] data, int len) {
                    synchronized (got) {
                        got.write(data, 0, len);
                    }
                }

                @Override
                public void closed() {
                    closed.countDown();
                }
            });
            Posix.writeAll(pipe[1], "hello, pump\n".getBytes(StandardCharsets.UTF_8));
            Posix.close(pipe[1]);
            assertThat(closed.await(5, TimeUnit.SECONDS)).isTrue();
            synchronized (got) {
                assertThat(got.toString(StandardCharsets.UTF_8)).isEqualTo("hello, pump\n");
            }
            assertThat(pump.open()).isZero();
        } finally {
            pump.close();
        }
    }

    @Test
    void closeEndsAnIdlePumpWhoseWaitHasNoTimeout() throws Exception {
        OutputPump pump = new OutputPump();
        pump.start();
        Thread.sleep(100); // parked in epoll_wait, which has no timeout
        assertThat(pump.thread().isAlive()).isTrue();
        pump.close();
        pump.thread().join(2000);
        assertThat(pump.thread().isAlive()).isFalse();
    }
}

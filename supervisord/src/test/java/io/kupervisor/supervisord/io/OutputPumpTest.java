package io.kupervisor.supervisord.io;

import io.kupervisor.supervisord.posix.Posix;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

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
        // in epoll_wait, which has no timeout: only close() can end it
        await().atMost(Duration.ofSeconds(10)).until(() -> inEpollWait(pump.thread()));
        pump.close();
        pump.thread().join(10_000);
        assertThat(pump.thread().isAlive()).isFalse();
    }

    @Test
    void aReapedProcessesPipeIsDrainedAndClosedWhileAnOrphanStillHoldsIt() throws Exception {
        OutputPump pump = new OutputPump();
        pump.start();
        int[] pipe = Posix.pipe();
        try {
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            CountDownLatch closed = new CountDownLatch(1);
            CountDownLatch firstBytes = new CountDownLatch(1);
            long id = pump.register(pipe[0], new OutputPump.Sink() {
                @Override
                public void write(byte[] data, int len) {
                    synchronized (got) {
                        got.write(data, 0, len);
                    }
                    firstBytes.countDown();
                }

                @Override
                public void closed() {
                    closed.countDown();
                }
            });
            Posix.writeAll(pipe[1], "before\n".getBytes(StandardCharsets.UTF_8));
            assertThat(firstBytes.await(10, TimeUnit.SECONDS)).isTrue();
            // what the process wrote last, not yet read when it is reaped
            await().atMost(Duration.ofSeconds(10)).until(() -> inEpollWait(pump.thread()));
            Posix.writeAll(pipe[1], "last\n".getBytes(StandardCharsets.UTF_8));
            CountDownLatch then = new CountDownLatch(1);
            pump.drainThen(new long[] {id}, then::countDown);
            assertThat(then.await(10, TimeUnit.SECONDS)).isTrue();
            // the write end is still open (an orphan holds it), yet the pump lets go of the pipe
            assertThat(closed.await(10, TimeUnit.SECONDS)).isTrue();
            synchronized (got) {
                assertThat(got.toString(StandardCharsets.UTF_8)).isEqualTo("before\nlast\n");
            }
            assertThat(pump.open()).isZero();
            // and the orphan's next write finds no reader
            Posix.PosixException broken = org.assertj.core.api.Assertions.catchThrowableOfType(
                    Posix.PosixException.class, () -> Posix.writeAll(pipe[1], new byte[] {'x'}));
            assertThat(broken).isNotNull();
            assertThat(broken.errno()).isEqualTo(32); // EPIPE (the JVM ignores SIGPIPE)
        } finally {
            Posix.close(pipe[1]);
            pump.close();
        }
    }

    /** Whether the thread is blocked in the pump's epoll_wait (a native downcall, seen on its stack). */
    private static boolean inEpollWait(Thread t) {
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getMethodName().equals("epollWait")) {
                return true;
            }
        }
        return false;
    }
}

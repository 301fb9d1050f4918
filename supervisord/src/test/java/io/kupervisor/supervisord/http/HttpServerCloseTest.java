package io.kupervisor.supervisord.http;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A reload closes the servers and binds the same ports again at once: close() must not return
 * while the listening socket is still held, even when every carrier thread of the virtual-thread
 * scheduler is busy (a loaded machine), which is what made a reload fail with "Another program is
 * already listening on a port".
 */
class HttpServerCloseTest {

    @Test
    void afterCloseThePortCanBeBoundAgainAtOnceEvenWithBusyCarriers() throws Exception {
        ServerSocketChannel ch = ServerSocketChannel.open();
        ch.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        InetSocketAddress address = (InetSocketAddress) ch.getLocalAddress();
        CountDownLatch accepting = new CountDownLatch(1);
        HttpServer server = new HttpServer(ch, "inet_http_server", null, Limits.DEFAULTS,
                new AtomicLong(16L << 20), ex -> null, (level, msg) -> { }, () -> {
                    accepting.countDown();
                    return ch.accept();
                }, d -> Thread.sleep(d));
        assertThat(accepting.await(30, TimeUnit.SECONDS)).isTrue(); // the acceptor is on its way into accept()

        // virtual threads are not preempted: these hold every carrier for a moment (300 ms), so the
        // acceptor cannot run to leave accept() until they are done
        int carriers = Integer.getInteger("jdk.virtualThreadScheduler.parallelism",
                Runtime.getRuntime().availableProcessors());
        CountDownLatch spinning = new CountDownLatch(carriers);
        List<Thread> spinners = new ArrayList<>();
        for (int i = 0; i < carriers; i++) {
            spinners.add(Thread.ofVirtual().start(() -> {
                spinning.countDown();
                long until = System.nanoTime() + 300_000_000L;
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
            }));
        }
        assertThat(spinning.await(30, TimeUnit.SECONDS)).isTrue();
        server.close();
        try (ServerSocketChannel again = ServerSocketChannel.open()) {
            again.bind(address); // fails with "Address already in use" if close() returned too early
            assertThat(again.getLocalAddress()).isEqualTo(address);
        } finally {
            for (Thread t : spinners) {
                t.join();
            }
        }
    }
}

package io.kupervisor.supervisord.http;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.List;
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
        HttpServer server = new HttpServer(ch, "inet_http_server", null, Limits.DEFAULTS,
                new AtomicLong(16L << 20), ex -> null, (level, msg) -> { });
        Thread.sleep(200); // the acceptor is parked in accept()

        // virtual threads are not preempted: these hold every carrier for a moment
        int carriers = Integer.getInteger("jdk.virtualThreadScheduler.parallelism",
                Runtime.getRuntime().availableProcessors());
        long until = System.nanoTime() + 300_000_000L;
        List<Thread> spinners = new ArrayList<>();
        for (int i = 0; i < carriers; i++) {
            spinners.add(Thread.ofVirtual().start(() -> {
                while (System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
            }));
        }
        Thread.sleep(20);
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

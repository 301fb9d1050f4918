package io.kupervisor.e2e;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code kubectl logs -f} of one container, as a person follows it: the real kubectl streaming
 * through the API server from the kubelet. Lines are kept as they arrive; a test waits for one.
 * The stream ends when the container does (or at {@link #close()}).
 */
final class PodLogStream implements AutoCloseable {
    private final Process kubectl;
    private final List<String> lines = new ArrayList<>();
    private boolean ended;

    private PodLogStream(Process kubectl) {
        this.kubectl = kubectl;
        Thread.ofVirtual().start(this::read);
    }

    /** Follows the pod's only (or first) container. */
    static PodLogStream follow(RealCluster cluster, String namespace, String pod) {
        return follow(cluster, namespace, pod, null);
    }

    static PodLogStream follow(RealCluster cluster, String namespace, String pod, String container) {
        List<String> command = new ArrayList<>(List.of(cluster.kubectlBinary().toString(),
                "--kubeconfig=" + cluster.kubeconfig(), "logs", "-f", "-n", namespace, pod));
        if (container != null) {
            command.add("-c");
            command.add(container);
        }
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD);
            pb.environment().remove("KUBECONFIG");
            Process p = pb.start();
            p.getOutputStream().close();
            return new PodLogStream(p);
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command, e);
        }
    }

    private void read() {
        try (var in = new BufferedReader(new InputStreamReader(kubectl.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                synchronized (this) {
                    lines.add(line);
                    notifyAll();
                }
            }
        } catch (IOException e) {
            // the process was closed
        } finally {
            synchronized (this) {
                ended = true;
                notifyAll();
            }
        }
    }

    synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    /** Waits until a line equal to {@code line} arrived. */
    synchronized void awaitLine(String line, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!lines.contains(line)) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || (ended && !lines.contains(line))) {
                throw new AssertionError("kubectl logs -f: no line '" + line + "' within " + within
                        + (ended ? " (the stream ended)" : "") + "; lines: " + lines);
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** Waits until at least {@code count} lines arrived; returns them all. */
    synchronized List<String> awaitLines(int count, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (lines.size() < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || ended) {
                throw new AssertionError("kubectl logs -f: " + lines.size() + " lines of " + count + " within " + within
                        + (ended ? " (the stream ended)" : "") + "; lines: " + lines);
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        return List.copyOf(lines);
    }

    /** Waits until the stream ends (the container ended), returning every line. */
    synchronized List<String> awaitEnd(Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!ended) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("kubectl logs -f did not end within " + within + "; lines: " + lines);
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        return List.copyOf(lines);
    }

    @Override
    public void close() {
        kubectl.destroy();
    }
}

package io.kupervisor.cli;

import io.kupervisor.supervisord.log.LogFollower;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code kupervisor tail}: the log sidecar's command. With {@code -F} it follows the file by name
 * across rotation (supervisord's {@code f -> f.1 -> ...}), truncation and re-creation, without
 * losing or repeating a line, and waits for a file that does not exist yet.
 */
@Command(name = "tail",
        mixinStandardHelpOptions = true,
        description = {"Print the end of a file; with -F, keep following it by name across rotation."})
final class TailCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-F", "-f", "--follow"}, description = "Follow the file by name, across rotation and truncation (-f is the same).")
    boolean follow;

    @Option(names = {"-n", "--lines"}, paramLabel = "N",
            description = "Start with the last N lines (default 10); +1 starts at the beginning of the file.")
    String lines = "10";

    @Option(names = {"-c", "--bytes"}, paramLabel = "N", description = "Start with the last N bytes instead of lines.")
    Long bytes;

    @Parameters(paramLabel = "FILE", description = "The file to print.")
    Path file;

    /** Released to stop following (tests; a signal ends the JVM anyway). */
    static volatile CountDownLatch stop;

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        long count;
        boolean fromStart = lines.startsWith("+");
        try {
            count = Long.parseLong(fromStart ? lines.substring(1) : lines);
        } catch (NumberFormatException e) {
            System.err.println("Error: invalid number of lines: '" + lines + "'");
            return 2;
        }
        if (count < 0 || (bytes != null && bytes < 0)) {
            System.err.println("Error: the count must not be negative");
            return 2;
        }
        if (!follow && !Files.exists(file)) {
            System.err.println("Error: cannot open '" + file + "' for reading: No such file");
            return 1;
        }
        LogFollower.Start start = bytes != null ? LogFollower.Start.lastBytes(bytes)
                : fromStart ? LogFollower.Start.beginning() : LogFollower.Start.lastLines(count);
        LogFollower.Listener listener = new LogFollower.Listener() {
            @Override
            public void onData(byte[] buf, int off, int len) throws IOException {
                out.write(buf, off, len);
                out.flush();
                if (out.checkError()) {
                    throw new IOException("stdout closed");
                }
            }
        };
        try (LogFollower follower = new LogFollower(file, start, listener)) {
            if (!follow) {
                follower.poll();
                return 0;
            }
            CountDownLatch latch = new CountDownLatch(1);
            stop = latch;
            follower.start(LogFollower.DEFAULT_INTERVAL);
            // ends on a signal (the JVM exits), on a stdout error, or when a test releases it
            while (!latch.await(200, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                if (follower.failure() != null) {
                    return 0;
                }
            }
            return 0;
        }
    }
}

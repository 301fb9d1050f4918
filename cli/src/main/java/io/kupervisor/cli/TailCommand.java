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
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code kupervisor tail}: the log sidecar's command. With {@code -F} it follows the file by name
 * across rotation (supervisord's {@code f -> f.1 -> ...}), truncation and re-creation, without
 * losing or repeating a line, and waits for a file that does not exist yet.
 */
@Command(name = "tail",
        mixinStandardHelpOptions = true,
        versionProvider = io.kupervisor.cli.common.Version.class,
        header = "Print the end of a file; with -F, follow it by name across rotation (the log sidecar).",
        description = {
            "Prints the last 10 lines of FILE, as GNU tail does. With -F it then follows the file by name across "
                + "supervisord's rotation (FILE -> FILE.1 -> ...), truncation and re-creation, without losing or "
                + "repeating a line, and waits for a file that does not exist yet."})
final class TailCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-F", "-f", "--follow"},
            description = "Follow the file by name, across rotation, truncation and re-creation (-f is the same).")
    boolean follow;

    @Option(names = {"-n", "--lines"}, paramLabel = "[+]N",
            description = "Print the last N lines (default 10); +N starts at line N (+1: the whole file). "
                    + "-N is N, as in GNU tail; so is the short form -N.")
    String lines;

    @Option(names = {"-c", "--bytes"}, paramLabel = "[+]N",
            description = "Print the last N bytes instead; +N starts at byte N. N may end in K, M or G (1024s) "
                    + "or kB, MB, GB (1000s).")
    String bytes;

    @Parameters(paramLabel = "FILE", description = "The file to print.")
    Path file;

    /** Released to stop following (tests; a signal ends the JVM anyway). */
    static volatile CountDownLatch stop;

    /** GNU tail's obsolete {@code -N} (the last N lines) as {@code -n N}, before picocli reads the line. */
    static String[] gnuShortCount(String[] args) {
        String[] out = args.clone();
        for (int i = 0; i < out.length; i++) {
            if (out[i].equals("--")) {
                break;
            }
            boolean optionArgument = i > 0 && List.of("-n", "-c", "--lines", "--bytes").contains(out[i - 1]);
            if (out[i].matches("-[0-9]+") && !optionArgument) {
                out[i] = "--lines=" + out[i].substring(1);
            }
        }
        return out;
    }

    /** A count as GNU tail reads it: {@code [+|-]N[suffix]}; the sign says from where. */
    record Count(boolean fromStart, long n) {
        static Count parse(String text, boolean suffixes) {
            String t = text.strip();
            boolean fromStart = t.startsWith("+");
            if (fromStart || t.startsWith("-")) {
                t = t.substring(1);
            }
            long multiplier = 1;
            if (suffixes) {
                for (var e : java.util.List.of(java.util.Map.entry("kB", 1000L), java.util.Map.entry("MB", 1000_000L),
                        java.util.Map.entry("GB", 1000_000_000L), java.util.Map.entry("K", 1024L),
                        java.util.Map.entry("M", 1024L * 1024), java.util.Map.entry("G", 1024L * 1024 * 1024),
                        java.util.Map.entry("b", 512L))) {
                    if (t.endsWith(e.getKey()) && t.length() > e.getKey().length()) {
                        t = t.substring(0, t.length() - e.getKey().length());
                        multiplier = e.getValue();
                        break;
                    }
                }
            }
            if (!t.matches("[0-9]+")) {
                return null;
            }
            try {
                return new Count(fromStart, Math.multiplyExact(Long.parseLong(t), multiplier));
            } catch (ArithmeticException | NumberFormatException e) {
                return new Count(fromStart, Long.MAX_VALUE);
            }
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        PrintStream err = System.err;
        if (lines != null && bytes != null) {
            err.println("kupervisor tail: use either -n or -c, not both");
            err.println("For help, use kupervisor tail -h");
            return 2;
        }
        Count count = bytes != null ? Count.parse(bytes, true) : Count.parse(lines == null ? "10" : lines, true);
        if (count == null) {
            err.println("kupervisor tail: invalid number of " + (bytes != null ? "bytes: '" + bytes : "lines: '" + lines) + "'");
            err.println("For help, use kupervisor tail -h");
            return 2;
        }
        if (!follow && !Files.exists(file)) {
            err.println("kupervisor tail: cannot open '" + file + "' for reading: No such file or directory");
            return 1;
        }
        LogFollower.Start start = bytes != null
                ? (count.fromStart() ? LogFollower.Start.fromByte(count.n()) : LogFollower.Start.lastBytes(count.n()))
                : (count.fromStart() ? LogFollower.Start.fromLine(count.n()) : LogFollower.Start.lastLines(count.n()));
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

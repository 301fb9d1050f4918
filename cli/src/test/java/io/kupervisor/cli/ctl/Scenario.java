package io.kupervisor.cli.ctl;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A script of supervisorctl commands run against one daemon with one client, recorded as a
 * transcript that is the same for supervisord and kupervisor once pids, times and AUTO log names
 * are normalised. Lines:
 * <pre>
 *   ctl ARGS...              run the client (recorded)
 *   ctl! ARGS...             run it, recorded with its output lines sorted
 *   tailf MILLIS ARGS...     run it and press Ctrl-C once it follows the log: after its banner and
 *                            what it read first (MILLIS after the banner when nothing more comes)
 *   stdin TEXT ARGS...       run it with TEXT on its stdin (the shell); | is a newline, ~ a space
 *   maintail ARGS...         run it, recording only the exit status and whether the main log has
 *                            "supervisord started with pid" (the logs' words differ in timing)
 *   await NAME STATE         wait (not recorded) until NAME is in STATE
 *   touch FILE               create FILE in the daemon's directory (not recorded)
 *   awaitUp                  wait until the daemon answers again (after reload)
 *   awaitExit                wait until the daemon has exited
 *   config VARIANT           replace the config file with a variant
 *   sleep MILLIS
 * </pre>
 * {@code %NAME%} in a line is replaced by the target's environment value NAME (a port).
 */
final class Scenario {
    private static final Pattern AUTO = Pattern.compile("---supervisor-[A-Za-z0-9_]{8}\\.log");
    private static final Pattern PID = Pattern.compile("pid \\d+");
    private static final Pattern PORT = Pattern.compile("127\\.0\\.0\\.1:\\d+");
    private static final Pattern UPTIME = Pattern.compile("uptime (\\d+ days?, )?\\d+:\\d\\d:\\d\\d");
    private static final Pattern STOPTIME = Pattern.compile("[A-Z][a-z]{2} \\d\\d \\d\\d:\\d\\d [AP]M");
    private static final Pattern NUMBER_LINE = Pattern.compile("(?m)^\\d+$");
    private static final Pattern PY_WHERE = Pattern.compile(": file: \\S+ line: \\d+$", Pattern.MULTILINE);

    private final String script;
    private final Map<String, String> variants;

    Scenario(String script, Map<String, String> variants) {
        this.script = script;
        this.variants = variants;
    }

    /** The daemon side of a run. */
    interface Target {
        Path config();

        Path dir();

        Map<String, String> env();

        void awaitState(String name, String state) throws Exception;

        void awaitUp() throws Exception;

        void awaitExit() throws Exception;
    }

    String run(Target t, CtlClient client) throws Exception {
        StringBuilder transcript = new StringBuilder();
        Map<String, String> env = new LinkedHashMap<>(System.getenv());
        env.putAll(t.env());
        for (String raw : script.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] w = line.split("\\s+");
            for (int k = 0; k < w.length; k++) {
                w[k] = expand(w[k], t.env());
            }
            switch (w[0]) {
                case "await" -> t.awaitState(w[1], w[2]);
                case "awaitUp" -> t.awaitUp();
                case "awaitExit" -> t.awaitExit();
                case "sleep" -> Thread.sleep(Long.parseLong(w[1]));
                case "touch" -> Files.writeString(t.dir().resolve(w[1]), "");
                case "config" -> Files.writeString(t.config(), variants.get(w[1]));
                case "ctl", "ctl!", "maintail" -> {
                    List<String> args = List.of(w).subList(1, w.length);
                    CtlClient.Result r = client.run(t.config(), env, args, null, null);
                    transcript.append("$ ").append(line).append('\n');
                    if (w[0].equals("maintail")) {
                        transcript.append(mainLogShape(r.stdout())).append('\n');
                        transcript.append("[exit ").append(r.exit()).append("]\n");
                    } else {
                        transcript.append(record(r, w[0].equals("ctl!"), t.dir()));
                    }
                }
                case "tailf" -> {
                    List<String> args = List.of(w).subList(2, w.length);
                    CtlClient.Result r = client.run(t.config(), env, args, null, Duration.ofMillis(Long.parseLong(w[1])));
                    transcript.append("$ ").append(line).append('\n').append(record(r, false, t.dir()));
                }
                case "stdin" -> {
                    String input = w[1].replace('|', '\n').replace('~', ' ');
                    List<String> args = List.of(w).subList(2, w.length);
                    CtlClient.Result r = client.run(t.config(), env, args, input, null);
                    transcript.append("$ ").append(line).append('\n').append(record(r, false, t.dir()));
                }
                default -> throw new IllegalArgumentException("bad scenario line: " + line);
            }
        }
        return transcript.toString();
    }

    private static final Pattern LOG_LINE = Pattern.compile(
            "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d{3} (CRIT|ERRO|WARN|INFO|DEBG|TRAC|BLAT) .*");

    /** What a main log tail looks like, not what it says (the words differ in timing between daemons). */
    private static String mainLogShape(String out) {
        String[] lines = out.split("\n", -1);
        if (lines.length < 3 || !out.endsWith("\n\n")) {
            return "<not a main log tail>";
        }
        // the first line may be cut by the byte count; the output ends with the extra newline
        for (int i = 1; i < lines.length - 2; i++) {
            if (!LOG_LINE.matcher(lines[i]).matches()) {
                return "<not a main log tail: " + lines[i] + ">";
            }
        }
        return "<main log lines in supervisord's format>";
    }

    private static String record(CtlClient.Result r, boolean sorted, Path dir) {
        String out = normalize(r.stdout(), dir);
        if (sorted) {
            String[] lines = out.split("\n", -1);
            String[] body = Arrays.copyOf(lines, lines.length - 1);
            Arrays.sort(body);
            out = String.join("\n", body) + "\n" + lines[lines.length - 1];
        }
        StringBuilder sb = new StringBuilder(out);
        if (!out.isEmpty() && !out.endsWith("\n")) {
            sb.append("<no newline>\n");
        }
        for (String l : normalize(r.stderr(), dir).split("\n")) {
            if (!l.isEmpty()) {
                sb.append("[stderr] ").append(l).append('\n');
            }
        }
        sb.append("[exit ").append(r.exit()).append("]\n");
        return sb.toString();
    }

    /** {@code %NAME%} in a scenario line is the target's env value NAME. */
    private static String expand(String word, Map<String, String> env) {
        String out = word;
        for (Map.Entry<String, String> e : env.entrySet()) {
            out = out.replace("%" + e.getKey() + "%", e.getValue());
        }
        return out;
    }

    static String normalize(String s, Path dir) {
        String n = s.replace(dir.toString(), "$DIR");
        n = PORT.matcher(n).replaceAll("127.0.0.1:PORT");
        n = AUTO.matcher(n).replaceAll("---supervisor-AUTO.log");
        n = PID.matcher(n).replaceAll("pid N");
        n = UPTIME.matcher(n).replaceAll("uptime U");
        n = STOPTIME.matcher(n).replaceAll("DATE");
        n = NUMBER_LINE.matcher(n).replaceAll("N");
        n = PY_WHERE.matcher(n).replaceAll("");
        n = n.replace("For help, use /usr/bin/supervisorctl -h", "For help, use CTL -h")
                .replace("For help, use kupervisor ctl -h", "For help, use CTL -h");
        return sortResultRuns(n);
    }

    private static final java.util.regex.Pattern RESULT = java.util.regex.Pattern.compile("\\S+: (stopped|started)");

    /**
     * A group or all stop/start lists its results in the order the processes finished, which
     * even supervisord changes from run to run (its 50 ms polling sees two fast stops in either
     * order): each run of consecutive result lines is compared as a set.
     */
    static String sortResultRuns(String text) {
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        for (int i = 0; i < lines.size(); ) {
            int j = i;
            while (j < lines.size() && RESULT.matcher(lines.get(j)).matches()) {
                j++;
            }
            if (j - i > 1) {
                List<String> run = new ArrayList<>(lines.subList(i, j));
                run.sort(null);
                for (int k = i; k < j; k++) {
                    lines.set(k, run.get(k - i));
                }
            }
            i = Math.max(j, i + 1);
        }
        return String.join("\n", lines);
    }

    /** Line-by-line differences, for a readable failure. */
    static String diff(String expected, String actual) {
        List<String> a = List.of(expected.split("\n"));
        List<String> b = List.of(actual.split("\n"));
        List<String> out = new ArrayList<>();
        int n = Math.max(a.size(), b.size());
        int shown = 0;
        for (int i = 0; i < n && shown < 40; i++) {
            String x = i < a.size() ? a.get(i) : "<none>";
            String y = i < b.size() ? b.get(i) : "<none>";
            if (!x.equals(y)) {
                out.add("line " + (i + 1) + ":\n  expected: " + x + "\n  actual:   " + y);
                shown++;
            }
        }
        return String.join("\n", out);
    }
}

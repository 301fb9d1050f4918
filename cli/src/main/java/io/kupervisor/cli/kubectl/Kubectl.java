package io.kupervisor.cli.kubectl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The plugin talks to the cluster through kubectl itself, so it honours exactly the kubeconfig,
 * context, namespace and credentials kubectl uses (kubectl runs plugins with its environment).
 */
final class Kubectl {
    record Result(int exit, String out, String err) {
    }

    private final String binary;
    private final List<String> globalArgs;

    Kubectl(String binary, List<String> globalArgs) {
        this.binary = binary;
        this.globalArgs = List.copyOf(globalArgs);
    }

    static String find() {
        String fromEnv = System.getenv("KUBECTL");
        return fromEnv != null && !fromEnv.isBlank() ? fromEnv : "kubectl";
    }

    Result run(List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(binary);
        cmd.addAll(globalArgs);
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).start();
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("kubectl did not answer within 120 s: " + String.join(" ", cmd));
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    /**
     * What kubectl said, as one line: its last line that is not a klog line ({@code E1207 17:00:00.1 ...
     * memcache.go:265] ...}), which is the sentence kubectl means for a person.
     */
    static String lastWords(String stderr) {
        List<String> lines = stderr.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (!lines.get(i).matches("[IWEF]\\d{4} .*")) {
                return lines.get(i);
            }
        }
        return lines.isEmpty() ? "error: kubectl failed without a message" : lines.getLast();
    }

    /** Whether kubectl's failure is that no API server answered (supervisorctl's unreachable server). */
    static boolean unreachable(String stderr) {
        return stderr.contains("The connection to the server") || stderr.contains("Unable to connect to the server")
                || stderr.contains("connection refused") || stderr.contains("no such host")
                || stderr.contains("i/o timeout") || stderr.contains("no configuration has been provided");
    }

    /** Streams kubectl's output to ours (tail -f). */
    int inherit(List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(binary);
        cmd.addAll(globalArgs);
        cmd.addAll(args);
        return new ProcessBuilder(cmd).inheritIO().start().waitFor();
    }
}

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

    /** Streams kubectl's output to ours (tail -f). */
    int inherit(List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(binary);
        cmd.addAll(globalArgs);
        cmd.addAll(args);
        return new ProcessBuilder(cmd).inheritIO().start().waitFor();
    }
}

package io.kupervisor.e2e;

import io.kupervisor.cli.Main;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One run of {@code kubectl supervisorctl} (the cli's plugin, in this JVM) against a cluster: its
 * exit status and what it printed. Runs one at a time: the plugin prints to {@link System#out}.
 */
record PluginRun(int exit, String out) {

    static synchronized PluginRun run(Path kubectl, Path kubeconfig, String ns, int timeoutSeconds, String... args) {
        List<String> all = new ArrayList<>(List.of("kubectl-supervisorctl", "--kubectl", kubectl.toString(),
                "--kubeconfig", kubeconfig.toString(), "-n", ns, "--timeout", Integer.toString(timeoutSeconds)));
        all.addAll(List.of(args));
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            int exit = Main.run(all.toArray(String[]::new));
            return new PluginRun(exit, out.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(old);
        }
    }
}

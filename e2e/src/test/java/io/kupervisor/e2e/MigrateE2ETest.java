package io.kupervisor.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.kupervisor.cli.Main;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code kupervisor migrate} writes is what the real API server accepts: the timeit example
 * and every corpus configuration supervisord accepts, in both modes, go through
 * {@code kubectl apply --dry-run=server} (full validation and admission, nothing stored) with the
 * CRD installed.
 */
@ExtendWith(E2eCluster.Extension.class)
class MigrateE2ETest {
    private static final String NS = "e2e-migrate";
    private static final Path CASES = E2eCluster.ROOT.resolve("core/src/test/resources/conformance/cases");

    @TempDir
    static Path dir;

    private static E2eCluster cluster;

    @BeforeAll
    static void namespace(E2eCluster c) {
        cluster = c;
        cluster.namespace(NS);
    }

    @TestFactory
    Stream<DynamicTest> migrateOutputPassesServerSideDryRun() throws IOException {
        List<Path> configs = new ArrayList<>();
        configs.add(E2eCluster.ROOT.resolve("examples/timeit/supervisord.conf"));
        try (Stream<Path> s = Files.list(CASES)) {
            for (Path c : s.filter(p -> p.getFileName().toString().startsWith("corpus-")).sorted().toList()) {
                // the ones supervisord itself refuses are migrate's refusals, tested in the cli module
                if (!Files.readString(c.resolve("expected.json")).contains("\"error\"")) {
                    configs.add(c.resolve("supervisord.conf"));
                }
            }
        }
        assertThat(configs).hasSizeGreaterThanOrEqualTo(14);
        return configs.stream().flatMap(conf -> Stream.of("operator", "in-pod").map(mode -> DynamicTest.dynamicTest(
                conf.getParent().getFileName() + " " + mode, () -> migrateAndDryRun(conf, mode))));
    }

    private static void migrateAndDryRun(Path conf, String mode) throws IOException {
        Path out = dir.resolve(conf.getParent().getFileName() + "-" + mode);
        List<String> args = new ArrayList<>(List.of("migrate", "-c", conf.toString(), "--mode", mode,
                "--image", "registry.example/app:1", "--namespace", NS, "-o", out.toString()));
        args.addAll(envArgs(conf.getParent()));
        Migrated m = migrate(args.toArray(String[]::new));
        assertThat(m.exit()).as(m.err()).isZero();

        List<Path> files;
        try (Stream<Path> s = Files.list(out)) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        if (files.isEmpty()) {
            // a main config whose programs are all in includes absent here, or with none at all
            assertThat(mode).isEqualTo("operator");
            assertThat(m.out()).contains("migration (operator): 0 mapped");
            return;
        }
        var dryRun = cluster.kubectl("apply", "--dry-run=server", "-f", out.toString());
        assertThat(dryRun.exitCode()).as("kubectl apply --dry-run=server -f %s:\n%s%s", out, dryRun.stdout(),
                dryRun.stderr()).isZero();
        List<String> lines = dryRun.stdout().lines().toList();
        assertThat(lines).isNotEmpty().allMatch(l -> l.endsWith(" created (server dry run)"));
        if (mode.equals("operator")) {
            assertThat(lines).allMatch(l -> l.startsWith("supervisedprogram.kupervisor.io/")).hasSize(files.size());
        } else {
            // the supervisor's ConfigMap and Deployment, a Secret where migrate moved files that
            // hold credentials out of the ConfigMap, a Service where the config serves a port
            assertThat(lines).anyMatch(l -> l.startsWith("configmap/")).anyMatch(l -> l.startsWith("deployment.apps/"));
            assertThat(lines.stream().filter(l -> l.startsWith("secret/"))).hasSize(Files.exists(out.resolve("secret.yaml")) ? 1 : 0);
            assertThat(lines.stream().filter(l -> l.startsWith("service/"))).hasSize(Files.exists(out.resolve("service.yaml")) ? 1 : 0);
            assertThat(lines).hasSize(files.size());
        }
        // a dry run stores nothing
        var get = cluster.kubectl("get", "sprog,configmaps,deployments", "-n", NS, "-o", "name");
        assertThat(get.stdout().lines()).allMatch(l -> l.equals("configmap/kube-root-ca.crt"));
    }

    /** {@code env.KEY=VALUE} lines of a case's case.properties: what the old host had for %(ENV_KEY)s. */
    private static List<String> envArgs(Path caseDir) throws IOException {
        Path props = caseDir.resolve("case.properties");
        List<String> args = new ArrayList<>();
        if (Files.exists(props)) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(props)) {
                p.load(r);
            }
            for (String k : p.stringPropertyNames().stream().sorted().toList()) {
                if (k.startsWith("env.")) {
                    args.addAll(List.of("--env", k.substring(4) + "=" + p.getProperty(k)));
                }
            }
        }
        return args;
    }

    record Migrated(int exit, String out, String err) {
    }

    /** {@code kupervisor migrate} in this JVM, with its output captured. */
    private static Migrated migrate(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int exit = Main.run(args);
            return new Migrated(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}

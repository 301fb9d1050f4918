package io.kupervisor.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.VersionInfo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The binaries of tools/k8s-testbin work: kube-api-test starts them offline, the fabric8 client and
 * the real kubectl talk to the server, and nothing listens beyond 127.0.0.1.
 */
class KubeApiServerSmokeTest {

    private static TestApiServer api;
    private static KubernetesClient client;

    @BeforeAll
    static void start() {
        api = TestApiServer.start();
        client = api.client();
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (api != null) {
            api.close();
        }
    }

    @Test
    void theServerReportsTheVersionItWasBuiltAs() {
        VersionInfo version = client.getKubernetesVersion();

        String[] xyz = api.version().split("\\.");
        assertThat(version.getGitVersion()).isEqualTo("v" + api.version());
        assertThat(version.getMajor()).isEqualTo(xyz[0]);
        assertThat(version.getMinor()).isEqualTo(xyz[1]);
        assertThat(version.getGitTreeState()).isEqualTo("clean");
        assertThat(version.getGitCommit()).matches("[0-9a-f]{40}");
        assertThat(version.getPlatform()).isEqualTo("linux/amd64");
    }

    @Test
    void theClientListsTheSystemNamespaces() {
        List<String> names = client.namespaces().list().getItems().stream()
                .map(HasMetadata::getMetadata).map(m -> m.getName()).toList();

        assertThat(names).contains("default", "kube-system", "kube-public", "kube-node-lease");
    }

    @Test
    void kubectlGetNamespacesShowsWhatTheClientCreated() {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("smoke")
                .addToLabels("kupervisor.io/test", "smoke").endMetadata().build()).create();

        var result = api.kubectl("get", "namespaces").requireSuccess();

        List<String> lines = result.stdout().lines().toList();
        assertThat(lines.getFirst()).matches("NAME\\s+STATUS\\s+AGE");
        assertThat(lines).anyMatch(l -> l.matches("default\\s+Active\\s+\\S+"));
        assertThat(lines).anyMatch(l -> l.matches("kube-system\\s+Active\\s+\\S+"));
        assertThat(lines).anyMatch(l -> l.matches("smoke\\s+Active\\s+\\S+"));
        assertThat(result.stderr()).isEmpty();

        var labelled = api.kubectl("get", "namespaces", "-l", "kupervisor.io/test=smoke", "-o", "name")
                .requireSuccess();
        assertThat(labelled.stdout()).isEqualTo("namespace/smoke\n");
    }

    @Test
    void kubectlAndServerAreTheSameRelease() throws IOException {
        var result = api.kubectl("version", "-o", "json").requireSuccess();

        JsonNode json = new ObjectMapper().readTree(result.stdout());
        assertThat(json.path("clientVersion").path("gitVersion").asText()).isEqualTo("v" + api.version());
        assertThat(json.path("serverVersion").path("gitVersion").asText()).isEqualTo("v" + api.version());
    }

    @Test
    void etcdAndTheServerListenOnAndAdvertiseLoopbackOnly() throws IOException {
        String dir = api.binaries().toString();
        String realDir = api.binaries().toRealPath().toString();
        List<ProcessHandle> ours = ProcessHandle.current().children()
                .filter(p -> p.info().command().map(c -> c.startsWith(dir) || c.startsWith(realDir)).orElse(false))
                .toList();
        // this class's server (others may run in this JVM, as the e2e tests' shared one): the
        // kube-apiserver writing certificates into its directory, and the etcd it talks to
        ProcessHandle apiServer = ours.stream()
                .filter(p -> p.info().command().orElseThrow().endsWith("/kube-apiserver"))
                .filter(p -> argument(p, "--cert-dir").equals(api.workDir().toString()))
                .findFirst().orElseThrow();
        String etcdUrl = argument(apiServer, "--etcd-servers");
        List<ProcessHandle> servers = ours.stream()
                .filter(p -> p.equals(apiServer) || List.of(p.info().arguments().orElse(new String[0])).contains(etcdUrl))
                .toList();
        assertThat(servers).extracting(p -> Path.of(p.info().command().orElseThrow()).getFileName().toString())
                .containsExactlyInAnyOrder("etcd", "kube-apiserver");

        for (ProcessHandle server : servers) {
            List<String> listening = listeningAddresses(server.pid());
            assertThat(listening).as("%s listens on", server.info().command().orElseThrow())
                    .isNotEmpty()
                    .allMatch(a -> a.startsWith("127.0.0.1:"));
            if (server.info().command().orElseThrow().endsWith("/kube-apiserver")) {
                // the address it would write into default/kubernetes' Endpoints (which the server
                // itself then refuses: an endpoint may not be loopback, so that object stays absent)
                List<String> args = List.of(server.info().arguments().orElseThrow());
                assertThat(args.get(args.indexOf("--advertise-address") + 1)).isEqualTo("127.0.0.1");
                assertThat(args.get(args.indexOf("--bind-address") + 1)).isEqualTo("127.0.0.1");
            }
        }
    }

    private static String argument(ProcessHandle p, String flag) {
        List<String> args = List.of(p.info().arguments().orElseThrow());
        return args.get(args.indexOf(flag) + 1);
    }

    /** The local addresses (ip:port) of the TCP sockets in LISTEN state that a process holds. */
    private static List<String> listeningAddresses(long pid) throws IOException {
        Set<String> inodes = new HashSet<>();
        Pattern socket = Pattern.compile("socket:\\[(\\d+)]");
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    Matcher m = socket.matcher(Files.readSymbolicLink(fd).toString());
                    if (m.matches()) {
                        inodes.add(m.group(1));
                    }
                } catch (IOException gone) {
                    // closed meanwhile
                }
            }
        }
        List<String> addresses = new ArrayList<>();
        for (String table : List.of("tcp", "tcp6")) {
            List<String> lines = Files.readAllLines(Path.of("/proc", Long.toString(pid), "net", table));
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                // sl local_address rem_address st ... inode (field 9); 0A is LISTEN
                if (f[3].equals("0A") && inodes.contains(f[9])) {
                    addresses.add(decode(f[1]));
                }
            }
        }
        return addresses;
    }

    /** "0100007F:1F90" to "127.0.0.1:8080"; IPv6 in its 32 hex digits, prefixed "[v6]". */
    private static String decode(String hexAddress) {
        String[] hostPort = hexAddress.split(":");
        int port = Integer.parseInt(hostPort[1], 16);
        String host = hostPort[0];
        if (host.length() == 8) {
            long v = Long.parseLong(host, 16);
            return (v & 0xff) + "." + (v >> 8 & 0xff) + "." + (v >> 16 & 0xff) + "." + (v >> 24 & 0xff) + ":" + port;
        }
        return "[v6 " + host + "]:" + port;
    }
}

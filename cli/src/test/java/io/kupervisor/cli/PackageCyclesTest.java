package io.kupervisor.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No package of the main sources of any module depends, through others, on itself: dependencies
 * go one way (core <- api <- operator; core <- supervisord <- cli, and within a module too). A
 * package depends on another when its code names a type of it, by import or fully qualified;
 * comments and strings do not count. Sources are read from the checkout, so every module is
 * checked whatever the build order.
 */
class PackageCyclesTest {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final List<String> MODULES = List.of("core", "api", "supervisord", "operator", "cli");
    private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);
    private static final Pattern REFERENCE = Pattern.compile("\\bio\\.kupervisor(?:\\.[a-z]\\w*)+(?=\\.[A-Z*])");

    @Test
    void thePackageGraphOfTheMainSourcesHasNoCycle() throws IOException {
        Map<String, Set<String>> graph = graph();
        assertThat(graph).containsKeys("io.kupervisor.core.state", "io.kupervisor.supervisord.control",
                "io.kupervisor.operator.reconciler", "io.kupervisor.cli");
        assertThat(cycles(graph)).as("package cycles").isEmpty();
    }

    /**
     * Only the daemon's loop touches process state, by construction: what serves the outside
     * (servers, XML-RPC, the web page, health) reaches the daemon through its control interface
     * alone, never the engine or a process.
     */
    @Test
    void theDaemonsFrontsReachItThroughItsControlInterfaceOnly() throws IOException {
        Map<String, Set<String>> graph = graph();
        String daemon = "io.kupervisor.supervisord";
        for (String front : List.of("control", "http", "rpc", "web", "server")) {
            assertThat(graph.get(daemon + "." + front)).as(front)
                    .doesNotContain(daemon, daemon + ".process", daemon + ".posix", daemon + ".io");
        }
    }

    @Test
    void theCheckFindsACycle() {
        Map<String, Set<String>> graph = new TreeMap<>();
        graph.put("a", new TreeSet<>(Set.of("b")));
        graph.put("b", new TreeSet<>(Set.of("c")));
        graph.put("c", new TreeSet<>(Set.of("a", "d")));
        graph.put("d", new TreeSet<>());
        assertThat(cycles(graph)).containsExactly(List.of("a", "b", "c"));
    }

    @Test
    void commentsAndStringsAreNotDependencies() {
        String code = strip("""
                import io.kupervisor.x.A; // io.kupervisor.y.B
                /** {@link io.kupervisor.z.C} */
                String s = "io.kupervisor.w.D";
                io.kupervisor.v.E e;
                """);
        List<String> found = new ArrayList<>();
        Matcher m = REFERENCE.matcher(code);
        while (m.find()) {
            found.add(m.group());
        }
        assertThat(found).containsExactly("io.kupervisor.x", "io.kupervisor.v");
    }

    static Map<String, Set<String>> graph() throws IOException {
        Map<String, Set<String>> graph = new TreeMap<>();
        for (String module : MODULES) {
            Path sources = ROOT.resolve(module).resolve("src/main/java");
            try (Stream<Path> files = Files.walk(sources)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    String src = Files.readString(f);
                    Matcher pm = PACKAGE.matcher(src);
                    if (!pm.find()) {
                        continue;
                    }
                    String pkg = pm.group(1);
                    Set<String> deps = graph.computeIfAbsent(pkg, k -> new TreeSet<>());
                    Matcher m = REFERENCE.matcher(strip(src));
                    while (m.find()) {
                        if (!m.group().equals(pkg)) {
                            deps.add(m.group());
                        }
                    }
                }
            }
        }
        return graph;
    }

    /** Comments and string literals blanked out. */
    static String strip(String src) {
        return src.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\\n]*", "")
                .replaceAll("\"(\\\\.|[^\"\\\\\\n])*\"", "\"\"");
    }

    /** The strongly connected components of more than one package (Tarjan), each sorted. */
    static List<List<String>> cycles(Map<String, Set<String>> graph) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<List<String>> found = new ArrayList<>();
        int[] counter = {0};
        for (String v : graph.keySet()) {
            if (!index.containsKey(v)) {
                connect(v, graph, index, low, stack, onStack, found, counter);
            }
        }
        return found;
    }

    private static void connect(String v, Map<String, Set<String>> graph, Map<String, Integer> index,
                                Map<String, Integer> low, Deque<String> stack, Set<String> onStack,
                                List<List<String>> found, int[] counter) {
        index.put(v, counter[0]);
        low.put(v, counter[0]);
        counter[0]++;
        stack.push(v);
        onStack.add(v);
        for (String w : graph.getOrDefault(v, Set.of())) {
            if (!index.containsKey(w)) {
                connect(w, graph, index, low, stack, onStack, found, counter);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            List<String> component = new ArrayList<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                component.add(w);
            } while (!w.equals(v));
            if (component.size() > 1) {
                component.sort(null);
                found.add(component);
            }
        }
    }
}

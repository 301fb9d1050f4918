package io.kupervisor.api.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.extensions.CelExtensions;
import io.kupervisor.api.resolve.ProgramResolver;
import io.kupervisor.api.resolve.ResolvedProcess;
import io.kupervisor.api.resolve.SpecException;
import io.kupervisor.api.v1alpha1.SupervisedProgram;
import io.kupervisor.api.v1alpha1.SupervisedProgramSpec;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The CRD's {@code x-kubernetes-validations} rules, evaluated with CEL (Google's cel-java) as the
 * API server evaluates them: they refuse what supervisord refuses and accept what it accepts, and
 * the refusal says why.
 */
class CelRulesTest {
    private static JsonNode root;
    private static JsonNode spec;
    // the API server's environment: standard macros and functions, and cel-go's string extensions
    private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS).addLibraries(CelExtensions.strings())
            .addVar("self", SimpleType.DYN).build();
    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder()
            .addLibraries(CelExtensions.strings()).build();

    record Rule(String rule, String message) {
    }

    @BeforeAll
    static void load() throws Exception {
        String yaml = CrdFiles.generate(Path.of("target", "crd-cel"));
        JsonNode crd = new ObjectMapper(new YAMLFactory()).readTree(yaml);
        root = crd.at("/spec/versions/0/schema/openAPIV3Schema");
        spec = root.at("/properties/spec");
        assertThat(spec.isMissingNode()).isFalse();
    }

    private static List<Rule> rules(String property) {
        JsonNode node = property == null ? spec : property.equals("/") ? root : spec.at("/properties/" + property);
        List<Rule> rules = new ArrayList<>();
        node.path("x-kubernetes-validations").forEach(r -> rules.add(new Rule(r.get("rule").asText(),
                r.get("message").asText())));
        assertThat(rules).as("rules of %s", property).isNotEmpty();
        return rules;
    }

    /** The messages of the rules that refuse {@code self}; empty when every rule accepts it. */
    private static List<String> refusals(String property, Object self) {
        List<String> out = new ArrayList<>();
        for (Rule r : rules(property)) {
            try {
                Object result = RUNTIME.createProgram(COMPILER.compile(r.rule()).getAst()).eval(Map.of("self", self));
                if (!Boolean.TRUE.equals(result)) {
                    out.add(r.message());
                }
            } catch (Exception e) {
                throw new AssertionError("rule does not evaluate: " + r.rule(), e);
            }
        }
        return out;
    }

    @Test
    void autorestart() {
        assertThat(refusals("autorestart", "unexpected")).isEmpty();
        assertThat(refusals("autorestart", "true")).isEmpty();
        assertThat(refusals("autorestart", "maybe")).containsExactly(
                "autorestart must be one of \"true\", \"false\", \"unexpected\" (quote true and false in YAML)");
    }

    @Test
    void exitCodes() {
        assertThat(refusals("exitcodes", List.of(0L, 2L))).isEmpty();
        assertThat(refusals("exitcodes", List.of(0L, 256L))).containsExactly("exit codes must be between 0 and 255");
        assertThat(refusals("exitcodes", List.of(-1L))).hasSize(1);
    }

    @Test
    void stopSignals() {
        for (String ok : List.of("TERM", "QUIT", "sigint", "SIGKILL", "usr2", "15", "34", "64")) {
            assertThat(refusals("stopsignal", ok)).as(ok).isEmpty();
        }
        for (String bad : List.of("FOO", "SIGFOO", "99", "32", "TERM9")) {
            assertThat(refusals("stopsignal", bad)).as(bad).singleElement().asString()
                    .startsWith("stopsignal must be a signal name such as TERM");
        }
    }

    @Test
    void processNames() {
        assertThat(refusals("processName", "%(program_name)s_%(process_num)02d")).isEmpty();
        assertThat(refusals("processName", "a:b")).containsExactly(
                "processName must not contain a space, ':' or '/' (supervisord: Invalid name)");
    }

    @Test
    void umaskAndLogFiles() {
        assertThat(refusals("umask", "022")).isEmpty();
        assertThat(refusals("umask", "089")).containsExactly("umask must be an octal number such as 022");
        assertThat(refusals("logFiles", List.of("/var/log/a.log"))).isEmpty();
        assertThat(refusals("logFiles", List.of("logs/a.log"))).containsExactly("logFiles must be absolute paths");
    }

    @Test
    void numprocsNeedsProcessNumInTheName() {
        Map<String, Object> one = new LinkedHashMap<>(Map.of("numprocs", 1L, "processName", "%(program_name)s"));
        assertThat(refusals(null, one)).isEmpty();
        Map<String, Object> three = new LinkedHashMap<>(Map.of("numprocs", 3L, "processName", "%(program_name)s"));
        assertThat(refusals(null, three)).containsExactly(
                "processName must contain %(process_num) when numprocs > 1 (supervisord: %(process_num) must be "
                        + "present within process_name when numprocs > 1)");
        three.put("processName", "w_%(process_num)02d");
        assertThat(refusals(null, three)).isEmpty();
    }

    @Test
    void stopasgroupImpliesKillasgroup() {
        assertThat(refusals(null, Map.of("stopasgroup", true, "killasgroup", false)))
                .containsExactly("Cannot set stopasgroup=true and killasgroup=false");
        assertThat(refusals(null, Map.of("stopasgroup", true))).isEmpty();
        assertThat(refusals(null, Map.of("stopasgroup", false, "killasgroup", true))).isEmpty();
    }

    // ---- spec.stoppedProcesses, checked at the root (the program name defaults to metadata.name) ----

    private static final String STOPPED_MESSAGE = "stoppedProcesses must name processes of this program: processName "
            + "expanded for each process_num from numprocsStart to numprocsStart+numprocs-1";

    /** The root object as the API server hands it to CEL, after defaulting. */
    private static Map<String, Object> object(String name, SupervisedProgramSpec s) {
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("processName", s.processName);
        spec.put("numprocs", (long) s.numprocs);
        spec.put("numprocsStart", (long) s.numprocsStart);
        if (s.programName != null) {
            spec.put("programName", s.programName);
        }
        if (s.group != null) {
            spec.put("group", s.group);
        }
        if (s.stoppedProcesses != null) {
            spec.put("stoppedProcesses", s.stoppedProcesses);
        }
        return Map.of("metadata", Map.of("name", name), "spec", spec);
    }

    private static SupervisedProgramSpec program(String processName, int numprocs, int start, String... stopped) {
        SupervisedProgramSpec s = new SupervisedProgramSpec();
        s.image = "busybox";
        s.command = "sleep 1";
        s.processName = processName;
        s.numprocs = numprocs;
        s.numprocsStart = start;
        s.stoppedProcesses = List.of(stopped);
        return s;
    }

    private static boolean ruleAccepts(String name, SupervisedProgramSpec s) {
        List<String> refused = refusals("/", object(name, s));
        refused.forEach(m -> assertThat(m).isEqualTo(STOPPED_MESSAGE));
        return refused.isEmpty();
    }

    /** What the operator accepts: the names its resolver gives the processes. */
    private static boolean resolverAccepts(String name, SupervisedProgramSpec s) {
        try {
            List<String> names = ProgramResolver.resolve(new SupervisedProgram("ns", name, s)).processes().stream()
                    .map(ResolvedProcess::name).toList();
            assertThat(names).containsAll(s.stoppedProcesses);
            return true;
        } catch (SpecException e) {
            assertThat(e.problems()).singleElement().asString().startsWith("spec.stoppedProcesses");
            return false;
        } catch (AssertionError e) {
            throw new AssertionError("the resolver accepted names it does not have: " + s.stoppedProcesses, e);
        }
    }

    @Test
    void stoppedProcessesNamesTheProgramsOwnProcesses() {
        assertThat(ruleAccepts("worker", program("%(program_name)s_%(process_num)02d", 4, 0, "worker_01", "worker_03")))
                .isTrue();
        assertThat(ruleAccepts("worker", program("%(program_name)s_%(process_num)02d", 4, 0, "worker_04"))).isFalse();
        assertThat(ruleAccepts("worker", program("%(program_name)s_%(process_num)02d", 4, 0, "worker_1"))).isFalse();
        assertThat(ruleAccepts("web", program("%(program_name)s", 1, 0, "web"))).isTrue();
        assertThat(ruleAccepts("web", program("%(program_name)s", 1, 0, "web", "api"))).isFalse();
        assertThat(ruleAccepts("web", program("%(program_name)s", 1, 0))).isTrue();
        SupervisedProgramSpec named = program("%(program_name)s-%(process_num)d", 2, 0, "my_app-1");
        named.programName = "my_app";
        assertThat(ruleAccepts("my-app", named)).isTrue();
        named.stoppedProcesses = List.of("my-app-1");
        assertThat(ruleAccepts("my-app", named)).isFalse();
        SupervisedProgramSpec none = program("%(program_name)s", 1, 0);
        none.stoppedProcesses = null;
        assertThat(ruleAccepts("web", none)).isTrue();
    }

    /**
     * The rule and the operator's resolver agree on every name of every template the rule can
     * expand; a template it cannot expand is left to the operator.
     */
    @Test
    void stoppedProcessesRuleAgreesWithTheResolver() {
        List<String> templates = List.of("%(program_name)s_%(process_num)02d", "%(program_name)s_%(process_num)d",
                "%(group_name)s-%(process_num)03d-x", "w%(process_num)s", "%(process_num)d", "%(program_name)s",
                "fixed", "%(program_name)s_%(process_num)d_of_%(numprocs)d");
        List<String> candidates = List.of("p_0", "p_00", "p_1", "p_01", "p_5", "p_05", "p_9", "p_09", "p_10", "p_11",
                "p_12", "p_010", "g-007-x", "g-7-x", "g-012-x", "g-013-x", "w7", "w07", "w12", "7", "12", "007",
                "p", "fixed", "p_7_of_6", "p_12_of_6", "p_7_of_7", "p_", "p_-1", "p_ 7", "x");
        int agreed = 0;
        int refused = 0;
        for (String template : templates) {
            for (int[] range : new int[][] {{1, 0}, {6, 7}, {12, 0}}) {
                if (range[0] > 1 && !template.contains("%(process_num)")) {
                    continue;
                }
                for (String candidate : candidates) {
                    SupervisedProgramSpec s = program(template, range[0], range[1], candidate);
                    s.group = "g";
                    boolean operator = resolverAccepts("p", s);
                    assertThat(ruleAccepts("p", s)).as("%s numprocs %d from %d: %s", template, range[0], range[1],
                            candidate).isEqualTo(operator);
                    agreed += operator ? 1 : 0;
                    refused += operator ? 0 : 1;
                }
            }
        }
        assertThat(agreed).as("names accepted by both").isGreaterThan(20);
        assertThat(refused).as("names refused by both").isGreaterThan(100);
    }

    @Test
    void stoppedProcessesOfTemplatesCelCannotExpandAreLeftToTheOperator() {
        // %(process_num)x formats in hex: the rule does not expand it, the resolver does
        SupervisedProgramSpec hex = program("w%(process_num)x", 16, 0, "wf", "w15");
        assertThat(ruleAccepts("p", hex)).isTrue();
        assertThat(resolverAccepts("p", hex)).isFalse();
        hex.stoppedProcesses = List.of("wf");
        assertThat(resolverAccepts("p", hex)).isTrue();
    }
}

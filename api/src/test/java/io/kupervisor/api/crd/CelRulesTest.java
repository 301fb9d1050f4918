package io.kupervisor.api.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
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
    private static JsonNode spec;
    private static final CelCompiler COMPILER = CelCompilerFactory.standardCelCompilerBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS).addVar("self", SimpleType.DYN).build();
    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();

    record Rule(String rule, String message) {
    }

    @BeforeAll
    static void load() throws Exception {
        String yaml = CrdFiles.generate(Path.of("target", "crd-cel"));
        JsonNode crd = new ObjectMapper(new YAMLFactory()).readTree(yaml);
        spec = crd.at("/spec/versions/0/schema/openAPIV3Schema/properties/spec");
        assertThat(spec.isMissingNode()).isFalse();
    }

    private static List<Rule> rules(String property) {
        JsonNode node = property == null ? spec : spec.at("/properties/" + property);
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
}

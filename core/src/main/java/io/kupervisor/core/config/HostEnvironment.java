package io.kupervisor.core.config;

import io.kupervisor.core.config.dialect.PyPath;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What of the machine a parse sees: supervisord's environment (the {@code ENV_*} names), the host
 * name ({@code host_node_name}), the working directory relative paths resolve against, and whether
 * paths and users are checked against this machine ({@link HostChecks}).
 *
 * <p>Passing these in, instead of reading the JVM's own, lets {@code kupervisor migrate} read a
 * config for another host and lets tests parse exactly as the recorded supervisord run did.
 */
public record HostEnvironment(Map<String, String> env, String hostname, Path cwd, HostChecks checks) {

    public HostEnvironment {
        env = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(env));
        Objects.requireNonNull(hostname);
        cwd = cwd.toAbsolutePath().normalize();
        Objects.requireNonNull(checks);
    }

    /** This machine as supervisord would see it when started from here. */
    public static HostEnvironment current() {
        Path cwd = Path.of("").toAbsolutePath();
        return new HostEnvironment(pythonStartup(System.getenv()), localHostname(), cwd, HostChecks.strict(cwd));
    }

    /**
     * The environment as supervisord's Python has it once started: Python 3.11 coerces the C
     * locale (PEP 538), so with no {@code LC_ALL} and a C, POSIX or empty {@code LC_CTYPE}/{@code LANG}
     * it sets {@code LC_CTYPE=C.UTF-8} in its own environment, which {@code %(ENV_LC_CTYPE)s} and
     * every child then see (most containers start so). {@code PYTHONCOERCECLOCALE=0} turns it off.
     * A locale named but not installed also counts as C for Python; that case is not detected here.
     */
    public static Map<String, String> pythonStartup(Map<String, String> env) {
        if ("0".equals(env.get("PYTHONCOERCECLOCALE")) || !isEmpty(env.get("LC_ALL"))) {
            return env;
        }
        String ctype = !isEmpty(env.get("LC_CTYPE")) ? env.get("LC_CTYPE") : env.get("LANG");
        if (!isEmpty(ctype) && !ctype.equals("C") && !ctype.equals("POSIX")) {
            return env;
        }
        Map<String, String> coerced = new LinkedHashMap<>(env);
        coerced.put("LC_CTYPE", "C.UTF-8");
        return coerced;
    }

    private static boolean isEmpty(String s) {
        return s == null || s.isEmpty();
    }

    /** The same environment with host checks off, for a config written for another machine. */
    public HostEnvironment relaxed() {
        return new HostEnvironment(env, hostname, cwd, HostChecks.relaxed(cwd, home()));
    }

    public HostEnvironment withChecks(HostChecks newChecks) {
        return new HostEnvironment(env, hostname, cwd, newChecks);
    }

    /** {@code HOME} as Python's {@code expanduser} reads it. */
    public String home() {
        String home = env.get("HOME");
        return home != null ? home : System.getProperty("user.home");
    }

    /** Python's {@code tempfile.gettempdir()}: TMPDIR, TEMP or TMP if set, else /tmp. */
    public String tempDir() {
        for (String name : new String[] {"TMPDIR", "TEMP", "TMP"}) {
            String v = env.get(name);
            if (v != null && !v.isEmpty()) {
                return PyPath.normpath(PyPath.isAbs(v) ? v : cwd + "/" + v);
            }
        }
        return "/tmp";
    }

    private static String localHostname() {
        // platform.node() is the kernel's nodename; /proc has it without a native call
        try {
            return java.nio.file.Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (java.io.IOException | RuntimeException e) {
            String h = System.getenv("HOSTNAME");
            return h != null ? h : "localhost";
        }
    }
}

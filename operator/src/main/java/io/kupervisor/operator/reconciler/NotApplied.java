package io.kupervisor.operator.reconciler;

import io.kupervisor.api.v1alpha1.SupervisedProgramSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Keys of a program that a pod cannot apply as supervisord would. They are kept (the resource
 * still says what the INI said, and {@code migrate} round-trips) and listed in the status, so that
 * no key is accepted and silently ignored.
 */
final class NotApplied {
    private NotApplied() {
    }

    /** @param init whether the command runs under kupervisor-init (stopsignal, stopasgroup, umask, redirect_stderr) */
    static List<String> of(SupervisedProgramSpec spec, boolean init) {
        List<String> out = new ArrayList<>();
        if (!init) {
            String signal = spec.stopsignal == null ? "TERM" : spec.stopsignal.toUpperCase(Locale.ROOT);
            if (!signal.equals("TERM") && !signal.equals("SIGTERM") && !signal.equals("15")) {
                out.add("stopsignal: " + spec.stopsignal + " reaches the process only where the cluster honours "
                        + "lifecycle.stopSignal or the image has a shell for the preStop hook (operator stop-signal: init applies it everywhere)");
            }
            if (Boolean.TRUE.equals(spec.stopasgroup)) {
                out.add("stopasgroup: only the container's first process gets the stop signal (operator stop-signal: init applies it)");
            }
            if (spec.umask != null) {
                out.add("umask: Kubernetes has no umask setting (operator stop-signal: init applies it)");
            }
            if (Boolean.TRUE.equals(spec.redirectStderr)) {
                out.add("redirectStderr: stderr stays a stream of its own in the container log (operator stop-signal: init applies it)");
            }
        }
        if (Boolean.FALSE.equals(spec.killasgroup)) {
            out.add("killasgroup: false: SIGKILL at the end of stopwaitsecs ends every process of the container, children included");
        }
        if (spec.priority != null && spec.priority != 999) {
            out.add("priority: " + spec.priority + ": each SupervisedProgram starts on its own, with no order between programs");
        }
        logFile(out, "stdoutLogfile", spec.stdoutLogfile, "stdout");
        logFile(out, "stderrLogfile", spec.stderrLogfile, "stderr");
        for (var e : java.util.Map.of("stdoutLogfileMaxbytes", nullToEmpty(spec.stdoutLogfileMaxbytes),
                "stderrLogfileMaxbytes", nullToEmpty(spec.stderrLogfileMaxbytes),
                "stdoutLogfileBackups", spec.stdoutLogfileBackups == null ? "" : spec.stdoutLogfileBackups.toString(),
                "stderrLogfileBackups", spec.stderrLogfileBackups == null ? "" : spec.stderrLogfileBackups.toString())
                .entrySet().stream().sorted(java.util.Map.Entry.comparingByKey()).toList()) {
            if (!e.getValue().isEmpty()) {
                out.add(e.getKey() + ": " + e.getValue() + ": the kubelet rotates container logs (containerLogMaxSize, containerLogMaxFiles)");
            }
        }
        return out;
    }

    private static void logFile(List<String> out, String field, String value, String stream) {
        if (value == null || value.equalsIgnoreCase("AUTO") || value.equals("/dev/" + stream)
                || value.equals("/dev/fd/" + (stream.equals("stdout") ? 1 : 2))) {
            return;
        }
        out.add(field + ": " + value + ": the process's " + stream + " goes to the container log (kubectl logs); "
                + "list a file the program writes itself in logFiles");
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}

package io.kupervisor.core.config;

/**
 * The {@code [kupervisor]} section: what containers need and supervisord lacks. supervisord
 * ignores unknown sections, so one file serves both programs.
 *
 * @param healthHost    interface of the health endpoints ("" for all); null when there are none
 * @param healthPort    port of {@code /healthz} and {@code /readyz}; 0 when there are none
 * @param exitOnFatal   shut down (exit status 1) when any process enters FATAL
 * @param stdoutMirror  copy every program's output to the daemon's stdout, each line prefixed
 *                      with {@code [name]}, for {@code kubectl logs}
 * @param stableAutoLogs name AUTO logs {@code <name>-<channel>---<identifier>.log}, without
 *                      supervisord's random part, so a log sidecar knows the file to follow
 */
public record KupervisorOptions(String healthHost, int healthPort, boolean exitOnFatal, boolean stdoutMirror,
                                boolean stableAutoLogs) {
    public static final KupervisorOptions DEFAULTS = new KupervisorOptions(null, 0, false, false, false);

    public KupervisorOptions withHealth(String host, int port) {
        return new KupervisorOptions(host, port, exitOnFatal, stdoutMirror, stableAutoLogs);
    }

    public KupervisorOptions withStableAutoLogs(boolean stable) {
        return new KupervisorOptions(healthHost, healthPort, exitOnFatal, stdoutMirror, stable);
    }

    public boolean healthEnabled() {
        return healthPort > 0;
    }
}

package io.kupervisor.operator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** The operator's own settings ({@code kupervisor.operator.*}; the Helm chart sets them by environment). */
@ConfigMapping(prefix = "kupervisor.operator")
public interface OperatorConfig {

    /**
     * How a stop signal other than TERM reaches the process: {@code init} runs every command under
     * kupervisor-init, which also applies stopasgroup, umask and redirect_stderr.
     */
    @WithDefault("init")
    StopSignalMode stopSignal();

    /** The kupervisor image, whose kupervisor-init an init container copies into each process pod. */
    @WithDefault("kupervisor/kupervisor:0.1.0")
    String initImage();

    /** How often the runtimes of deleted programs are forgotten (a deleted program is not reconciled again). */
    @WithDefault("30s")
    Duration forgetInterval();

    /** The time zone of stop times in descriptions ({@code Nov 24 09:05 PM}); supervisorctl uses local time. */
    @WithDefault("UTC")
    String timeZone();

    /** Whether Kubernetes Events are written for supervisord's log lines. */
    @WithDefault("true")
    boolean events();

    LeaderElection leaderElection();

    interface LeaderElection {
        /** Leader election is on in the prod profile unless disabled here. */
        @WithDefault("true")
        boolean enabled();

        @WithDefault("kupervisor-operator")
        String leaseName();

        /** Defaults to the namespace the operator runs in. */
        Optional<String> leaseNamespace();
    }

    enum StopSignalMode {
        /**
         * The command runs under kupervisor-init (copied in by an init container), which passes the
         * kubelet's TERM on as the stopsignal; works on every cluster.
         */
        INIT,
        /** {@code lifecycle.stopSignal} (Kubernetes 1.33+, ContainerStopSignals); ignored by older clusters. */
        CONTAINER,
        /** A preStop hook {@code kill -SIG 1} that waits for the exit; needs {@code /bin/sh} in the image. */
        PRESTOP,
        /** Only the image's own STOPSIGNAL (usually TERM). */
        NONE
    }
}

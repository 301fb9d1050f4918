package io.kupervisor.operator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** The operator's own settings ({@code kupervisor.operator.*}; the Helm chart sets them by environment). */
@ConfigMapping(prefix = "kupervisor.operator")
public interface OperatorConfig {

    /** How a stop signal other than TERM reaches the process. */
    @WithDefault("container")
    StopSignalMode stopSignal();

    /**
     * How often the uptime in a RUNNING program's description is refreshed; 0 never refreshes (the
     * description then shows the uptime at the last state change).
     */
    @WithDefault("60s")
    Duration statusRefresh();

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
        /** {@code lifecycle.stopSignal} (Kubernetes 1.33+, ContainerStopSignals); ignored by older clusters. */
        CONTAINER,
        /** A preStop hook {@code kill -SIG 1} that waits for the exit; needs {@code /bin/sh} in the image. */
        PRESTOP,
        /** Only the image's own STOPSIGNAL (usually TERM). */
        NONE
    }
}

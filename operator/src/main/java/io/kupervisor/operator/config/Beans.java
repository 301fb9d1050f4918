package io.kupervisor.operator.config;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.time.Clock;

/** CDI producers: the clock the state machine is fed with, and the leader election settings. */
public class Beans {

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    /**
     * quarkus-operator-sdk looks this bean up when leader election is active (the prod profile):
     * only the leader reconciles, the others wait on the lease. Null disables it.
     */
    @Produces
    @Dependent
    @Unremovable
    LeaderElectionConfiguration leaderElection(OperatorConfig config) {
        OperatorConfig.LeaderElection le = config.leaderElection();
        if (!le.enabled()) {
            return null;
        }
        return le.leaseNamespace()
                .map(ns -> new LeaderElectionConfiguration(le.leaseName(), ns))
                .orElseGet(() -> new LeaderElectionConfiguration(le.leaseName()));
    }
}

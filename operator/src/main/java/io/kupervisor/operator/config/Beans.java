package io.kupervisor.operator.config;

import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.quarkus.arc.Unremovable;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.time.Clock;

/** CDI producers: the clock the state machine is fed with, and the leader election settings. */
public class Beans {
    private static final Logger LOG = Logger.getLogger(Beans.class);

    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    /**
     * quarkus-operator-sdk looks this bean up when leader election is active (the prod profile):
     * only the leader reconciles, the others wait on the lease. Null disables it.
     *
     * <p>The operator exits when it loses the lease (the pod restarts and waits as a follower), but
     * not by JOSDK's own exit: that calls System.exit from the stop-leading callback, which also
     * runs inside the shutdown hook on SIGTERM, where System.exit blocks forever, so the operator
     * never exited on SIGTERM and was killed at the end of its grace period (JOSDK 5.3.2; upstream
     * java-operator-sdk#3376). Found by the e2e tests, which stop the operator as Kubernetes does.
     */
    @Produces
    @Dependent
    @Unremovable
    LeaderElectionConfiguration leaderElection(OperatorConfig config) {
        OperatorConfig.LeaderElection le = config.leaderElection();
        if (!le.enabled()) {
            return null;
        }
        // JOSDK's defaults for the durations and the identity (HOSTNAME); our exit, not JOSDK's
        return new LeaderElectionConfiguration(le.leaseName(), le.leaseNamespace().orElse(null),
                LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
                LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
                LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE, null,
                new LeaderCallbacks(() -> { }, Beans::stoppedLeading, leader -> { }), false);
    }

    /** Exits on a lost lease (from a thread of its own); nothing to do when the JVM is shutting down anyway. */
    static void stoppedLeading() {
        if (shuttingDown()) {
            return;
        }
        LOG.error("lost the leader election lease: exiting so that a new leader takes over");
        Thread exit = new Thread(() -> System.exit(1), "lease-lost-exit");
        exit.setDaemon(true);
        exit.start();
    }

    private static boolean shuttingDown() {
        Thread probe = new Thread(() -> { });
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }
}

package io.kupervisor.operator.reconciler;

import io.kupervisor.api.v1alpha1.SupervisedProgramSpec;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** No key is accepted and silently ignored: what a pod cannot do is listed in the status. */
class NotAppliedTest {

    @Test
    void underKupervisorInitOnlyWhatNoPodCanDoIsListed() {
        SupervisedProgramSpec spec = new SupervisedProgramSpec();
        spec.stopsignal = "QUIT";
        spec.stopasgroup = true;
        spec.umask = "022";
        spec.redirectStderr = true;
        assertThat(NotApplied.of(spec, true)).isEmpty();

        spec.killasgroup = false;
        spec.priority = 10;
        spec.stdoutLogfile = "/var/log/app.log";
        spec.stdoutLogfileMaxbytes = "50MB";
        assertThat(NotApplied.of(spec, true)).satisfiesExactly(
                k -> assertThat(k).startsWith("killasgroup: false: SIGKILL at the end of stopwaitsecs ends every process"),
                p -> assertThat(p).startsWith("priority: 10: each SupervisedProgram starts on its own"),
                l -> assertThat(l).startsWith("stdoutLogfile: /var/log/app.log: the process's stdout goes to the container log"),
                m -> assertThat(m).startsWith("stdoutLogfileMaxbytes: 50MB: the kubelet rotates container logs"));
    }

    @Test
    void withoutTheInitItsKeysAreListedToo() {
        SupervisedProgramSpec spec = new SupervisedProgramSpec();
        assertThat(NotApplied.of(spec, false)).isEmpty();
        spec.stopsignal = "QUIT";
        spec.stopasgroup = true;
        spec.umask = "022";
        spec.redirectStderr = true;
        spec.stdoutLogfile = "/dev/stdout";
        assertThat(NotApplied.of(spec, false)).extracting(s -> s.substring(0, s.indexOf(':')))
                .containsExactly("stopsignal", "stopasgroup", "umask", "redirectStderr");
    }
}

package io.kupervisor.core.state;

import io.kupervisor.core.config.AutoRestart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SignalsAndRulesTest {

    @ParameterizedTest
    @CsvSource({
        "1,SIGHUP", "2,SIGINT", "3,SIGQUIT", "6,SIGABRT", "9,SIGKILL", "10,SIGUSR1", "11,SIGSEGV",
        "12,SIGUSR2", "15,SIGTERM", "17,SIGCHLD", "29,SIGPOLL", "31,SIGSYS", "32,signal 32",
        "34,SIGRTMIN", "35,signal 35", "64,SIGRTMAX", "0,signal 0"})
    void namesAsSupervisordPrintsThem(int number, String name) {
        assertThat(Signals.name(number)).isEqualTo(name);
    }

    @ParameterizedTest
    @CsvSource({
        "TERM,15", "SIGTERM,15", "sigterm,15", "' Term ',15", "15,15", "KILL,9", "hup,1", "INT,2",
        "QUIT,3", "USR1,10", "USR2,12", "IOT,6", "CLD,17", "IO,29", "POLL,29", "RTMIN,34", "0,0", "64,64"})
    void parsesLikeSignalNumber(String value, int expected) {
        assertThat(Signals.parse(value)).isEqualTo(expected);
    }

    @Test
    void rejectsLikeSignalNumber() {
        assertThatThrownBy(() -> Signals.parse("FOO"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("value 'FOO' is not a valid signal name");
        assertThatThrownBy(() -> Signals.parse("65"))
                .hasMessage("value '65' is not a valid signal number");
        assertThatThrownBy(() -> Signals.parse("33"))
                .hasMessage("value '33' is not a valid signal number");
    }

    @Test
    void exitStatusTexts() {
        assertThat(new ExitStatus.Exited(3).describe()).isEqualTo("exit status 3");
        assertThat(new ExitStatus.Signaled(9).describe()).isEqualTo("terminated by SIGKILL");
        assertThat(new ExitStatus.Signaled(11, true).describe()).isEqualTo("terminated by SIGSEGV (core dumped)");
        assertThat(new ExitStatus.Exited(3).code()).isEqualTo(3);
        assertThat(new ExitStatus.Signaled(15).code()).isEqualTo(-1);
        assertThatThrownBy(() -> new ExitStatus.Exited(256)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void defaultsAreSupervisords() {
        LifecycleRules r = LifecycleRules.defaults("x");
        assertThat(r.autostart()).isTrue();
        assertThat(r.startsecs()).isEqualTo(1);
        assertThat(r.startretries()).isEqualTo(3);
        assertThat(r.autorestart()).isEqualTo(AutoRestart.UNEXPECTED);
        assertThat(r.exitcodes()).containsExactly(0);
        assertThat(r.stopSignal()).isEqualTo(Signals.SIGTERM);
        assertThat(r.stopwaitsecs()).isEqualTo(10);
        assertThat(r.stopasgroup()).isFalse();
        assertThat(r.killasgroup()).isFalse();
    }

    @Test
    void rulesAreValidated() {
        LifecycleRules r = LifecycleRules.defaults("x");
        assertThatThrownBy(() -> r.withGroupSignalling(true, false))
                .hasMessage("Cannot set stopasgroup=true and killasgroup=false");
        assertThatThrownBy(() -> r.withStartsecs(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> r.withStartretries(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> r.withStopwaitsecs(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> r.withStopSignal(99)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> r.withExitcodes(Set.of(256))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void expectedOnlyForListedExitCodes() {
        LifecycleRules r = LifecycleRules.defaults("x").withExitcodes(Set.of(0, 2));
        assertThat(r.isExpected(new ExitStatus.Exited(2))).isTrue();
        assertThat(r.isExpected(new ExitStatus.Exited(1))).isFalse();
        assertThat(r.isExpected(new ExitStatus.Signaled(2))).isFalse();
    }

    @Test
    void stateSets() {
        assertThat(ProcessState.values()).filteredOn(ProcessState::isRunning)
                .containsExactly(ProcessState.STARTING, ProcessState.RUNNING, ProcessState.BACKOFF);
        assertThat(ProcessState.values()).filteredOn(ProcessState::isStopped)
                .containsExactly(ProcessState.STOPPED, ProcessState.EXITED, ProcessState.FATAL, ProcessState.UNKNOWN);
        assertThat(ProcessState.values()).filteredOn(ProcessState::isSignallable)
                .containsExactly(ProcessState.STARTING, ProcessState.RUNNING, ProcessState.STOPPING);
        assertThat(ProcessState.values()).extracting(ProcessState::code)
                .containsExactly(0, 10, 20, 30, 40, 100, 200, 1000);
        assertThat(ProcessState.fromCode(200)).isEqualTo(ProcessState.FATAL);
    }
}

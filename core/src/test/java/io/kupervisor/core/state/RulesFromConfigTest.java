package io.kupervisor.core.state;

import io.kupervisor.core.config.AutoRestart;
import io.kupervisor.core.config.ConfigLoader;
import io.kupervisor.core.config.HostEnvironment;
import io.kupervisor.core.config.ProcessConfig;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link LifecycleRules#of}: the one place the daemon's rules come from its config. */
class RulesFromConfigTest {

    private static ProcessConfig only(Path dir, String section) throws Exception {
        Path conf = dir.resolve("supervisord.conf");
        Files.writeString(conf, "[supervisord]\nlogfile=" + dir.resolve("s.log") + "\n" + section);
        return new ConfigLoader(HostEnvironment.current().relaxed()).read(conf).processes().getFirst();
    }

    @Test
    void everyLifecycleKeyIsTaken(@TempDir Path dir) throws Exception {
        LifecycleRules r = LifecycleRules.of(only(dir, """
                [program:web]
                command=/bin/true
                process_name=web_%(process_num)d
                numprocs=2
                autostart=false
                startsecs=4
                startretries=7
                autorestart=true
                exitcodes=0,2
                stopsignal=QUIT
                stopwaitsecs=3
                stopasgroup=true
                killasgroup=true
                """));
        assertThat(r).isEqualTo(new LifecycleRules("web_0", false, 4, 7, AutoRestart.TRUE, java.util.Set.of(0, 2),
                Signals.SIGQUIT, 3, true, true));
    }

    @Test
    void negativeNumbersActAsZero(@TempDir Path dir) throws Exception {
        // supervisord parses them and every rule treats them as 0
        LifecycleRules r = LifecycleRules.of(only(dir, """
                [program:p]
                command=/bin/true
                startsecs=-1
                startretries=-2
                stopwaitsecs=-3
                """));
        assertThat(r.startsecs()).isZero();
        assertThat(r.startretries()).isZero();
        assertThat(r.stopwaitsecs()).isZero();
    }
}

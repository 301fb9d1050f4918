package io.kupervisor.cli;

import io.kupervisor.cli.ctl.Controller;
import io.kupervisor.cli.ctl.CtlOptions;
import io.kupervisor.cli.ctl.CtlSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code kupervisor ctl}: supervisorctl, for kupervisor's daemon and for a real supervisord. The
 * options come before the command, as with supervisorctl; without a command, the interactive
 * shell starts.
 */
@Command(name = "ctl",
        mixinStandardHelpOptions = false,
        description = {
            "Control programs run by kupervisor supervisord (or supervisord) from the command line,",
            "exactly as supervisorctl 4.2.5 does: same commands, output and exit statuses.",
            "",
            "Commands: add, avail, clear, exit, fg, maintail, open, pid, quit, reload, remove, reread,",
            "restart, shutdown, signal, start, status, stop, tail, update, version; 'help <command>'."})
final class CtlCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--configuration"}, paramLabel = "FILENAME",
            description = "configuration file path (searches if not given)")
    Path config;

    @Option(names = {"-i", "--interactive"}, description = "start an interactive shell after executing commands")
    boolean interactive;

    @Option(names = {"-s", "--serverurl"}, paramLabel = "URL",
            description = "URL on which supervisord server is listening (default \"http://localhost:9001\")")
    String serverurl;

    @Option(names = {"-u", "--username"}, paramLabel = "USERNAME",
            description = "username to use for authentication with server")
    String username;

    @Option(names = {"-p", "--password"}, paramLabel = "PASSWORD",
            description = "password to use for authentication with server")
    String password;

    @Option(names = {"-r", "--history-file"}, paramLabel = "FILE",
            description = "keep a readline history (accepted, not kept)")
    String historyFile;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "print usage message and exit")
    boolean help;

    @Parameters(paramLabel = "ACTION", arity = "0..*", description = "action [arguments]")
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
        return CtlSession.run(config, interactive, serverurl, username, password, args,
                spec.commandLine().getOut(), spec.commandLine().getErr(), System.in);
    }
}

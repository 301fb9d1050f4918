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
        versionProvider = io.kupervisor.cli.common.Version.class,
        header = "supervisorctl: control the programs of kupervisor supervisord (or of supervisord).",
        description = {
            "Controls the programs run by kupervisor supervisord (or by supervisord) exactly as supervisorctl "
                + "4.2.5 does: same commands, output and exit statuses. Options come before the action; "
                + "without an action (or with -i) the interactive shell starts.",
            "",
            "Actions: add, avail, clear, exit, fg, maintail, open, pid, quit, reload, remove, reread, restart, "
                + "shutdown, signal, start, status, stop, tail, update, version; 'help ACTION' describes one."})
final class CtlCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-c", "--configuration"}, paramLabel = "FILENAME",
            description = "The configuration file whose [supervisorctl] section is read (default: supervisord's search path).")
    Path config;

    @Option(names = {"-i", "--interactive"}, description = "Start the interactive shell after running the action.")
    boolean interactive;

    @Option(names = {"-s", "--serverurl"}, paramLabel = "URL",
            description = "The server: unix:///path/to/socket or http://host:port (default: the [supervisorctl] "
                    + "serverurl, else http://localhost:9001).")
    String serverurl;

    @Option(names = {"-u", "--username"}, paramLabel = "USERNAME",
            description = "The user name for the server's basic authentication.")
    String username;

    @Option(names = {"-p", "--password"}, paramLabel = "PASSWORD",
            description = "The password for the server's basic authentication.")
    String password;

    @Option(names = {"-r", "--history-file"}, paramLabel = "FILE",
            description = "Keep a readline history (accepted for supervisorctl's sake; no history is kept).")
    String historyFile;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = {"-V", "--version"}, versionHelp = true,
            description = "Print kupervisor's version and exit ('version' is the server's).")
    boolean version;

    @Parameters(paramLabel = "ACTION", arity = "0..*", description = "The action and its arguments.")
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
        return CtlSession.run(config, interactive, serverurl, username, password, args,
                spec.commandLine().getOut(), spec.commandLine().getErr(), System.in);
    }
}

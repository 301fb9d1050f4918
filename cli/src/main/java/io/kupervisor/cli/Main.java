package io.kupervisor.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/** The {@code kupervisor} executable. */
@Command(name = "kupervisor",
        mixinStandardHelpOptions = true,
        versionProvider = io.kupervisor.cli.common.Version.class,
        synopsisSubcommandLabel = "COMMAND",
        description = {"supervisord's model for Kubernetes: read, run and migrate supervisord configurations.",
            "",
            "Run 'kupervisor COMMAND -h' for a command's options."},
        subcommands = {CheckCommand.class, SupervisordCommand.class, CtlCommand.class, TailCommand.class,
            io.kupervisor.cli.migrate.MigrateCommand.class, io.kupervisor.cli.kubectl.SupervisorctlPlugin.class,
            CommandLine.HelpCommand.class})
public final class Main implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("supervisord")) {
            // the long-lived daemon: straight to supervisord's own command line, picocli never loaded
            System.exit(SupervisordMain.run(java.util.Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
        }
        System.exit(run(args));
    }

    /** {@code kupervisor} alone: the usage, on stderr, as a usage error. */
    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        err.println("kupervisor: a command is needed");
        spec.commandLine().usage(err);
        err.flush();
        return CommandLine.ExitCode.USAGE;
    }

    /** Runs a command line and returns its exit code (tests call this in-process). */
    public static int run(String... args) {
        return run(null, null, args);
    }

    /** Runs a command line with the given output streams (null: stdout, stderr); returns its exit code. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new Main());
        // supervisorctl's options come before the command; what follows the command is its own
        cl.getSubcommands().get("ctl").setStopAtPositional(true);
        if (out != null) {
            cl.setOut(out);
        }
        if (err != null) {
            cl.setErr(err);
        }
        // help is 0; a user's mistake on the command line is a usage error (2), as with supervisord
        cl.setParameterExceptionHandler(Main::usageError);
        if (args.length > 0 && args[0].equals("tail")) {
            args = TailCommand.gnuShortCount(args);
        }
        return cl.execute(args);
    }

    private static int usageError(CommandLine.ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        PrintWriter err = cl.getErr();
        if (ex instanceof CommandLine.UnmatchedArgumentException u && cl.getCommandSpec().parent() == null
                && !u.isUnknownOption() && !u.getUnmatched().isEmpty()) {
            // an unknown command: say so, the closest commands, then the list
            err.println("kupervisor: '" + u.getUnmatched().getFirst() + "' is not a kupervisor command");
            List<String> close = u.getSuggestions();
            if (!close.isEmpty()) {
                err.println("The closest: " + String.join(", ", close.subList(0, Math.min(3, close.size()))));
            }
            err.println();
            cl.usage(err);
            err.flush();
            return CommandLine.ExitCode.USAGE;
        }
        err.println("Error: " + ex.getMessage());
        if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getSuggestions().isEmpty()) {
            err.println("Did you mean: " + String.join(", ", u.getSuggestions()) + "?");
        }
        err.println("For help, use " + cl.getCommandSpec().qualifiedName() + " -h");
        err.flush();
        return CommandLine.ExitCode.USAGE;
    }
}

package io.kupervisor.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code kupervisor} executable. */
@Command(name = "kupervisor",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "supervisord's model for Kubernetes: read, run and migrate supervisord configurations.",
        subcommands = {CheckCommand.class, SupervisordCommand.class, CtlCommand.class, TailCommand.class,
            io.kupervisor.cli.migrate.MigrateCommand.class, io.kupervisor.cli.kubectl.SupervisorctlPlugin.class,
            CommandLine.HelpCommand.class})
public final class Main {

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("supervisord")) {
            // the long-lived daemon: straight to supervisord's own command line, picocli never loaded
            System.exit(SupervisordMain.run(java.util.Arrays.copyOfRange(args, 1, args.length), System.out, System.err));
        }
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code (tests call this in-process). */
    public static int run(String... args) {
        return run(null, null, args);
    }

    /** Runs a command line with the given output streams (null: stdout, stderr); returns its exit code. */
    public static int run(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new Main());
        // supervisorctl's options come before the command; what follows the command is its own
        cl.getSubcommands().get("ctl").setStopAtPositional(true);
        if (out != null) {
            cl.setOut(out);
        }
        if (err != null) {
            cl.setErr(err);
        }
        // a user's mistake on the command line is a usage error (2), as with supervisord
        cl.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("Error: " + ex.getMessage());
            ex.getCommandLine().getErr().println("For help, use "
                    + ex.getCommandLine().getCommandSpec().qualifiedName() + " -h");
            return 2;
        });
        return cl.execute(args);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"kupervisor " + (v == null ? "dev" : v) + " (supervisord 4.2.5 compatible)"};
        }
    }
}

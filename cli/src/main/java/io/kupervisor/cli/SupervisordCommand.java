package io.kupervisor.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code kupervisor supervisord} as picocli lists it. {@link Main} hands the command line to
 * {@link SupervisordMain} before picocli is loaded, so this only forwards when picocli is already
 * in use (a test running {@code Main.run}, {@code kupervisor help supervisord}).
 */
@Command(name = "supervisord",
        header = "Run programs as supervisord 4.2.5 does, from the same configuration files.",
        description = {
            "Runs programs as supervisord 4.2.5 does, from the same configuration files. Use -n (or "
                + "nodaemon=true) in containers: without it the daemon goes to the background.",
            "",
            "Its options are supervisord's: 'kupervisor supervisord -h' lists them."})
final class SupervisordCommand implements Callable<Integer> {

    @Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() {
        return SupervisordMain.run(args.toArray(String[]::new), System.out, System.err);
    }
}

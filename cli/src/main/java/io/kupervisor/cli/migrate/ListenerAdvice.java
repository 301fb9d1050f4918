package io.kupervisor.cli.migrate;

import io.kupervisor.core.config.ProcessGroupConfig;
import io.kupervisor.core.config.dialect.Shlex;
import io.kupervisor.core.config.dialect.ShlexException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What an {@code [eventlistener:x]} did, in words a person migrating to operator mode can act on:
 * the operator runs no event listeners, but records every state change as a Kubernetes Event on the
 * SupervisedProgram (reasons Spawned, Running, Exited, GaveUp, Stopped, ...; Warning for
 * supervisord's WARN lines), keeps the conditions Ready and Fatal, and exports metrics. superlance's
 * listeners are recognised by their command; anything else is described by what it subscribes to.
 */
final class ListenerAdvice {
    private ListenerAdvice() {
    }

    private static final String NOT_CONVERTED = "; not converted";

    /** The operator-mode advice for a listener pool: what it did and what takes its place. */
    static String operatorMode(ProcessGroupConfig pool) {
        String command = pool.processes().isEmpty() ? "" : pool.processes().getFirst().command();
        List<String> argv = argv(command);
        String tool = superlanceTool(argv);
        String events = String.join(",", pool.events());
        if (tool != null) {
            return switch (tool) {
                case "crashmail", "crashmailbatch", "crashsms" -> tool + " sends a message when a program exits"
                        + " unexpectedly: alert instead on the Warning Events with reason Exited that the operator"
                        + " records on each SupervisedProgram (message 'exited: NAME (exit status N; not expected)'),"
                        + " or on the metric kupervisor_process_transitions_total{to=\"EXITED\"}" + NOT_CONVERTED;
                case "fatalmailbatch" -> "fatalmailbatch mails when a program gives up (FATAL): alert instead on the"
                        + " Events with reason GaveUp ('gave up: NAME entered FATAL state...'), on the SupervisedProgram"
                        + " condition Fatal=True, or on the metric kupervisor_processes{state=\"FATAL\"}" + NOT_CONVERTED;
                case "httpok" -> "httpok restarts " + programs(argv, "the programs it names") + " when "
                        + url(argv) + " stops answering: give that SupervisedProgram's pod template a livenessProbe"
                        + " (httpGet on that path and port); the kubelet stops the container and autorestart starts"
                        + " the program again in a new pod" + NOT_CONVERTED;
                case "memmon" -> "memmon restarts programs above a memory size (" + programs(argv, "its -p, -g or -a")
                        + "): set resources.limits.memory in that SupervisedProgram's pod template; the kernel ends"
                        + " the process and autorestart starts it again in a new pod" + NOT_CONVERTED;
                default -> throw new IllegalStateException(tool);
            };
        }
        boolean failureWatch = pool.events().stream().anyMatch(e -> e.equals("PROCESS_STATE_FATAL")
                || e.equals("PROCESS_STATE_EXITED"));
        if (failureWatch) {
            return "listens to " + events + ", often to stop the container when a program fails: in operator mode"
                    + " each program is its own resource; act on its condition Fatal=True and its Events (reasons"
                    + " GaveUp, and Exited, a Warning when unexpected) instead" + NOT_CONVERTED;
        }
        return "listens to " + events + ": the operator runs no event listeners; state changes are Kubernetes Events"
                + " on each SupervisedProgram (reasons Spawned, Running, Exited, GaveUp, Stopped) and its status"
                + " conditions (Ready, Fatal): decide what should act on them" + NOT_CONVERTED;
    }

    /** The superlance listener a command runs (crashmail, httpok, ...), or null. */
    static String superlanceTool(List<String> argv) {
        for (String a : argv.subList(0, Math.min(3, argv.size()))) {
            String base = a.substring(a.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
            if (base.startsWith("superlance.")) {
                base = base.substring("superlance.".length());
            }
            if (base.endsWith(".py")) {
                base = base.substring(0, base.length() - 3);
            }
            switch (base) {
                case "crashmail", "crashmailbatch", "crashsms", "fatalmailbatch", "httpok", "memmon" -> {
                    return base;
                }
                default -> {
                }
            }
        }
        return null;
    }

    private static List<String> argv(String command) {
        try {
            return Shlex.split(command);
        } catch (ShlexException e) {
            return List.of(command.split("\\s+"));
        }
    }

    private static String programs(List<String> argv, String otherwise) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < argv.size(); i++) {
            String a = argv.get(i);
            if ((a.equals("-p") || a.equals("--program")) && i + 1 < argv.size()) {
                names.add(argv.get(i + 1));
            } else if (a.startsWith("--program=")) {
                names.add(a.substring("--program=".length()));
            } else if (a.equals("-a") || a.equals("--any")) {
                return "any program";
            }
        }
        return names.isEmpty() ? otherwise : String.join(", ", names);
    }

    private static String url(List<String> argv) {
        String last = argv.isEmpty() ? "" : argv.getLast();
        return last.contains("://") ? last : "its URL";
    }
}

package io.kupervisor.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Python's {@code getopt.getopt}, which supervisord parses its command line with: short options
 * cluster ({@code -nc FILE}), a long option may be any unique prefix of its name, parsing stops at
 * the first positional argument, and the errors read as Python's.
 *
 * <p>{@code exactLong} are long options that match only when spelled out: kupervisor's own
 * additions, so that they do not change which prefixes of supervisord's options are unique.
 */
final class Getopt {

    /** One option as given: its spelling ({@code -c} or {@code --configuration}) and its value, or null. */
    record Option(String given, String name, String value) {
    }

    record Result(List<Option> options, List<String> positional) {
    }

    static final class GetoptError extends Exception {
        GetoptError(String message) {
            super(message);
        }
    }

    private final String shortOptions;
    private final List<String> longOptions;
    private final Set<String> exactLong;

    /**
     * @param shortOptions as Python's: letters, each followed by ':' when it takes a value
     * @param longOptions  names, each followed by '=' when it takes a value
     */
    Getopt(String shortOptions, List<String> longOptions, Set<String> exactLong) {
        this.shortOptions = shortOptions;
        this.longOptions = longOptions;
        this.exactLong = exactLong;
    }

    Result parse(List<String> args) throws GetoptError {
        List<Option> options = new ArrayList<>();
        int i = 0;
        while (i < args.size() && args.get(i).startsWith("-") && !args.get(i).equals("-")) {
            String arg = args.get(i++);
            if (arg.equals("--")) {
                break;
            }
            if (arg.startsWith("--")) {
                i = longOption(arg.substring(2), args, i, options);
            } else {
                i = shortOptions(arg.substring(1), args, i, options);
            }
        }
        return new Result(options, List.copyOf(args.subList(i, args.size())));
    }

    private int longOption(String text, List<String> args, int next, List<Option> out) throws GetoptError {
        int eq = text.indexOf('=');
        String opt = eq < 0 ? text : text.substring(0, eq);
        String value = eq < 0 ? null : text.substring(eq + 1);
        String match = matchLong(opt);
        boolean takesValue = match.endsWith("=");
        String name = takesValue ? match.substring(0, match.length() - 1) : match;
        if (takesValue) {
            if (value == null) {
                if (next >= args.size()) {
                    throw new GetoptError("option --" + name + " requires argument");
                }
                value = args.get(next++);
            }
        } else if (value != null) {
            throw new GetoptError("option --" + name + " must not have an argument");
        }
        out.add(new Option("--" + name, name, value));
        return next;
    }

    private String matchLong(String opt) throws GetoptError {
        if (longOptions.contains(opt) || longOptions.contains(opt + "=")) {
            return longOptions.contains(opt) ? opt : opt + "=";
        }
        List<String> candidates = new ArrayList<>();
        for (String o : longOptions) {
            if (o.startsWith(opt) && !exactLong.contains(o.endsWith("=") ? o.substring(0, o.length() - 1) : o)) {
                candidates.add(o);
            }
        }
        if (candidates.isEmpty()) {
            throw new GetoptError("option --" + opt + " not recognized");
        }
        if (candidates.size() > 1) {
            throw new GetoptError("option --" + opt + " not a unique prefix");
        }
        return candidates.getFirst();
    }

    private int shortOptions(String cluster, List<String> args, int next, List<Option> out) throws GetoptError {
        while (!cluster.isEmpty()) {
            char c = cluster.charAt(0);
            cluster = cluster.substring(1);
            int at = shortOptions.indexOf(c);
            if (c == ':' || at < 0) {
                throw new GetoptError("option -" + c + " not recognized");
            }
            boolean takesValue = at + 1 < shortOptions.length() && shortOptions.charAt(at + 1) == ':';
            String value = null;
            if (takesValue) {
                if (cluster.isEmpty()) {
                    if (next >= args.size()) {
                        throw new GetoptError("option -" + c + " requires argument");
                    }
                    cluster = args.get(next++);
                }
                value = cluster;
                cluster = "";
            }
            out.add(new Option("-" + c, String.valueOf(c), value));
        }
        return next;
    }
}

package io.kupervisor.supervisord.process;

import io.kupervisor.core.config.dialect.PyRepr;
import io.kupervisor.core.config.dialect.Shlex;
import io.kupervisor.core.config.dialect.ShlexException;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * supervisord's {@code get_execv_args}: split the command as a POSIX shell would (no shell),
 * then find argv[0] in the daemon, before any spawn: with a '/' it is taken as is (relative to
 * the daemon's working directory, not to {@code directory=}); otherwise it is searched in the PATH
 * of the program's environment, else the daemon's PATH, else /bin:/usr/bin:/usr/local/bin.
 */
public final class ExecResolver {
    private ExecResolver() {
    }

    /** Why a command cannot be run, with supervisord's fault and message. */
    public static final class SpawnError extends Exception {
        public enum Kind {
            /** NO_FILE */
            NOT_FOUND,
            /** NOT_EXECUTABLE (a directory, no x bit, or a command that does not parse) */
            NOT_EXECUTABLE,
            /** supervisord's NoPermission, reported as NOT_EXECUTABLE too */
            NO_PERMISSION,
            BAD_COMMAND
        }

        private final Kind kind;

        public SpawnError(Kind kind, String message) {
            super(message, null, false, false);
            this.kind = kind;
        }

        public Kind kind() {
            return kind;
        }
    }

    public record Exec(String filename, List<String> argv) {
    }

    public static Exec resolve(String command, Map<String, String> programEnv, Map<String, String> daemonEnv,
                               Path daemonCwd) throws SpawnError {
        List<String> args;
        try {
            args = Shlex.split(command);
        } catch (ShlexException e) {
            throw new SpawnError(SpawnError.Kind.BAD_COMMAND,
                    "can't parse command " + PyRepr.repr(command) + ": " + e.getMessage());
        }
        if (args.isEmpty()) {
            throw new SpawnError(SpawnError.Kind.BAD_COMMAND, "command is empty");
        }
        String program = args.getFirst();
        String filename = program;
        if (!program.contains("/")) {
            for (String dir : searchPath(programEnv, daemonEnv)) {
                String candidate = dir.isEmpty() ? program : dir.endsWith("/") ? dir + program : dir + "/" + program;
                if (Files.exists(daemonCwd.resolve(candidate))) {
                    filename = candidate;
                    break;
                }
            }
        }
        check(filename, daemonCwd);
        return new Exec(filename, args);
    }

    private static List<String> searchPath(Map<String, String> programEnv, Map<String, String> daemonEnv) {
        String path = programEnv.get("PATH");
        if (path == null) {
            path = daemonEnv.get("PATH");
            if (path == null || path.isEmpty()) {
                return List.of("/bin", "/usr/bin", "/usr/local/bin");
            }
        }
        return List.of(path.split(":", -1));
    }

    /** supervisord's check_execv_args, in its order. */
    private static void check(String filename, Path cwd) throws SpawnError {
        Path p = cwd.resolve(filename);
        if (!Files.exists(p)) {
            throw new SpawnError(SpawnError.Kind.NOT_FOUND, "can't find command " + PyRepr.repr(filename));
        }
        if (Files.isDirectory(p)) {
            throw new SpawnError(SpawnError.Kind.NOT_EXECUTABLE, "command at " + PyRepr.repr(filename) + " is a directory");
        }
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
            if (!perms.contains(PosixFilePermission.OWNER_EXECUTE) && !perms.contains(PosixFilePermission.GROUP_EXECUTE)
                    && !perms.contains(PosixFilePermission.OTHERS_EXECUTE)) {
                throw new SpawnError(SpawnError.Kind.NOT_EXECUTABLE,
                        "command at " + PyRepr.repr(filename) + " is not executable");
            }
        } catch (java.io.IOException | UnsupportedOperationException e) {
            // cannot read the mode: let the executable check below decide
        }
        if (!Files.isExecutable(p)) {
            throw new SpawnError(SpawnError.Kind.NO_PERMISSION, "no permission to run command " + PyRepr.repr(filename));
        }
    }

    /** Absolute path to hand to posix_spawn (which has no notion of the daemon's cwd otherwise). */
    public static String absolute(String filename, Path cwd) {
        return cwd.resolve(filename).normalize().toString();
    }

}

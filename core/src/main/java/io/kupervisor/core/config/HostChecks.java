package io.kupervisor.core.config;

import io.kupervisor.core.config.dialect.Passwd;
import io.kupervisor.core.config.dialect.PyPath;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The checks supervisord makes against the machine while parsing: that the directory of a log or
 * pid file exists, that {@code childlogdir} and {@code directory} exist, that users exist. The
 * relaxed form skips them, exactly as the conformance oracle's {@code --relaxed} does, so a config
 * written for another host parses as it would there.
 */
public interface HostChecks {

    /** supervisord's {@code existing_dirpath}: the file's directory must exist. */
    String existingDirpath(String value, String home) throws InvalidValue;

    /** supervisord's {@code existing_directory}. */
    String existingDirectory(String value, String home) throws InvalidValue;

    /** supervisord's {@code name_to_uid}. */
    UserRef nameToUid(String name) throws InvalidValue;

    /** supervisord's {@code name_to_gid}. */
    UserRef nameToGid(String name) throws InvalidValue;

    boolean relaxed();

    static HostChecks strict(Path cwd) {
        return new Strict(cwd);
    }

    static HostChecks relaxed(Path cwd, String home) {
        return new Relaxed(cwd);
    }

    final class Strict implements HostChecks {
        private final Path cwd;

        Strict(Path cwd) {
            this.cwd = cwd;
        }

        @Override
        public String existingDirpath(String v, String home) throws InvalidValue {
            String nv = PyPath.expanduser(v, home);
            String dir = PyPath.dirname(nv);
            if (dir.isEmpty() || Files.isDirectory(cwd.resolve(dir))) {
                return nv;
            }
            throw new InvalidValue("The directory named as part of the path " + v + " does not exist");
        }

        @Override
        public String existingDirectory(String v, String home) throws InvalidValue {
            String nv = PyPath.expanduser(v, home);
            if (Files.isDirectory(cwd.resolve(nv))) {
                return nv;
            }
            throw new InvalidValue(v + " is not an existing directory");
        }

        @Override
        public UserRef nameToUid(String name) throws InvalidValue {
            Integer id = parseIntOrNull(name);
            if (id == null) {
                return Passwd.userByName(name).map(e -> new UserRef(name, e.id()))
                        .orElseThrow(() -> new InvalidValue("Invalid user name " + name));
            }
            if (Passwd.userById(id).isEmpty()) {
                throw new InvalidValue("Invalid user id " + name);
            }
            return new UserRef(name, id);
        }

        @Override
        public UserRef nameToGid(String name) throws InvalidValue {
            Integer id = parseIntOrNull(name);
            if (id == null) {
                return Passwd.groupByName(name).map(e -> new UserRef(name, e.id()))
                        .orElseThrow(() -> new InvalidValue("Invalid group name " + name));
            }
            if (Passwd.groupById(id).isEmpty()) {
                throw new InvalidValue("Invalid group id " + name);
            }
            return new UserRef(name, id);
        }

        @Override
        public boolean relaxed() {
            return false;
        }
    }

    final class Relaxed implements HostChecks {
        private final Path cwd;

        Relaxed(Path cwd) {
            this.cwd = cwd;
        }

        private String absolute(String v, String home) {
            String nv = PyPath.expanduser(v, home);
            return PyPath.normpath(PyPath.isAbs(nv) ? nv : PyPath.join(cwd.toString(), nv));
        }

        @Override
        public String existingDirpath(String v, String home) {
            return absolute(v, home);
        }

        @Override
        public String existingDirectory(String v, String home) {
            return absolute(v, home);
        }

        @Override
        public UserRef nameToUid(String name) {
            return new UserRef(name, parseIntOrNull(name));
        }

        @Override
        public UserRef nameToGid(String name) {
            return new UserRef(name, parseIntOrNull(name));
        }

        @Override
        public boolean relaxed() {
            return true;
        }
    }

    /** Python's int() for a user or group id; null when it is a name. */
    private static Integer parseIntOrNull(String s) {
        try {
            return (int) io.kupervisor.core.config.dialect.PyInt.parse(s);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}

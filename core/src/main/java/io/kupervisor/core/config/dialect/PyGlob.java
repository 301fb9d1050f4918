package io.kupervisor.core.config.dialect;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Python 3.11's {@code glob.glob(pattern)} (not recursive), which supervisord uses for
 * {@code [include] files=}.
 *
 * <p>Result strings are built the way Python builds them ({@code os.path.join} of the pattern's
 * own directory part and the matched names), so {@code ./conf.d/*.conf} yields
 * {@code ./conf.d/a.conf}. Wildcards skip names starting with '.' unless the pattern component
 * starts with '.'; {@code **} is just {@code *}. The order is the directory's order: callers sort.
 */
public final class PyGlob {

    private PyGlob() {}

    public static List<String> glob(String pattern) {
        List<String> out = new ArrayList<>();
        iglob(pattern, false, out);
        return out;
    }

    /** {@code glob._iglob} with {@code root_dir=''}. */
    private static void iglob(String pathname, boolean dironly, List<String> out) {
        String[] split = split(pathname);
        String dirname = split[0];
        String basename = split[1];
        if (!hasMagic(pathname)) {
            if (!basename.isEmpty()) {
                if (lexists(pathname)) {
                    out.add(pathname);
                }
            } else if (isDir(dirname)) {
                // A pattern ending with '/' matches only directories.
                out.add(pathname);
            }
            return;
        }
        if (dirname.isEmpty()) {
            out.addAll(glob1("", basename, dironly));
            return;
        }
        List<String> dirs;
        if (!dirname.equals(pathname) && hasMagic(dirname)) {
            dirs = new ArrayList<>();
            iglob(dirname, true, dirs);
        } else {
            dirs = List.of(dirname);
        }
        for (String dir : dirs) {
            List<String> names = hasMagic(basename) ? glob1(dir, basename, dironly) : glob0(dir, basename);
            for (String name : names) {
                out.add(join(dir, name));
            }
        }
    }

    /** Names in {@code dirname} matching a pattern; hidden names only for a pattern starting with '.'. */
    private static List<String> glob1(String dirname, String pattern, boolean dironly) {
        FnMatch matcher = FnMatch.compile(pattern);
        boolean hiddenPattern = pattern.startsWith(".");
        List<String> names = new ArrayList<>();
        for (String name : listdir(dirname, dironly)) {
            if ((hiddenPattern || !name.startsWith(".")) && matcher.matches(name)) {
                names.add(name);
            }
        }
        return names;
    }

    /** A literal last component: it only has to exist (not even as a directory when dironly). */
    private static List<String> glob0(String dirname, String basename) {
        if (!basename.isEmpty()) {
            return lexists(join(dirname, basename)) ? List.of(basename) : List.of();
        }
        return isDir(dirname) ? List.of(basename) : List.of();
    }

    private static List<String> listdir(String dirname, boolean dironly) {
        List<String> names = new ArrayList<>();
        Path dir;
        try {
            dir = Path.of(dirname.isEmpty() ? "." : dirname);
        } catch (InvalidPathException e) {
            return names;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                // os.scandir's is_dir() follows symlinks, as Files.isDirectory does.
                if (!dironly || Files.isDirectory(entry)) {
                    names.add(entry.getFileName().toString());
                }
            }
        } catch (IOException | SecurityException e) {
            // Python swallows OSError here: an unreadable or missing directory matches nothing.
        }
        return names;
    }

    /** {@code posixpath.split}: the head keeps a run of leading slashes but loses trailing ones. */
    static String[] split(String p) {
        int i = p.lastIndexOf('/') + 1;
        String head = p.substring(0, i);
        String tail = p.substring(i);
        if (!head.isEmpty() && !head.chars().allMatch(c -> c == '/')) {
            int end = head.length();
            while (end > 0 && head.charAt(end - 1) == '/') {
                end--;
            }
            head = head.substring(0, end);
        }
        return new String[] {head, tail};
    }

    static String join(String a, String b) {
        return PyPath.join(a, b);
    }

    static boolean hasMagic(String s) {
        return s.indexOf('*') >= 0 || s.indexOf('?') >= 0 || s.indexOf('[') >= 0;
    }

    private static boolean lexists(String path) {
        if (path.isEmpty()) {
            return false;
        }
        try {
            return Files.exists(Path.of(path), LinkOption.NOFOLLOW_LINKS)
                    // lstat("file/") fails with ENOTDIR, but Path.of drops the trailing slash.
                    && (!path.endsWith("/") || Files.isDirectory(Path.of(path)));
        } catch (InvalidPathException e) {
            return false;
        }
    }

    private static boolean isDir(String path) {
        if (path.isEmpty()) {
            return false;
        }
        try {
            return Files.isDirectory(Path.of(path));
        } catch (InvalidPathException e) {
            return false;
        }
    }
}

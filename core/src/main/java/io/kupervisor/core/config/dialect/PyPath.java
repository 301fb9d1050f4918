package io.kupervisor.core.config.dialect;

/** Python's posixpath functions, on strings, as supervisord applies them to configured paths. */
public final class PyPath {
    private PyPath() {
    }

    public static boolean isAbs(String p) {
        return p.startsWith("/");
    }

    /** posixpath.join(a, b): an absolute b replaces a. */
    public static String join(String a, String b) {
        if (b.startsWith("/")) {
            return b;
        }
        if (a.isEmpty() || a.endsWith("/")) {
            return a + b;
        }
        return a + "/" + b;
    }

    /** posixpath.dirname. */
    public static String dirname(String p) {
        int i = p.lastIndexOf('/') + 1;
        String head = p.substring(0, i);
        if (!head.isEmpty() && !head.chars().allMatch(c -> c == '/')) {
            head = head.replaceAll("/+$", "");
        }
        return head;
    }

    /** posixpath.normpath: lexical, symlinks untouched, a leading '//' kept as POSIX allows. */
    public static String normpath(String path) {
        if (path.isEmpty()) {
            return ".";
        }
        int initialSlashes = path.startsWith("/") ? 1 : 0;
        if (initialSlashes == 1 && path.startsWith("//") && !path.startsWith("///")) {
            initialSlashes = 2;
        }
        java.util.ArrayList<String> out = new java.util.ArrayList<>();
        for (String comp : path.split("/")) {
            if (comp.isEmpty() || comp.equals(".")) {
                continue;
            }
            if (!comp.equals("..") || (initialSlashes == 0 && out.isEmpty())
                    || (!out.isEmpty() && out.getLast().equals(".."))) {
                out.add(comp);
            } else if (!out.isEmpty()) {
                out.removeLast();
            }
        }
        String joined = String.join("/", out);
        String result = "/".repeat(initialSlashes) + joined;
        return result.isEmpty() ? "." : result;
    }

    /** posixpath.expanduser for "~" and "~/..." (from HOME); "~user" from the passwd file. */
    public static String expanduser(String path, String home) {
        if (!path.startsWith("~")) {
            return path;
        }
        int slash = path.indexOf('/', 1);
        if (slash < 0) {
            slash = path.length();
        }
        String userhome;
        if (slash == 1) {
            if (home == null) {
                return path;
            }
            userhome = home;
        } else {
            userhome = Passwd.userByName(path.substring(1, slash))
                    .map(Passwd.Entry::home).orElse(null);
            if (userhome == null) {
                return path;
            }
        }
        userhome = userhome.replaceAll("/+$", "");
        String result = userhome + path.substring(slash);
        return result.isEmpty() ? "/" : result;
    }

    /** supervisord's normalize_path: normpath(abspath(expanduser(v))). */
    public static String normalize(String v, String cwd, String home) {
        String p = expanduser(v, home);
        return normpath(isAbs(p) ? p : join(cwd, p));
    }
}

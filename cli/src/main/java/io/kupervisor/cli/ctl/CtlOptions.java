package io.kupervisor.cli.ctl;

import io.kupervisor.core.config.ini.IniDocument;
import io.kupervisor.core.config.ini.IniEntry;
import io.kupervisor.core.config.ini.IniReader;
import io.kupervisor.core.config.ini.IniSyntaxException;
import io.kupervisor.core.config.dialect.FormatException;
import io.kupervisor.core.config.dialect.PercentFormat;
import io.kupervisor.core.config.dialect.PyRepr;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * supervisorctl's {@code ClientOptions}: the {@code [supervisorctl]} section of the configuration
 * file ({@code serverurl}, {@code username}, {@code password}, {@code prompt},
 * {@code history_file}), each value %-expanded with {@code %(ENV_X)s} (and {@code %(here)s} for
 * serverurl and history_file), overridden by the command line.
 */
public final class CtlOptions {
    public static final String DEFAULT_SERVERURL = "http://localhost:9001";

    String serverurl = DEFAULT_SERVERURL;
    String username;
    String password;
    String prompt = "supervisor";
    String historyFile;
    boolean interactive;

    /** A refusal, printed as {@code Error: <message>} with exit status 2. */
    public static final class UsageError extends Exception {
        public UsageError(String message) {
            super(message);
        }
    }

    public String serverurl() {
        return serverurl;
    }

    public String username() {
        return username;
    }

    public String password() {
        return password;
    }

    public String prompt() {
        return prompt;
    }

    public boolean interactive() {
        return interactive;
    }

    /** Reads {@code [supervisorctl]} from {@code file}. */
    void readConfig(Path file, Map<String, String> env, Path cwd, String home) throws UsageError {
        Path abs = cwd.resolve(file).normalize();
        if (!Files.exists(abs)) {
            throw new UsageError("could not find config file " + file);
        }
        String here = abs.getParent() == null ? "/" : abs.getParent().toString();
        IniDocument doc = new IniDocument();
        try {
            IniReader.readMain(doc, abs, file.toString());
        } catch (IOException e) {
            throw new UsageError("could not read config file " + file);
        } catch (IniSyntaxException e) {
            throw new UsageError(e.getMessage());
        }
        if (!doc.hasSection("supervisorctl")) {
            throw new UsageError(".ini file does not include supervisorctl section");
        }
        Map<String, Object> expansions = new LinkedHashMap<>();
        env.forEach((k, v) -> expansions.put("ENV_" + k, v));
        Map<String, Object> withHere = new LinkedHashMap<>(expansions);
        withHere.put("here", here);
        String url = get(doc, "serverurl", DEFAULT_SERVERURL, withHere);
        if (url.startsWith("unix://")) {
            url = "unix://" + normalizePath(url.substring(7), cwd, home);
        }
        serverurl = url;
        prompt = get(doc, "prompt", prompt, expansions);
        username = get(doc, "username", username, expansions);
        password = get(doc, "password", password, expansions);
        String history = get(doc, "history_file", null, withHere);
        historyFile = history == null || history.isEmpty() ? null : normalizePath(history, cwd, home);
    }

    private static String get(IniDocument doc, String key, String dflt, Map<String, Object> expansions)
            throws UsageError {
        Optional<IniEntry> e = doc.get("supervisorctl", key);
        String value = e.map(IniEntry::value).orElse(dflt);
        if (value == null) {
            return null;
        }
        try {
            return PercentFormat.format(value, expansions);
        } catch (FormatException ex) {
            if (ex.kind() == FormatException.Kind.MISSING_NAME) {
                List<String> available = new ArrayList<>(expansions.keySet());
                available.sort(null);
                throw new UsageError("Format string " + PyRepr.repr(value) + " for "
                        + PyRepr.repr("supervisorctl." + key) + " contains names (" + ex.detail()
                        + ") which cannot be expanded. Available names: " + String.join(", ", available));
            }
            throw new UsageError("Format string " + PyRepr.repr(value) + " for "
                    + PyRepr.repr("supervisorctl." + key) + " is badly formatted: " + ex.detail());
        }
    }

    /** supervisord's {@code normalize_path}: ~ expanded, made absolute, normalised. */
    static String normalizePath(String p, Path cwd, String home) {
        String v = p;
        if (home != null && (v.equals("~") || v.startsWith("~/"))) {
            v = home + v.substring(1);
        }
        return cwd.resolve(v).normalize().toString();
    }

    /** supervisorctl's {@code url} check of {@code -s}. */
    static void checkUrl(String value) throws UsageError {
        boolean ok;
        if (value.startsWith("unix://")) {
            ok = value.length() > 7;
        } else if (value.startsWith("http://") || value.startsWith("https://")) {
            String rest = value.substring(value.indexOf("://") + 3);
            int slash = rest.indexOf('/');
            ok = !(slash < 0 ? rest : rest.substring(0, slash)).isEmpty();
        } else {
            ok = false;
        }
        if (!ok) {
            throw new UsageError("invalid value for -s " + PyRepr.repr(value) + ": value " + PyRepr.repr(value)
                    + " is not a URL");
        }
    }
}

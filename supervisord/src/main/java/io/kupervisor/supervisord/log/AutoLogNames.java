package io.kupervisor.supervisord.log;

import io.kupervisor.core.config.dialect.PyRepr;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * {@code *_logfile=AUTO}: supervisord's names for child logs in {@code childlogdir}
 * ({@code options.get_autochildlog_name}, {@code mktempfile}) and its cleanup at start
 * ({@code clear_autochildlogdir}).
 *
 * <p>A name is {@code <childlogdir>/<processname>-<stdout|stderr>---<identifier>-<8 random>.log}
 * where the 8 characters come from Python's {@code tempfile} alphabet
 * ({@code abcdefghijklmnopqrstuvwxyz0123456789_}); the file is created exclusively with mode 0600
 * (less the umask), as {@code mkstemp} does, trying another name if one exists.
 */
public final class AutoLogNames {

    /** Python's {@code tempfile._RandomNameSequence.characters}. */
    public static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789_";

    /** {@code tempfile.TMP_MAX}: how many names {@code mkstemp} tries. */
    private static final int TMP_MAX = 10000;

    private AutoLogNames() {}

    /** The part before the random characters: {@code <name>-<channel>---<identifier>-}. */
    public static String prefix(String processName, String channel, String identifier) {
        return processName + "-" + channel + "---" + identifier + "-";
    }

    /**
     * Creates a new AUTO log file and returns its path.
     *
     * @param channel {@code stdout} or {@code stderr}
     * @throws IOException when the directory is missing or not writable (supervisord fails the
     *     same way, at config time)
     */
    public static Path create(Path childlogdir, String processName, String channel, String identifier)
            throws IOException {
        String prefix = prefix(processName, channel, identifier);
        var mode = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
        FileAlreadyExistsException last = null;
        for (int attempt = 0; attempt < TMP_MAX; attempt++) {
            Path candidate = childlogdir.resolve(prefix + randomName() + ".log");
            try {
                return Files.createFile(candidate, mode);
            } catch (FileAlreadyExistsException e) {
                last = e;
            }
        }
        throw new FileAlreadyExistsException(childlogdir.toString(), null,
                "No usable temporary file name found" + (last == null ? "" : " (" + last.getFile() + ")"));
    }

    /**
     * 8 characters of {@link #ALPHABET}. Not a SecureRandom, as Python's tempfile uses no
     * cryptographic generator: the exclusive create is what makes the name safe, and SecureRandom
     * brought 53 security classes into every daemon (issue 18).
     */
    static String randomName() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        char[] c = new char[8];
        for (int i = 0; i < c.length; i++) {
            c[i] = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
        }
        return new String(c);
    }

    /**
     * The file names {@code clear_autochildlogdir} removes: Python's
     * {@code re.match(r'.+?---<identifier>-\S+\.log\.{0,1}\d{0,4}', name)}, a match at the start
     * of the name (anything may follow). supervisord puts the identifier in the expression
     * unescaped; kupervisor matches it literally (an identifier {@code a.b} does not also clear
     * {@code axb}'s files).
     */
    public static Pattern cleanupPattern(String identifier) {
        return Pattern.compile(".+?---" + Pattern.quote(identifier) + "-\\S+\\.log\\.?\\d{0,4}",
                Pattern.UNIX_LINES | Pattern.UNICODE_CHARACTER_CLASS);
    }

    /** Whether {@code clear_autochildlogdir} removes a file of this name. */
    public static boolean isAutoLogName(String fileName, String identifier) {
        return cleanupPattern(identifier).matcher(fileName).lookingAt();
    }

    /**
     * Removes every AUTO log of this identifier (and its rotated copies) from {@code childlogdir},
     * as supervisord does at each start and reload unless {@code nocleanup=true}. Files of other
     * identifiers stay. Problems are ignored; see {@link #cleanup(Path, String, Consumer)}.
     */
    public static void cleanup(Path childlogdir, String identifier) {
        cleanup(childlogdir, identifier, warning -> { });
    }

    /**
     * Like {@link #cleanup(Path, String)}, passing supervisord's main-log warnings
     * ({@code Could not clear childlog dir}, {@code Failed to clean up '<path>'}) to
     * {@code warnings} (to log at WARN). A directory whose name matches is not removed
     * ({@code os.remove} refuses it too) and is reported.
     *
     * @return the files removed
     */
    public static List<Path> cleanup(Path childlogdir, String identifier, Consumer<String> warnings) {
        Pattern pattern = cleanupPattern(identifier);
        List<Path> removed = new ArrayList<>();
        List<Path> matching = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(childlogdir)) {
            for (Path entry : entries) {
                if (pattern.matcher(entry.getFileName().toString()).lookingAt()) {
                    matching.add(entry);
                }
            }
        } catch (IOException | RuntimeException e) {
            warnings.accept("Could not clear childlog dir");
            return removed;
        }
        for (Path entry : matching) {
            try {
                if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                    throw new IOException("is a directory");
                }
                Files.deleteIfExists(entry);
                removed.add(entry);
            } catch (IOException e) {
                warnings.accept("Failed to clean up " + PyRepr.repr(entry.toString()));
            }
        }
        return removed;
    }
}

package io.kupervisor.supervisord.log;

import io.kupervisor.core.config.LogLevel;
import io.kupervisor.core.config.dialect.PyRepr;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Objects;

/**
 * supervisord's main log ({@code options.make_logger}, {@code loggers.py}).
 *
 * <ul>
 *   <li>Each record is one write of {@code YYYY-MM-DD HH:MM:SS,mmm LEVL message\n} in the given
 *       zone (supervisord: local time), milliseconds truncated; {@code LEVL} is
 *       {@link LogLevel#code()}. A multi-line message is written as it is.
 *   <li>Records below the configured level are dropped ({@link #isEnabledFor(LogLevel)}).
 *   <li>The file is a {@link RotatingFileLog} (same rotation, {@code /dev/stdout} rules).
 *   <li>With {@code echoToStdout} ({@code nodaemon} and not {@code silent}) every record also goes
 *       to the daemon's stdout, written while holding the stream's monitor (as
 *       {@link StdoutMirror} does) so records never interleave with mirrored program output.
 *   <li>{@code logfile=syslog}: there is no syslog daemon in a container and kupervisor has no
 *       syslog client. The log then has no file ({@link #path()} is null, {@code readLog} gives
 *       {@code NO_FILE} as in supervisord) and records go to the stdout echo only; a
 *       {@code WARN} saying so is the first record (on stderr when the echo is off, since it
 *       would otherwise be lost).
 * </ul>
 * Thread-safe: every record is written whole, under one lock.
 */
public final class MainLog implements AutoCloseable {

    /** The {@code logfile} value that asks for syslog. */
    public static final String SYSLOG = "syslog";

    static final String SYSLOG_WARNING =
            "logfile=syslog: kupervisor does not write to syslog; the main log goes to stdout only"
                    + " (with nodaemon=true and silent=false)";

    private final RotatingFileLog file;
    private final LogLevel level;
    private final OutputStream echo;
    private final ZoneId zone;
    private final Clock clock;
    private boolean closed;

    private MainLog(RotatingFileLog file, LogLevel level, OutputStream echo, ZoneId zone, Clock clock) {
        this.file = file;
        this.level = level;
        this.echo = echo;
        this.zone = zone;
        this.clock = clock;
    }

    /**
     * Opens the main log.
     *
     * @param logfile      the path, or {@code "syslog"}; {@code null} for no file (echo only)
     * @param maxbytes     {@code logfile_maxbytes}
     * @param backups      {@code logfile_backups}
     * @param level        {@code loglevel}
     * @param echoToStdout {@code nodaemon && !silent}: copy every record to {@code System.out}
     * @param zone         the zone of the timestamps (the system's default in production)
     */
    public static MainLog open(String logfile, long maxbytes, int backups, LogLevel level, boolean echoToStdout,
            ZoneId zone) throws IOException {
        return open(logfile, maxbytes, backups, level, echoToStdout ? System.out : null, zone, Clock.systemUTC());
    }

    /**
     * Like {@link #open(String, long, int, LogLevel, boolean, ZoneId)} with an explicit echo stream
     * ({@code null}: no echo) and clock.
     */
    public static MainLog open(String logfile, long maxbytes, int backups, LogLevel level, OutputStream echo,
            ZoneId zone, Clock clock) throws IOException {
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(zone, "zone");
        Objects.requireNonNull(clock, "clock");
        boolean syslog = SYSLOG.equals(logfile);
        RotatingFileLog file = logfile == null || syslog ? null : RotatingFileLog.open(Path.of(logfile), maxbytes,
                backups, false);
        MainLog log = new MainLog(file, level, echo, zone, clock);
        if (syslog) {
            if (echo != null) {
                log.log(LogLevel.WARN, SYSLOG_WARNING);
            } else {
                System.err.print(log.format(LogLevel.WARN, SYSLOG_WARNING));
                System.err.flush();
            }
        }
        return log;
    }

    /** The configured level. */
    public LogLevel level() {
        return level;
    }

    /** Whether records of this level are written (supervisord: {@code level >= loglevel}). */
    public boolean isEnabledFor(LogLevel l) {
        return l.number() >= level.number();
    }

    /** The log file, or {@code null} ({@code syslog}, or none). */
    public Path path() {
        return file == null ? null : file.path();
    }

    /** Writes one record if its level is enabled. Errors writing the file are reported on stderr. */
    public void log(LogLevel l, String message) {
        if (!isEnabledFor(l)) {
            return;
        }
        byte[] line = format(l, message).getBytes(StandardCharsets.UTF_8);
        synchronized (this) {
            if (closed) {
                return;
            }
            emit(line);
        }
    }

    public void critical(String message) {
        log(LogLevel.CRITICAL, message);
    }

    public void error(String message) {
        log(LogLevel.ERROR, message);
    }

    public void warn(String message) {
        log(LogLevel.WARN, message);
    }

    public void info(String message) {
        log(LogLevel.INFO, message);
    }

    public void debug(String message) {
        log(LogLevel.DEBUG, message);
    }

    public void trace(String message) {
        log(LogLevel.TRACE, message);
    }

    public void blather(String message) {
        log(LogLevel.BLATHER, message);
    }

    /**
     * At {@code loglevel=debug} (or lower) supervisord copies child output into the main log:
     * {@code DEBG 'name' stdout output:\n<data>} where the name is Python's {@code repr} and the
     * data is decoded as UTF-8, or {@code Undecodable: b'...'} (Python's bytes repr) when it is not
     * valid UTF-8. Empty data is not logged. Nothing happens above debug level.
     *
     * @param channel {@code stdout} or {@code stderr}
     */
    public void logChildOutput(String processName, String channel, byte[] data) {
        if (data.length == 0 || !isEnabledFor(LogLevel.DEBUG)) {
            return;
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(data)).toString();
        } catch (CharacterCodingException e) {
            text = "Undecodable: " + bytesRepr(data);
        }
        log(LogLevel.DEBUG, PyRepr.repr(processName) + " " + channel + " output:\n" + text);
    }

    /**
     * SIGUSR2: as {@code options.reopenlogs}, writes {@code INFO supervisord logreopen} (still to
     * the old file) then closes and reopens the file. The daemon logs {@code received SIGUSR2
     * indicating log reopen request} itself, before calling this.
     */
    public void reopen() throws IOException {
        log(LogLevel.INFO, "supervisord logreopen");
        synchronized (this) {
            if (file != null && !closed) {
                file.reopen();
            }
        }
    }

    /**
     * {@code supervisor.clearLog()}: removes the file and reopens it. As in supervisord, the
     * record {@code INFO reopening log file} is written once per handler (the stdout echo, the
     * file) <em>before</em> each reopen, so it reaches the echo and the removed file only: the new
     * file starts empty.
     *
     * @throws NoSuchFileException when there is no file ({@code NO_FILE})
     * @throws IOException when the file cannot be removed or reopened ({@code FAILED})
     */
    public void clear() throws IOException {
        synchronized (this) {
            Path p = path();
            if (p == null || !Files.exists(p)) {
                throw new NoSuchFileException(p == null ? "None" : p.toString());
            }
            Files.delete(p);
            int handlers = echo == null ? 1 : 2;
            for (int i = 0; i < handlers; i++) {
                log(LogLevel.INFO, "reopening log file");
            }
            if (!closed) {
                file.reopen();
            }
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (file != null) {
            file.close();
        }
        if (echo != null) {
            synchronized (echo) {
                try {
                    echo.flush();
                } catch (IOException e) {
                    // stdout gone: nothing to do
                }
            }
        }
    }

    /** The record as written: {@code 2026-11-24 21:04:52,652 INFO message\n}. */
    String format(LogLevel l, String message) {
        Instant now = clock.instant();
        LocalDateTime t = LocalDateTime.ofInstant(now, zone);
        StringBuilder sb = new StringBuilder(message.length() + 30);
        sb.append(t.getYear()).append('-');
        two(sb, t.getMonthValue()).append('-');
        two(sb, t.getDayOfMonth()).append(' ');
        two(sb, t.getHour()).append(':');
        two(sb, t.getMinute()).append(':');
        two(sb, t.getSecond()).append(',');
        int ms = t.getNano() / 1_000_000;
        sb.append((char) ('0' + ms / 100)).append((char) ('0' + ms / 10 % 10)).append((char) ('0' + ms % 10));
        return sb.append(' ').append(l.code()).append(' ').append(message).append('\n').toString();
    }

    private static StringBuilder two(StringBuilder sb, int v) {
        return sb.append((char) ('0' + v / 10)).append((char) ('0' + v % 10));
    }

    private void emit(byte[] line) {
        if (echo != null) {
            synchronized (echo) {
                try {
                    echo.write(line);
                    echo.flush();
                } catch (IOException e) {
                    // EPIPE on stdout is ignored, as supervisord's StreamHandler does
                }
            }
        }
        if (file != null) {
            try {
                file.write(line, 0, line.length);
            } catch (IOException e) {
                PrintStream err = System.err;
                err.println("kupervisor: cannot write the main log " + file.path() + ": " + e);
            }
        }
    }

    /** Python's {@code repr(bytes)}: {@code b'...'} with {@code \xNN} escapes. */
    static String bytesRepr(byte[] data) {
        boolean hasSingle = false;
        boolean hasDouble = false;
        for (byte b : data) {
            hasSingle |= b == '\'';
            hasDouble |= b == '"';
        }
        char q = hasSingle && !hasDouble ? '"' : '\'';
        StringBuilder sb = new StringBuilder(data.length + 3).append('b').append(q);
        for (byte x : data) {
            int b = x & 0xff;
            if (b == q || b == '\\') {
                sb.append('\\').append((char) b);
            } else if (b == '\t') {
                sb.append("\\t");
            } else if (b == '\n') {
                sb.append("\\n");
            } else if (b == '\r') {
                sb.append("\\r");
            } else if (b < 0x20 || b >= 0x7f) {
                sb.append("\\x").append(Character.forDigit(b >> 4, 16)).append(Character.forDigit(b & 0xf, 16));
            } else {
                sb.append((char) b);
            }
        }
        return sb.append(q).toString();
    }
}

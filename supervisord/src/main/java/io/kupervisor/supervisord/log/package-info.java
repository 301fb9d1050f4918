/**
 * Logging as supervisord 4.2.5 does it ({@code loggers.py}, {@code dispatchers.py},
 * {@code options.py}, {@code http.py}), in plain JDK code.
 *
 * <ul>
 *   <li>{@link io.kupervisor.supervisord.log.ChannelLog}: where one channel of a process goes;
 *       {@link io.kupervisor.supervisord.log.RotatingFileLog} (a file rotated by size),
 *       {@link io.kupervisor.supervisord.log.ChannelLog#discard()} ({@code NONE}),
 *       {@link io.kupervisor.supervisord.log.MirroringLog} (also to the daemon's stdout, through a
 *       shared {@link io.kupervisor.supervisord.log.StdoutMirror}).
 *   <li>{@link io.kupervisor.supervisord.log.AnsiStripper}: {@code strip_ansi}.
 *   <li>{@link io.kupervisor.supervisord.log.AutoLogNames}: {@code AUTO} names and the cleanup at
 *       start.
 *   <li>{@link io.kupervisor.supervisord.log.MainLog}: the main log.
 *   <li>{@link io.kupervisor.supervisord.log.LogReader}: {@code readLog}/{@code tailProcessLog}.
 *   <li>{@link io.kupervisor.supervisord.log.LogFollower}: {@code /logtail} and {@code tail -F}.
 * </ul>
 *
 * <h2>Where kupervisor differs from supervisord, on purpose</h2>
 * <ul>
 *   <li>A log on something that is not a regular file ({@code /dev/stdout}, {@code /dev/fd/N}, a
 *       FIFO, a device) is written without rotation whatever {@code maxbytes} says; supervisord
 *       crashes the channel with {@code Illegal seek}. {@code clear} never deletes such a target.
 *   <li>A log file is always written in append mode, also after a rotation (supervisord's
 *       {@code 'wb'} leaves NUL-filled holes after an external {@code copytruncate}).
 *   <li>The rotation size is counted, and checked against the file before rotating, instead of
 *       a {@code tell()} per write.
 *   <li>AUTO logs keep mode 0600 across rotation and {@code clear}.
 *   <li>The {@code strip_ansi} stripper used per channel keeps its state between reads, so an
 *       escape split by a read boundary is removed too; the per-chunk function is also there.
 *   <li>{@code logfile=syslog}: no syslog; the main log goes to the stdout echo only, with a
 *       warning.
 *   <li>{@code /logtail} following reads the rest of a rotated file before the new one and finds
 *       files rotated several times between polls.
 *   <li>The AUTO cleanup matches the identifier literally (supervisord puts it in a regular
 *       expression unescaped).
 * </ul>
 */
package io.kupervisor.supervisord.log;

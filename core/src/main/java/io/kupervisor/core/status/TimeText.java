package io.kupervisor.core.status;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/**
 * Times written as C's strftime writes them in the C locale, by hand: a DateTimeFormatter of day
 * and month names brings about 100 classes of locale data into the daemon at its first use, which
 * every pod would pay for (issue 18).
 */
public final class TimeText {
    private static final String[] DAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
        "Nov", "Dec"};

    private TimeText() {
    }

    /** {@code %b %d %I:%M %p}, supervisorctl's stop time: {@code Nov 24 09:05 PM}. */
    public static String stopTime(ZonedDateTime t) {
        StringBuilder sb = new StringBuilder(15).append(MONTHS[t.getMonthValue() - 1]).append(' ');
        twoDigits(sb, t.getDayOfMonth()).append(' ');
        twoDigits(sb, t.getHour() % 12 == 0 ? 12 : t.getHour() % 12).append(':');
        return twoDigits(sb, t.getMinute()).append(t.getHour() < 12 ? " AM" : " PM").toString();
    }

    /** {@code %a %b %e %H:%M:%S %Y}, Python's {@code time.ctime()}: {@code Sun Jun  2 10:00:00 2024}. */
    public static String ctime(ZonedDateTime t) {
        StringBuilder sb = new StringBuilder(24).append(DAYS[t.getDayOfWeek().ordinal()]).append(' ')
                .append(MONTHS[t.getMonthValue() - 1]).append(' ');
        sb.append(t.getDayOfMonth() < 10 ? " " : "").append(t.getDayOfMonth()).append(' ');
        return year(time(sb, t.getHour(), t.getMinute(), t.getSecond()).append(' '), t.getYear()).toString();
    }

    /** RFC 9110's IMF-fixdate, HTTP's {@code Date}: {@code Sun, 06 Nov 1994 08:49:37 GMT}. */
    public static String httpDate(long epochSecond) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(epochSecond, 0, ZoneOffset.UTC);
        StringBuilder sb = new StringBuilder(29).append(DAYS[t.getDayOfWeek().ordinal()]).append(", ");
        twoDigits(sb, t.getDayOfMonth()).append(' ').append(MONTHS[t.getMonthValue() - 1]).append(' ');
        year(sb, t.getYear()).append(' ');
        return time(sb, t.getHour(), t.getMinute(), t.getSecond()).append(" GMT").toString();
    }

    private static StringBuilder time(StringBuilder sb, int hour, int minute, int second) {
        twoDigits(sb, hour).append(':');
        twoDigits(sb, minute).append(':');
        return twoDigits(sb, second);
    }

    private static StringBuilder year(StringBuilder sb, int year) {
        String digits = Integer.toString(year);
        return sb.append("0".repeat(Math.max(0, 4 - digits.length()))).append(digits);
    }

    static StringBuilder twoDigits(StringBuilder sb, int n) {
        return sb.append((char) ('0' + n / 10)).append((char) ('0' + n % 10));
    }
}

package io.kupervisor.core.status;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The hand-written times against what the JDK's formatters wrote before (C locale, every zone kind). */
class TimeTextTest {
    private static final List<ZoneId> ZONES = List.of(ZoneOffset.UTC, ZoneId.of("Europe/Paris"),
            ZoneId.of("America/St_Johns"), ZoneId.of("Asia/Kolkata"));

    @Test
    void examples() {
        ZonedDateTime t = Instant.parse("1994-11-06T08:49:37Z").atZone(ZoneOffset.UTC);
        assertThat(TimeText.httpDate(t.toEpochSecond())).isEqualTo("Sun, 06 Nov 1994 08:49:37 GMT");
        assertThat(TimeText.ctime(t)).isEqualTo("Sun Nov  6 08:49:37 1994");
        assertThat(TimeText.stopTime(t)).isEqualTo("Nov 06 08:49 AM");
        ZonedDateTime noon = Instant.parse("2026-12-18T12:00:00Z").atZone(ZoneOffset.UTC);
        assertThat(TimeText.stopTime(noon)).isEqualTo("Dec 18 12:00 PM");
        assertThat(TimeText.stopTime(noon.withHour(0))).isEqualTo("Dec 18 12:00 AM");
        assertThat(TimeText.ctime(noon)).isEqualTo("Fri Dec 18 12:00:00 2026");
    }

    @Test
    void eachIsWhatTheJdksFormatterWrites() {
        DateTimeFormatter stop = DateTimeFormatter.ofPattern("MMM dd hh:mm a", Locale.US);
        DateTimeFormatter ctime = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US);
        DateTimeFormatter http = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
                .withZone(ZoneOffset.UTC);
        SplittableRandom random = new SplittableRandom(18);
        for (ZoneId zone : ZONES) {
            for (int i = 0; i < 5_000; i++) {
                // 1970 to about 2286: every day of the week and month, leap days, DST changes
                Instant instant = Instant.ofEpochSecond(random.nextLong(10_000_000_000L), random.nextInt(1_000_000_000));
                ZonedDateTime t = instant.atZone(zone);
                assertThat(TimeText.stopTime(t)).as("%s", t).isEqualTo(stop.format(t));
                assertThat(TimeText.ctime(t)).as("%s", t).isEqualTo(ctime.format(t));
                assertThat(TimeText.httpDate(instant.getEpochSecond())).as("%s", instant).isEqualTo(http.format(instant));
            }
        }
    }
}

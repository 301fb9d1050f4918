package io.kupervisor.supervisord.http;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class HttpTextTest {
    /** What the Date header was written with before it was written by hand. */
    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    @Test
    void theHttpDateIsRfc9110sImfFixdate() {
        assertThat(HttpText.httpDate(Instant.parse("1994-11-06T08:49:37Z"))).isEqualTo("Sun, 06 Nov 1994 08:49:37 GMT");
        assertThat(HttpText.httpDate(Instant.parse("2026-12-08T00:00:00.999Z"))).isEqualTo("Tue, 08 Dec 2026 00:00:00 GMT");
    }

    @Test
    void theHttpDateIsWhatTheJdksFormatterWrites() {
        SplittableRandom random = new SplittableRandom(18);
        for (int i = 0; i < 20_000; i++) {
            // 1970 to about 2286, every day of the week and month, leap days included
            Instant t = Instant.ofEpochSecond(random.nextLong(10_000_000_000L), random.nextInt(1_000_000_000));
            assertThat(HttpText.httpDate(t)).as("%s", t).isEqualTo(IMF_FIXDATE.format(t));
        }
    }
}

package io.kupervisor.supervisord.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AnsiStripperTest {

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    @Test
    void stripsColoursAndCursorMovesLikeSupervisord() {
        assertThat(s(AnsiStripper.strip(b("\u001b[31mred\u001b[0m plain\n")))).isEqualTo("red plain\n");
        assertThat(s(AnsiStripper.strip(b("\u001b[1;32;40mgreen\u001b[K\u001b[2J\u001b[10;20H!")))).isEqualTo("green!");
        assertThat(s(AnsiStripper.strip(b("no escapes at all")))).isEqualTo("no escapes at all");
        assertThat(AnsiStripper.strip(new byte[0])).isEmpty();
    }

    @Test
    void onlyEscBracketStartsAnEscapeAndOnlySupervisordsTerminatorsEndIt() {
        // ESC not followed by '[' is kept; other control bytes are kept
        assertThat(s(AnsiStripper.strip(b("a\u001b]0;title\u0007b")))).isEqualTo("a\u001b]0;title\u0007b");
        // 'x' is not a terminator: everything up to the next terminator ('h' of "hello") goes
        assertThat(s(AnsiStripper.strip(b("\u001b[?25xhello")))).isEqualTo("ello");
        // an unterminated escape swallows the rest of the chunk
        assertThat(s(AnsiStripper.strip(b("keep\u001b[12;34")))).isEqualTo("keep");
        // a trailing lone ESC is kept by supervisord's per-chunk function
        assertThat(s(AnsiStripper.strip(b("tail\u001b")))).isEqualTo("tail\u001b");
        assertThat(s(AnsiStripper.strip(b("\u001b\u001b[mx")))).isEqualTo("\u001bx");
    }

    @Test
    void perChunkFunctionLeaksTheTailOfASplitEscapeAsSupervisordDoes() {
        String a = s(AnsiStripper.strip(b("before \u001b[3")));
        String c = s(AnsiStripper.strip(b("1mred")));
        assertThat(a + c).isEqualTo("before 1mred");
    }

    @Test
    void instanceStripsEscapesSplitAcrossChunks() {
        String text = "x\u001b[31mred\u001b[0m y \u001b[1;33mbold\u001b[m\n";
        byte[] all = b(text);
        for (int cut1 = 0; cut1 <= all.length; cut1++) {
            for (int cut2 = cut1; cut2 <= all.length; cut2++) {
                AnsiStripper st = new AnsiStripper();
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                out.writeBytes(st.feed(all, 0, cut1));
                out.writeBytes(st.feed(all, cut1, cut2 - cut1));
                out.writeBytes(st.feed(all, cut2, all.length - cut2));
                out.writeBytes(st.finish());
                assertThat(s(out.toByteArray())).as("cuts %d %d", cut1, cut2).isEqualTo("xred y bold\n");
            }
        }
    }

    @Test
    void heldBackEscIsReleasedWhenNoBracketFollowsOrAtTheEnd() {
        AnsiStripper st = new AnsiStripper();
        assertThat(s(st.feed(b("a\u001b"), 0, 2))).isEqualTo("a");
        assertThat(s(st.feed(b("b"), 0, 1))).isEqualTo("\u001bb");
        assertThat(s(st.feed(b("c\u001b"), 0, 2))).isEqualTo("c");
        assertThat(s(st.finish())).isEqualTo("\u001b");
        assertThat(st.finish()).isEmpty();
    }

    @Test
    void aSingleChunkGivesTheSameAsSupervisordsFunction() {
        String[] samples = {"\u001b[mx", "a\u001b[", "[m\u001b", "\u001b[[[m", "\u001b[\u001b[mZ", "m\u001b[Hh"};
        for (String sample : samples) {
            AnsiStripper st = new AnsiStripper();
            byte[] in = b(sample);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.writeBytes(st.feed(in, 0, in.length));
            out.writeBytes(st.finish());
            assertThat(s(out.toByteArray())).as(sample).isEqualTo(s(AnsiStripper.strip(in)));
        }
        assertThat(s(AnsiStripper.strip(b("\u001b[\u001b[mZ")))).isEqualTo("Z");
    }
}

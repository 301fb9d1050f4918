package io.kupervisor.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** supervisord's split_namespec and make_namespec. */
class NamespecTest {

    @Test
    void aNameAloneIsAGroupOfTheSameName() {
        Namespec n = Namespec.parse("web");
        assertThat(n).isEqualTo(new Namespec("web", "web"));
        assertThat(n.isWholeGroup()).isFalse();
        assertThat(n.toString()).isEqualTo("web");
    }

    @Test
    void groupAndProcess() {
        Namespec n = Namespec.parse("pool:w_01");
        assertThat(n).isEqualTo(new Namespec("pool", "w_01"));
        assertThat(n.toString()).isEqualTo("pool:w_01");
        // the first colon splits, as Python's split(':', 1)
        assertThat(Namespec.parse("a:b:c")).isEqualTo(new Namespec("a", "b:c"));
    }

    @Test
    void starOrNothingAfterTheColonIsTheWholeGroup() {
        assertThat(Namespec.parse("pool:*")).isEqualTo(Namespec.wholeGroup("pool"));
        assertThat(Namespec.parse("pool:")).isEqualTo(Namespec.wholeGroup("pool"));
        assertThat(Namespec.parse("pool:*").isWholeGroup()).isTrue();
        assertThat(Namespec.wholeGroup("pool").toString()).isEqualTo("pool:*");
        // an empty name is still a name (supervisord looks it up and answers BAD_NAME)
        assertThat(Namespec.parse(":")).isEqualTo(Namespec.wholeGroup(""));
        assertThat(Namespec.parse("")).isEqualTo(new Namespec("", ""));
    }

    @Test
    void sameGroupAndProcessPrintsOneName() {
        assertThat(Namespec.of("web", "web").toString()).isEqualTo("web");
        assertThat(Namespec.parse("web:web").toString()).isEqualTo("web");
    }
}

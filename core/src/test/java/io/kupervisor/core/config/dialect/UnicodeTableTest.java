package io.kupervisor.core.config.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every code point against Python 3.11's tables, so a JDK with another Unicode version fails here. */
class UnicodeTableTest {

    private static final JsonNode TABLES = Vectors.load("unicode.json");

    @Test
    void printableMatchesPythonForEveryCodePoint() {
        boolean[] nonPrintable = new boolean[Character.MAX_CODE_POINT + 1];
        for (JsonNode r : TABLES.get("nonprintable_ranges")) {
            for (int c = r.get(0).asInt(); c <= r.get(1).asInt(); c++) {
                nonPrintable[c] = true;
            }
        }
        List<String> wrong = new ArrayList<>();
        for (int c = 0; c <= Character.MAX_CODE_POINT; c++) {
            if (Unicode14.isPrintable(c) == nonPrintable[c]) {
                wrong.add(Integer.toHexString(c));
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void decimalDigitsMatchPythonForEveryCodePoint() {
        int[] decimal = new int[Character.MAX_CODE_POINT + 1];
        java.util.Arrays.fill(decimal, -1);
        for (JsonNode d : TABLES.get("decimals")) {
            decimal[d.get(0).asInt()] = d.get(1).asInt();
        }
        List<String> wrong = new ArrayList<>();
        for (int c = 0; c <= Character.MAX_CODE_POINT; c++) {
            if (Unicode14.decimalValue(c) != decimal[c]) {
                wrong.add(Integer.toHexString(c));
            }
        }
        assertThat(wrong).isEmpty();
    }

    @Test
    void isSpaceMatchesPythonForEveryCodePoint() {
        List<Integer> expected = new ArrayList<>();
        TABLES.get("spaces").forEach(n -> expected.add(n.asInt()));
        List<Integer> actual = new ArrayList<>();
        for (int c = 0; c <= Character.MAX_CODE_POINT; c++) {
            if (PyText.isSpace(c)) {
                actual.add(c);
            }
        }
        assertThat(actual).isEqualTo(expected);
    }
}

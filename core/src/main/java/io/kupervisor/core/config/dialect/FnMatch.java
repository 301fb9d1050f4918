package io.kupervisor.core.config.dialect;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Python 3.11's {@code fnmatch.fnmatchcase} for one path component.
 *
 * <p>Python translates the pattern into a regular expression; its bracket rules (ranges, '!',
 * reversed ranges dropped, unclosed '[' taken literally) are reproduced here on a small token list
 * and matched directly, because Java's regex syntax reads classes like {@code [a[]} differently.
 */
final class FnMatch {

    /** One pattern element: every kind except STAR matches exactly one code point. */
    private sealed interface Part {}

    private record Star() implements Part {}

    private record AnyChar() implements Part {}

    private record Literal(int codePoint) implements Part {}

    /** A bracket expression: literals and inclusive ranges, possibly negated. */
    private record CharClass(boolean negated, List<int[]> ranges) implements Part {
        boolean matches(int cp) {
            boolean in = false;
            for (int[] r : ranges) {
                if (cp >= r[0] && cp <= r[1]) {
                    in = true;
                    break;
                }
            }
            return in != negated;
        }
    }

    private final List<Part> parts;

    private FnMatch(List<Part> parts) {
        this.parts = parts;
    }

    static FnMatch compile(String pattern) {
        return new FnMatch(translate(pattern.codePoints().toArray()));
    }

    /** Mirrors {@code fnmatch.translate}. */
    private static List<Part> translate(int[] pat) {
        List<Part> res = new ArrayList<>();
        int i = 0;
        int n = pat.length;
        while (i < n) {
            int c = pat[i++];
            if (c == '*') {
                if (res.isEmpty() || !(res.getLast() instanceof Star)) {
                    res.add(new Star());
                }
            } else if (c == '?') {
                res.add(new AnyChar());
            } else if (c == '[') {
                int j = i;
                if (j < n && pat[j] == '!') {
                    j++;
                }
                if (j < n && pat[j] == ']') {
                    j++;
                }
                while (j < n && pat[j] != ']') {
                    j++;
                }
                if (j >= n) {
                    res.add(new Literal('['));
                } else {
                    res.add(bracket(pat, i, j));
                    i = j + 1;
                }
            } else {
                res.add(new Literal(c));
            }
        }
        return res;
    }

    /** The class for {@code pat[i:j]} (between '[' and ']'), following translate's chunk logic. */
    private static CharClass bracket(int[] pat, int i, int j) {
        boolean negated = pat[i] == '!';
        List<int[]> chunks = new ArrayList<>();
        if (!contains(pat, i, j, '-')) {
            chunks.add(slice(pat, i, j));
        } else {
            // Split at the '-' that are range operators; a '-' right after '[' or '[!' is literal.
            int k = negated ? i + 2 : i + 1;
            while (true) {
                k = indexOf(pat, '-', k, j);
                if (k < 0) {
                    break;
                }
                chunks.add(slice(pat, i, k));
                i = k + 1;
                k = k + 3;
            }
            int[] chunk = slice(pat, i, j);
            if (chunk.length > 0) {
                chunks.add(chunk);
            } else {
                chunks.set(chunks.size() - 1, append(chunks.getLast(), '-'));
            }
            // Remove empty (reversed) ranges, which are invalid in a regex.
            for (k = chunks.size() - 1; k > 0; k--) {
                int[] prev = chunks.get(k - 1);
                int[] cur = chunks.get(k);
                if (prev[prev.length - 1] > cur[0]) {
                    int[] merged = new int[prev.length - 1 + cur.length - 1];
                    System.arraycopy(prev, 0, merged, 0, prev.length - 1);
                    System.arraycopy(cur, 1, merged, prev.length - 1, cur.length - 1);
                    chunks.set(k - 1, merged);
                    chunks.remove(k);
                }
            }
        }
        // Chunks join with '-': the last char of one chunk and the first of the next bound a range.
        List<int[]> ranges = new ArrayList<>();
        for (int c = 0; c < chunks.size(); c++) {
            int[] chunk = chunks.get(c);
            int from = c == 0 ? (negated ? 1 : 0) : 1;
            int to = c == chunks.size() - 1 ? chunk.length : chunk.length - 1;
            if (c > 0) {
                int[] prev = chunks.get(c - 1);
                ranges.add(new int[] {prev[prev.length - 1], chunk[0]});
            }
            for (int x = from; x < to; x++) {
                ranges.add(new int[] {chunk[x], chunk[x]});
            }
        }
        return new CharClass(negated, ranges);
    }

    boolean matches(String name) {
        int[] s = name.codePoints().toArray();
        // Classic wildcard matching with backtracking to the last star; every other part eats one code point.
        int p = 0;
        int i = 0;
        int starP = -1;
        int starI = -1;
        while (i < s.length) {
            if (p < parts.size() && !(parts.get(p) instanceof Star) && matchesOne(parts.get(p), s[i])) {
                p++;
                i++;
            } else if (p < parts.size() && parts.get(p) instanceof Star) {
                starP = p++;
                starI = i;
            } else if (starP >= 0) {
                p = starP + 1;
                i = ++starI;
            } else {
                return false;
            }
        }
        while (p < parts.size() && parts.get(p) instanceof Star) {
            p++;
        }
        return p == parts.size();
    }

    private static boolean matchesOne(Part part, int cp) {
        // instanceof, not a pattern switch: that is a class spun at run time (issue 18)
        if (part instanceof AnyChar) {
            return true;
        } else if (part instanceof Literal l) {
            return l.codePoint() == cp;
        } else if (part instanceof CharClass c) {
            return c.matches(cp);
        }
        throw new IllegalStateException("a star matches no single character");
    }

    private static boolean contains(int[] a, int from, int to, int v) {
        return indexOf(a, v, from, to) >= 0;
    }

    private static int indexOf(int[] a, int v, int from, int to) {
        for (int x = Math.max(from, 0); x < to; x++) {
            if (a[x] == v) {
                return x;
            }
        }
        return -1;
    }

    private static int[] slice(int[] a, int from, int to) {
        return Arrays.copyOfRange(a, from, to);
    }

    private static int[] append(int[] a, int v) {
        int[] r = Arrays.copyOf(a, a.length + 1);
        r[a.length] = v;
        return r;
    }
}

#!/usr/bin/python3
"""Compute the expected results of kupervisor's Python-dialect primitives with the real Python.

Run with Debian's /usr/bin/python3 (3.11), which has supervisor 4.2.5 installed:

    /usr/bin/python3 tools/dialect/generate-vectors.py core/src/test/resources/dialect

Writes one JSON file per primitive. The Java tests in io.kupervisor.core.config.dialect read them
and compare every vector, so Java never encodes a guess about Python's behaviour. Random vectors
come from a fixed seed: re-running produces identical files.
"""

import glob
import io
import json
import os
import random
import shlex
import sys
import tempfile
import unicodedata
import fnmatch

from supervisor.datatypes import dict_of_key_value_pairs

SEED = 20240611


def write(outdir, name, data):
    path = os.path.join(outdir, name)
    with open(path, 'w', encoding='utf-8') as f:
        json.dump(data, f, ensure_ascii=True, indent=1, sort_keys=False)
        f.write('\n')
    print('wrote %s (%d vectors)' % (path, len(data) if isinstance(data, list) else 1))


def rand_text(rng, alphabet, max_len):
    return ''.join(rng.choice(alphabet) for _ in range(rng.randint(0, max_len)))


# ---------------------------------------------------------------- unicode tables

def unicode_tables():
    nonprintable = []
    start = None
    for c in range(0x110001):
        p = c < 0x110000 and chr(c).isprintable()
        if not p and start is None and c < 0x110000:
            start = c
        if (p or c == 0x110000) and start is not None:
            nonprintable.append([start, c - 1])
            start = None
    decimals = [[c, unicodedata.decimal(chr(c))] for c in range(0x110000)
                if unicodedata.decimal(chr(c), -1) >= 0]
    spaces = [c for c in range(0x110000) if chr(c).isspace()]
    return {'unidata_version': unicodedata.unidata_version,
            'nonprintable_ranges': nonprintable,
            'decimals': decimals,
            'spaces': spaces}


# ---------------------------------------------------------------- repr / strip / lower

REPR_INPUTS = [
    '', 'a', 'abc', "it's", 'say "hi"', 'both \' and "', '\\', 'back\\slash', 'tab\there',
    'new\nline', 'cr\rlf\n', '\x00', '\x01\x1f', '\x7f', '\x80', '\x9f', '\xa0', '\xad', 'é',
    'café', '\u2028', '\u200b', '\ufeff', '\ud800', '\udfff', '\U0001F600', '\U000E0001',
    '\U0010FFFF', '\uffff', '\u0378', '\u3000', ' ', '日本語', 'Ω', '\u1680', '\x1b[31m',
    '\'"', '"\'', "'", '"', 'a\\\'b', '\u0897', '\U0001FA75', '\x85', '%', '%(x)s',
]


def repr_vectors(rng):
    inputs = list(REPR_INPUTS)
    alphabet = ['a', ' ', "'", '"', '\\', '\n', '\t', '\x00', '\x7f', 'é', '\xa0', '\u2028',
                '\U0001F600', '\ud83d', '\u0378', '\u00ad', '\x1f', '\x85']
    for _ in range(150):
        inputs.append(rand_text(rng, alphabet, 8))
    return [{'input': s, 'repr': repr(s), 'ascii': ascii(s), 'strip': s.strip(),
             'lstrip': s.lstrip(), 'rstrip': s.rstrip(), 'lower': s.lower()} for s in inputs]


def strip_vectors():
    spaces = ''.join(chr(c) for c in range(0x3001) if chr(c).isspace())
    inputs = ['', ' ', '  a  ', '\ta b\n', '\x1c\x1dx\x1e\x1f', '\x85y\xa0', '\u3000z\u2029',
              spaces + 'mid' + spaces, spaces, '\u200bkeep\u200b', 'ÀÉÎ ÕÜ', 'İSTANBUL', 'ΑΣ ΟΔΟΣ',
              'Straße', 'ǅ', 'ABC def GHI']
    return [{'input': s, 'strip': s.strip(), 'lstrip': s.lstrip(), 'rstrip': s.rstrip(),
             'lower': s.lower()} for s in inputs]


# ---------------------------------------------------------------- int()

INT_INPUTS = [
    '0', '1', '-1', '+1', '007', '-007', ' 42 ', '\t42\n', '1_000', '1__000', '_1', '1_', '+_1',
    '-_1', '0_0', '', ' ', '+', '-', '- 1', '+ 1', '1 2', 'abc', '12abc', '0x10', '1e3', '1.0',
    '١٢٣', '١x', '１２', '𝟏𝟐', '\u30001\u3000', '\x851\x85', '\xa01', '\x1c1', '1\x1f', '\x0b1\x0c',
    '1\x00', '1\x002', "it's", 'a"b\'c', 'é', '9223372036854775807', '-9223372036854775808',
    '9223372036854775808', '-9223372036854775809', '99999999999999999999999', '0' * 30 + '5',
    'x' * 300, 'é' * 250, '1' * 4301, '0' * 5000, '1' * 4301 + 'x', '1' * 4300 + '_', '1' * 4300 + '__1',
    '\U00011bf1', '\u0967', '٣', '1\u0660', '++1', '--1', '+-1', '1 ', ' -5', '−5', 'NaN', 'true',
    '\u2003-12\u2003', '12\U0001F600', '\u200b1',
]


def int_vectors(rng):
    inputs = list(INT_INPUTS)
    alphabet = ['0', '1', '9', '_', ' ', '-', '+', 'a', '\t', '١', '\u3000', '\x1c', '.']
    for _ in range(150):
        inputs.append(rand_text(rng, alphabet, 7))
    out = []
    for s in inputs:
        try:
            v = int(s)
        except ValueError as e:
            out.append({'input': s, 'error': str(e)})
            continue
        if -2**63 <= v < 2**63:
            out.append({'input': s, 'value': v})
        else:
            out.append({'input': s, 'too_large': True})
    return out


# ---------------------------------------------------------------- % formatting

class Marker(Exception):
    """Raised when Python hands the whole mapping to a conversion (a name-less %s, %d, ...)."""


class WholeMapping(dict):
    # Python formats the mapping itself for %s, %r and %a without (name): detect that. The numeric
    # conversions fail on a dict in Python too, and keep Python's message (the class is renamed
    # to dict in it below).
    def __str__(self):
        raise Marker()

    def __repr__(self):
        raise Marker()


PERCENT_MAPPING = {
    'process_num': 0, 'group_name': 'web', 'program_name': 'app', 'host_node_name': 'box',
    'here': '/etc/supervisor', 'ENV_X': 'x-value', 'ENV_HOME': '/home/ü', 'n': -255, 'big': 2**63 - 1,
    'small': -2**63, 'a': 65, 'z': 0, 'cp': 0x1F600, 'bad_cp': 0x110000, 'str1': 'é', 'empty': '',
    'uni': 'naïve 日本', 'quote': "it's", 'five': 5, 'neg5': -5, '(a)': 'paren', 'p()': 'pp',
    'numstr': '12', 'x': 'xx', 'half': 25, 'huge': 123456789012345678,
}

PERCENT_TEMPLATES = [
    '', 'plain text', '%%', '100%%', '%%(x)s', '%(process_num)02d', '%(process_num)d',
    '%(program_name)s_%(process_num)02d', '%(ENV_X)s', '%(ENV_HOME)s/bin', '%(here)s/../x',
    '%(x)5s', '%(x)-5s|', '%(x).1s', '%(x)5.1s', '%(x)05s', '%(uni)s', '%(uni).3s', '%(uni)10s',
    '%(uni)r', '%(uni)a', '%(quote)r', '%(str1)c', '%(a)c', '%(cp)c', '%(bad_cp)c', '%(n)c',
    '%(x)c', '%(n)x', '%(n)X', '%(n)#x', '%(n)#X', '%(n)o', '%(n)#o', '%(a)#010x', '%(a)-#10x|',
    '%(a)#10o', '%(a)+d', '%(a) d', '%(n) d', '%(a)+05d', '%(n)05d', '%(n)-05d|', '%(a).5d',
    '%(n).5d', '%(a)8.5d', '%(a)-8.5x|', '%(a)i', '%(a)u', '%(a)hd', '%(a)ld', '%(a)Ld',
    '%(big)d', '%(small)d', '%(small)x', '%(big)#o', '%(a)e', '%(a)E', '%(a)f', '%(a)F', '%(a)g',
    '%(a)G', '%(huge)g', '%(huge)e', '%(huge).3e', '%(huge)f', '%(big)f', '%(big)g', '%(small)e',
    '%(half).0e', '%(half).1g', '%(five).0e', '%(five)#.0e', '%(five)#.0f', '%(five)#g', '%(z)e',
    '%(z)g', '%(z)#g', '%(z)f', '%(a)+.2f', '%(a)010.3f', '%(n)010.3f', '%(n)-10.1e|', '%(a) g',
    '%(huge).20g', '%(huge)#.20g', '%(a).0g', '%(a)#.0g', '%(a)s', '%(a)5s', '%(a).1s', '%(a)r',
    '%(a)a', '%(n)+s', '%(numstr)d', '%(numstr)x', '%(numstr)f', '%(numstr)c', '%(missing)s',
    '%(missing)U', '%(ENV_Y)s', '%()s', '%(a)U', '%(a)é', '%(a)\U0001F600', '%(a)\x00', '%(a)(x)s',
    '%((a))s', '%(p())s', '%(a', '%(a)', '%(a)5', '%(a)5.', '%(a).', '%(a)l', '%(a)-', 'trailing %',
    '%', '%%%', 'é%(a)y', '日本%(a)U', '\U0001F600%(a)!', '%(a)*d', '%(a).*d', '%(x)*d', '%(x).*d',
    '%(a)d %s', '%(a)s%(a)s', '%(a)99999999999999999999d', '%(a).99999999999999999999d',
    '%(a)9223372036854775807d', '%(a).2147483647s', '%(a).2147483648d', '%(x) 5s', '%(x)+s',
    '%(x)#s', '%(a)#s', '%(a)#5d', '%(five)%', '%(a)5%', '%5%', '%-5%', '%s', '%d', '%5d', '%-s',
    '%r', '%c', '%x', '%f', '%U', '%*d', '%.*d', '%s %s', '%s %(a)s', '%(a)s %s', '%z',
    'a%(empty)sb', '%(empty)5s|', '%(empty).0s', '%(x).0s', '%(a).0d', '%(z).0d', '%(z)#.0x',
    '%(z)#x', '%(z)#o', '%(neg5)c', '%(a)h', '%(a)hh', '%(a)lld', '%(a)q', '%(a)n', '%(a)b',
    '%(a)  +d', '%(a)0-5d|', '%(a)-05d|', '%(neg5)+d', '%(neg5) 5d', '%(neg5)#05x', '%(a)#5X',
    # found by fuzzing: a width of -2**63 from '*' is negated in C and stays negative
    '%%%(small)-*', '%(small)-*s', '%(big)*s', '%(neg5)*s',
]


def percent_expect(template, mapping):
    try:
        return {'result': template % WholeMapping(mapping)}
    except Marker:
        return {'rejected_bare': True}
    except KeyError as e:
        return {'error': {'kind': 'MISSING_NAME', 'detail': str(e)}}
    except Exception as e:  # ValueError, TypeError, OverflowError: supervisord prints str(e)
        return {'error': {'kind': 'BAD_FORMAT', 'detail': str(e).replace('WholeMapping', 'dict'),
                          'python_type': type(e).__name__}}


def percent_vectors(rng):
    templates = list(PERCENT_TEMPLATES)
    names = ['a', 'x', 'n', 'z', 'five', 'neg5', 'uni', 'str1', 'missing', 'huge', 'small']
    pieces = ['%', '%%', '(', ')', '-', '+', ' ', '#', '0', '5', '.', '*', '2', 'h', 'l', 's', 'd',
              'x', 'X', 'o', 'e', 'f', 'g', 'G', 'c', 'r', 'a', 'i', 'u', 'U', 'é', 'q', 'A']
    for _ in range(400):
        out = []
        for _ in range(rng.randint(1, 3)):
            if rng.random() < 0.2:
                out.append(rand_text(rng, ['a', ' ', 'é', '%%', '/'], 3))
            spec = '%'
            if rng.random() < 0.85:
                spec += '(' + rng.choice(names) + ')'
            spec += ''.join(rng.choice('-+ #0') for _ in range(rng.randint(0, 2)))
            if rng.random() < 0.5:
                spec += str(rng.randint(0, 12))
            if rng.random() < 0.4:
                spec += '.' + (str(rng.randint(0, 25)) if rng.random() < 0.8 else '')
            if rng.random() < 0.1:
                spec += rng.choice('hlL')
            spec += rng.choice('sdxXoefgGcrai') if rng.random() < 0.85 else rng.choice(pieces)
            out.append(spec)
        templates.append(''.join(out))
    vectors = []
    for t in templates:
        v = {'template': t}
        v.update(percent_expect(t, PERCENT_MAPPING))
        vectors.append(v)
    return {'mapping': PERCENT_MAPPING, 'vectors': vectors}


# ---------------------------------------------------------------- shlex

SPLIT_INPUTS = [
    '', ' ', '   \t\n  ', 'a', 'a b c', '  a   b  ', 'a\tb\nc\rd', "'a b'", '"a b"', "'a'b'c'",
    '"a"b"c"', "''", '""', "'' ''", 'a""b', "x=''", "'unterminated", '"unterminated', 'a "b c',
    "a 'b c", '\\', 'a\\', 'a\\ b', '\\a\\b', '"\\""', '"\\\\"', '"\\a"', '"\\$HOME"', "'\\'",
    "'a\\nb'", '"a\\\nb"', 'a\\\nb', '"a\nb"', "'a\nb'", 'echo "hello world" \'single q\'',
    '/bin/sh -c "echo $HOME; exit 1"', 'python -m http.server 8080', 'a#b', '# not a comment',
    'a;b|c&d', '(x)', 'é ü', '日本 語', 'a\x0bb', 'a\x0cb', 'a\xa0b', 'a\u3000b', 'a\x00b',
    '"mixed \'quotes\'"', "'mixed \"quotes\"'", '"\\"quoted\\" word"', '\\"a', "\\'a", 'a\\"b',
    'cmd --opt="value with spaces"', "--x='1 2' --y=\"3 4\"", '"a"\'b\'c', '\\\\', '\\\\\\',
    '"\\\\\\""', 'a\\\\ b', '"trailing backslash\\', "'\\\\'", 'ßàá', '\U0001F600 x',
]


def split_vectors(rng):
    inputs = list(SPLIT_INPUTS)
    alphabet = ['a', 'b', ' ', '\t', '\n', "'", '"', '\\', '#', 'é', ';', '=', '\U0001F600']
    for _ in range(300):
        inputs.append(rand_text(rng, alphabet, 10))
    out = []
    for s in inputs:
        try:
            out.append({'input': s, 'tokens': shlex.split(s)})
        except ValueError as e:
            out.append({'input': s, 'error': str(e)})
    return out


class CommentSpy(io.StringIO):
    """shlex skips a comment with instream.readline(): record what that discarded."""

    def __init__(self, s):
        super().__init__(s)
        self.comments = []

    def readline(self, *args):
        line = super().readline(*args)
        self.comments.append('#' + (line[:-1] if line.endswith('\n') else line))
        return line


TOKEN_INPUTS = [
    '', 'a', 'a b', 'A=1,B=2', 'abc#def', 'abc#def\nghi', 'abc #def\nghi', '#only', '#c1\n#c2\nx',
    'x #trailing', "'q u o t e d'", '"dq"x', "a'b'c", 'a"b c"d', "'unterminated", '"unterminated',
    '$HOME', '100%', '*.log', '/usr/local/bin:/usr/bin', 'a.b+c-d(e):f', 'a\\b', '\\', 'é', 'café',
    '\U0001F600', 'a,#c\nb', 'a=b=c', 'x;y', '  spaced  out  ', 'tab\tsep\nnl\rcr', 'a\x0bb',
    '{"a":1}', "'{\"a\":1}'", '"it\'s"', "'say \"hi\"'", 'ends with #', 'a#\n#\nb', 'w#c\n\nz',
]


def token_vectors(rng):
    cases = [(s, '/.+-():') for s in TOKEN_INPUTS] + [(s, '') for s in TOKEN_INPUTS[:20]]
    alphabet = ['a', 'B', '1', ' ', '\n', "'", '"', '\\', '#', 'é', ',', ';', '=', '$', '.', '/',
                '(', ':', '%', '*', '\U0001F600']
    for _ in range(300):
        cases.append((rand_text(rng, alphabet, 12), rng.choice(['/.+-():', '', '$*'])))
    out = []
    for s, extra in cases:
        spy = CommentSpy(s)
        lexer = shlex.shlex(spy)
        lexer.wordchars += extra
        tokens, follows, indexes = [], [], []
        try:
            while True:
                seen = len(spy.comments)
                tok = lexer.get_token()
                new = len(spy.comments) - seen
                indexes.extend([len(tokens)] * new)
                if tok == lexer.eof:
                    break
                follows.append(new > 0)
                tokens.append(tok)
        except ValueError as e:
            out.append({'input': s, 'wordchars': extra, 'error': str(e)})
            continue
        out.append({'input': s, 'wordchars': extra, 'tokens': tokens, 'follows_comment': follows,
                    'comments': spy.comments, 'comment_token_indexes': indexes})
    return out


# ---------------------------------------------------------------- environment=

# (value, lossy): lossy marks rows where supervisord silently drops text, so kupervisor must warn.
ENV_MATRIX = [
    ('A=1,B=two', False), ('A=1, B=two', False), ('A="x,y",B=z', False),
    ('A="hello world",B=\'single q\'', False), ('P="/usr/local/bin:/usr/bin",Q=/a/b.c+d-e(f):g', False),
    ('U="http://x:8080/p?q=1&r=2"', False), ('U=http://x:8080/p', False), ('J=\'{"a":1}\'', False),
    ('A="it\'s"', False), ('A="",B=1', False), ('A=1;B=2', False), ('A=1,B=2,', False),
    ('A=1,A=2', False), ('t_x=1', False), ('A=abc#def,B=1', True), ('A=$HOME', True),
    ('A=*.log', True), ('A=100%', True), ('A=a b', True), ('A=a b,B=1', None), ('A=1 B=2', None),
    ('A=user@host', None), ('A="say \\"hi\\""', None), ('A=1,\nB=2', False), ('A=1\nB=2', None),
    ('A=1,\n  B=2,\n  C=3', False), ('A="multi\nline",B=2', False), ('', False),
]

ENV_MORE = [
    ('A=1,B=2,C=3', False), ('A=1 , B=2', False), ('A = 1', False), ('A=1,', False), ('A=', None),
    ('=1', None), ('A', None), ('A=1,B', None), ('A=1,B=', None), ('A="x', None), ("A='x", None),
    ('A=1,B=2,A=3', False), ('B=1,A=2,B=3', False), ('A="\'quoted\'"', True), ('A=\'"x"\'', True),
    ('A=x\'', True), ('A=it\'s', False), ('A=café', True), ('A=é', False), ('A=1&B=2', True),
    ('A=1 # comment', True), ('A=1,#c\nB=2', True), ('A=abc#def\nB=1', None), ('A=a b c=1', True),
    ('A=x.y', False), ('PATH=/bin:/usr/bin', False), ('A=-1', False), ('A=(x)', False),
    ('A="a b" ,B=c', False), ('A=$', False), ('K_1=v_1;K_2=v_2;', False), ('A==', False),
    ('A="x"y', True), ('A=\'\',B=""', False), ('LANG=en_US.UTF-8', False), ('A=1\tB=2', None),
    ('A=\\n', True), ('  ', False), ('#all comment', True), ('A=1,B=2 #c', True),
]


def env_vectors(rng):
    cases = ENV_MATRIX + ENV_MORE
    alphabet = ['A', 'B', 'x', '1', '=', '=', ',', ';', ' ', '"', "'", '#', '\n', '$', '/', '.',
                ':', '%', 'é', '*']
    for _ in range(300):
        cases.append((rand_text(rng, alphabet, 12), 'unknown'))
    out = []
    for value, lossy in cases:
        v = {'input': value}
        if lossy is None:
            v['lossy'] = None
        elif lossy != 'unknown':
            v['lossy'] = lossy
        try:
            d = dict_of_key_value_pairs(value)
            v['pairs'] = [[k, val] for k, val in d.items()]
        except ValueError as e:
            v['error'] = str(e)
        if lossy is None and 'error' not in v:
            raise SystemExit('expected an error for %r' % value)
        out.append(v)
    return out


# ---------------------------------------------------------------- fnmatch / glob

FNMATCH_PATTERNS = [
    '*', '?', '*.conf', 'a*', '*a', 'a*b*c', '[abc]', '[!abc]', '[a-c]', '[!a-c]', '[z-a]', '[z-ab]',
    '[!b-a]', '[]]', '[!]]', '[]-a]', '[-a]', '[a-]', '[!-a]', '[a--]', '[', '[a', '[!', '[]', 'a[',
    '[[]', '[a[]', '[\\]', '[\\-a]', '[^a]', '[&~|]', '[a-c-e]', '[a-cx-z]', '[é-ü]', '*[0-9]',
    '**', '***x', '?*?', '[?]', '[*]', 'x[!]y', '[!]', '.*', '[.]x', '\\*', '[a-z][!0-9]*',
    '*.[ch]', '[%-+]', '[+--]', '[b-a-c]', '[a-b-c]', '[!a-b-c]', '[]-]', '[!]-]', '[\U0001F600]',
]

FNMATCH_NAMES = [
    '', 'a', 'b', 'c', 'd', 'z', 'A', '.', '.a', 'a.conf', '.conf', 'abc', 'axbxc', 'ab', 'ba',
    ']', '[', '-', '!', '^', '\\', '&', '~', '|', '*', '?', 'é', 'ö', 'x]y', 'x!y', 'xy', 'x', 'y',
    '1', 'a1', 'a.c', 'a.h', '\n', '%', '+', ',', '\U0001F600', 'abcabc', 'aXb9',
]


def fnmatch_vectors(rng):
    out = []
    for p in FNMATCH_PATTERNS:
        out.append({'pattern': p, 'matches': [n for n in FNMATCH_NAMES if fnmatch.fnmatchcase(n, p)]})
    alphabet = ['a', 'b', 'c', '*', '?', '[', ']', '!', '-', '^', '\\', 'é', '.']
    for _ in range(300):
        p = rand_text(rng, alphabet, 7)
        names = [rand_text(rng, ['a', 'b', 'c', '-', ']', '!', '.', 'é'], 5) for _ in range(8)]
        out.append({'pattern': p, 'names': names,
                    'matches': [n for n in names if fnmatch.fnmatchcase(n, p)]})
    return {'names': FNMATCH_NAMES, 'vectors': out}


# The tree is described relative to its root; the Java test builds the same tree in a @TempDir.
GLOB_DIRS = ['conf.d', 'conf.d/sub', 'conf.d/.hidden_dir', 'other', 'other/deep', 'other/deep/er',
             'br[ack]et', 'spa ce', 'ünï', 'empty']
GLOB_FILES = ['a.conf', 'b.conf', 'c.ini', '.hidden.conf', 'README', 'conf.d/x.conf', 'conf.d/y.conf',
              'conf.d/z.ini', 'conf.d/.dot.conf', 'conf.d/sub/s.conf', 'conf.d/.hidden_dir/h.conf',
              'other/o.conf', 'other/deep/d.conf', 'other/deep/er/e.conf', 'br[ack]et/in.conf',
              'spa ce/sp.conf', 'ünï/ü.conf', 'star*name', 'q?mark', 'file1', 'file2', 'file10']
GLOB_SYMLINKS = [['link_to_conf.d', 'conf.d'], ['dangling', 'does-not-exist'],
                 ['other/link_to_file', '../a.conf']]
GLOB_PATTERNS = [
    '*.conf', '*', '.*', '*/*.conf', 'conf.d/*', 'conf.d/*.conf', 'conf.d/.*', 'conf.d/*/*.conf',
    '*/*/*.conf', '*/.*/*.conf', 'conf.d/.hidden_dir/*', '?.conf', '[ab].conf', '[!a].conf',
    '[a-b].*', 'file[0-9]', 'file[0-9]*', 'file?', 'README', 'missing', 'missing/*', '*/missing',
    'conf.d/', 'conf.d//*.conf', 'conf.d/./*.conf', 'other/../*.ini', '*.d/x.conf', 'link_to_conf.d/*',
    'link*/*.conf', 'dangling', 'dang*', 'other/link*', 'br[ack]et/*', 'br[[]ack]et/*', 'spa ce/*',
    'spa?ce/*', 'ünï/*', '??ï/*.conf', 'star*name', 'star[*]name', 'q[?]mark', '*/', 'conf.d/*/',
    '**/*.conf', '**', 'empty/*', 'e*/*', 'a.conf/*', '*.conf/x', '', 'conf.d/x.conf', 'c*.d/sub',
    'conf.d/sub/', 'conf.d/s*/', '[cC]onf.d/*.ini', 'CONF.D/*', '*.CONF', '[', 'br[ack]et',
    'other/deep/*/*', 'other/*/er', '*/*/er/*',
]


def glob_vectors():
    with tempfile.TemporaryDirectory() as root:
        for d in GLOB_DIRS:
            os.makedirs(os.path.join(root, d))
        for f in GLOB_FILES:
            with open(os.path.join(root, f), 'w') as fh:
                fh.write('x')
        for link, target in GLOB_SYMLINKS:
            os.symlink(target, os.path.join(root, link))
        out = []
        for p in GLOB_PATTERNS:
            full = root + '/' + p
            results = glob.glob(full)
            rel = []
            for r in results:
                assert r.startswith(root + '/'), r
                rel.append(r[len(root) + 1:])
            out.append({'pattern': p, 'matches': sorted(rel)})
    return {'dirs': GLOB_DIRS, 'files': GLOB_FILES, 'symlinks': GLOB_SYMLINKS, 'vectors': out}


def main():
    if len(sys.argv) != 2:
        raise SystemExit('usage: generate-vectors.py OUTDIR')
    if sys.version_info[:2] != (3, 11):
        raise SystemExit('run with Debian\'s /usr/bin/python3 (3.11), not %s' % sys.version)
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    write(outdir, 'unicode.json', unicode_tables())
    write(outdir, 'repr.json', repr_vectors(random.Random(SEED)))
    write(outdir, 'strip.json', strip_vectors())
    write(outdir, 'int.json', int_vectors(random.Random(SEED + 1)))
    write(outdir, 'percent.json', percent_vectors(random.Random(SEED + 2)))
    write(outdir, 'shlex-split.json', split_vectors(random.Random(SEED + 3)))
    write(outdir, 'shlex-tokens.json', token_vectors(random.Random(SEED + 4)))
    write(outdir, 'environment.json', env_vectors(random.Random(SEED + 5)))
    write(outdir, 'fnmatch.json', fnmatch_vectors(random.Random(SEED + 6)))
    write(outdir, 'glob.json', glob_vectors())


if __name__ == '__main__':
    main()

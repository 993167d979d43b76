#!/usr/bin/env python3
"""tests/dotenv_read.py - Compose's env-file reader, for the tests (no Docker here).

A re-implementation of compose-go's dotenv parser (dotenv/parser.go: quoted
values, the backslash rules, unquoted values losing " #..." and trailing
blanks, keys, export, comments) and of Compose's interpolation ($$, $VAR,
${VAR}, ${VAR:-d}, ${VAR-d}, ${VAR:?e}, ${VAR?e}, ${VAR:+r}, ${VAR+r}).

  dotenv_read.py --selftest       compose-go's documented cases
  dotenv_read.py FILE [ENV_JSON]   the variables FILE sets, as JSON
  dotenv_read.py --compose FILE [ENV_JSON]
                                   {service: {var: value}} of a Compose
                                   file's environment (map and list forms),
                                   interpolated as Compose does
ENV_JSON is the environment the interpolation sees ({} by default).
"""
import json
import re
import sys

SPACE = "\t\v\f\r \x85\xa0"  # isSpace(): blanks, not line feeds
ESC = re.compile(r'\\(?:[abcfnrtv$"\\]|0\d{0,3})')
SIMPLE = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t",
          "v": "\v", '"': '"', "\\": "\\"}


class Invalid(Exception):
    pass


def interpolate(s, env):
    out, i = [], 0
    while i < len(s):
        if s[i] != "$":
            out.append(s[i])
            i += 1
            continue
        if s.startswith("$$", i):
            out.append("$")
            i += 2
            continue
        m = re.match(r"\$\{([_A-Za-z][_A-Za-z0-9]*)(?:(:?[-?+])([^}]*))?\}", s[i:])
        if m:
            name, op, arg = m.groups()
            val = env.get(name)
            if op is None:
                out.append(val or "")
            elif op in (":-", "-"):
                unset = val is None or (op == ":-" and val == "")
                out.append(interpolate(arg, env) if unset else val)
            elif op in (":?", "?"):
                if val is None or (op == ":?" and val == ""):
                    raise Invalid(f"required variable {name} is missing: {arg}")
                out.append(val)
            else:
                set_ = val is not None and (op == "+" or val != "")
                out.append(interpolate(arg, env) if set_ else "")
            i += m.end()
            continue
        m = re.match(r"\$([_A-Za-z][_A-Za-z0-9]*)", s[i:])
        if m:
            out.append(env.get(m.group(1), ""))
            i += m.end()
            continue
        raise Invalid(f"invalid interpolation at {s[i:i + 10]!r}")
    return "".join(out)


def expand_escapes(s):
    def rep(m):
        t = m.group(0)
        if t == "\\$":
            return "$$"
        if t.startswith("\\0"):
            t = "\\" + t[2:]
            if re.fullmatch(r"\\[0-7]{3}", t):
                return chr(int(t[1:], 8))
            return t
        return SIMPLE.get(t[1], t)
    return ESC.sub(rep, s)


def parse(src, env):
    out, i, n = {}, 0, len(src)
    if src.startswith("\ufeff"):
        i = 1
    while True:
        while i < n and src[i].isspace():
            i += 1
        if i >= n:
            return out
        if src[i] == "#":
            j = src.find("\n", i)
            if j < 0:
                return out
            i = j
            continue
        m = re.match(r"export\s+", src[i:])
        if m:
            i += len("export")
            while i < n and src[i] in SPACE:
                i += 1
        start, key, inherited = i, None, False
        while i < n:
            ch = src[i]
            if ch in SPACE:
                i += 1
            elif ch in "=:\n":
                key, inherited = src[start:i], ch == "\n"
                i += 1
                break
            elif ch in "_.-[]" or ch.isalnum():
                i += 1
            else:
                raise Invalid(f"unexpected character {ch!r} in variable name")
        if key is None:
            raise Invalid("no '=' after a variable name")
        key = key.rstrip()
        if " " in key:
            raise Invalid("key cannot contain a space")
        while i < n and src[i] in SPACE:
            i += 1
        look = {**out, **env}  # the lookup function (environment) first
        if inherited:
            if key in env:
                out[key] = env[key]
            continue
        if i < n and src[i] in "\"'":
            q, j, chars, esc = src[i], i + 1, [], False
            while j < n:
                ch = src[j]
                if ch != q:
                    if not esc and ch == "\\":
                        esc = True
                    else:
                        if esc:
                            chars.append("\\")
                            esc = False
                        chars.append(ch)
                    j += 1
                    continue
                if esc:
                    esc = False
                    chars.append(ch)
                    j += 1
                    continue
                break
            else:
                raise Invalid("unterminated quoted value")
            val = "".join(chars)
            out[key] = interpolate(expand_escapes(val), look) if q == '"' else val
            i = j + 1
        else:
            j = src.find("\n", i)
            line = src[i:] if j < 0 else src[i:j]
            i = n if j < 0 else j + 1
            out[key] = interpolate(line.split(" #")[0].rstrip(), look)


def compose_env(path, env):
    import yaml
    doc = yaml.safe_load(open(path))
    res = {}
    for name, svc in (doc.get("services") or {}).items():
        e = (svc or {}).get("environment") or {}
        if isinstance(e, list):
            e = dict(x.split("=", 1) for x in e if "=" in x)
        res[name] = {k: interpolate(str(v), env) for k, v in e.items()
                     if v is not None and not isinstance(v, bool)}
    return res


# compose-go's own documented cases (dotenv/godotenv_test.go): the reader
# above must give what Compose gives
CASES = [
    ("FOO=bar", "bar"), ("FOO =bar", "bar"), ("FOO= bar", "bar"),
    ('FOO="bar"', "bar"), ("FOO='bar'", "bar"),
    (r'FOO="escaped\"bar"', 'escaped"bar'), (r'FOO="\"quoted\""', '"quoted"'),
    ("FOO=\"'d'\"", "'d'"), ("FOO: Foo=bar", "Foo=bar"), ("FOO=1:B", "1:B"),
    ("export FOO=2", "2"), (r"export FOO='\n'", "\\n"), ('FOO="bar\\nbaz"', "bar\nbaz"),
    (r"FOO=a\tb", r"a\tb"), (r'FOO="a\tb"', "a\tb"),
    (r'FOO="Z\aZ\bZ\fZ\nZ\rZ\tZ\vZ\\Z\0123Z"', "Z\aZ\bZ\fZ\nZ\rZ\tZ\vZ\\ZSZ"),
    ("FOO=foobar=", "foobar="), ("FOO=bar ", "bar"), ("FOO=bar # this is foo", "bar"),
    ("FOO=bar #", "bar"), ("FOO=123#not-an-inline-comment", "123#not-an-inline-comment"),
    ('FOO="bar#baz" # comment', "bar#baz"), ("FOO='bar#baz' # comment", "bar#baz"),
    (r'FOO="bar\n\ b\az"', "bar\n\\ b\az"), (r'FOO="bar\\\n\ b\az"', "bar\\\n\\ b\az"),
    (r'FOO="bar\\r\ b\az"', "bar\\r\\ b\az"), (r'FOO="bar\nbaz\\"', "bar\nbaz\\"),
    (" FOO =value", "value"), (r'FOO="\0123"', "S"), (r'FOO="\x07"', r"\x07"),
    ("FOO='Let\\'s go!'", "Let's go!"), ("FOO = 'first line\nsecond line'", "first line\nsecond line"),
    ("FOO=$$bar", "$bar"), (r'FOO="\$bar"', "$bar"),
    ("FOO='$bar'", "$bar"), ("A=1\nFOO=${A}_$A", "1_1"),
]


def selftest():
    bad = 0
    for src, want in CASES:
        got = parse(src, {}).get("FOO")
        if got != want:
            print(f"dotenv_read: {src!r} gives {got!r}, Compose {want!r}")
            bad += 1
    return bad


def main(argv):
    if argv[1] == "--selftest":
        return 1 if selftest() else 0
    if argv[1] == "--compose":
        env = json.loads(argv[3]) if len(argv) > 3 else {}
        print(json.dumps(compose_env(argv[2], env), sort_keys=True))
        return 0
    env = json.loads(argv[2]) if len(argv) > 2 else {}
    print(json.dumps(parse(open(argv[1], encoding="utf-8").read(), env), sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

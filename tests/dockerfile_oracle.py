#!/usr/bin/env python3
"""dockerfile_oracle.py FILE - an independent reading of a Dockerfile, after
BuildKit's frontend/dockerfile/parser (parser.go: directives, escape, line
continuations, comment and empty lines inside them, heredocs), written apart
from harden's C parser: prints "LINE NAME ARGS" per instruction like
tests/tools/df_dump, so that tests can compare the two."""
import re
import shlex
import sys

KNOWN = {"ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM",
         "HEALTHCHECK", "LABEL", "MAINTAINER", "ONBUILD", "RUN", "SHELL",
         "STOPSIGNAL", "USER", "VOLUME", "WORKDIR"}
DIRECTIVE = re.compile(r"^#[ \t]*([a-zA-Z][a-zA-Z0-9]*)[ \t]*=[ \t]*(.+?)[ \t]*$")


def heredoc_names(args):
    try:
        lex = shlex.shlex(args, posix=False, punctuation_chars=False)
        lex.whitespace_split = True
        words = list(lex)
    except ValueError:
        words = args.split()
    out = []
    for w in words:
        m = re.match(r"^\d*<<(-?)([^<]+)$", w)
        if m:
            name = m.group(2).replace('"', "").replace("'", "")
            if name:
                out.append((name, m.group(1) == "-"))
    return out


def parse(data):
    if data.startswith("\ufeff"):
        data = data[1:]
    lines = data.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    lines = [ln[:-1] if ln.endswith("\r") else ln for ln in lines]
    escape = "\\"
    directives = True
    out = []
    i = 0
    while i < len(lines):
        raw = lines[i]
        s = raw.lstrip(" \t")
        if s == "":
            directives = False
            i += 1
            continue
        if s.startswith("#"):
            m = DIRECTIVE.match(s) if directives else None
            if m:
                if m.group(1).lower() == "escape":
                    escape = m.group(2)
            else:
                directives = False
            i += 1
            continue
        directives = False
        start = i + 1
        cont = re.compile(re.escape(escape) + r"[ \t]*$")
        line = s
        joined = ""
        while True:
            m = cont.search(line)
            if not m:
                joined += line
                i += 1
                break
            joined += line[:m.start()]
            i += 1
            while i < len(lines) and (lines[i].lstrip(" \t").startswith("#")
                                      or lines[i].strip(" \t") == ""):
                i += 1
            if i >= len(lines):
                break
            line = lines[i]
        parts = joined.split(None, 1)
        name = parts[0].upper()
        args = parts[1].strip(" \t") if len(parts) > 1 else ""
        if name not in KNOWN:
            raise SystemExit("line %d: unknown instruction %s" % (start, parts[0]))
        sub = args.split(None, 1)[0].upper() if name == "ONBUILD" and args else ""
        if name in ("RUN", "COPY", "ADD") or sub in ("RUN", "COPY", "ADD"):
            for hname, strip in heredoc_names(args):
                while i < len(lines):
                    t = lines[i].lstrip("\t") if strip else lines[i]
                    i += 1
                    if t == hname:
                        break
                else:
                    raise SystemExit("line %d: heredoc %s not terminated" % (start, hname))
        out.append((start, name, args.rstrip(" \t")))
    return out


def main():
    with open(sys.argv[1], encoding="utf-8", newline="") as f:
        data = f.read()
    for line, name, args in parse(data):
        print("%d %s %s" % (line, name, args.replace("\\", "\\\\").replace("\n", "\\n")))


if __name__ == "__main__":
    main()

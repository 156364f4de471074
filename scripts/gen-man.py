#!/usr/bin/env python3
"""Generate man/rcadm.1 (man(7) macros) from `rcadm --experimental-dump-help`.

Usage: rcadm --experimental-dump-help | scripts/gen-man.py [--version V] > man/rcadm.1

The command tree (abstracts, discussions, arguments, defaults) comes from the
binary, so the page cannot drift from the option definitions; the sections
ArgumentParser knows nothing about (exit status, environment, files) are
written here. Output is deterministic: the date is fixed below, never taken
from the clock, and commands/options keep their definition order.
Python 3 standard library only.
"""

import argparse
import json
import sys

# Fixed on purpose: a clock date would make every regeneration "stale" in
# `gen-docs.sh --check`. Bump it when the page content changes meaningfully.
PAGE_DATE = "2026-11-25"

# ArgumentParser adds these to every command; they are described once.
PSEUDO_OPTIONS = {"help", "version", "generate-completion-script", "experimental-dump-help"}
# ArgumentParser's own `help` subcommand; described once in DESCRIPTION.
PSEUDO_COMMANDS = {"help"}


def esc(text):
    """Escape free text for roff: backslashes and minus signs (so options
    copy-paste as ASCII '-')."""
    return text.replace("\\", "\\e").replace("-", "\\-")


def line(text):
    """A text line that roff must not take for a request (leading . or ')."""
    return "\\&" + text if text[:1] in (".", "'") else text


def paragraphs(text):
    """Turn abstract/discussion text into roff lines. Blank lines separate
    paragraphs; paragraphs whose lines are indented (examples) are kept
    verbatim."""
    out = []
    for i, para in enumerate(p for p in text.strip().split("\n\n") if p.strip()):
        if i:
            out.append(".PP")
        lines = para.split("\n")
        if all(l.startswith((" ", "\t")) for l in lines if l.strip()):
            out += [".RS 4", ".nf"] + [line(esc(l.strip())) for l in lines] + [".fi", ".RE"]
        else:
            out += [line(esc(l.strip())) for l in lines if l.strip()]
    return out


def visible_args(cmd):
    return [
        a for a in cmd.get("arguments", [])
        if a.get("shouldDisplay", True) and a.get("valueName") not in PSEUDO_OPTIONS
    ]


def visible_subcommands(cmd):
    return [
        s for s in cmd.get("subcommands", [])
        if s.get("shouldDisplay", True) and s["commandName"] not in PSEUDO_COMMANDS
    ]


def option_names(arg):
    # Short names first, as in --help output (-a, --pass).
    names = sorted(arg.get("names", []), key=lambda n: n["kind"] != "short")
    seen, out = set(), []
    for n in names:
        s = ("--" if n["kind"] == "long" else "-") + n["name"]  # short, longWithSingleDash: one dash
        if s not in seen:
            seen.add(s)
            out.append(s)
    return out


def synopsis_item(arg):
    """One argument as it appears in a synopsis line, roff-formatted."""
    rep = " \\&..." if arg.get("isRepeating") else ""
    kind = arg["kind"]
    if kind == "positional":
        s = "\\fI" + esc(arg["valueName"]) + "\\fR" + rep
        if arg.get("parsingStrategy") == "postTerminator":
            return "\\fB\\-\\-\\fR [" + s + "]"
        return "[" + s + "]" if arg.get("isOptional") else s
    name = esc(option_names(arg)[-1])  # the long name, like ArgumentParser's usage
    s = "\\fB" + name + "\\fR"
    if kind == "option":
        s += "\\ \\fI" + esc(arg["valueName"]) + "\\fR"  # "\ ": no line break inside
    s += rep
    return "[" + s + "]" if arg.get("isOptional") else s


def usage_line(path, cmd, short=False):
    """Synopsis of one command: options first, then positionals, like --help.
    short: "[options]" instead of every option (the SYNOPSIS overview)."""
    args = visible_args(cmd)
    options = [synopsis_item(a) for a in args if a["kind"] != "positional"]
    items = ["[\\fIoptions\\fR]"] if short and options else options
    items += [synopsis_item(a) for a in args if a["kind"] == "positional"]
    if visible_subcommands(cmd):
        items.append("\\fIcommand\\fR")
    return "\\fB" + esc(" ".join(path)) + "\\fR" + ("".join(" " + i for i in items))


def hanging(text):
    # Synopsis lines can be long: indent continuation lines under the command,
    # and neither hyphenate nor justify them (options must stay readable).
    return [".PP", ".nh", ".ad l", ".in +4n", ".ti -4n", text, ".in -4n", ".ad", ".hy"]


def argument_entry(arg):
    if arg["kind"] == "positional":
        head = "\\fI" + esc(arg["valueName"]) + "\\fR" + (" \\&..." if arg.get("isRepeating") else "")
        if arg.get("parsingStrategy") == "postTerminator":
            head = "\\fB\\-\\-\\fR " + head
    else:
        head = ", ".join("\\fB" + esc(n) + "\\fR" for n in option_names(arg))
        if arg["kind"] == "option":
            head += " \\fI" + esc(arg["valueName"]) + "\\fR"
    body = paragraphs(arg.get("abstract") or "")
    if arg.get("discussion"):
        body += [".IP"] + paragraphs(arg["discussion"])
    extra = []
    values = arg.get("allValueStrings") or arg.get("allValues")
    if values:
        extra.append("One of: " + ", ".join(values) + ".")
    if arg.get("defaultValue") not in (None, ""):
        extra.append("Default: " + arg["defaultValue"] + ".")
    if arg.get("isRepeating") and arg["kind"] == "option":
        extra.append("May be given more than once.")
    if extra:
        body.append(line(esc(" ".join(extra))))
    return [".TP", line(head)] + body


def walk(cmd, path):
    """Yield (path, command) depth-first in definition order, skipping the root."""
    for sub in visible_subcommands(cmd):
        p = path + [sub["commandName"]]
        yield p, sub
        yield from walk(sub, p)


def command_section(path, cmd):
    out = [".SS " + json.dumps(" ".join(path))]
    out += hanging(usage_line(path, cmd))
    out += [".PP"] + paragraphs(cmd.get("abstract") or "")
    if cmd.get("discussion"):
        out += [".PP"] + paragraphs(cmd["discussion"])
    subs = visible_subcommands(cmd)
    if subs:
        out += [".PP", "Subcommands: " + ", ".join("\\fB" + esc(s["commandName"]) + "\\fR" for s in subs) + "."]
    args = visible_args(cmd)
    positionals = [a for a in args if a["kind"] == "positional"]
    options = [a for a in args if a["kind"] != "positional"]
    if positionals:
        out += [".PP", "Arguments:", ".RS 4"]
        for a in positionals:
            out += argument_entry(a)
        out.append(".RE")
    if options:
        out += [".PP", "Options:", ".RS 4"]
        for a in options:
            out += argument_entry(a)
        out.append(".RE")
    return out


STATIC_TAIL = r"""
.SH EXIT STATUS
.TP
.B 0
Success; for \fBcheck\fR, the cluster is healthy.
.TP
.B 1
The cluster has problems, or an operation partly failed (some nodes did not
answer or returned an error).
.TP
.B 2
Usage, connection, authentication or validation error.
Nothing was changed.
.TP
.B 3
Interrupted in the middle of an operation.
The cluster may be left with open slots; recover with \fBrcadm fix\fR.
.SH ENVIRONMENT
.TP
.B REDISCLI_AUTH
Password used when none is given with \fB\-\-askpass\fR, \fB\-a\fR/\fB\-\-pass\fR
or in a redis:// URL (the same variable redis\-cli reads).
.TP
.B RCADM_AUTH
Password used when \fBREDISCLI_AUTH\fR is not set either.
.TP
.B NO_COLOR
When set (to any value), output is never coloured.
Colour is also off when standard output is not a terminal or \fBTERM\fR is \fBdumb\fR.
.TP
.B RCADM_NODES
Space\-separated node addresses (\fIhost\fR:\fIport\fR) offered by shell tab
completion for address arguments, in addition to the running sandbox nodes.
.SH FILES
.TP
.I /tmp/rcadm\-sandbox\-<uid>
Default directory of \fBrcadm sandbox\fR: one subdirectory per node
(\fInode\-<port>\fR) holding its redis.conf, nodes.conf, redis.log and redis.pid.
Change it with \fB\-\-dir\fR.
.SH SEE ALSO
.BR redis\-cli (1),
.BR redis\-server (1)
"""


def render(tool, version):
    root = tool["command"]
    name = root["commandName"]
    out = [
        '.\\" Generated by scripts/gen-man.py from `%s --experimental-dump-help`. Do not edit;' % name,
        '.\\" run scripts/gen-docs.sh instead.',
        '.TH %s 1 "%s" "%s" "User Commands"' % (name.upper(), PAGE_DATE, esc(name + (" " + version if version else ""))),
        ".SH NAME",
        esc(name) + " \\- " + esc(root.get("abstract") or ""),
        ".SH SYNOPSIS",
    ]
    for path, cmd in walk(root, [name]):
        if not visible_subcommands(cmd):  # groups (e.g. sandbox) only list their leaves
            out += hanging(usage_line(path, cmd, short=True))
    out += hanging("\\fB%s\\fR \\fB\\-\\-version\\fR" % esc(name))
    out += hanging("\\fB%s\\fR [\\fIcommand\\fR \\&...] \\fB\\-\\-help\\fR" % esc(name))
    out += [".SH DESCRIPTION"] + paragraphs(root.get("abstract") or "")
    if root.get("discussion"):
        out += [".PP"] + paragraphs(root["discussion"])
    out += [
        ".PP",
        "Addresses are given as \\fIhost\\fR:\\fIport\\fR, [\\fIipv6\\fR]:\\fIport\\fR or a redis:// URL.",
        "Every command accepts \\fB\\-h\\fR, \\fB\\-\\-help\\fR (also \\fB%s help\\fR \\fIcommand\\fR)" % esc(name),
        "and \\fB\\-\\-version\\fR.",
        ".SH COMMANDS",
    ]
    for path, cmd in walk(root, [name]):
        out += command_section(path, cmd)
    return "\n".join(out) + "\n" + STATIC_TAIL.lstrip("\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("input", nargs="?", help="dump-help JSON file (default: stdin)")
    ap.add_argument("--version", default="", help="version string for the page footer")
    opts = ap.parse_args()
    data = json.load(open(opts.input) if opts.input else sys.stdin)
    if data.get("serializationVersion", 0) != 0:
        sys.exit("gen-man.py: unsupported dump-help serializationVersion %r" % data.get("serializationVersion"))
    sys.stdout.write(render(data, opts.version))


if __name__ == "__main__":
    main()

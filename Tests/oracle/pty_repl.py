#!/usr/bin/env python3
"""Drive an interactive program through a real pseudo-terminal (stdlib only).

Usage:
    pty_repl.py [options] SCRIPT.json -- COMMAND [ARGS...]

SCRIPT.json is a JSON list of steps, run in order:
    {"send": "text"}                      raw keystrokes; JSON escapes give control keys:
                                          "\\t" Tab, "\\r" Enter, "\\u0003" Ctrl-C, "\\u0004" Ctrl-D,
                                          "\\u001b[A" Up arrow
    {"send": "text", "noecho": true}      the same, after waiting (up to "timeout") until the
                                          terminal's ECHO flag is off, i.e. a line editor has put it
                                          in raw mode. Line editors print the prompt before that, so
                                          keys sent right after the prompt may be echoed by the
                                          kernel as typeahead and garble the rendered line.
    {"wait_noecho": true, "timeout": 5}   only the wait
    {"expect": "regex", "timeout": 5}     wait until the regex matches the cleaned output
                                          received since the previous match
    {"expect_line": "regex", "timeout": 5}
                                          wait until the regex matches the terminal line the cursor
                                          is on, as rendered by a small VT100 emulator (cursor
                                          movement and erasing applied: what a user would see)
    {"not_expect": "regex", "timeout": 1} fail if the regex matches new output within the timeout
    {"sleep": 0.2}                        pause
    {"run": ["redis-cli", "-p", "7000", "PUBLISH", "ch", "hi"], "timeout": 30}
                                          run another program to completion (its stdin is empty;
                                          the terminal's output keeps being read meanwhile); fails
                                          unless it exits with "status" (default 0) and, when
                                          "output" is given, that regex matches its stdout. To act
                                          at a point observed on screen, put an expect step first.
    {"resize": [COLS, ROWS]}              change the terminal size (the program gets SIGWINCH)
    {"expect_exit": 0, "timeout": 5}      wait for the program to exit with this status
                                          (null: any status; negative: killed by that signal)

Matching uses a cleaned copy of the output: ANSI/VT100 escape sequences removed, "\\r\\n" turned
into "\\n", other "\\r", BEL and backspace removed. Regexes use Python syntax with re.MULTILINE.

Prints one JSON object: {"ok": bool, "failed_step": index or null, "error": str or null,
"exit_status": int or null, "transcript": cleaned output, "screen": the last rendered lines} and
exits 0 if every step passed, 1 if one failed, 2 on a usage error. The program is always killed
at the end (SIGHUP, then SIGTERM, then SIGKILL to its process group).

Options:
    --timeout SECONDS   default timeout of expect steps (5)
    --max-time SECONDS  limit for the whole script (120)
    --cols N, --rows N  terminal size (100x30)
    --env NAME=VALUE    extra environment variable (repeatable); TERM defaults to xterm
    --raw               add the raw output (escapes included) as "raw" to the summary
"""

import argparse
import codecs
import errno
import fcntl
import json
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time

ANSI = re.compile(
    r"""
    \x1b\[[0-?]*[ -/]*[@-~]            # CSI: cursor movement, colours, erase
  | \x1b\][^\x07\x1b]*(?:\x07|\x1b\\)  # OSC: window title ...
  | \x1b[P^_][^\x1b]*\x1b\\            # DCS, PM, APC
  | \x1b[()*+][0-9A-Za-z]              # character set selection
  | \x1b[@-Z\\-_=>78]                  # other two-byte escapes
""",
    re.VERBOSE,
)
INCOMPLETE_ESCAPE = re.compile(r"\x1b[^@-~]*$")


def clean(text):
    text = ANSI.sub("", text)
    text = INCOMPLETE_ESCAPE.sub("", text)
    text = text.replace("\r\n", "\n")
    return re.sub(r"[\r\x07\x08]", "", text)


class Screen:
    """A minimal VT100 model: enough cursor movement and erasing to render a line editor."""

    def __init__(self, cols):
        self.cols = cols
        self.lines = [[]]
        self.row = 0
        self.col = 0
        self.state = "text"
        self.params = ""
        self.decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")

    def line(self):
        """The cursor's line: trailing blanks are kept up to the cursor (a typed space counts)."""
        self._ensure()
        text = "".join(self.lines[self.row])
        return text[: max(len(text.rstrip()), self.col)]

    def render(self, last=30):
        return "\n".join("".join(line).rstrip() for line in self.lines[-last:])

    def _ensure(self):
        while len(self.lines) <= self.row:
            self.lines.append([])
        line = self.lines[self.row]
        while len(line) < self.col:
            line.append(" ")

    def _put(self, char):
        if self.col >= self.cols:
            self.row += 1
            self.col = 0
        self._ensure()
        line = self.lines[self.row]
        if self.col < len(line):
            line[self.col] = char
        else:
            line.append(char)
        self.col += 1

    def _csi(self, final):
        numbers = [int(p) if p.isdigit() else 0 for p in self.params.lstrip("?").split(";")]
        n = max(numbers[0], 1)
        if final == "A":
            self.row = max(0, self.row - n)
        elif final == "B":
            self.row += n
        elif final == "C":
            self.col += n
        elif final == "D":
            self.col = max(0, self.col - n)
        elif final == "G":
            self.col = n - 1
        elif final in "Hf":
            self.row = max(0, len(self.lines) - 30) + max(numbers[0], 1) - 1
            self.col = (max(numbers[1], 1) if len(numbers) > 1 else 1) - 1
        elif final == "K":
            self._ensure()
            line = self.lines[self.row]
            if numbers[0] == 0:
                del line[self.col :]
            elif numbers[0] == 1:
                line[: self.col] = [" "] * self.col
            else:
                line.clear()
        elif final == "J":
            self._ensure()
            if numbers[0] == 0:
                del self.lines[self.row][self.col :]
                del self.lines[self.row + 1 :]
        elif final == "P":  # delete characters
            self._ensure()
            del self.lines[self.row][self.col : self.col + n]
        elif final == "@":  # insert blanks
            self._ensure()
            self.lines[self.row][self.col : self.col] = [" "] * n

    def feed(self, data):
        for char in self.decoder.decode(data):
            if self.state == "esc":
                if char == "[":
                    self.state, self.params = "csi", ""
                elif char == "]":
                    self.state = "osc"
                elif char in "()*+":
                    self.state = "charset"
                else:
                    self.state = "text"
            elif self.state == "csi":
                if "@" <= char <= "~":
                    self._csi(char)
                    self.state = "text"
                else:
                    self.params += char
            elif self.state == "osc":
                if char in "\x07\x1b":  # BEL or the ESC of ST ends it
                    self.state = "text" if char == "\x07" else "esc"
            elif self.state == "charset":
                self.state = "text"
            elif char == "\x1b":
                self.state = "esc"
            elif char == "\r":
                self.col = 0
            elif char == "\n":
                self.row += 1
                self._ensure()
            elif char == "\b":
                self.col = max(0, self.col - 1)
            elif char == "\t":
                self.col = min(self.cols - 1, (self.col // 8 + 1) * 8)
            elif char >= " " and char != "\x7f":
                self._put(char)


class Session:
    def __init__(self, argv, env, cols, rows):
        self.raw = b""
        self.exit_status = None
        pid, fd = pty.fork()
        if pid == 0:  # child: the pty slave is its controlling terminal and stdio
            try:
                os.execvpe(argv[0], argv, env)
            except OSError as error:
                os.write(2, f"pty_repl: cannot run {argv[0]}: {error}\n".encode())
            os._exit(127)
        self.pid, self.fd = pid, fd
        self.screen = Screen(cols)
        self.resize(cols, rows)
        self.eof = False

    def resize(self, cols, rows):
        self.screen.cols = cols
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

    def text(self):
        return clean(self.raw.decode("utf-8", errors="replace"))

    def pump(self, timeout):
        """Reads whatever arrives within `timeout` seconds; returns False at end of output."""
        if self.eof:
            self.reap(block=False)
            return False
        ready, _, _ = select.select([self.fd], [], [], max(0.0, timeout))
        if not ready:
            return True
        try:
            data = os.read(self.fd, 65536)
        except OSError as error:
            if error.errno != errno.EIO:  # EIO: the child closed the terminal
                raise
            data = b""
        if not data:
            self.eof = True
            self.reap(block=False)
            return False
        self.raw += data
        self.screen.feed(data)
        return True

    def echo_on(self):
        """The ECHO flag of the terminal (master and slave share the termios settings)."""
        try:
            return bool(termios.tcgetattr(self.fd)[3] & termios.ECHO)
        except termios.error:
            return False

    def send(self, text):
        data = text.encode("utf-8")
        while data:
            _, writable, _ = select.select([], [self.fd], [], 5)
            if not writable:
                raise TimeoutError("the terminal does not accept input")
            written = os.write(self.fd, data)
            data = data[written:]

    def reap(self, block):
        if self.exit_status is not None:
            return self.exit_status
        try:
            pid, status = os.waitpid(self.pid, 0 if block else os.WNOHANG)
        except ChildProcessError:
            return self.exit_status
        if pid == 0:
            return None
        if os.WIFEXITED(status):
            self.exit_status = os.WEXITSTATUS(status)
        elif os.WIFSIGNALED(status):
            self.exit_status = -os.WTERMSIG(status)
        return self.exit_status

    def terminate(self):
        if self.reap(block=False) is None:
            for sig, wait in ((signal.SIGHUP, 0.5), (signal.SIGTERM, 1.0), (signal.SIGKILL, 5.0)):
                try:
                    os.killpg(self.pid, sig)
                except ProcessLookupError:
                    pass
                deadline = time.monotonic() + wait
                while time.monotonic() < deadline and self.reap(block=False) is None:
                    time.sleep(0.02)
                if self.exit_status is not None:
                    break
        try:
            while self.pump(0):  # collect the last output
                pass
        except OSError:
            pass
        try:
            os.close(self.fd)
        except OSError:
            pass


def run_program(session, step, deadline, timeout):
    """Runs a "run" step's program; returns why the step failed, or None."""
    argv = [str(word) for word in step["run"]]
    try:
        child = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
        )
    except OSError as error:
        return f"cannot run {argv[0]}: {error}"
    try:
        while child.poll() is None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                child.kill()
                child.wait()
                return f"timeout after {timeout}s waiting for {' '.join(argv)}"
            # Keep reading the terminal: a program writing to it must not block on a full pty.
            if not session.pump(min(remaining, 0.05)):
                time.sleep(0.02)
        out, err = child.communicate()
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    out = out.decode("utf-8", errors="replace")
    err = err.decode("utf-8", errors="replace")
    wanted = int(step.get("status", 0))
    if child.returncode != wanted:
        return f"{' '.join(argv)} exited with {child.returncode}, expected {wanted}: {out}{err}"
    if "output" in step and not re.search(step["output"], out, re.MULTILINE):
        return f"{' '.join(argv)} printed {out!r}, which does not match {step['output']!r}"
    return None


def run_steps(session, steps, default_timeout, deadline):
    """Runs the steps; returns (index of the failed step or None, error text or None)."""
    position = 0  # offset in the cleaned output where the next expect starts
    for index, step in enumerate(steps):
        if not isinstance(step, dict):
            return index, "a step must be a JSON object"
        timeout = float(step.get("timeout", default_timeout))
        step_deadline = min(time.monotonic() + timeout, deadline)
        if "send" in step or "wait_noecho" in step:
            if step.get("noecho") or "wait_noecho" in step:
                while session.echo_on():
                    if time.monotonic() >= step_deadline:
                        return index, f"timeout after {timeout}s waiting for the terminal to leave echo mode"
                    session.pump(0.01)
            if "wait_noecho" in step:
                continue
            session.send(step["send"])
            session.pump(0.02)
        elif "run" in step:
            failure = run_program(session, step, step_deadline, timeout)
            if failure:
                return index, failure
        elif "resize" in step:
            cols, rows = (int(n) for n in step["resize"])
            session.resize(cols, rows)
        elif "sleep" in step:
            end = min(time.monotonic() + float(step["sleep"]), deadline)
            while time.monotonic() < end and session.pump(end - time.monotonic()):
                pass
        elif "expect" in step or "not_expect" in step:
            negative = "not_expect" in step
            pattern = re.compile(step["not_expect" if negative else "expect"], re.MULTILINE)
            while True:
                match = pattern.search(session.text(), position)
                if match:
                    if negative:
                        return index, f"unexpected match for {pattern.pattern!r}: {match.group(0)!r}"
                    position = match.end()
                    break
                remaining = step_deadline - time.monotonic()
                if remaining <= 0:
                    if negative:
                        break
                    return index, f"timeout after {timeout}s waiting for {pattern.pattern!r}"
                if not session.pump(min(remaining, 0.1)) and not pattern.search(session.text(), position):
                    if negative:
                        break
                    return index, f"end of output while waiting for {pattern.pattern!r}"
        elif "expect_line" in step:
            pattern = re.compile(step["expect_line"])
            while not pattern.search(session.screen.line()):
                remaining = step_deadline - time.monotonic()
                if remaining <= 0:
                    return index, (
                        f"timeout after {timeout}s waiting for {pattern.pattern!r} "
                        f"on the cursor line {session.screen.line()!r}"
                    )
                if not session.pump(min(remaining, 0.1)) and not pattern.search(session.screen.line()):
                    return index, f"end of output while waiting for {pattern.pattern!r} on the cursor line"
            position = len(session.text())
        elif "expect_exit" in step:
            wanted = step["expect_exit"]
            while session.reap(block=False) is None:
                remaining = step_deadline - time.monotonic()
                if remaining <= 0:
                    return index, f"timeout after {timeout}s waiting for the program to exit"
                if not session.pump(min(remaining, 0.1)):
                    time.sleep(0.02)
            if wanted is not None and session.exit_status != wanted:
                return index, f"exit status {session.exit_status}, expected {wanted}"
        else:
            return index, f"unknown step {json.dumps(step)}"
        if time.monotonic() > deadline:
            return index, "--max-time exceeded"
    return None, None


def main():
    argv = sys.argv[1:]
    if "--" not in argv:
        print(__doc__, file=sys.stderr)
        return 2
    split = argv.index("--")
    command = argv[split + 1 :]
    parser = argparse.ArgumentParser(prog="pty_repl.py", add_help=True)
    parser.add_argument("script")
    parser.add_argument("--timeout", type=float, default=5.0)
    parser.add_argument("--max-time", type=float, default=120.0)
    parser.add_argument("--cols", type=int, default=100)
    parser.add_argument("--rows", type=int, default=30)
    parser.add_argument("--env", action="append", default=[])
    parser.add_argument("--raw", action="store_true")
    options = parser.parse_args(argv[:split])
    if not command:
        print("pty_repl.py: no command after --", file=sys.stderr)
        return 2
    try:
        with open(options.script, encoding="utf-8") as file:
            steps = json.load(file)
        if not isinstance(steps, list):
            raise ValueError("the script must be a JSON list of steps")
    except (OSError, ValueError) as error:
        print(f"pty_repl.py: {options.script}: {error}", file=sys.stderr)
        return 2

    env = dict(os.environ)
    if env.get("TERM", "dumb") == "dumb":
        env["TERM"] = "xterm"
    for item in options.env:
        name, _, value = item.partition("=")
        env[name] = value

    session = Session(command, env, options.cols, options.rows)
    failed, error = None, None
    try:
        failed, error = run_steps(session, steps, options.timeout, time.monotonic() + options.max_time)
    except Exception as exception:  # report, then still kill the child
        failed, error = -1, f"{type(exception).__name__}: {exception}"
    finally:
        session.terminate()

    summary = {
        "ok": failed is None,
        "failed_step": failed,
        "error": error,
        "exit_status": session.exit_status,
        "transcript": session.text(),
        "screen": session.screen.render(),
    }
    if options.raw:
        summary["raw"] = session.raw.decode("utf-8", errors="replace")
    print(json.dumps(summary, ensure_ascii=False, indent=1))
    return 0 if failed is None else 1


if __name__ == "__main__":
    sys.exit(main())

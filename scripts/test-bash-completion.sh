#!/usr/bin/env bash
# Checks that completions/rcadm.bash completes host:port node addresses as
# whole words, in a real (non-interactive) bash: it sources the script, splits
# the command line into COMP_WORDS the way bash does (honouring the
# COMP_WORDBREAKS the script leaves behind, so dropping the ':' fix makes this
# fail), calls the registered completion function and compares COMPREPLY.
# The completion function runs `rcadm ---completion ...`, i.e. the real binary.
#
#   scripts/test-bash-completion.sh      (uses ${RCADM_BIN:-.build/debug/rcadm})
#
# Exit 0 when every case matches, 1 otherwise, 2 on setup errors.
set -euo pipefail

if [[ -n "${RCADM_BIN:-}" && "$RCADM_BIN" == */* && "$RCADM_BIN" != /* ]]; then
  RCADM_BIN=$PWD/$RCADM_BIN
fi
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if ! BIN=$(command -v -- "${RCADM_BIN:-.build/debug/rcadm}"); then
  echo "test-bash-completion.sh: ${RCADM_BIN:-.build/debug/rcadm} not found: build first: swift build" >&2
  exit 2
fi
[[ -f completions/rcadm.bash ]] || { echo "completions/rcadm.bash missing: run scripts/gen-docs.sh" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The generated script runs "${COMP_WORDS[0]}", i.e. `rcadm` from PATH.
ln -s "$(realpath -- "$BIN")" "$tmp/rcadm"

export RCADM_NODES="127.0.0.1:7000 127.0.0.1:7001 10.0.0.1:7000"

# Candidates also include nodes of a sandbox running in the default directory;
# add those to the expectation so a developer's sandbox cannot break the test.
sandbox_nodes=$("$BIN" sandbox status --json 2>/dev/null | python3 -c '
import json, sys
try:
    print(" ".join(n["address"] for n in json.load(sys.stdin)["nodes"] if n["running"]))
except Exception:
    pass
' || true)

# expected PREFIX CANDIDATE...: the candidates plus running sandbox nodes
# starting with PREFIX, sorted, one per line.
expected() {
  local prefix=$1 a
  shift
  for a in "$@" $sandbox_nodes; do
    if [[ "$a" == "$prefix"* ]]; then printf '%s\n' "$a"; fi
  done | sort -u
}

# complete LINE: COMPREPLY (sorted, one per line) for the cursor at the end of LINE.
complete_line() {
  PATH="$tmp:$PATH" bash --norc --noprofile -s -- "$1" <<'EOF'
set -u
source completions/rcadm.bash
line=$1
# Split like bash does for programmable completion: blanks separate words, and
# a run of the other COMP_WORDBREAKS characters is a word of its own.
words=() word="" c=""
for ((i = 0; i < ${#line}; i++)); do
  c=${line:i:1}
  if [[ "$c" == [[:blank:]] ]]; then
    [[ -n "$word" ]] && words+=("$word")
    word=""
  elif [[ "$COMP_WORDBREAKS" == *"$c"* ]]; then
    if [[ -n "$word" && "$COMP_WORDBREAKS" != *"${word: -1}"* ]]; then words+=("$word"); word=""; fi
    word+=$c
  else
    if [[ -n "$word" && "$COMP_WORDBREAKS" == *"${word: -1}"* ]]; then words+=("$word"); word=""; fi
    word+=$c
  fi
done
words+=("$word")   # the word being completed (possibly empty)
COMP_WORDS=("${words[@]}")
COMP_CWORD=$((${#words[@]} - 1))
COMP_LINE=$line
COMP_POINT=${#line}
COMPREPLY=()
fn=$(complete -p rcadm | sed -n 's/.*-F \([^ ]*\).*/\1/p')
"$fn" rcadm "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
if [[ -n "$(trap -p RETURN)" ]]; then
  echo "the completion left a RETURN trap behind (it would reset shell options on every later 'source')" >&2
  exit 1
fi
((${#COMPREPLY[@]})) && printf '%s\n' "${COMPREPLY[@]}" | sort
exit 0
EOF
}

failed=0
# case LINE PREFIX CANDIDATE...: completing LINE must offer exactly the candidates.
case_() {
  local line=$1 prefix=$2 got want
  shift 2
  got=$(complete_line "$line") || { echo "FAIL: $line: completion errored" >&2; failed=1; return; }
  want=$(expected "$prefix" "$@")
  if [[ "$got" == "$want" ]]; then
    echo "ok: '$line' -> ${got//$'\n'/ }"
  else
    echo "FAIL: '$line'" >&2
    echo "  expected: ${want//$'\n'/ }" >&2
    echo "  got:      ${got//$'\n'/ }" >&2
    failed=1
  fi
}

case_ "rcadm check 127.0.0.1:70" "127.0.0.1:70" 127.0.0.1:7000 127.0.0.1:7001
case_ "rcadm check 127.0.0.1:7000 10." "10." 10.0.0.1:7000
case_ "rcadm info 127.0.0.1:7001" "127.0.0.1:7001" 127.0.0.1:7001
exit "$failed"

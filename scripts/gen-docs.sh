#!/usr/bin/env bash
# Regenerate the shell completions and the man page from the rcadm binary, so
# they can never drift from the command definitions.
#
#   scripts/gen-docs.sh           write completions/{rcadm.bash,_rcadm,rcadm.fish}, man/rcadm.1
#   scripts/gen-docs.sh --check   exit 1 (listing the stale files) if the committed ones differ
#
# Uses ${RCADM_BIN:-.build/debug/rcadm}; needs python3 (stdlib only).
set -euo pipefail

# A relative RCADM_BIN means relative to where we were called from.
if [[ -n "${RCADM_BIN:-}" && "$RCADM_BIN" == */* && "$RCADM_BIN" != /* ]]; then
  RCADM_BIN=$PWD/$RCADM_BIN
fi
cd "$(dirname "${BASH_SOURCE[0]}")/.."   # paths below are relative to the repo root

BIN=${RCADM_BIN:-.build/debug/rcadm}
FILES=(completions/rcadm.bash completions/_rcadm completions/rcadm.fish man/rcadm.1)

check=false
case "${1:-}" in
  --check) check=true ;;
  "") ;;
  *) echo "usage: scripts/gen-docs.sh [--check]" >&2; exit 2 ;;
esac

if ! BIN=$(command -v -- "$BIN"); then
  echo "gen-docs.sh: ${RCADM_BIN:-.build/debug/rcadm} not found or not executable: build first: swift build" >&2
  echo "  (or point RCADM_BIN at an rcadm binary)" >&2
  exit 2
fi

# replace_once FILE OLD NEW: literal replacement that must match exactly once.
# Fails loudly if ArgumentParser changes its output, instead of silently
# dropping a fix.
replace_once() {
  python3 - "$@" <<'PY'
import sys
path, old, new = sys.argv[1:4]
text = open(path).read()
n = text.count(old)
if n != 1:
    sys.exit(f"gen-docs.sh: expected exactly one {old!r} in {path}, found {n}; "
             "ArgumentParser's output changed, revisit the post-processing")
open(path, "w").write(text.replace(old, new))
PY
}

generate() {
  local out=$1
  mkdir -p "$out/completions" "$out/man"

  # --- bash -----------------------------------------------------------------
  "$BIN" --generate-completion-script bash >"$out/completions/rcadm.bash"
  # ArgumentParser's _rcadm installs `trap "<saved shopt/set state>" RETURN`
  # to undo its `shopt -s extglob` etc. That trap is global and never removed,
  # so after the first completion every later `source`/`.` at the prompt
  # silently resets the user's shell options (e.g. `set -o vi`, extglob) to
  # what they were at that first completion. Make the trap remove itself.
  replace_once "$out/completions/rcadm.bash" \
    $'trap "${state//$\'\\n\'/;}" RETURN' \
    $'trap "${state//$\'\\n\'/;};trap - RETURN" RETURN'
  cat >>"$out/completions/rcadm.bash" <<'EOF'

# Node addresses are host:port. With ':' in COMP_WORDBREAKS (bash's default),
# bash splits `127.0.0.1:70` into three words, so the custom completion only
# sees `70` after the colon and can never match host:port candidates. Removing
# ':' makes host:port one word. (This is shell-wide; bash-completion's helpers
# work with either setting.)
COMP_WORDBREAKS=${COMP_WORDBREAKS//:}
EOF

  # --- zsh ------------------------------------------------------------------
  "$BIN" --generate-completion-script zsh >"$out/completions/_rcadm"
  # The zsh script hands custom completions to `_describe`, which reads
  # `value:description`: `127.0.0.1:7000` would be offered as `127.0.0.1`
  # described as `7000`. Escape the colons so addresses stay whole.
  # shellcheck disable=SC2016 # literal zsh code, not to be expanded here
  replace_once "$out/completions/_rcadm" \
    '        __rcadm_complete "${completions[@]:0:-1}"' \
    '        __rcadm_complete "${(@)${(@)completions[@]:0:-1}//:/\\:}"'

  # --- fish (used as generated) -----------------------------------------------
  "$BIN" --generate-completion-script fish >"$out/completions/rcadm.fish"

  # --- man page ---------------------------------------------------------------
  local version
  version=$("$BIN" --version)
  "$BIN" --experimental-dump-help | python3 scripts/gen-man.py --version "$version" >"$out/man/rcadm.1"
}

if ! "$check"; then
  generate .
  printf 'wrote %s\n' "${FILES[@]}"
  exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
generate "$tmp"
stale=()
for f in "${FILES[@]}"; do
  cmp -s "$tmp/$f" "$f" || stale+=("$f")
done
if ((${#stale[@]})); then
  echo "stale generated docs (they differ from what $BIN generates):" >&2
  printf '  %s\n' "${stale[@]}" >&2
  echo "run scripts/gen-docs.sh" >&2
  exit 1
fi
echo "generated docs are up to date"

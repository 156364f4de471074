#!/usr/bin/env bash
# Benchmark `rcadm check` against `redis-cli --cluster check` on the same
# 60-node cluster (30 masters + 30 replicas; NODES to change), one after the other, and print
# the mean wall time of each and the ratio rcadm/redis-cli (target <= 0.7, issue 14).
#
#   bench/check.sh                                   # uses .build-release/release/rcadm
#   RCADM_BIN=.build/debug/rcadm bench/check.sh      # use an existing binary, no build
#
# Environment: RCADM_BIN, NODES (default 60; 150 for issue 14's large case:
# then BASE_PORT=20000 keeps the bus ports below 32768), BASE_PORT (default 23000; ports BASE_PORT..+NODES-1 and
# their bus ports +10000 must be free), RUNS (default 20), WARMUP (default 2),
# BENCH_JSON (copy hyperfine's JSON export there), NO_HYPERFINE=1 (force the
# bash-loop timer).
set -euo pipefail

NODES=${NODES:-60}   # with --cluster-replicas 1: 30 masters + 30 replicas
BASE_PORT=${BASE_PORT:-23000}
RUNS=${RUNS:-20}
WARMUP=${WARMUP:-2}

BENCH_NAME=check.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[[ "$NODES" =~ ^[0-9]+$ ]] && ((NODES >= 6 && NODES % 2 == 0)) || die "NODES=$NODES: want an even number >= 6"
if ! [[ "$BASE_PORT" =~ ^[0-9]+$ ]] || ((BASE_PORT < 1 || BASE_PORT + NODES - 1 + 10000 > 65535)); then
  die "BASE_PORT=$BASE_PORT: ports BASE_PORT..+$((NODES - 1)) and +10000 must be below 65536"
fi

addrs=()
for ((i = 0; i < NODES; i++)); do addrs+=("127.0.0.1:$((BASE_PORT + i))"); done
seed=${addrs[0]}

# Fail early with a clear message when something else uses our ports.
# TIME-WAIT sockets are fine as such: `rcadm sandbox up` tries to bind every
# port the way redis-server does (SO_REUSEADDR) and refuses the range only if
# that fails, which happens when a client connection without SO_REUSEADDR
# (redis-cli, rcadm) left a TIME-WAIT socket on a bus port (BASE_PORT+10000..
# is in Linux's ephemeral range). Such sockets expire within 60 s, so on that
# refusal `sandbox up` is retried for up to 75 s (see below).
ports_live() {   # prints "STATE PORT" for every non-TIME-WAIT socket on one of our ports
  ss -Htan 2>/dev/null | awk -v lo="$BASE_PORT" -v hi="$((BASE_PORT + NODES - 1))" '$1 != "TIME-WAIT" {
    n = split($4, a, ":"); p = a[n] + 0
    if ((p >= lo && p <= hi) || (p >= lo + 10000 && p <= hi + 10000)) print $1, p
  }'
}
if command -v ss >/dev/null; then
  if busy=$(ports_live) && [[ -n "$busy" ]]; then
    die "ports in use: $(head -3 <<<"$busy" | tr '\n' ' ')- pick free ports with BASE_PORT=<port>"
  fi
else
  for ((p = BASE_PORT; p < BASE_PORT + NODES; p++)); do
    for q in "$p" "$((p + 10000))"; do
      if (exec 3<>"/dev/tcp/127.0.0.1/$q") 2>/dev/null; then
        die "port $q is in use; pick free ports with BASE_PORT=<port>"
      fi
    done
  done
fi

work=$(mktemp -d -t rcadm-bench.XXXXXX)
cleanup() {
  # Always stop the redis-servers, even on failure or Ctrl-C.
  "$BIN" sandbox down --dir "$work/sandbox" >/dev/null 2>&1 ||
    echo "bench/check.sh: 'rcadm sandbox down --dir $work/sandbox' failed; stop the nodes by hand" >&2
  rm -rf "$work"
}
trap cleanup EXIT
trap on_signal INT TERM

echo "rcadm:     $BIN ($("$BIN" --version))"
echo "redis-cli: $REDIS_CLI ($("$REDIS_CLI" --version))"
echo "starting $NODES nodes on 127.0.0.1:$BASE_PORT..$((BASE_PORT + NODES - 1)) and forming the cluster (rcadm sandbox up, 1 replica per master)..."
sandbox_up "$work/sandbox" "$NODES"

echo -n "waiting for cluster_state:ok on every node"
deadline=$((SECONDS + 120))
until cluster_ok; do
  if ((SECONDS >= deadline)); then
    echo
    echo "--- redis-cli --cluster check ---" >&2
    "$REDIS_CLI" --cluster check "$seed" >&2 || true
    echo "--- rcadm check ---" >&2
    "$BIN" check "$seed" >&2 || true
    die "cluster not healthy after 120 s"
  fi
  echo -n .
  sleep 1
done
echo " ok"

rcadm_cmd=("$BIN" check "$seed")
cli_cmd=("$REDIS_CLI" --cluster check "$seed")

if [[ -z "${NO_HYPERFINE:-}" ]] && command -v hyperfine >/dev/null; then
  json=$work/check.json
  # -N: no intermediate shell, so its startup is not part of the numbers.
  step hyperfine -N --warmup "$WARMUP" --runs "$RUNS" --export-json "$json" \
    -n "rcadm check" "$(printf '%q ' "${rcadm_cmd[@]}")" \
    -n "redis-cli --cluster check" "$(printf '%q ' "${cli_cmd[@]}")" >&2
  stats=$(python3 -c '
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
a, b = r["rcadm check"], r["redis-cli --cluster check"]
print(*("%.2f" % (v * 1000) for v in (a["mean"], a["stddev"] or 0, b["mean"], b["stddev"] or 0)))
' "$json")
  read -r rcadm_ms rcadm_sd cli_ms cli_sd <<<"$stats"
  if [[ -n "${BENCH_JSON:-}" ]]; then cp "$json" "$BENCH_JSON"; fi
  method="hyperfine, $RUNS runs, $WARMUP warmup"
else
  # Fallback: time each run with date +%s%N (in the main shell, so a failing
  # run stops the script); the fork of `date` adds ~1 ms to both sides alike.
  time_runs() {   # time_runs OUT_FILE CMD...: one duration in µs per line
    local out=$1 i t0 t1
    shift
    : >"$out"
    for ((i = 0; i < WARMUP; i++)); do "$@" >/dev/null 2>&1 || die "warmup run failed: $*"; done
    for ((i = 0; i < RUNS; i++)); do
      t0=$(date +%s%N)
      "$@" >/dev/null 2>&1 || die "run failed: $*"
      t1=$(date +%s%N)
      echo $(((t1 - t0) / 1000)) >>"$out"
    done
  }
  stats() {   # stats FILE: "mean_ms stddev_ms"
    python3 -c '
import statistics, sys
us = [int(l) for l in open(sys.argv[1])]
print("%.2f %.2f" % (statistics.mean(us) / 1000, (statistics.stdev(us) if len(us) > 1 else 0) / 1000))' "$1"
  }
  time_runs "$work/rcadm.us" "${rcadm_cmd[@]}"
  time_runs "$work/cli.us" "${cli_cmd[@]}"
  stats=$(stats "$work/rcadm.us")
  read -r rcadm_ms rcadm_sd <<<"$stats"
  stats=$(stats "$work/cli.us")
  read -r cli_ms cli_sd <<<"$stats"
  method="bash loop, $RUNS runs, $WARMUP warmup"
fi

ratio=$(python3 -c 'import sys; print("%.2f" % (float(sys.argv[1]) / float(sys.argv[2])))' "$rcadm_ms" "$cli_ms")
echo
echo "check, $NODES nodes ($((NODES / 2)) masters + $((NODES / 2)) replicas), $method:"
printf '  %-28s %10s ms  ± %s\n' "rcadm check" "$rcadm_ms" "$rcadm_sd"
printf '  %-28s %10s ms  ± %s\n' "redis-cli --cluster check" "$cli_ms" "$cli_sd"
printf '  %-28s %10s   (target <= 0.7)\n' "ratio rcadm/redis-cli" "$ratio"

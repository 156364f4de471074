#!/usr/bin/env bash
# Benchmark importing a standalone node into a cluster: `rcadm import --copy` against
# `redis-cli --cluster import --cluster-copy`, side by side in one run on the same cluster and the
# same source, trials alternating which tool goes first.
#
# Setup: `rcadm sandbox up --nodes 6 --replicas 1` (3 masters + 3 replicas) and one standalone
# redis-server (the source, BASE_PORT+100) holding KEYS string keys of VALUE_SIZE bytes
# (DEBUG POPULATE). Every trial starts from an empty cluster (FLUSHALL on the masters, replicas
# caught up) and ends with a count: the masters must hold KEYS keys, the source still KEYS.
# Wall time by date +%s%N. Prints every trial, the medians, keys/s and the ratio (target:
# rcadm <= 0.1 x redis-cli).
#
#   bench/import.sh                               # 1,000,000 keys x 100 B, 1 trial (redis-cli needs minutes)
#   KEYS=100000 TRIALS=3 bench/import.sh
#
# Environment: RCADM_BIN, KEYS (default 1000000), VALUE_SIZE (default 100), TRIALS (default 1),
# BASE_PORT (default 26200; ports BASE_PORT..+5, +10000 and +100 must be free).
set -euo pipefail

KEYS=${KEYS:-1000000}
VALUE_SIZE=${VALUE_SIZE:-100}
TRIALS=${TRIALS:-1}
BASE_PORT=${BASE_PORT:-26200}
BENCH_NAME=import.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[[ "$KEYS" =~ ^[1-9][0-9]*$ ]] || die "KEYS=$KEYS: want a positive integer"
[[ "$VALUE_SIZE" =~ ^[1-9][0-9]*$ ]] || die "VALUE_SIZE=$VALUE_SIZE: want a positive integer"
[[ "$TRIALS" =~ ^[1-9][0-9]*$ ]] || die "TRIALS=$TRIALS: want a positive integer"

six_nodes_and_source import
echo "source: $("$REDIS_CLI" -p "$source_port" dbsize) keys of $VALUE_SIZE bytes"

masters_keys() {
  local total=0 a n
  for a in "${addrs[@]}"; do
    if "$REDIS_CLI" -h "${a%:*}" -p "${a##*:}" role | head -1 | grep -q master; then
      n=$("$REDIS_CLI" -h "${a%:*}" -p "${a##*:}" dbsize)
      total=$((total + n))
    fi
  done
  echo "$total"
}
empty_cluster() {
  "$BIN" call "$seed" --masters-only -- FLUSHALL >/dev/null
  local a
  for a in "${addrs[@]}"; do
    until [[ $("$REDIS_CLI" -h "${a%:*}" -p "${a##*:}" dbsize) == 0 ]]; do sleep 0.1; done
  done
}

declare -A times
run() {
  local tool=$1 t0 t1 rc=0
  empty_cluster
  t0=$(date +%s%N)
  if [[ $tool == rcadm ]]; then
    step "$BIN" import "$seed" --from "127.0.0.1:$source_port" --copy --yes >"$work/out" 2>&1 || rc=$?
  else
    step "$REDIS_CLI" --cluster import "$seed" --cluster-from "127.0.0.1:$source_port" --cluster-copy \
      >"$work/out" 2>&1 || rc=$?
  fi
  t1=$(date +%s%N)
  ((rc == 0)) || { tail -20 "$work/out" >&2; die "$tool failed (exit $rc)"; }
  local got kept
  got=$(masters_keys)
  kept=$("$REDIS_CLI" -p "$source_port" dbsize)
  [[ $got == "$KEYS" && $kept == "$KEYS" ]] || die "$tool: cluster holds $got keys, source $kept; want $KEYS"
  local s
  s=$(python3 -c "print(f'{($t1 - $t0) / 1e9:.2f}')")
  times[$tool]+="$s "
  printf '  %-9s trial %d: %7s s, %d keys, %s keys/s\n' "$tool" "$2" "$s" "$got" \
    "$(python3 -c "print(int($KEYS / (($t1 - $t0) / 1e9)))")"
}
for ((t = 1; t <= TRIALS; t++)); do
  if ((t % 2)); then run rcadm "$t"; run redis-cli "$t"; else run redis-cli "$t"; run rcadm "$t"; fi
done
python3 - "$KEYS" "${times[rcadm]}" "${times[redis-cli]}" <<'PY'
import statistics, sys
keys = int(sys.argv[1])
ours = statistics.median(float(x) for x in sys.argv[2].split())
theirs = statistics.median(float(x) for x in sys.argv[3].split())
print(f"median: rcadm import --copy {ours:.2f} s ({int(keys / ours)} keys/s), "
      f"redis-cli --cluster import --cluster-copy {theirs:.2f} s ({int(keys / theirs)} keys/s)")
ratio = ours / theirs
print(f"ratio rcadm/redis-cli: {ratio:.3f} (target <= 0.1: {'met' if ratio <= 0.1 else 'NOT met'})")
PY

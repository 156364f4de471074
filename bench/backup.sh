#!/usr/bin/env bash
# Benchmark backing a cluster up: `rcadm backup` against `redis-cli --cluster backup`, side by side
# in one run on the same cluster, trials alternating which tool goes first; then one `rcadm
# restore` of the backup into the flushed cluster (no anchor: redis-cli has no restore), for the
# round trip's sizes and times.
#
# Setup: `rcadm sandbox up --nodes 6 --replicas 1` (3 masters + 3 replicas), filled with KEYS
# string keys of VALUE_SIZE bytes (DEBUG POPULATE on a standalone node, then `rcadm import`).
# Each trial writes into a fresh directory and is checked: three RDB files, and for rcadm a
# manifest whose key count is KEYS. DELAY sets every node's repl-diskless-sync-delay (the sandbox
# uses 0; Redis's default is 5 s, which each tool waits once per master it snapshots).
#
#   bench/backup.sh                                # 1,000,000 keys x 100 B, 3 trials, DELAY=0
#   DELAY=5 TRIALS=1 bench/backup.sh
#
# Environment: RCADM_BIN, KEYS (default 1000000), VALUE_SIZE (default 100), TRIALS (default 3),
# DELAY (default 0), BASE_PORT (default 26300; ports BASE_PORT..+5, +10000 and +100 must be free).
set -euo pipefail

KEYS=${KEYS:-1000000}
VALUE_SIZE=${VALUE_SIZE:-100}
TRIALS=${TRIALS:-3}
DELAY=${DELAY:-0}
BASE_PORT=${BASE_PORT:-26300}
BENCH_NAME=backup.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[[ "$KEYS" =~ ^[1-9][0-9]*$ ]] || die "KEYS=$KEYS: want a positive integer"
[[ "$VALUE_SIZE" =~ ^[1-9][0-9]*$ ]] || die "VALUE_SIZE=$VALUE_SIZE: want a positive integer"
[[ "$TRIALS" =~ ^[1-9][0-9]*$ ]] || die "TRIALS=$TRIALS: want a positive integer"
[[ "$DELAY" =~ ^[0-9]+$ ]] || die "DELAY=$DELAY: want seconds (0 or more)"

six_nodes_and_source backup
step "$BIN" import "$seed" --from "127.0.0.1:$source_port" --yes >"$work/fill" 2>&1 || die "fill failed: $(tail -3 "$work/fill")"
"$REDIS_CLI" -p "$source_port" shutdown nosave >/dev/null 2>&1 || true
"$BIN" call "$seed" -- CONFIG SET repl-diskless-sync-delay "$DELAY" >/dev/null
echo "cluster: $KEYS keys; repl-diskless-sync-delay $DELAY s on every node"

declare -A times
run() {
  local tool=$1 dir="$work/backup-$1-$2" t0 t1 rc=0
  t0=$(date +%s%N)
  if [[ $tool == rcadm ]]; then
    step "$BIN" backup "$seed" "$dir" >"$work/out" 2>&1 || rc=$?
  else
    mkdir -p "$dir"
    step "$REDIS_CLI" --cluster backup "$seed" "$dir" >"$work/out" 2>&1 || rc=$?
  fi
  t1=$(date +%s%N)
  ((rc == 0)) || { tail -20 "$work/out" >&2; die "$tool failed (exit $rc)"; }
  local files bytes
  files=$(find "$dir" -name '*.rdb' | wc -l)
  bytes=$(find "$dir" -name '*.rdb' -printf '%s\n' | awk '{s += $1} END {print s}')
  ((files == 3)) || die "$tool wrote $files RDB files, want 3"
  if [[ $tool == rcadm ]]; then
    local counted
    counted=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['total_keys'])" "$dir/manifest.json")
    [[ $counted == "$KEYS" ]] || die "rcadm's manifest counts $counted keys, want $KEYS"
  fi
  local s
  s=$(python3 -c "print(f'{($t1 - $t0) / 1e9:.2f}')")
  times[$tool]+="$s "
  printf '  %-9s trial %d: %7s s, %d files, %s MB\n' "$tool" "$2" "$s" "$files" \
    "$(python3 -c "print(round($bytes / 1e6, 1))")"
  [[ $tool == rcadm && $2 == 1 ]] || rm -rf "$dir"
}
for ((t = 1; t <= TRIALS; t++)); do
  if ((t % 2)); then run rcadm "$t"; run redis-cli "$t"; else run redis-cli "$t"; run rcadm "$t"; fi
done
python3 - "${times[rcadm]}" "${times[redis-cli]}" <<'PY'
import statistics, sys
ours = statistics.median(float(x) for x in sys.argv[1].split())
theirs = statistics.median(float(x) for x in sys.argv[2].split())
print(f"median: rcadm backup {ours:.2f} s, redis-cli --cluster backup {theirs:.2f} s")
print(f"ratio rcadm/redis-cli: {ours / theirs:.3f}")
PY

# The round trip: the first rcadm backup restored into the flushed cluster.
"$BIN" backup --verify "$work/backup-rcadm-1" >/dev/null || die "backup --verify failed"
"$BIN" call "$seed" --masters-only -- FLUSHALL >/dev/null
for a in "${addrs[@]}"; do
  until [[ $("$REDIS_CLI" -h "${a%:*}" -p "${a##*:}" dbsize) == 0 ]]; do sleep 0.1; done
done
t0=$(date +%s%N)
step "$BIN" restore "$work/backup-rcadm-1" "$seed" --yes >"$work/out" 2>&1 || { tail -20 "$work/out" >&2; die "restore failed"; }
t1=$(date +%s%N)
echo "restore: $(python3 -c "print(f'{($t1 - $t0) / 1e9:.2f}')") s into the flushed cluster ($(grep -o 'the cluster holds [0-9]* keys' "$work/out"))"

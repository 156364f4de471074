#!/usr/bin/env bash
# bench/big-reply: one big reply through `rcadm exec` vs redis-cli, same cluster, same run:
# `LRANGE biglist 0 -1` on an 800,000-element list and `KEYS *` over 1,000,000 keys that all live
# on one master (hash-tagged). Prints mean wall times and the ratios rcadm/redis-cli (target <= 1.2).
#
#   bench/big-reply.sh                                        # .build-release/release/rcadm
#   BASELINE_BIN=/tmp/old/rcadm bench/big-reply.sh            # also time another rcadm build
#
# Environment: RCADM_BIN, BASELINE_BIN, BASE_PORT (default 18200; BASE_PORT..+5 and +10000 must be
# free), LIST_LEN (800000), KEYS_N (1000000), RUNS (5), WARMUP (1), BENCH_JSON (a directory: keep
# hyperfine's JSON exports there).
set -euo pipefail

NODES=6   # 3 masters + 3 replicas
BASE_PORT=${BASE_PORT:-18200}
LIST_LEN=${LIST_LEN:-800000}
KEYS_N=${KEYS_N:-1000000}
RUNS=${RUNS:-5}
WARMUP=${WARMUP:-1}

BENCH_NAME=big-reply.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
command -v hyperfine >/dev/null || die "hyperfine not found"
BASELINE=""
if [[ -n "${BASELINE_BIN:-}" ]]; then BASELINE=$(realpath -- "$(command -v -- "$BASELINE_BIN")"); fi

addrs=()
for ((i = 0; i < NODES; i++)); do addrs+=("127.0.0.1:$((BASE_PORT + i))"); done
seed=${addrs[0]}

work=$(mktemp -d -t rcadm-bench-big.XXXXXX)
cleanup() {
  "$BIN" sandbox down --dir "$work/sandbox" >/dev/null 2>&1 ||
    echo "bench/$BENCH_NAME: 'rcadm sandbox down --dir $work/sandbox' failed; stop the nodes by hand" >&2
  rm -rf "$work"
}
trap cleanup EXIT
trap on_signal INT TERM

echo "rcadm:     $BIN ($("$BIN" --version))"
if [[ -n "$BASELINE" ]]; then echo "baseline:  $BASELINE"; fi
echo "redis-cli: $REDIS_CLI ($("$REDIS_CLI" --version))"
echo "starting $NODES nodes on 127.0.0.1:$BASE_PORT..$((BASE_PORT + NODES - 1)) (rcadm sandbox up)..."
sandbox_up "$work/sandbox" "$NODES"
deadline=$((SECONDS + 120))
until cluster_ok; do
  ((SECONDS < deadline)) || die "cluster not healthy after 120 s"
  sleep 1
done

# owner_port KEY: the port of the master serving KEY's slot (read from CLUSTER NODES).
owner_port() {
  local slot
  slot=$("$REDIS_CLI" -p "$BASE_PORT" cluster keyslot "$1")
  "$REDIS_CLI" -p "$BASE_PORT" cluster nodes | awk -v s="$slot" '$3 ~ /master/ {
    for (i = 9; i <= NF; i++) {
      n = split($i, r, "-"); lo = r[1] + 0; hi = (n > 1 ? r[2] : r[1]) + 0
      if (s >= lo && s <= hi) { split($2, a, "[:@]"); print a[2]; exit }
    }
  }'
}
list_port=$(owner_port biglist)
keys_port=$(owner_port "{big}:0")
[[ -n "$list_port" && -n "$keys_port" ]] || die "could not find the owners of biglist and {big}:*"

# The data, written straight to the owners with redis-cli --pipe: RPUSH in batches of 1000
# elements, and SET {big}:N (one hash tag, so one slot and one master).
echo "loading $LIST_LEN list elements on :$list_port and $KEYS_N keys on :$keys_port..."
python3 - "$LIST_LEN" "$KEYS_N" "$work/list.resp" "$work/keys.resp" <<'PY'
import sys
list_len, keys_n, list_path, keys_path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
def command(words):
    out = [b"*%d\r\n" % len(words)]
    for w in words:
        out.append(b"$%d\r\n%s\r\n" % (len(w), w))
    return b"".join(out)
with open(list_path, "wb") as f:
    for start in range(0, list_len, 1000):
        f.write(command([b"RPUSH", b"biglist"] + [b"element-%d" % i for i in range(start, min(start + 1000, list_len))]))
with open(keys_path, "wb") as f:
    for i in range(keys_n):
        f.write(command([b"SET", b"{big}:%d" % i, b"%d" % i]))
PY
# Not through `step`: a background job's stdin would be /dev/null.
"$REDIS_CLI" -p "$list_port" --pipe <"$work/list.resp" >/dev/null
"$REDIS_CLI" -p "$keys_port" --pipe <"$work/keys.resp" >/dev/null
[[ $("$REDIS_CLI" -p "$list_port" llen biglist) == "$LIST_LEN" ]] || die "biglist does not hold $LIST_LEN elements"
[[ $("$REDIS_CLI" -p "$keys_port" dbsize) -ge "$KEYS_N" ]] || die "the keys did not load"

# check NAME WANT CMD...: runs CMD once (untimed) and says whether it printed WANT lines; a failing
# rcadm is still timed below (as the time it takes to fail), but marked.
declare -A failed=()
check() {
  local name=$1 want=$2 lines rc=0
  shift 2
  lines=$("$@" 2>"$work/err" | wc -l) || rc=$?
  if [[ $rc != 0 || $lines != "$want" ]]; then
    failed[$name]="exit $rc, $lines lines: $(head -c 300 "$work/err")"
    echo "  $name: FAILED (${failed[$name]})" >&2
  fi
}

# bench TAG WANT ARGS...: rcadm exec SEED -- ARGS vs redis-cli -p OWNER ARGS (and the baseline).
results=()
bench() {
  local tag=$1 want=$2 port=$3
  shift 3
  local names=("rcadm exec" "redis-cli") cmds=()
  cmds+=("$(printf '%q ' "$BIN" exec "$seed" -- "$@")")
  cmds+=("$(printf '%q ' "$REDIS_CLI" -p "$port" "$@")")
  if [[ -n "$BASELINE" ]]; then
    names+=("baseline exec")
    cmds+=("$(printf '%q ' "$BASELINE" exec "$seed" -- "$@")")
  fi
  echo "$tag: checking every command prints $want lines..."
  local i args=()
  for i in "${!cmds[@]}"; do
    eval "check \"$tag/${names[$i]}\" $want ${cmds[$i]}"
    args+=(-n "${names[$i]}" "${cmds[$i]}")
  done
  local ignore=()
  if ((${#failed[@]})); then ignore=(--ignore-failure); fi
  step hyperfine -N "${ignore[@]}" --warmup "$WARMUP" --runs "$RUNS" --export-json "$work/$tag.json" "${args[@]}" >&2
  if [[ -n "${BENCH_JSON:-}" ]]; then mkdir -p "$BENCH_JSON" && cp "$work/$tag.json" "$BENCH_JSON/"; fi
  results+=("$tag")
}

bench lrange "$LIST_LEN" "$list_port" LRANGE biglist 0 -1
# rcadm's KEYS covers every master: without the list, both tools list exactly the KEYS_N keys.
"$REDIS_CLI" -p "$list_port" del biglist >/dev/null
bench keys "$KEYS_N" "$keys_port" KEYS '*'

echo
echo "big replies, hyperfine -N, $RUNS runs, $WARMUP warmup, output to /dev/null (mean ± sd, seconds):"
for tag in "${results[@]}"; do
  python3 - "$work/$tag.json" "$tag" "${failed[$tag/rcadm exec]:-}" "${failed[$tag/baseline exec]:-}" <<'PY'
import json, sys
path, tag, rcadm_failed, baseline_failed = sys.argv[1:5]
r = {x["command"]: x for x in json.load(open(path))["results"]}
cli = r["redis-cli"]["mean"]
for name, x in r.items():
    note = ""
    if name != "redis-cli":
        note = "  ratio %.2f" % (x["mean"] / cli)
        if name == "rcadm exec":
            note += " (target <= 1.2)"
        failed = rcadm_failed if name == "rcadm exec" else baseline_failed
        if failed:
            note += "  FAILED: " + failed
    print("  %-7s %-14s %7.3f ± %.3f%s" % (tag, name, x["mean"], x["stddev"] or 0, note))
PY
done

#!/usr/bin/env bash
# Benchmark cluster creation: `rcadm create` against `redis-cli --cluster
# create`, side by side in one run, on fresh empty nodes for every trial.
#
# For each size N (default 6, 60 and 150, 1 replica per master) and each of TRIALS
# trials, three variants run, each on its own freshly started nodes:
#
#   rcadm create --no-wait   returns once every node agrees on the configuration
#   redis-cli --cluster create   returns once the slot configuration is consistent
#   rcadm create             (default) also waits for cluster_state:ok everywhere
#
# Per variant: `rcadm sandbox up --no-create` starts N empty nodes, the script
# sleeps SETTLE seconds (so both tools meet the same server-side start-up
# state), times the create command ("agreed" = its wall time), then polls
# CLUSTER INFO on every node until all say cluster_state:ok ("serving" = from
# the start of the command to that moment), and tears the nodes down.
# Prints the median of each and the ratios rcadm/redis-cli.
#
#   bench/create.sh                                        # uses .build-release/release/rcadm
#   RCADM_BIN=.build/debug/rcadm TRIALS=1 bench/create.sh  # quick try
#
# Reliability: BESIDE=60 keeps a formed 60-node cluster gossiping beside the
# trials (load); VARIANTS="rcadm-nowait" runs only that variant; a failed
# create is counted (and its log shown), not fatal. E.g. the issue-14 check:
#   BESIDE=60 VARIANTS=rcadm-nowait SIZES="60 150" TRIALS=20 bench/create.sh
#
# Environment: RCADM_BIN, TRIALS (default 3), SIZES (default "6 60 150"),
# SETTLE (seconds, default 2.5), BASE_PORT (default 10000; see below),
# BENCH_TSV (copy the raw per-trial results there).
set -euo pipefail

TRIALS=${TRIALS:-3}
SIZES=${SIZES:-"6 60 150"}
SETTLE=${SETTLE:-2.5}
BASE_PORT=${BASE_PORT:-10000}
REPLICAS=1
BESIDE=${BESIDE:-0}
VARIANTS=${VARIANTS:-"rcadm-nowait redis-cli rcadm"}
SERVE_TIMEOUT=60     # seconds to wait for cluster_state:ok after a create
PORT_STRIDE=200      # candidate node-port ranges: BASE_PORT, +200, ... (see start_nodes)
PORT_SLOTS=12

BENCH_NAME=create.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
command -v python3 >/dev/null || die "python3 not found"
command -v ss >/dev/null || die "ss not found (apt-get install iproute2)"
[[ "$TRIALS" =~ ^[1-9][0-9]*$ ]] || die "TRIALS=$TRIALS: want a positive integer"
max_n=0
for n in $SIZES; do
  [[ "$n" =~ ^[0-9]+$ ]] && ((n >= 3 * (REPLICAS + 1))) || die "SIZES: $n is not a node count >= $((3 * (REPLICAS + 1)))"
  if ((n > max_n)); then max_n=$n; fi
done
((max_n <= PORT_STRIDE)) || die "SIZES: at most $PORT_STRIDE nodes"
if ! [[ "$BASE_PORT" =~ ^[0-9]+$ ]] || ((BASE_PORT < 1024 ||
  BASE_PORT + (PORT_SLOTS - 1) * PORT_STRIDE + max_n - 1 + 10000 > 65535)); then
  die "BASE_PORT=$BASE_PORT: ports BASE_PORT..+$(((PORT_SLOTS - 1) * PORT_STRIDE + max_n - 1)) and +10000 must be in 1024..65535"
fi

# Ports. Every trial needs N node ports and their bus ports (+10000) free.
# After a teardown, the ports of a trial keep TIME-WAIT sockets for ~60 s, and
# bus ports must stay below Linux's ephemeral range (32768..), where short
# client connections (redis-cli, rcadm, other programs) leave TIME-WAIT sockets
# too: the default BASE_PORT 10000 keeps every range and its bus ports below it. redis-server (SO_REUSEADDR) can bind a port held by
# TIME-WAIT sockets of its own kind, but not one held by a client's that did
# not set SO_REUSEADDR, and `rcadm sandbox up` then refuses the range. So each
# trial tries the ranges BASE_PORT + k*PORT_STRIDE (k = 0..PORT_SLOTS-1) in
# turn, starting after the last one used, skips ranges with live sockets
# (someone else's servers) and moves on when `sandbox up` says a port is in use.
range_live() {   # range_live BASE N: prints "STATE PORT" for non-TIME-WAIT sockets on the range
  ss -Htan 2>/dev/null | awk -v lo="$1" -v hi="$(($1 + $2 - 1))" '$1 != "TIME-WAIT" {
    n = split($4, a, ":"); p = a[n] + 0
    if ((p >= lo && p <= hi) || (p >= lo + 10000 && p <= hi + 10000)) print $1, p
  }'
}
next_slot=0
start_nodes() {   # start_nodes N DIR: starts N empty nodes, sets $base
  local n=$1 dir=$2 k tries deadline=$((SECONDS + 90))
  while :; do
    for ((tries = 0; tries < PORT_SLOTS; tries++)); do
      k=$(((next_slot + tries) % PORT_SLOTS))
      base=$((BASE_PORT + k * PORT_STRIDE))
      [[ -z "$(range_live "$base" "$n")" ]] || continue
      if "$BIN" sandbox up --nodes "$n" --base-port "$base" --dir "$dir" --no-create >"$work/up.log" 2>&1; then
        next_slot=$(((k + 1) % PORT_SLOTS))
        return 0
      fi
      grep -q 'is in use' "$work/up.log" || { cat "$work/up.log" >&2; die "rcadm sandbox up --no-create (ports $base..) failed"; }
    done
    ((SECONDS < deadline)) || die "no usable port range at BASE_PORT=$BASE_PORT (+k*$PORT_STRIDE): $(cat "$work/up.log")"
    echo "every port range is busy; waiting for TIME-WAIT sockets to expire..." >&2
    sleep 5
  done
}

work=$(mktemp -d -t rcadm-bench-create.XXXXXX)
results=$work/results.tsv
: >"$results"
sandboxes=()   # every sandbox directory used; the EXIT trap stops what is left
stop_sandbox() {   # stop_sandbox DIR
  local dir=$1 port
  [[ -d "$dir" ]] || return 0
  # Fast path: SHUTDOWN NOSAVE NOW each node, then let `sandbox down` stop
  # whatever is left and delete the directory. (As of rcadm 0.1.0 the nodes
  # `sandbox up` spawns inherit a signal mask that blocks SIGTERM, so
  # `sandbox down` alone waits out its 10 s timeout and then SIGKILLs.)
  for port in $(sed -n 's/^port //p' "$dir"/node-*/redis.conf 2>/dev/null); do
    "$REDIS_CLI" -p "$port" shutdown nosave now >/dev/null 2>&1 || true
  done
  "$BIN" sandbox down --dir "$dir" >/dev/null 2>&1 ||
    echo "bench/create.sh: 'rcadm sandbox down --dir $dir' failed; stop the nodes by hand" >&2
}
cleanup() {
  local d
  for d in ${sandboxes[@]+"${sandboxes[@]}"}; do stop_sandbox "$d"; done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'echo "bench/create.sh: interrupted; tearing down" >&2; exit 130' INT TERM

# Polls CLUSTER INFO on every node (persistent connections, pipelined, every
# 5 ms) until all say cluster_state:ok. Prints "FIRST NS": FIRST is 1 when the
# very first round already succeeded, NS the wall clock (same clock as
# `date +%s%N`) at the end of the first successful round.
poll_ok() {   # poll_ok ADDR...
  python3 - "$SERVE_TIMEOUT" "$@" <<'EOF'
import socket, sys, time
timeout, addrs = float(sys.argv[1]), sys.argv[2:]
conns = []
for a in addrs:
    host, port = a.rsplit(":", 1)
    s = socket.create_connection((host, int(port)), timeout=5)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    conns.append((a, s, s.makefile("rb")))
def reply(f):
    line = f.readline()
    if line[:1] != b"$":
        raise SystemExit("unexpected reply: %r" % line)
    return f.read(int(line[1:]) + 2)
deadline = time.monotonic() + timeout
first = True
while True:
    for _, s, _ in conns:
        s.sendall(b"CLUSTER INFO\r\n")
    states = [(a, b"cluster_state:ok" in reply(f)) for a, _, f in conns]
    now = time.time_ns()
    if all(ok for _, ok in states):
        print(1 if first else 0, now)
        break
    if time.monotonic() > deadline:
        bad = [a for a, ok in states if not ok]
        raise SystemExit("cluster_state not ok after %gs on: %s" % (timeout, " ".join(bad[:5])))
    first = False
    time.sleep(0.005)
EOF
}

# run_variant N VARIANT TRIAL: one trial on fresh nodes; appends to $results.
run_variant() {
  local n=$1 variant=$2 trial=$3 base dir i t0 t1 first ok_ns agreed serving rc=0
  local addrs=() cmd=()
  dir=$work/sandbox-$n-$variant-$trial
  sandboxes+=("$dir")
  start_nodes "$n" "$dir"
  for ((i = 0; i < n; i++)); do addrs+=("127.0.0.1:$((base + i))"); done
  sleep "$SETTLE"
  case $variant in
    rcadm-nowait) cmd=("$BIN" create "${addrs[@]}" --replicas "$REPLICAS" --yes --no-wait) ;;
    redis-cli) cmd=("$REDIS_CLI" --cluster create "${addrs[@]}" --cluster-replicas "$REPLICAS" --cluster-yes) ;;
    rcadm) cmd=("$BIN" create "${addrs[@]}" --replicas "$REPLICAS" --yes) ;;
  esac
  t0=$(date +%s%N)
  "${cmd[@]}" >"$work/create.log" 2>&1 || rc=$?
  t1=$(date +%s%N)
  if ((rc != 0)); then
    tail -5 "$work/create.log" >&2
    echo "  N=$n $variant trial $trial: FAILED (exit $rc) after $(((t1 - t0) / 1000000)) ms" >&2
    printf '%s\t%s\t%s\tFAIL\tFAIL\n' "$n" "$variant" "$trial" >>"$results"
    stop_sandbox "$dir"
    return 0
  fi
  read -r first ok_ns < <(poll_ok "${addrs[@]}") || die "$variant, $n nodes: nodes never all reached cluster_state:ok"
  [[ -n "${ok_ns:-}" ]] || die "$variant, $n nodes: nodes never all reached cluster_state:ok"
  # Already ok at the first poll: the command itself waited for it (rcadm default).
  if ((first == 1)); then ok_ns=$t1; fi
  agreed=$(((t1 - t0) / 1000))
  serving=$(((ok_ns - t0) / 1000))
  printf '%s\t%s\t%s\t%s\t%s\n' "$n" "$variant" "$trial" "$agreed" "$serving" >>"$results"
  awk -v n="$n" -v v="$variant" -v t="$trial" -v a="$agreed" -v s="$serving" -v b="$base" 'BEGIN {
    printf "  N=%-3s %-13s trial %s: returned %8.1f ms, all cluster_state:ok %8.1f ms (ports %s..)\n", n, v, t, a / 1000, s / 1000, b
  }' >&2
  stop_sandbox "$dir"
}

echo "rcadm:        $BIN ($("$BIN" --version))"
echo "redis-cli:    $REDIS_CLI ($("$REDIS_CLI" --version))"
echo "redis-server: $(redis-server --version | sed 's/ sha=.*//')"
echo "sizes: $SIZES; replicas $REPLICAS; $TRIALS trial(s) per variant; settle ${SETTLE}s; ports $BASE_PORT.. (+10000)"

read -r -a variants <<<"$VARIANTS"
if ((BESIDE > 0)); then
  # Above the trials' ranges, bus ports still below the ephemeral range.
  beside_dir=$work/beside
  sandboxes+=("$beside_dir")
  "$BIN" sandbox up --nodes "$BESIDE" --replicas 1 --base-port $((BASE_PORT + PORT_SLOTS * PORT_STRIDE)) \
    --dir "$beside_dir" >"$work/beside.log" 2>&1 || { cat "$work/beside.log" >&2; die "the cluster beside did not start"; }
  echo "beside: a formed $BESIDE-node cluster gossips on ports $((BASE_PORT + PORT_SLOTS * PORT_STRIDE)).."
fi
for n in $SIZES; do
  for ((t = 1; t <= TRIALS; t++)); do
    # Rotate the order per trial so no variant always runs first.
    for ((v = 0; v < ${#variants[@]}; v++)); do
      run_variant "$n" "${variants[$(((v + t - 1) % ${#variants[@]}))]}" "$t"
    done
  done
done
if [[ -n "${BENCH_TSV:-}" ]]; then cp "$results" "$BENCH_TSV"; fi

echo
python3 - "$results" "$TRIALS" <<'EOF'
import collections, statistics, sys
rows = collections.defaultdict(lambda: ([], []))
failed = collections.Counter()
for line in open(sys.argv[1]):
    n, variant, _, agreed, serving = line.strip().split("\t")
    if agreed == "FAIL":
        failed[(int(n), variant)] += 1
        continue
    rows[(int(n), variant)][0].append(int(agreed) / 1000)
    rows[(int(n), variant)][1].append(int(serving) / 1000)
names = {"rcadm-nowait": "rcadm create --no-wait", "redis-cli": "redis-cli --cluster create",
         "rcadm": "rcadm create"}
targets = {6: 0.15, 60: 0.15, 150: 0.15}
med = lambda xs: statistics.median(xs) if xs else float("nan")
print("create, replicas 1, median of %s trial(s) on fresh nodes (ms; ratio = rcadm / redis-cli):" % sys.argv[2])
print("  %5s  %-26s %10s %10s %14s %14s" % ("nodes", "tool", "agreed", "serving", "ratio agreed", "ratio serving"))
verdicts = []
reliability = []
sizes = sorted({n for n, _ in list(rows) + list(failed)})
variants = [v for v in ("rcadm-nowait", "redis-cli", "rcadm") if any((n, v) in rows or (n, v) in failed for n in sizes)]
for n in sizes:
    cli_a, cli_s = (med(x) for x in rows[(n, "redis-cli")])
    for v in variants:
        ok = len(rows[(n, v)][0])
        reliability.append("  %5d  %-26s succeeded %d of %d; slowest %.1f ms"
                           % (n, names[v], ok, ok + failed[(n, v)], max(rows[(n, v)][0], default=float("nan"))))
        a, s = (med(x) for x in rows[(n, v)])
        # rcadm create (default) returns at serving, so it has no "agreed" time of its own.
        agreed = "-" if v == "rcadm" else "%.1f" % a
        ra = "-" if v != "rcadm-nowait" else "%.3f" % (a / cli_a)
        rs = "-" if v == "redis-cli" else "%.3f" % (s / cli_s)
        print("  %5d  %-26s %10s %10.1f %14s %14s" % (n, names[v], agreed, s, ra, rs))
    r = med(rows[(n, "rcadm-nowait")][0]) / cli_a
    if n in targets and r == r:
        verdicts.append("  %d nodes: agreed ratio %.3f, target <= %.2f: %s"
                        % (n, r, targets[n], "met" if r <= targets[n] else "NOT met"))
print("runs that succeeded:")
print("\n".join(reliability))
if verdicts:
    print("targets (agreed: rcadm create --no-wait vs redis-cli --cluster create):")
    print("\n".join(verdicts))
sys.exit(1 if failed else 0)
EOF

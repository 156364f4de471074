#!/usr/bin/env bash
# Benchmark moving slots with keys: `rcadm reshard` / `rcadm rebalance` against
# `redis-cli --cluster reshard` / `--cluster rebalance` (default pipeline of 10
# keys, and tuned with --cluster-pipeline 1000), side by side in one run on the
# same cluster, every trial starting from the same slot layout.
#
# Setup: `rcadm sandbox up --nodes 6 --replicas 1` (3 masters A, B, C with one
# replica each), then KEYS keys `key:0`..`key:<KEYS-1>` with VALUE_SIZE-byte
# values, written straight to their owners with `redis-cli --pipe`; the replicas
# are in sync before anything is timed.
#
#   reshard:   2000 slots (SLOTS) from A to B. rcadm takes the source's highest
#              slots, redis-cli its lowest; with uniformly spread keys every
#              slot holds ~KEYS/16384 keys, and the keys actually moved are
#              counted per trial.
#   rebalance: from the unbalanced layout "A's lowest SLOTS slots on B"
#              (by default A 3461, B 7462, C 5461 slots): `rcadm rebalance --threshold 0`
#              vs `redis-cli --cluster rebalance --cluster-threshold 1`
#              (redis-cli treats threshold 0 as "never rebalance").
#
# Each timed command is run after the layout was restored (untimed) slot by
# slot to the trial's start layout by a small MIGRATE-based mover in this
# script, and the cluster checked (`redis-cli --cluster check` and `rcadm
# check` pass, replicas caught up). After each timed command: its exit code,
# `rcadm check` (exit 0) and the total key count (sum of DBSIZE over the
# masters) must be right; slots and keys moved are computed from the slot
# owners before/after and the per-slot key counts. Wall time: date +%s%N
# ("returned"); "settled" also counts polling `rcadm check` until it passes,
# because redis-cli returns before the replicas know the new slot owners.
# The variants rotate their order from trial to trial. Prints every trial,
# then per variant the medians, keys/s and the ratios to both redis-cli
# variants (targets: rcadm <= 0.25 x redis-cli default and <= 0.5 x
# redis-cli --cluster-pipeline 1000).
#
# The reshard also gets a "floor" variant in the same run: the same slots
# opened and listed untimed, then every MIGRATE (one per slot, as both tools
# send them: Redis refuses a MIGRATE whose keys lie in different slots) sent
# to the source in one pipeline on one connection, timed. The source runs one
# MIGRATE at a time and waits for the target's reply inside it, so no client
# moves these keys between these two nodes faster than this.
#
#   bench/reshard.sh                                          # uses .build-release/release/rcadm
#   RCADM_BIN=.build/debug/rcadm KEYS=100000 TRIALS=1 bench/reshard.sh   # quick try
#
# Environment: RCADM_BIN, KEYS (default 1000000), VALUE_SIZE (default 100),
# SLOTS (default 2000), TRIALS (default 3), BASE_PORT (default 26000; ports
# BASE_PORT..+5 and +10000 must be free), BENCH_TSV (copy the raw per-trial
# results there), ONLY (reshard or rebalance: run just that part).
set -euo pipefail

NODES=6
KEYS=${KEYS:-1000000}
VALUE_SIZE=${VALUE_SIZE:-100}
SLOTS=${SLOTS:-2000}
TRIALS=${TRIALS:-3}
BASE_PORT=${BASE_PORT:-26000}
ONLY=${ONLY:-}
CLI_PIPELINE_TUNED=1000

BENCH_NAME=reshard.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
command -v python3 >/dev/null || die "python3 not found"
[[ "$KEYS" =~ ^[1-9][0-9]*$ ]] || die "KEYS=$KEYS: want a positive integer"
[[ "$VALUE_SIZE" =~ ^[0-9]+$ ]] || die "VALUE_SIZE=$VALUE_SIZE: want a non-negative integer"
[[ "$TRIALS" =~ ^[1-9][0-9]*$ ]] || die "TRIALS=$TRIALS: want a positive integer"
[[ "$SLOTS" =~ ^[1-9][0-9]*$ ]] && ((SLOTS < 5461)) || die "SLOTS=$SLOTS: want 1..5460 (a master holds 5461)"
[[ -z "$ONLY" || "$ONLY" == reshard || "$ONLY" == rebalance ]] || die "ONLY=$ONLY: want reshard or rebalance"
if ! [[ "$BASE_PORT" =~ ^[0-9]+$ ]] || ((BASE_PORT < 1024 || BASE_PORT + NODES - 1 + 10000 > 65535)); then
  die "BASE_PORT=$BASE_PORT: ports BASE_PORT..+$((NODES - 1)) and +10000 must be in 1024..65535"
fi

addrs=()
for ((i = 0; i < NODES; i++)); do addrs+=("127.0.0.1:$((BASE_PORT + i))"); done
seed=${addrs[0]}

# Fail early when something else uses our ports (see bench/check.sh for why
# TIME-WAIT sockets are fine and how `sandbox up` is retried).
ports_live() {
  ss -Htan 2>/dev/null | awk -v lo="$BASE_PORT" -v hi="$((BASE_PORT + NODES - 1))" '$1 != "TIME-WAIT" {
    n = split($4, a, ":"); p = a[n] + 0
    if ((p >= lo && p <= hi) || (p >= lo + 10000 && p <= hi + 10000)) print $1, p
  }'
}
if command -v ss >/dev/null; then
  if busy=$(ports_live) && [[ -n "$busy" ]]; then
    die "ports in use: $(head -3 <<<"$busy" | tr '\n' ' ')- pick free ports with BASE_PORT=<port>"
  fi
fi

work=$(mktemp -d -t rcadm-bench-reshard.XXXXXX)
results=$work/results.tsv
: >"$results"
cleanup() {
  # Always stop the redis-servers, even on failure or Ctrl-C. SHUTDOWN NOSAVE
  # NOW first: nodes spawned by rcadm 0.1.0 may ignore SIGTERM (see create.sh).
  local port
  for port in $(sed -n 's/^port //p' "$work"/sandbox/node-*/redis.conf 2>/dev/null); do
    "$REDIS_CLI" -p "$port" shutdown nosave now >/dev/null 2>&1 || true
  done
  if [[ -d "$work/sandbox" ]]; then
    "$BIN" sandbox down --dir "$work/sandbox" >/dev/null 2>&1 ||
      echo "bench/reshard.sh: 'rcadm sandbox down --dir $work/sandbox' failed; stop the nodes by hand" >&2
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap on_signal INT TERM

# Helper for everything that is not timed: loading, slot layouts, per-slot key
# counts, restoring a layout, replica sync. Speaks RESP itself (no redis-py).
cat >"$work/rs.py" <<'EOF'
import json, socket, subprocess, sys, threading, time

class Conn:
    def __init__(self, addr):
        host, port = addr.rsplit(":", 1)
        self.addr = addr
        self.s = socket.create_connection((host, int(port)), timeout=120)
        self.f = self.s.makefile("rb", buffering=1 << 16)

    @staticmethod
    def enc(args):
        args = [a if isinstance(a, bytes) else str(a).encode() for a in args]
        return b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in args)

    def read(self):
        line = self.f.readline()
        if not line:
            raise SystemExit("%s closed the connection" % self.addr)
        t, rest = line[:1], line[1:-2]
        if t == b"+":
            return rest.decode()
        if t == b"-":
            raise SystemExit("%s: -%s" % (self.addr, rest.decode()))
        if t == b":":
            return int(rest)
        if t == b"$":
            n = int(rest)
            return None if n < 0 else self.f.read(n + 2)[:-2]
        if t == b"*":
            n = int(rest)
            return None if n < 0 else [self.read() for _ in range(n)]
        raise SystemExit("%s: bad reply %r" % (self.addr, line))

    def pipe(self, cmds):
        self.s.sendall(b"".join(self.enc(c) for c in cmds))
        return [self.read() for _ in cmds]

    def call(self, *args):
        return self.pipe([args])[0]

def layout(seed):
    """{"owners": [master id per slot], "addr": {id: "ip:port"}} from CLUSTER SLOTS."""
    owners, addr = [None] * 16384, {}
    for r in Conn(seed).call("CLUSTER", "SLOTS"):
        lo, hi, (ip, port, nid) = r[0], r[1], r[2][:3]
        nid = nid.decode()
        addr[nid] = "%s:%d" % (ip.decode(), port)
        owners[lo:hi + 1] = [nid] * (hi - lo + 1)
    if None in owners:
        raise SystemExit("slot %d is not covered" % owners.index(None))
    return {"owners": owners, "addr": addr}

def masters(seed):
    """Master ids ordered by their lowest slot (A, B, C)."""
    own, seen = layout(seed)["owners"], []
    for o in own:
        if o not in seen:
            seen.append(o)
    return seen

def key_slot(k, tab=[]):
    if not tab:
        for i in range(256):
            c = i << 8
            for _ in range(8):
                c = ((c << 1) ^ 0x1021) if c & 0x8000 else (c << 1)
            tab.append(c & 0xFFFF)
    c = 0
    for b in k:
        c = ((c << 8) & 0xFF00) ^ tab[(c >> 8) ^ b]
    return c & 16383

def load(seed, n, size):
    """SET key:0..key:n-1 (values of `size` bytes) with redis-cli --pipe per owner."""
    lay = layout(seed)
    tail = b"\r\n$%d\r\n%s\r\n" % (size, b"v" * size)
    bufs = {nid: [] for nid in lay["addr"]}
    own = lay["owners"]
    for i in range(n):
        k = b"key:%d" % i   # no braces: the hash tag rule does not apply
        bufs[own[key_slot(k)]].append(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s%s" % (len(k), k, tail))
    procs = {}
    for nid, a in lay["addr"].items():
        host, port = a.rsplit(":", 1)
        procs[nid] = subprocess.Popen(["redis-cli", "-h", host, "-p", port, "--pipe"],
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    outs = {}
    def feed(nid):
        p = procs[nid]
        p.stdin.write(b"".join(bufs[nid]))
        p.stdin.close()
    def drain(nid):
        outs[nid] = procs[nid].stdout.read().decode()
    ths = [threading.Thread(target=f, args=(nid,)) for nid in procs for f in (feed, drain)]
    for t in ths: t.start()
    for t in ths: t.join()
    for nid, p in procs.items():
        if p.wait() != 0 or "errors: 0," not in outs[nid]:
            raise SystemExit("redis-cli --pipe to %s failed: %s" % (lay["addr"][nid], outs[nid]))

def counts(seed):
    """Keys per slot, asked from each slot's owner."""
    lay = layout(seed)
    res = [0] * 16384
    for nid, a in lay["addr"].items():
        slots = [s for s in range(16384) if lay["owners"][s] == nid]
        for s, c in zip(slots, Conn(a).pipe([("CLUSTER", "COUNTKEYSINSLOT", s) for s in slots])):
            res[s] = c
    return res

def total(seed):
    lay = layout(seed)
    return sum(Conn(a).call("DBSIZE") for a in lay["addr"].values())

def move(lay, conns, slots, src, dst):
    """Move `slots` from src to dst like redis-cli does (IMPORTING/MIGRATING,
    GETKEYSINSLOT+MIGRATE in batches of 1000, SETSLOT NODE on every master)."""
    s_c, d_c = conns[src], conns[dst]
    host, port = lay["addr"][dst].rsplit(":", 1)
    others = [n for n in conns if n not in (src, dst)]
    for i in range(0, len(slots), 256):
        chunk = slots[i:i + 256]
        d_c.pipe([("CLUSTER", "SETSLOT", s, "IMPORTING", src) for s in chunk])
        s_c.pipe([("CLUSTER", "SETSLOT", s, "MIGRATING", dst) for s in chunk])
        for s in chunk:
            while True:
                keys = s_c.call("CLUSTER", "GETKEYSINSLOT", s, 1000)
                if not keys:
                    break
                s_c.call("MIGRATE", host, port, "", 0, 60000, "KEYS", *keys)
        for n in [dst, src] + others:
            conns[n].pipe([("CLUSTER", "SETSLOT", s, "NODE", dst) for s in chunk])

def apply(seed, want):
    """Move every slot whose owner differs from layout `want`; prints the count."""
    cur = layout(seed)
    conns = {nid: Conn(a) for nid, a in cur["addr"].items()}
    pairs = {}
    for s in range(16384):
        a, b = cur["owners"][s], want["owners"][s]
        if a != b:
            pairs.setdefault((a, b), []).append(s)
    for (a, b), slots in sorted(pairs.items()):
        move(cur, conns, slots, a, b)
    print(sum(len(v) for v in pairs.values()))

def synced(seed, timeout=120):
    """Wait until every master's replicas are online and at its replication offset."""
    lay = layout(seed)
    deadline = time.monotonic() + timeout
    for a in lay["addr"].values():
        c = Conn(a)
        while True:
            info = dict(l.split(":", 1) for l in c.call("INFO", "replication").decode().split("\r\n") if ":" in l)
            reps = [dict(kv.split("=", 1) for kv in v.split(",")) for k, v in info.items() if k.startswith("slave") and k[5:].isdigit()]
            if reps and all(r["state"] == "online" and r["offset"] == info["master_repl_offset"] for r in reps):
                break
            if time.monotonic() > deadline:
                raise SystemExit("replicas of %s not in sync after %ds: %s" % (a, timeout, reps))
            time.sleep(0.05)

def floor(seed, src, dst, n):
    """The raw one-pair MIGRATE floor: A's highest n slots are opened and listed untimed, then
    every MIGRATE (one per slot, at most 1000 keys each, as the tools send them) goes to the
    source in one pipeline on one connection, timed; the slots are closed untimed. Prints µs."""
    lay = layout(seed)
    conns = {nid: Conn(a) for nid, a in lay["addr"].items()}
    slots = [s for s in range(16384) if lay["owners"][s] == src][-n:]
    host, port = lay["addr"][dst].rsplit(":", 1)
    conns[dst].pipe([("CLUSTER", "SETSLOT", s, "IMPORTING", src) for s in slots])
    conns[src].pipe([("CLUSTER", "SETSLOT", s, "MIGRATING", dst) for s in slots])
    counts = conns[src].pipe([("CLUSTER", "COUNTKEYSINSLOT", s) for s in slots])
    listed = conns[src].pipe([("CLUSTER", "GETKEYSINSLOT", s, max(1, c)) for s, c in zip(slots, counts)])
    cmds = [("MIGRATE", host, port, "", 0, 60000, "KEYS", *keys[i:i + 1000])
            for keys in listed if keys for i in range(0, len(keys), 1000)]
    t0 = time.perf_counter_ns()
    replies = conns[src].pipe(cmds)
    t1 = time.perf_counter_ns()
    if any(r != "OK" for r in replies):
        raise SystemExit("a MIGRATE of the floor run failed: %r" % [r for r in replies if r != "OK"][:3])
    for nid in [dst, src] + [m for m in conns if m not in (src, dst)]:
        conns[nid].pipe([("CLUSTER", "SETSLOT", s, "NODE", dst) for s in slots])
    print((t1 - t0) // 1000)

def moved(before, after, cnt):
    b, a = before["owners"], after["owners"]
    ch = [s for s in range(16384) if a[s] != b[s]]
    print(len(ch), sum(cnt[s] for s in ch))

cmd, args = sys.argv[1], sys.argv[2:]
rd = lambda p: json.load(open(p))
if cmd == "load": load(args[0], int(args[1]), int(args[2]))
elif cmd == "layout": json.dump(layout(args[0]), sys.stdout)
elif cmd == "masters": print(*masters(args[0]))
elif cmd == "counts": json.dump(counts(args[0]), sys.stdout)
elif cmd == "total": print(total(args[0]))
elif cmd == "apply": apply(args[0], rd(args[1]))
elif cmd == "synced": synced(args[0])
elif cmd == "moved": moved(rd(args[0]), rd(args[1]), rd(args[2]))
elif cmd == "floor": floor(args[0], args[1], args[2], int(args[3]))
elif cmd == "unbalance":   # LAYOUT A B N: A's lowest N slots go to B
    lay, a, b, n = rd(args[0]), args[1], args[2], int(args[3])
    for s in [s for s in range(16384) if lay["owners"][s] == a][:n]:
        lay["owners"][s] = b
    json.dump(lay, sys.stdout)
elif cmd == "slots_of":    # LAYOUT ID: number of slots
    print(rd(args[0])["owners"].count(args[1]))
else: raise SystemExit("unknown helper command " + cmd)
EOF
rs() { python3 "$work/rs.py" "$@"; }

echo "rcadm:        $BIN ($("$BIN" --version))"
echo "redis-cli:    $REDIS_CLI ($("$REDIS_CLI" --version))"
echo "redis-server: $(redis-server --version | sed 's/ sha=.*//')"
echo "starting $NODES nodes on 127.0.0.1:$BASE_PORT..$((BASE_PORT + NODES - 1)) (rcadm sandbox up, 3 masters + 3 replicas)..."
sandbox_up "$work/sandbox" "$NODES"

wait_ok() {
  local deadline=$((SECONDS + 120))
  until cluster_ok; do
    if ((SECONDS >= deadline)); then
      "$REDIS_CLI" --cluster check "$seed" >&2 || true
      "$BIN" check "$seed" >&2 || true
      die "cluster not healthy after 120 s"
    fi
    sleep 0.2
  done
  step rs synced "$seed"
}
wait_ok

echo -n "loading $KEYS keys of $VALUE_SIZE bytes..."
t0=$(date +%s%N)
step rs load "$seed" "$KEYS" "$VALUE_SIZE"
t1=$(date +%s%N)
n=$(rs total "$seed")
((n == KEYS)) || die "loaded $n keys, expected $KEYS"
echo " $n keys in $(((t1 - t0) / 1000000)) ms; waiting for the replicas..."
wait_ok

rs layout "$seed" >"$work/base.json"
rs counts "$seed" >"$work/counts.json"
read -r A B C < <(rs masters "$seed")
addr_of() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["addr"][sys.argv[2]])' "$work/base.json" "$1"; }
echo "masters: A $(addr_of "$A") ($A), B $(addr_of "$B"), C $(addr_of "$C")"
rs unbalance "$work/base.json" "$A" "$B" "$SLOTS" >"$work/unbalanced.json"

# restore LAYOUT: move slots back (untimed) until the cluster matches LAYOUT.
restore() {
  local m
  m=$(step rs apply "$seed" "$1") || die "restoring the layout failed"
  if ((m > 0)); then wait_ok; else step rs synced "$seed"; fi
}

# run_trial OP VARIANT TRIAL: restore the start layout, time one command,
# verify, append "OP VARIANT TRIAL µs slots keys" to $results.
run_trial() {
  local op=$1 variant=$2 trial=$3 start t0 t1 settled rc=0 total slots keys cmd=()
  case $op in
    reshard) start=$work/base.json ;;
    rebalance) start=$work/unbalanced.json ;;
  esac
  restore "$start"
  rs layout "$seed" >"$work/before.json"
  case $op/$variant in
    reshard/rcadm) cmd=("$BIN" reshard "$seed" --from "$A" --to "$B" --slots "$SLOTS" --yes --json) ;;
    reshard/cli) cmd=("$REDIS_CLI" --cluster reshard "$seed" --cluster-from "$A" --cluster-to "$B"
                      --cluster-slots "$SLOTS" --cluster-yes) ;;
    reshard/cli-tuned) cmd=("$REDIS_CLI" --cluster reshard "$seed" --cluster-from "$A" --cluster-to "$B"
                            --cluster-slots "$SLOTS" --cluster-yes --cluster-pipeline "$CLI_PIPELINE_TUNED") ;;
    rebalance/rcadm) cmd=("$BIN" rebalance "$seed" --threshold 0 --yes --json) ;;
    rebalance/cli) cmd=("$REDIS_CLI" --cluster rebalance "$seed" --cluster-threshold 1 --cluster-yes) ;;
    rebalance/cli-tuned) cmd=("$REDIS_CLI" --cluster rebalance "$seed" --cluster-threshold 1 --cluster-yes
                              --cluster-pipeline "$CLI_PIPELINE_TUNED") ;;
  esac
  t0=$(date +%s%N)
  if [[ $variant == floor ]]; then
    # Only the MIGRATE pipeline is timed (µs printed by the helper).
    local us
    : >"$work/cmd.log"
    us=$(rs floor "$seed" "$A" "$B" "$SLOTS" 2>"$work/cmd.err") || rc=$?
    t1=$((t0 + ${us:-0} * 1000))
  else
    step "${cmd[@]}" >"$work/cmd.log" 2>"$work/cmd.err" || rc=$?
    t1=$(date +%s%N)
  fi
  if ((rc != 0)); then
    tail -20 "$work/cmd.log" "$work/cmd.err" >&2
    die "$op/$variant trial $trial failed (exit $rc; log above)"
  fi
  # redis-cli returns before every node (the replicas above all) has learnt
  # the new slot owners; rcadm waits for that. So poll `rcadm check` until it
  # passes (exit 0: no open slot, all slots covered, every node agrees): the
  # "settled" time. If the first check passes, settled = returned.
  settled=$t1
  local deadline=$((SECONDS + 60)) first=1
  until "$BIN" check "$seed" >"$work/check.log" 2>&1; do
    first=0
    if ((SECONDS >= deadline)); then
      cat "$work/check.log" >&2
      die "$op/$variant trial $trial: rcadm check still fails 60 s after the command"
    fi
    sleep 0.01
  done
  if ((first == 0)) && [[ $variant != floor ]]; then settled=$(date +%s%N); fi
  total=$(rs total "$seed")
  ((total == KEYS)) || die "$op/$variant trial $trial: $total keys on the masters, expected $KEYS"
  rs layout "$seed" >"$work/after.json"
  read -r slots keys < <(rs moved "$work/before.json" "$work/after.json" "$work/counts.json")
  ((slots > 0)) || die "$op/$variant trial $trial moved no slots"
  if [[ $variant == rcadm ]]; then   # cross-check rcadm's own count
    python3 - "$work/cmd.log" "$keys" <<'EOF' || die "$op/$variant trial $trial: rcadm's keys_moved differs from the slot count"
import json, sys
j = json.load(open(sys.argv[1]))
sys.exit(0 if j.get("keys_moved") == int(sys.argv[2]) else "keys_moved %s != %s" % (j.get("keys_moved"), sys.argv[2]))
EOF
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$op" "$variant" "$trial" "$(((t1 - t0) / 1000))" "$(((settled - t0) / 1000))" "$slots" "$keys" >>"$results"
  awk -v o="$op" -v v="$variant" -v t="$trial" -v us="$(((t1 - t0) / 1000))" -v st="$(((settled - t0) / 1000))" -v s="$slots" -v k="$keys" -v n="$total" 'BEGIN {
    printf "  %-9s %-9s trial %s: returned %6.2f s, settled %6.2f s, %4d slots, %7d keys, %7.0f keys/s; %d keys in total\n", o, v, t, us / 1e6, st / 1e6, s, k, k / (us / 1e6), n
  }'
}

echo "A -> B: $SLOTS slots; rebalance starts from A $(rs slots_of "$work/unbalanced.json" "$A"), B $(rs slots_of "$work/unbalanced.json" "$B"), C $(rs slots_of "$work/unbalanced.json" "$C") slots; $TRIALS trial(s) per variant"
variants=(rcadm cli cli-tuned)
ops=(reshard rebalance)
if [[ -n "$ONLY" ]]; then ops=("$ONLY"); fi
for op in "${ops[@]}"; do
  for ((t = 1; t <= TRIALS; t++)); do
    # Rotate the order per trial so no variant always runs first.
    vs=("${variants[@]}")
    # The MIGRATE floor is measured for the reshard only (one source, one target).
    if [[ $op == reshard ]]; then vs+=(floor); fi
    for ((v = 0; v < ${#vs[@]}; v++)); do
      run_trial "$op" "${vs[$(((v + t - 1) % ${#vs[@]}))]}" "$t"
    done
  done
done
restore "$work/base.json"
if [[ -n "${BENCH_TSV:-}" ]]; then cp "$results" "$BENCH_TSV"; fi

echo
python3 - "$results" "$TRIALS" "$KEYS" "$VALUE_SIZE" "$CLI_PIPELINE_TUNED" <<'EOF'
import collections, statistics, sys
path, trials, nkeys, size, tuned = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
rows = collections.defaultdict(list)
for line in open(path):
    op, variant, _, us, settled, slots, keys = line.split("\t")
    rows[(op, variant)].append((int(us) / 1e6, int(settled) / 1e6, int(slots), int(keys)))
names = {"rcadm": "rcadm", "cli": "redis-cli", "cli-tuned": "redis-cli --cluster-pipeline %s" % tuned,
         "floor": "MIGRATE floor (one pipeline)"}
targets = {"cli": 0.25, "cli-tuned": 0.50}
med = lambda op, v, i: statistics.median(r[i] for r in rows[(op, v)])
print("%d keys of %s bytes, 3 masters + 3 replicas; median of %s trial(s). returned = the command's" % (nkeys, size, trials))
print("wall time, settled = until `rcadm check` passes (every node agrees); keys/s = keys moved / returned;")
print("ratio = time / redis-cli's time (returned, settled):")
verdicts = []
for op in ("reshard", "rebalance"):
    if not any(o == op for o, _ in rows):
        continue
    print("  %-9s %-32s %8s %8s %5s %7s %7s %11s %11s" % (
        op, "variant", "returned", "settled", "slots", "keys", "keys/s", "vs default", "vs tuned"))
    ret = {v: med(op, v, 0) for v in names if (op, v) in rows}
    stl = {v: med(op, v, 1) for v in names if (op, v) in rows}
    for v in [v for v in names if (op, v) in rows]:
        keys = med(op, v, 3)
        print("  %-9s %-32s %8.2f %8.2f %5d %7d %7.0f %5.2f %5.2f %5.2f %5.2f" % (
            "", names[v], ret[v], stl[v], med(op, v, 2), keys, keys / ret[v],
            ret[v] / ret["cli"], stl[v] / stl["cli"], ret[v] / ret["cli-tuned"], stl[v] / stl["cli-tuned"]))
    if (op, "floor") in rows:
        floor_rate = med(op, "floor", 3) / med(op, "floor", 0)
        print("  %-9s rcadm moves keys at %.0f%% of the one-pair MIGRATE floor (%.0f keys/s: every MIGRATE" % (
            "", 100 * (med(op, "rcadm", 3) / ret["rcadm"]) / floor_rate, floor_rate))
        print("  %-9s of the same slots in one pipeline, SETSLOT and listing untimed); the floor alone is" % "")
        print("  %-9s %.2f x redis-cli default and %.2f x --cluster-pipeline %s" % (
            "", ret["floor"] / ret["cli"], ret["floor"] / ret["cli-tuned"], tuned))
    for v, t in targets.items():
        r = ret["rcadm"] / ret[v]
        verdicts.append("  %s: rcadm / %s = %.2f (settled %.2f), target <= %.2f: %s" % (
            op, names[v], r, stl["rcadm"] / stl[v], t, "met" if r <= t else "NOT met"))
print("targets (returned):")
print("\n".join(verdicts))
EOF

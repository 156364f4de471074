#!/usr/bin/env bash
# bench/exec: 100k routed SETs piped into `rcadm repl` vs `redis-cli -c`, same cluster, same run.
# rcadm pipelines plain keyed commands per owner; redis-cli -c sends one command per round trip.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

N=${N:-100000}
BASE_PORT=${BASE_PORT:-27000}
if [[ -z "${RCADM_BIN:-}" ]]; then
  [[ -x .build-release/release/rcadm ]] || swift build -c release --static-swift-stdlib --scratch-path .build-release
  RCADM_BIN=.build-release/release/rcadm
fi
DIR=$(mktemp -d /tmp/rcadm-bench-exec.XXXXXX)
cleanup() { "$RCADM_BIN" sandbox down --dir "$DIR/sandbox" >/dev/null 2>&1 || true; rm -rf "$DIR"; }
trap cleanup EXIT INT TERM

"$RCADM_BIN" sandbox up --nodes 6 --replicas 1 --base-port "$BASE_PORT" --dir "$DIR/sandbox" >/dev/null 2>&1
SEED=127.0.0.1:$BASE_PORT
python3 - "$N" "$DIR/script.txt" <<'PY'
import sys
n, path = int(sys.argv[1]), sys.argv[2]
with open(path, "w") as f:
    for i in range(n):
        f.write(f"SET bench:{i} value-{i}\n")
PY

ms() { date +%s%N; }
t0=$(ms); "$RCADM_BIN" repl "$SEED" < "$DIR/script.txt" > "$DIR/rcadm.out"; t1=$(ms)
ok_rcadm=$(grep -c '^OK$' "$DIR/rcadm.out" || true)
redis-cli -p "$BASE_PORT" -c FLUSHALL >/dev/null 2>&1 || true
"$RCADM_BIN" call "$SEED" --masters-only -- FLUSHALL >/dev/null
t2=$(ms); redis-cli -c -p "$BASE_PORT" < "$DIR/script.txt" > "$DIR/cli.out"; t3=$(ms)
ok_cli=$(grep -c '^OK$' "$DIR/cli.out" || true)

rcadm_ms=$(( (t1 - t0) / 1000000 )); cli_ms=$(( (t3 - t2) / 1000000 ))
echo "commands: $N routed SETs over 3 masters"
printf '%-28s %8s ms  %6s OK\n' "rcadm repl < script" "$rcadm_ms" "$ok_rcadm" "redis-cli -c < script" "$cli_ms" "$ok_cli"
python3 -c "print(f'ratio rcadm/redis-cli: {$rcadm_ms/$cli_ms:.3f} (target <= 0.3)')"

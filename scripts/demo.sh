#!/usr/bin/env bash
# Builds rcadm and runs its main job on a local sandbox cluster: create, check, load data,
# reshard, rebalance, fail over, check again. Pass --keep to leave the sandbox running.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/setup.sh
swift build -c release --static-swift-stdlib --scratch-path .build-release
R=.build-release/release/rcadm
PORT=${BASE_PORT:-7000}
SEED=127.0.0.1:$PORT
step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }

$R sandbox down >/dev/null 2>&1 || true
step $R sandbox up --nodes 6 --replicas 1 --base-port "$PORT"
step $R check "$SEED"
echo; echo "Loading 20000 keys with redis-cli -c ..."
for i in $(seq 1 20000); do echo "SET demo:$i value-$i"; done | redis-cli -c -p "$PORT" >/dev/null
step $R info "$SEED"
FROM=$($R info "$SEED" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["masters"][0]["id"])')
TO=$($R info "$SEED" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["masters"][1]["id"])')
step $R reshard "$SEED" --from "${FROM:0:8}" --to "${TO:0:8}" --slots 2000 --yes
step $R rebalance "$SEED" --threshold 0 --yes
step $R failover "$SEED" --master "${FROM:0:8}" --yes
step $R check "$SEED" --json
if [ "${1:-}" != "--keep" ]; then
  step $R sandbox down
else
  echo; echo "The sandbox keeps running: try '$R check $SEED'; stop it with '$R sandbox down'."
fi

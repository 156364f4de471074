#!/usr/bin/env bash
# Kubernetes mode, side by side on one 6-pod cluster (3 masters + 3 replicas) standing in for the
# OT redis-operator chart: redis-server "pods" on 127.0.0.101-106 (one shared port, hostname =
# pod name) and the stub kubectl of the tests (Tests/stub-kubectl/kubectl, Python).
#
#   rcadm check k8s://… over exec / port-forward / direct
#   versus what the OT operator does: kubectl exec leader-0 -- redis-cli --cluster check
#   and, as the floor, redis-cli --cluster check straight at a pod IP.
#
# The stub is a Python program (~40 ms a start) running on this machine, so exec and
# port-forward figures measure rcadm's own work plus the stub's start-up, not a real API server.
#
#   bench/kube.sh                                   # uses .build-release/release/rcadm
#   RCADM_BIN=.build/debug/rcadm bench/kube.sh      # an existing binary, no build
#
# Environment: RCADM_BIN, BASE_PORT (default 23100; the port and port+10000 on 127.0.0.101-106),
# RUNS (default 10).
set -euo pipefail

BASE_PORT=${BASE_PORT:-23100}
RUNS=${RUNS:-10}
BENCH_NAME=kube.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PORT=$BASE_PORT
work=$(mktemp -d /tmp/rcadm-bench-kube.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
trap on_signal INT TERM

names=(redis-cluster-leader-0 redis-cluster-leader-1 redis-cluster-leader-2
  redis-cluster-follower-0 redis-cluster-follower-1 redis-cluster-follower-2)
addrs=()
for i in "${!names[@]}"; do
  ip=127.0.0.$((101 + i))
  mkdir -p "$work/${names[$i]}"
  redis-server --bind "$ip" --port "$PORT" --dir "$work/${names[$i]}" --save "" --appendonly no \
    --cluster-enabled yes --cluster-node-timeout 2000 --cluster-announce-ip "$ip" \
    --cluster-announce-hostname "${names[$i]}" --logfile "$work/${names[$i]}/redis.log" &
  pids+=($!)
  addrs+=("$ip:$PORT")
done
seed=${addrs[0]}
for a in "${addrs[@]}"; do
  for _ in $(seq 100); do "$REDIS_CLI" -h "${a%:*}" -p "$PORT" ping >/dev/null 2>&1 && break; sleep 0.05; done
done

# The pod list: the OT fixture with these pods' IPs and port, without a password.
python3 - "$work/pods.json" "$PORT" "${addrs[@]}" <<'EOF'
import json, sys
out, port, addrs = sys.argv[1], sys.argv[2], sys.argv[3:]
doc = json.load(open("Tests/KubernetesTests/Fixtures/ot-pods.json"))
order = ["redis-cluster-leader-0", "redis-cluster-leader-1", "redis-cluster-leader-2",
         "redis-cluster-follower-0", "redis-cluster-follower-1", "redis-cluster-follower-2"]
items = {p["metadata"]["name"]: p for p in doc["items"]}
for name, addr in zip(order, addrs):
    ip = addr.rsplit(":", 1)[0]
    pod = items[name]
    pod["status"]["podIP"] = ip
    pod["status"]["podIPs"] = [{"ip": ip}]
    for c in pod["spec"]["containers"]:
        env = [e for e in c.get("env", []) if "PASS" not in e["name"] and "AUTH" not in e["name"]]
        for e in env:
            if e["name"] == "REDIS_PORT":
                e["value"] = port
        c["env"] = env
doc["items"] = [items[n] for n in order]
json.dump(doc, open(out, "w"))
EOF
export RCADM_KUBECTL=$PWD/Tests/stub-kubectl/kubectl RCADM_STUB_PODS=$work/pods.json
K="k8s://default/redis_setup_type=cluster,cluster=redis-cluster"

step "$BIN" create "${addrs[@]}" --replicas 1 --yes >"$work/create.log" 2>&1 || { cat "$work/create.log" >&2; die "create failed"; }
for _ in $(seq 100); do cluster_ok && break; sleep 0.2; done
cluster_ok || die "the cluster did not become healthy"

# mean_ms NAME CMD...: runs CMD $RUNS times (after one warm-up), prints the mean in ms.
declare -A mean
mean_ms() {
  local name=$1
  shift
  "$@" >/dev/null 2>&1 || die "$name failed: $*"
  local start end
  start=$(date +%s%N)
  for _ in $(seq "$RUNS"); do "$@" >/dev/null 2>&1; done
  end=$(date +%s%N)
  mean[$name]=$(((end - start) / RUNS / 1000000))
  printf '%-44s %6d ms\n' "$name" "${mean[$name]}"
}

echo "6 pods, $RUNS runs each (mean wall time):"
mean_ms "rcadm check k8s:// (exec)" "$BIN" check "$K" --kube-transport exec
mean_ms "kubectl exec leader-0 -- redis-cli --cluster check" \
  "$RCADM_KUBECTL" exec -i redis-cluster-leader-0 -- sh -c "redis-cli --cluster check \$RCADM_LOCAL_ADDR:$PORT"
mean_ms "rcadm check k8s:// (port-forward)" "$BIN" check "$K" --kube-transport port-forward
mean_ms "rcadm check k8s:// (direct)" "$BIN" check "$K" --kube-transport direct
mean_ms "redis-cli --cluster check (pod IP)" "$REDIS_CLI" --cluster check "$seed"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
echo "ratio rcadm exec / redis-cli via kubectl exec: $(ratio "${mean[rcadm check k8s:// (exec)]}" "${mean[kubectl exec leader-0 -- redis-cli --cluster check]}")"
echo "ratio rcadm direct (k8s://) / redis-cli at a pod IP: $(ratio "${mean[rcadm check k8s:// (direct)]}" "${mean[redis-cli --cluster check (pod IP)]}")"

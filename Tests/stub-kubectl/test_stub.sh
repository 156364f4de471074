#!/usr/bin/env bash
# Smoke test of the stub kubectl: a password-protected redis-server on 127.0.0.5
# stands in for the pod IP of every pod of the OT fixture (podIP rewritten).
set -u
here="$(cd "$(dirname "$0")" && pwd)"
fixtures="$here/../KubernetesTests/Fixtures"
work="$(mktemp -d)"
pids=()
cleanup() {
    for p in ${pids[@]+"${pids[@]}"}; do kill "$p" 2>/dev/null; done
    [ -f "$work/redis.pid" ] && kill "$(cat "$work/redis.pid")" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 - <<'EOF'
import socket
for p in range(23000, 24000):
    s = socket.socket()
    try:
        s.bind(('127.0.0.5', p)); print(p); break
    except OSError:
        pass
EOF
)
redis-server --bind 127.0.0.5 --port "$port" --requirepass 's3cr3t' --save '' --appendonly no \
    --daemonize yes --pidfile "$work/redis.pid" --logfile "$work/redis.log"
for _ in $(seq 50); do redis-cli -h 127.0.0.5 -p "$port" -a s3cr3t --no-auth-warning ping >/dev/null 2>&1 && break; sleep 0.1; done

# Fixture pods, pointed at the local redis; leader-2 is marked as a dead container.
python3 - "$fixtures/ot-pods.json" "$work/pods.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
for p in d['items']:
    p['status']['podIP'] = '127.0.0.5'; p['status']['podIPs'] = [{'ip': '127.0.0.5'}]
    if p['metadata']['name'] == 'redis-cluster-leader-2':
        p['metadata']['annotations']['rcadm.test/stopped'] = 'true'
json.dump(d, open(sys.argv[2], 'w'))
EOF
echo '{"default/redis-secret": {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "redis-secret", "namespace": "default"}, "type": "Opaque", "data": {"password": "czNjcjN0", "redis.password": "czNjcjN0"}}}' > "$work/secrets.json"
export PATH="$here:$PATH" RCADM_STUB_PODS="$work/pods.json" RCADM_STUB_SECRETS="$work/secrets.json" RCADM_STUB_LOG="$work/log"

passed=0 failed=0
check() {  # check NAME EXPECTED ACTUAL
    if [ "$2" = "$3" ]; then passed=$((passed + 1)); else
        failed=$((failed + 1)); printf 'FAIL %s\n  want: %q\n  got:  %q\n' "$1" "$2" "$3"; fi
}
contains() {  # contains NAME NEEDLE HAYSTACK
    case "$3" in *"$2"*) passed=$((passed + 1)) ;; *) failed=$((failed + 1)); printf 'FAIL %s\n  no %q in: %q\n' "$1" "$2" "$3" ;; esac
}

# --- get
sel='redis_setup_type=cluster,cluster=redis-cluster'
check "get all" 6 "$(kubectl get pods -n default -l "$sel" -o json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))')"
check "selector in/notin" "redis-cluster-follower-0 redis-cluster-follower-1 redis-cluster-follower-2" \
    "$(kubectl get pods --selector="$sel,redis-role notin (master),role in (follower)" -o 'jsonpath={.items[*].metadata.name}')"
check "selector != and !" "pod/redis-cluster-leader-0" "$(kubectl -n default get pods -l 'role!=follower,!nope,apps.kubernetes.io/pod-index==0' -o name)"
check "other namespace" "" "$(kubectl --namespace=other get pods -o name)"
check "get pod" "redis-cluster-leader-1" "$(kubectl get pod redis-cluster-leader-1 -o 'jsonpath={.metadata.name}')"
check "pod not found" 'Error from server (NotFound): pods "nope" not found/1' "$(kubectl get pod nope -o json 2>&1)/$?"
check "secret key" "czNjcjN0" "$(kubectl get secret redis-secret -o 'jsonpath={.data.password}')"
check "secret dotted key" "czNjcjN0" "$(kubectl get secret redis-secret -o 'jsonpath={.data.redis\.password}')"
check "secret missing key" "/0" "$(kubectl get secret redis-secret -o 'jsonpath={.data.nope}')/$?"
check "secret missing" 'Error from server (NotFound): secrets "nope" not found/1' "$(kubectl get secret nope -o 'jsonpath={.data.password}' 2>&1)/$?"
contains "nodes forbidden" 'cannot list resource "nodes" in API group "" at the cluster scope' "$(kubectl get nodes -o json 2>&1)"

# --- exec: the in-pod relay script (authenticates with the pod's own REDIS_PASSWORD)
relay='port="$1"; addr="${RCADM_LOCAL_ADDR:-127.0.0.1}"
pre() { [ -n "${REDIS_PASSWORD:-${REDISCLI_AUTH:-}}" ] || [ -n "${REDIS_PASSWORD_FILE:-}" ] || return 0
        pw="${REDIS_PASSWORD:-${REDISCLI_AUTH:-}}"; [ -z "$pw" ] && pw="$(cat "$REDIS_PASSWORD_FILE")"
        printf "*2\r\n\$4\r\nAUTH\r\n\$%d\r\n%s\r\n" "${#pw}" "$pw"; }
if command -v nc   >/dev/null 2>&1; then { pre; cat; } | nc "$addr" "$port"; exit $?; fi
if command -v bash >/dev/null 2>&1; then { pre; cat; } | bash -c '\''exec 3<>"/dev/tcp/$1/$0"; cat <&3 & cat >&3; wait'\'' "$port" "$addr"; exit $?; fi
echo "rcadm-relay: no nc or bash in container" >&2; exit 127'
ping_quit() { printf '*1\r\n$4\r\nPING\r\n*1\r\n$4\r\nQUIT\r\n'; }
ping_quit | timeout 10 kubectl exec -i -n default redis-cluster-leader-0 -c redis-cluster-leader -- sh -c "$relay" sh "$port" > "$work/relay.out"
relay_rc=$?
check "exec relay" '+OK\r\n+PONG\r\n+OK\r\n/0' "$(od -An -c "$work/relay.out" | tr -d ' \n')/$relay_rc"
check "exec env" "redis-cluster-follower-1 127.0.0.5 s3cr3t 6379" \
    "$(kubectl exec pod/redis-cluster-follower-1 -- sh -c 'echo $HOSTNAME $RCADM_LOCAL_ADDR $REDIS_PASSWORD $REDIS_PORT')"
check "exit code" "command terminated with exit code 3/3" "$(kubectl exec redis-cluster-leader-0 -- sh -c 'exit 3' 2>&1)/$?"
check "no relay tools" $'rcadm-relay: no nc or bash in container\ncommand terminated with exit code 127/127' \
    "$(ping_quit | RCADM_STUB_FAIL=exec-no-relay kubectl exec -i redis-cluster-leader-0 -- sh -c "$relay" sh "$port" 2>&1)/$?"
check "no shell" $'OCI runtime exec failed: exec failed: unable to start container process: exec: "sh": executable file not found in $PATH: unknown\ncommand terminated with exit code 126/126' \
    "$(RCADM_STUB_FAIL=exec-no-shell kubectl exec -i redis-cluster-leader-0 -- sh -c true 2>&1)/$?"
start=$(date +%s)
check "exec drop" "command terminated with exit code 137/137" "$(RCADM_STUB_FAIL=exec-drop=1 kubectl exec -i redis-cluster-leader-0 -- sleep 30 2>&1)/$?"
check "exec drop is quick" 1 "$(( $(date +%s) - start < 5 ))"
check "dead container" 'error: unable to upgrade connection: container not found ("redis-cluster-leader")/1' \
    "$(kubectl exec -i redis-cluster-leader-2 -- sh 2>&1)/$?"
check "bad container" 'Error from server (BadRequest): container redis is not valid for pod redis-cluster-leader-0/1' \
    "$(kubectl exec -i redis-cluster-leader-0 -c redis -- sh 2>&1)/$?"
check "exec pod missing" 'Error from server (NotFound): pods "x" not found/1' "$(kubectl exec -i x -- sh 2>&1)/$?"
check "exec forbidden" 'Error from server (Forbidden): pods "redis-cluster-leader-0" is forbidden: User "system:serviceaccount:ci:rcadm" cannot create resource "pods/exec" in API group "" in the namespace "default"/1' \
    "$(RCADM_STUB_FAIL=forbidden-exec kubectl exec -i redis-cluster-leader-0 -- sh 2>&1)/$?"
check "unknown context" 'Error in configuration: context was not found for specified context: prod/1' \
    "$(RCADM_STUB_CONTEXTS=kind-kind,staging kubectl --context prod get pods -o name 2>&1)/$?"
contains "no current context" "The connection to the server localhost:8080 was refused" "$(RCADM_STUB_FAIL=nocontext kubectl get pods -o json 2>&1)"
check "known context with nocontext" "6" "$(RCADM_STUB_CONTEXTS=staging RCADM_STUB_FAIL=nocontext kubectl get pods --context staging -o name | wc -l | tr -d ' ')"

# --- port-forward
pf() {  # pf OUTFILE [extra env assignment] ARGS...: starts one in the background, sets pf_port
    local outf="$1"; shift
    env "$@" > "$outf" 2> "$outf.err" & pids+=("$!"); pf_pid=$!
    for _ in $(seq 50); do grep -q '^Forwarding from' "$outf" && break; sleep 0.1; done
    pf_port=$(sed -n 's/^Forwarding from 127\.0\.0\.1:\([0-9]*\) -> .*/\1/p' "$outf")
}
pf "$work/pf1" kubectl port-forward -n default pod/redis-cluster-leader-0 ":$port" --address 127.0.0.1
check "pf banner" "Forwarding from 127.0.0.1:$pf_port -> $port" "$(cat "$work/pf1")"
check "pf ping" PONG "$(redis-cli -h 127.0.0.1 -p "$pf_port" -a s3cr3t --no-auth-warning ping)"
check "pf second conn" PONG "$(redis-cli -h 127.0.0.1 -p "$pf_port" -a s3cr3t --no-auth-warning ping)"
check "pf handling lines" 2 "$(grep -c "^Handling connection for $pf_port\$" "$work/pf1")"
kill "$pf_pid"; wait "$pf_pid" 2>/dev/null

pf "$work/pf2" RCADM_STUB_FAIL=pf-lost kubectl port-forward redis-cluster-follower-0 ":$port" --address=127.0.0.1
check "pf-lost first conn" PONG "$(redis-cli -h 127.0.0.1 -p "$pf_port" -a s3cr3t --no-auth-warning ping)"
wait "$pf_pid"; check "pf-lost exit" 1 "$?"
check "pf-lost stderr" "error: lost connection to pod" "$(tail -1 "$work/pf2.err")"
contains "pf-lost klog" '] "Unhandled Error" err="an error occurred forwarding' "$(cat "$work/pf2.err")"

pf "$work/pf3" kubectl port-forward pod/redis-cluster-leader-1 :1 --address 127.0.0.1
redis-cli -h 127.0.0.1 -p "$pf_port" ping >/dev/null 2>&1
wait "$pf_pid"; check "pf refused exit" 1 "$?"
contains "pf refused klog" 'dial tcp4 127.0.0.1:1: connect: connection refused' "$(cat "$work/pf3.err")"
check "pf forbidden" 'error: error upgrading connection: pods "redis-cluster-leader-0" is forbidden: User "system:serviceaccount:ci:rcadm" cannot create resource "pods/portforward" in API group "" in the namespace "default"/1' \
    "$(RCADM_STUB_FAIL=forbidden-portforward kubectl port-forward pod/redis-cluster-leader-0 :6379 2>&1)/$?"

# --- log
check "log lines" "$(grep -c . "$work/log")" "$(python3 -c 'import json,sys; print(sum(1 for l in open(sys.argv[1]) if json.loads(l)["argv"]))' "$work/log")"
contains "log pipe" '"argv": ["exec", "-i", "-n", "default", "redis-cluster-leader-0", "-c", "redis-cluster-leader", "--", "sh", "-c"' "$(grep -m1 '"stdin_is_pipe": true' "$work/log")"

echo "stub kubectl smoke test: $passed checks ok, $failed wrong"
[ "$failed" -eq 0 ]

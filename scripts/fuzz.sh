#!/usr/bin/env bash
# Coverage-guided fuzzing (libFuzzer + AddressSanitizer) of the parsers of untrusted input:
# CLUSTER NODES, CLUSTER SHARDS (RESP bytes), INFO, seed-node addresses and kubectl's JSON.
# Not run by CI: CI's short seeded round is the Swift Testing fuzz tests (`swift test --filter FuzzTests`).
#
#   scripts/fuzz.sh                          # every parser, 10 million inputs each
#   scripts/fuzz.sh --runs 1000000 json info # some parsers, fewer inputs
#   scripts/fuzz.sh --max-time 480           # stop each parser after 480 s (whichever comes first)
#   scripts/fuzz.sh --jobs 2                 # two parsers at once
#   scripts/fuzz.sh --no-asan                # faster: Swift's bounds and overflow traps stay on
#   scripts/fuzz.sh --scaling                # only the large-input timing probe (quadratic blow-ups)
#
# Each harness is Fuzz/Common.swift + Fuzz/<Parser>Fuzz.swift, built with plain swiftc against the
# library sources into .build-fuzz/ (nothing is added to the rcadm product). Seeds: the unit tests'
# fixtures and generated documents, written by the harness itself, plus Fuzz/dict/<parser>.dict.
# A crash, hang (10 s), ASan report or violated property ends a libFuzzer run with the input saved
# in .build-fuzz/crashes/<parser>/; the script records it and starts again until the run count is
# reached (at most 20 crashes per parser). Prints inputs, inputs/s and crashes per parser.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

RUNS=10000000
MAX_TIME=0
JOBS=1
SANITIZE=fuzzer,address
SCALING_ONLY=0
ALL=(cluster-nodes cluster-shards info json address)
PARSERS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS=$2; shift 2 ;;
    --max-time) MAX_TIME=$2; shift 2 ;;
    --jobs) JOBS=$2; shift 2 ;;
    --no-asan) SANITIZE=fuzzer; shift ;;
    --scaling) SCALING_ONLY=1; shift ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    cluster-nodes|cluster-shards|info|json|address) PARSERS+=("$1"); shift ;;
    *) echo "fuzz.sh: unknown argument '$1' (parsers: ${ALL[*]})" >&2; exit 2 ;;
  esac
done
[ ${#PARSERS[@]} -gt 0 ] || PARSERS=("${ALL[@]}")

OUT=.build-fuzz
# Swift's backtracer would catch the harness's abort() first, and libFuzzer would then save no
# crash input.
export SWIFT_BACKTRACE=enable=no
BIN=$OUT/${SANITIZE//,/-}
mkdir -p "$BIN"
SWIFTC=(nice -n 10 swiftc -O -swift-version 6 -enable-upcoming-feature ExistentialAny
  -enable-upcoming-feature MemberImportVisibility -parse-as-library "-sanitize=$SANITIZE" -I "$BIN" -L "$BIN")

# Rebuilds $1 from the remaining arguments when any of them is newer.
stale() {
  local target=$1; shift
  [ -e "$target" ] || return 0
  for f in "$@"; do [ "$f" -nt "$target" ] && return 0; done
  return 1
}

# A static library and its module; the fuzzer flag instruments it for coverage.
library() {
  local name=$1; shift
  if stale "$BIN/lib$name.a" "$@"; then
    echo "building $name ($SANITIZE)" >&2
    "${SWIFTC[@]}" -module-name "$name" -emit-library -static -emit-module \
      -emit-module-path "$BIN/$name.swiftmodule" "$@" -o "$BIN/lib$name.a"
  fi
}

library RESP Sources/RESP/*.swift
library RedisCore Sources/RedisCore/*.swift
library ClusterKit Sources/ClusterKit/*.swift
library JSONDocument Sources/JSONDocument/*.swift
# The pure part of the Kubernetes target (no kubectl, no NIO): the pod list.
library Kubernetes Sources/Kubernetes/Pod.swift Sources/Kubernetes/KubeTarget.swift

declare -A SOURCE=([cluster-nodes]=ClusterNodes [cluster-shards]=Shards [info]=Info [json]=JSON [address]=Address)
declare -A LIBS=([cluster-nodes]="-lClusterKit -lRedisCore -lRESP" [cluster-shards]="-lClusterKit -lRedisCore -lRESP"
  [info]="-lClusterKit -lRedisCore -lRESP" [address]="-lClusterKit -lRedisCore -lRESP"
  [json]="-lKubernetes -lJSONDocument -lRedisCore -lRESP")
# Longest input libFuzzer makes; JSON seeds are whole pods from the kubectl fixtures.
declare -A MAX_LEN=([cluster-nodes]=4096 [cluster-shards]=4096 [info]=4096 [json]=16384 [address]=512)

for p in "${PARSERS[@]}"; do
  src=Fuzz/${SOURCE[$p]}Fuzz.swift
  if stale "$BIN/fuzz-$p" Fuzz/Common.swift "$src" "$BIN"/lib*.a; then
    echo "building fuzz-$p" >&2
    # shellcheck disable=SC2086
    "${SWIFTC[@]}" -use-ld=lld Fuzz/Common.swift "$src" ${LIBS[$p]} -o "$BIN/fuzz-$p"
  fi
done

# The large-input probe: CPU time at 512 KiB and 2 MiB per input shape.
scaling() {
  local status=0
  for p in "${PARSERS[@]}"; do
    RCADM_FUZZ_SCALING=1 nice -n 10 "$BIN/fuzz-$p" -runs=0 2>/dev/null | grep '^scaling' || status=1
  done
  return $status
}
if [ $SCALING_ONLY = 1 ]; then
  scaling
  exit
fi

# Fuzzes one parser until RUNS inputs (or MAX_TIME seconds); writes its summary line.
fuzz() {
  local p=$1 corpus=$OUT/corpus/$p seeds=$OUT/seeds/$p crashes=$OUT/crashes/$p log=$OUT/logs/$p.log
  mkdir -p "$corpus" "$crashes" "$OUT/logs"
  rm -rf "$seeds" && mkdir -p "$seeds"
  RCADM_FUZZ_SEEDS=$seeds RCADM_FUZZ_FIXTURES=Tests/KubernetesTests/Fixtures/ot-pods.json:Tests/KubernetesTests/Fixtures/bitnami-pods.json \
    "$BIN/fuzz-$p" -runs=0 >/dev/null 2>&1
  local done_runs=0 crashed=0 start now left status units
  start=$(date +%s.%N)
  : >"$log"
  : >"$OUT/logs/$p.crashes"
  while [ "$done_runs" -lt "$RUNS" ] && [ "$crashed" -lt 20 ]; do
    local limit=()
    if [ "$MAX_TIME" -gt 0 ]; then
      left=$(awk -v s="$start" -v n="$(date +%s.%N)" -v m="$MAX_TIME" 'BEGIN { printf "%d", m - (n - s) }')
      [ "$left" -gt 0 ] || break
      limit=("-max_total_time=$left")
    fi
    status=0
    nice -n 10 "$BIN/fuzz-$p" "-runs=$((RUNS - done_runs))" "${limit[@]}" "-max_len=${MAX_LEN[$p]}" -timeout=10 \
      -rss_limit_mb=4096 -print_final_stats=1 "-dict=Fuzz/dict/$p.dict" "-artifact_prefix=$crashes/" \
      "$corpus" "$seeds" >"$log.run" 2>&1 || status=$?
    cat "$log.run" >>"$log"
    # Inputs run: the final stats, or the last progress line ("#123456 ...") of a run that crashed.
    units=$(awk '/^stat::number_of_executed_units/ { n = $2 } /^#[0-9]+/ { if (!n) m = substr($1, 2) }
      END { print n ? n : (m ? m : 0) }' "$log.run")
    done_runs=$((done_runs + units))
    if [ $status -ne 0 ]; then
      crashed=$((crashed + 1))
      grep -a -m1 -E 'property violated|Fatal error|ERROR: (AddressSanitizer|libFuzzer)|runtime failure' "$log.run" \
        >>"$OUT/logs/$p.crashes" || echo "exit status $status" >>"$OUT/logs/$p.crashes"
      echo "$p: crash $crashed: $(grep -a -o -m1 'Test unit written to .*' "$log.run" || echo "no input saved") (see $log)" >&2
    fi
  done
  now=$(date +%s.%N)
  awk -v p="$p" -v u="$done_runs" -v s="$start" -v n="$now" -v c="$crashed" \
    'BEGIN { t = n - s; printf "%-15s %12d %9.0f %10.0f %8d\n", p, u, t, u / t, c }' >"$OUT/logs/$p.summary"
  cat "$OUT/logs/$p.summary"
}

printf '%-15s %12s %9s %10s %8s\n' parser inputs seconds inputs/s crashes
running=0
for p in "${PARSERS[@]}"; do
  fuzz "$p" &
  running=$((running + 1))
  if [ $running -ge "$JOBS" ]; then
    wait -n || true
    running=$((running - 1))
  fi
done
wait
for p in "${PARSERS[@]}"; do
  if [ -s "$OUT/logs/$p.crashes" ]; then
    echo "$p crashes (distinct first lines):"
    sort "$OUT/logs/$p.crashes" | uniq -c | sed 's/^/  /'
  fi
done
echo "large inputs (CPU time; linear work grows ~4x from 512 KiB to 2 MiB):"
scaling || { echo "superlinear parse time found (see above)" >&2; exit 1; }

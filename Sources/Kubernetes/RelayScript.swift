import ClusterKit
import NIOCore
import NIOPosix
import RESP
import RedisClient
import RedisCore
import Subprocess
import Synchronization
import SystemPackage

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The script `kubectl exec` runs in the pod: it relays raw RESP between kubectl's stdin/stdout
/// and Redis inside the pod. It first sends AUTH with the pod's own password (so the password never
/// leaves the pod), or PING when there is none: either way exactly one reply precedes ours.
/// `RCADM_LOCAL_ADDR` is a test seam (unset in real pods).
enum RelayScript {
  static let text = #"""
    port="$1"; addr="${RCADM_LOCAL_ADDR:-127.0.0.1}"
    pre() {
      pw="${REDIS_PASSWORD:-${REDISCLI_AUTH:-${VALKEY_PASSWORD:-}}}"
      if [ -z "$pw" ] && [ -n "${REDIS_PASSWORD_FILE:-}" ] && [ -r "$REDIS_PASSWORD_FILE" ]; then
        pw="$(cat "$REDIS_PASSWORD_FILE")"
      fi
      if [ -n "$pw" ]; then
        n=$(( $(printf %s "$pw" | wc -c) ))
        printf '*2\r\n$4\r\nAUTH\r\n$%d\r\n%s\r\n' "$n" "$pw"
      else
        printf '*1\r\n$4\r\nPING\r\n'
      fi
    }
    # Only the process reading from Redis may hold kubectl's stdout: when Redis closes (QUIT, idle
    # timeout, CLIENT KILL) kubectl then sees end of file at once. A background list reads
    # /dev/null unless told otherwise, hence stdin kept as fd 4.
    exec 3>&1 4<&0 >/dev/null </dev/null
    if command -v nc >/dev/null 2>&1; then
      { exec 3>&-; pre; cat <&4; } | nc "$addr" "$port" >&3 3>&- 4<&- &
    elif command -v bash >/dev/null 2>&1; then
      { exec 3>&-; pre; cat <&4; } | bash -c '
        exec 5<>"/dev/tcp/$1/$0" 6<&0 || exit 111
        cat <&5 & r=$!
        { cat <&6 >&5; sleep 1; kill $r 2>/dev/null; } >/dev/null & w=$!
        wait $r; kill $w 2>/dev/null; exit 0' "$port" "$addr" >&3 3>&- 4<&- &
    else
      echo "rcadm-relay: no nc or bash in container" >&2; exit 127
    fi
    exec 3>&- 4<&-
    wait $!
    """#
}

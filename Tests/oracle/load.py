#!/usr/bin/env python3
"""Writes and reads continuously through redis-py's cluster client until STOPFILE exists.

usage: load.py HOST:PORT STOPFILE [MAXSECONDS]
Every acknowledged write is read back at the end. Prints one JSON line:
{"writes": n, "reads": n, "errors": n, "lost": n, "first_error": "..."}
Redirects (MOVED/ASK) are followed by the client and are not errors.
"""
import json
import os
import sys
import time

from redis.cluster import ClusterNode, RedisCluster


def main():
    host, port = sys.argv[1].rsplit(":", 1)
    stop, limit = sys.argv[2], float(sys.argv[3]) if len(sys.argv) > 3 else 120
    rc = RedisCluster(startup_nodes=[ClusterNode(host, int(port))], socket_timeout=10,
                      cluster_error_retry_attempts=10)
    written, reads, errors, first = {}, 0, 0, None
    start, i = time.time(), 0
    while not os.path.exists(stop) and time.time() - start < limit:
        key, val = f"load:{i}", f"v{i}"
        try:
            rc.set(key, val)
            written[key] = val
            j = i // 2
            if f"load:{j}" in written and rc.get(f"load:{j}") != written[f"load:{j}"].encode():
                errors += 1
                first = first or f"read mismatch on load:{j}"
            reads += 1
        except Exception as e:  # anything the client could not handle itself
            errors += 1
            first = first or repr(e)
        i += 1
    lost = sum(1 for k, v in written.items() if rc.get(k) != v.encode())
    print(json.dumps({"writes": len(written), "reads": reads, "errors": errors, "lost": lost, "first_error": first}))


if __name__ == "__main__":
    main()

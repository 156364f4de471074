#!/usr/bin/env python3
"""Independent oracle: redis-py's RedisCluster writes and reads one key in every one of the 16384 slots.

usage: cluster_rw.py HOST:PORT [--password PW]
Exits 0 when every key reads back, 1 otherwise; prints one summary line.
"""
import sys

from redis.cluster import ClusterNode, RedisCluster


def main() -> int:
    args = sys.argv[1:]
    password = None
    if "--password" in args:
        i = args.index("--password")
        password = args[i + 1]
        del args[i:i + 2]
    host, port = args[0].rsplit(":", 1)
    rc = RedisCluster(startup_nodes=[ClusterNode(host, int(port))], password=password,
                      socket_timeout=5, require_full_coverage=True)
    # One key per slot, found by hashing candidates locally.
    keys = {}
    i = 0
    while len(keys) < 16384:
        key = f"oracle:{i}"
        keys.setdefault(rc.keyslot(key), key)
        i += 1
    pipe = rc.pipeline()
    for slot, key in keys.items():
        pipe.set(key, f"v{slot}")
    pipe.execute()
    pipe = rc.pipeline()
    for key in keys.values():
        pipe.get(key)
    values = pipe.execute()
    bad = [k for (slot, k), v in zip(keys.items(), values) if v != f"v{slot}".encode()]
    pipe = rc.pipeline()
    for key in keys.values():
        pipe.delete(key)
    pipe.execute()
    print(f"redis-py: {len(keys)} keys in {len(keys)} slots on {len(rc.get_primaries())} masters, {len(bad)} mismatches")
    return 0 if not bad else 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Fills a cluster with every data type (hash tags, big values) and prints a content digest.

usage: dataset.py fill HOST:PORT [KEYS]   -> writes KEYS keys of mixed types, prints the digest
       dataset.py digest HOST:PORT        -> prints "<count> <sha256>" of every key's type and content
       (each takes --password PW for a protected cluster)
       dataset.py list HOST:PORT          -> prints "<hash> <key> on <node>" per key, as found on
                                             every master (a key on two masters shows twice)
The digest is independent of where keys live and of internal encodings, so it proves a move lost
or changed nothing.
"""
import hashlib
import sys

from redis.cluster import ClusterNode, RedisCluster


def client(addr, password=None):
    host, port = addr.rsplit(":", 1)
    return RedisCluster(startup_nodes=[ClusterNode(host, int(port))], socket_timeout=20, password=password)


def fill(rc, n):
    p = rc.pipeline()
    for i in range(n):
        tag = f"{{t{i % 97}}}" if i % 3 == 0 else ""
        kind = i % 7
        key = f"{tag}k{i}"
        if kind == 0:
            p.set(key, f"value-{i}-" + "x" * (i % 50))
        elif kind == 1:
            p.hset(key, mapping={f"f{j}": f"v{i}-{j}" for j in range(5)})
        elif kind == 2:
            p.rpush(key, *[f"e{i}-{j}" for j in range(6)])
        elif kind == 3:
            p.sadd(key, *[f"m{i}-{j}" for j in range(4)])
        elif kind == 4:
            p.zadd(key, {f"z{i}-{j}": j * 1.5 for j in range(4)})
        elif kind == 5:
            p.xadd(key, {"a": str(i), "b": "c"})
        else:
            p.set(key, bytes([i % 256]) * 3 + b"\x00\r\n" + str(i).encode())
    p.execute()
    # A few big values (1 MiB) that must still move within the MIGRATE timeout.
    for j in range(3):
        rc.set(f"big:{j}", b"B" * (1 << 20))


def canonical(rc, key):
    t = rc.type(key).decode()
    if t == "string":
        v = rc.get(key)
    elif t == "hash":
        v = sorted(rc.hgetall(key).items())
    elif t == "list":
        v = rc.lrange(key, 0, -1)
    elif t == "set":
        v = sorted(rc.smembers(key))
    elif t == "zset":
        v = rc.zrange(key, 0, -1, withscores=True)
    elif t == "stream":
        v = [(eid, sorted(f.items())) for eid, f in rc.xrange(key)]
    else:
        v = None
    return repr((key, t, v)).encode()


def digest(rc):
    keys = sorted(rc.scan_iter(count=1000, target_nodes=RedisCluster.PRIMARIES))
    h = hashlib.sha256()
    for k in keys:
        h.update(canonical(rc, k))
    return len(keys), h.hexdigest()


def listing(rc):
    """Every key as each master holds it, so a failed digest can name the keys that changed."""
    lines = []
    for node in rc.get_primaries():
        conn = rc.get_redis_connection(node)
        for k in conn.scan_iter(count=1000):
            lines.append((k, node.name))
    out = []
    for k, name in sorted(lines):
        out.append(f"{hashlib.sha256(canonical(rc, k)).hexdigest()[:16]} {k!r} on {name}")
    return out


def main():
    args = sys.argv[1:]
    password = None
    if "--password" in args:
        i = args.index("--password")
        password = args[i + 1]
        del args[i:i + 2]
    sys.argv[1:] = args
    cmd, addr = sys.argv[1], sys.argv[2]
    rc = client(addr, password)
    if cmd == "list":
        print("\n".join(listing(rc)))
        return
    if cmd == "fill":
        fill(rc, int(sys.argv[3]) if len(sys.argv) > 3 else 5000)
    count, d = digest(rc)
    print(count, d)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""A standalone node's keys, written and compared with a cluster by redis-py (import's oracle).

usage: standalone.py fill HOST:PORT KEYS [--db N]   -> KEYS keys of every type, a third with a TTL
       standalone.py snapshot HOST:PORT [--db N]    -> JSON of every key: type, content, TTL (s)
       (fill and snapshot take --cluster to read or write a whole cluster through HOST:PORT)
       standalone.py verify SEED SNAPSHOT.json      -> every snapshot key in the cluster with the same
                                                       type and content, and a TTL that is set and not
                                                       longer than the snapshot's; prints "<n> keys ok"
"""
import json
import sys

import redis
from redis.cluster import ClusterNode, RedisCluster


def node(addr, db=0):
    host, port = addr.rsplit(":", 1)
    return redis.Redis(host=host, port=int(port), db=db, socket_timeout=20)


def cluster(addr):
    host, port = addr.rsplit(":", 1)
    return RedisCluster(startup_nodes=[ClusterNode(host, int(port))], socket_timeout=20)


def fill(r, n):
    p = r.pipeline(transaction=False)
    for i in range(n):
        key = f"imp:{i}"
        kind = i % 6
        if kind == 0:
            p.set(key, f"value-{i}-" + "x" * (i % 80))
        elif kind == 1:
            p.hset(key, mapping={f"f{j}": f"v{i}-{j}" for j in range(5)})
        elif kind == 2:
            p.rpush(key, *[f"e{i}-{j}" for j in range(6)])
        elif kind == 3:
            p.sadd(key, *[f"m{i}-{j}" for j in range(4)])
        elif kind == 4:
            p.zadd(key, {f"z{i}-{j}": j * 1.5 for j in range(4)})
        else:
            p.xadd(key, {"a": str(i), "b": "c"})
        if i % 3 == 0:
            p.expire(key, 3600 + i)
        if i % 500 == 499:
            p.execute()
    p.execute()


def content(r, key):
    t = r.type(key).decode()
    if t == "string":
        v = r.get(key).decode()
    elif t == "hash":
        v = sorted([k.decode(), x.decode()] for k, x in r.hgetall(key).items())
    elif t == "list":
        v = [x.decode() for x in r.lrange(key, 0, -1)]
    elif t == "set":
        v = sorted(x.decode() for x in r.smembers(key))
    elif t == "zset":
        v = [[m.decode(), s] for m, s in r.zrange(key, 0, -1, withscores=True)]
    elif t == "stream":
        v = [[i.decode(), sorted([k.decode(), x.decode()] for k, x in f.items())] for i, f in r.xrange(key)]
    else:
        v = None
    return t, v


def snapshot(r):
    out = {}
    for key in r.scan_iter(count=1000):
        t, v = content(r, key)
        out[key.decode()] = {"type": t, "value": v, "ttl": r.ttl(key)}
    return out


def verify(rc, snap):
    bad = []
    for key, want in snap.items():
        t, v = content(rc, key)
        ttl = rc.ttl(key)
        if t != want["type"] or v != want["value"]:
            bad.append(f"{key}: {t} {v!r} != {want['type']} {want['value']!r}")
        elif want["ttl"] < 0 and ttl != -1:
            bad.append(f"{key}: TTL {ttl}, had none")
        elif want["ttl"] > 0 and not (0 < ttl <= want["ttl"]):
            bad.append(f"{key}: TTL {ttl}, had {want['ttl']}")
    if bad:
        raise SystemExit(f"{len(bad)} of {len(snap)} keys differ: " + "; ".join(bad[:10]))
    print(f"{len(snap)} keys ok")


def main():
    args = sys.argv[1:]
    db = 0
    on_cluster = "--cluster" in args
    if on_cluster:
        args.remove("--cluster")
    if "--db" in args:
        i = args.index("--db")
        db = int(args[i + 1])
        del args[i:i + 2]
    if args[0] in ("fill", "snapshot"):
        conn = cluster(args[1]) if on_cluster else node(args[1], db)
    if args[0] == "fill":
        fill(conn, int(args[2]))
    elif args[0] == "snapshot":
        print(json.dumps(snapshot(conn)))
    elif args[0] == "verify":
        with open(args[2]) as f:
            verify(cluster(args[1]), json.load(f))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()

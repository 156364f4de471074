#!/usr/bin/env python3
"""Fault-injection matrix for rcadm: kill or freeze a process while rcadm changes a cluster.

usage: scripts/faults.py [--case NAME|GLOB]... [--ci] [--list] [--keep] [--gone] [-v]
The rcadm binary comes from $RCADM_BIN (default .build/debug/rcadm, relative to the repo root).

Matrix (case names are OP-FAULT-VICTIM):
  FAULT  kill = SIGKILL; stop = SIGSTOP held 6 s (3 x cluster-node-timeout, so the cluster
         fails the node over) then SIGCONT
  VICTIM src = a master whose slots/keys are being moved away; tgt = the master receiving them;
         replica = the replica of tgt; rcadm = the rcadm process itself
  OP     reshard   rcadm reshard --from src --to tgt --slots 4000 --pipeline 3
         rebalance rcadm rebalance --weight src=0 --threshold 0 --pipeline 3 (tgt = the first
                   receiving master of its --dry-run plan)
         fix       100 slots of one master are opened by hand (SETSLOT IMPORTING/MIGRATING,
                   200 hash-tagged keys each, half of them MIGRATEd), then rcadm fix --pipeline 2;
                   tgt = the owner `fix --dry-run --json` chose, src = the node it moves keys from
  plus   addnode-kill-new        SIGKILL the new empty master as soon as another node lists its id
         failover-kill-promoted  SIGKILL the replica `rcadm failover --master` promoted as soon as
                                 its own CLUSTER NODES says master
  and control cases reshard-none, rebalance-none, fix-none (same operation, no fault).

Each case: 6 fresh redis-server (3 masters + 3 replicas on 127.0.0.2-4, standing for three hosts),
`rcadm create --replicas 1`, 30000 keys, then a live writer, then the operation. The fault is
injected at a point observed from outside (a MIGRATING marker after >= 64 slots moved, keys of
the open slots leaving the source, the new id in a peer's CLUSTER NODES, the replica turned
master), never after a fixed sleep. rcadm gets 180 s.

Acknowledged writes: Redis replicates asynchronously, so a write a master answered OK can still
be lost when that master dies before its replica got it. The live writer (its own keys w:N)
sends SET and `WAIT 1 500` on the same connection to the node that accepted the SET (following
MOVED/ASK itself); a write counts as acknowledged only when WAIT reported >= 1 replica. Every
acknowledged write must be readable with its value at the end; unacknowledged ones are ignored.

Recovery (after rcadm ended): a SIGKILLed node is restarted on the same port, directory and
nodes.conf, like a pod restart without persistence (--save "", no AOF), but only once every
slot its nodes.conf claims belongs, in a live node's view, to another node with a newer config
epoch (bounded wait, 15 s). Otherwise it comes back empty and still claiming slots, and its
replica or the old master would full-sync an empty data set; a loss Redis causes, not rcadm.
So such a node (e.g. a replica promoted and killed before anyone else took over) is left down
and handled as with --gone: it stays dead and, once it owns no slots, is removed with
`rcadm del-node`. Then `rcadm fix SEED --yes` (with --fix-with-unreachable-masters when a
killed master stays down) runs until `rcadm check SEED` exits 0 (up to 3 runs; check is polled,
15 s before the first run and 30 s after each, since gossip settles).

Verdict: a case passes when rcadm ended within 180 s and was truthful, no original key and no
acknowledged write was lost, and finally both `rcadm check` and `redis-cli --cluster check`
are clean. Truthful: exit 2 (nothing changed) is false once anything changed (the fault is
injected only after a change was observed, and slot owners/open slots are compared); exit 0
needs `rcadm check` clean once the fault is over; exit 1/3 must name the next rcadm command (fix,
a resume, del-node, or check when nothing was left open); a killed rcadm cannot be judged. "keys lost" counts keys a cluster client reads back
nil or with another value; "N+M?" adds M keys that could not be read at all (slot not served).
Every case directory has trace.log (each node's CLUSTER NODES at each step), rcadm.out/err and
fixN.out; --keep keeps those of failed cases. If rcadm succeeded before the fault could be
injected, the case is run again (3 attempts in all) instead of being judged. If it failed on
its own before the fault, the case fails: rcadm broke without any fault.

--ci runs 6 cases covering every operation, both faults and every victim kind:
reshard-kill-src, rebalance-stop-tgt, fix-kill-rcadm, fix-stop-replica, addnode-kill-new,
failover-kill-promoted.
"""
import argparse
import collections
import fnmatch
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

import redis
from redis.backoff import NoBackoff
from redis.crc import key_slot
from redis.exceptions import AskError, MovedError
from redis.retry import Retry

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HOSTS = ["127.0.0.2", "127.0.0.3", "127.0.0.4"]
NODE_TIMEOUT_MS = 2000
STOP_HOLD = 3 * NODE_TIMEOUT_MS / 1000  # the fault's duration: the one sleep allowed
RCADM_LIMIT = 180
ORIGINAL_KEYS = 30000
FIX_SLOTS, FIX_KEYS_PER_SLOT = 100, 200
VERBOSE = False
T0 = time.monotonic()


def log(msg):
    if VERBOSE:
        print(f"[{time.monotonic() - T0:7.1f}] {msg}", file=sys.stderr, flush=True)


class HarnessError(Exception):
    """The case could not be run as planned (not an rcadm verdict)."""


class Missed(HarnessError):
    """rcadm ended before the fault could be injected: retry the case."""


def wait_for(what, pred, timeout, interval=0.05):
    """pred() until truthy; raises HarnessError naming `what` after `timeout` seconds."""
    deadline, last = time.monotonic() + timeout, None
    while True:
        try:
            v = pred()
            if v:
                return v
        except HarnessError:
            raise
        except Exception as e:  # noqa: BLE001 - nodes come and go
            last = e
        if time.monotonic() > deadline:
            raise HarnessError(f"timed out after {timeout:.0f} s waiting for {what}"
                               + (f" (last error: {last})" if last else ""))
        time.sleep(interval)


def conn(addr, timeout=2.0):
    host, port = addr
    return redis.Redis(host=host, port=port, socket_timeout=timeout, socket_connect_timeout=min(timeout, 1.0),
                       decode_responses=True, retry=Retry(NoBackoff(), 0))


def fmt(addr):
    return f"{addr[0]}:{addr[1]}"


def parse_addr(text):
    host, port = text.rsplit(" ", 1)[-1].rsplit(":", 1)
    return host, int(port)


def parse_nodes(text):
    """CLUSTER NODES -> list of dicts (id, addr, flags, master, slots, mig, imp)."""
    out = []
    for line in text.splitlines():
        p = line.split()
        if len(p) < 8:
            continue
        hp = p[1].split("@")[0]
        host, port = hp.rsplit(":", 1)
        slots, mig, imp = set(), {}, {}
        for s in p[8:]:
            if s.startswith("["):
                body = s[1:-1]
                if "->-" in body:
                    a, b = body.split("->-")
                    mig[int(a)] = b
                elif "-<-" in body:
                    a, b = body.split("-<-")
                    imp[int(a)] = b
            elif "-" in s:
                a, b = s.split("-")
                slots.update(range(int(a), int(b) + 1))
            else:
                slots.add(int(s))
        out.append(dict(id=p[0], addr=(host, int(port or 0)), flags=set(p[2].split(",")),
                        master=None if p[3] == "-" else p[3], epoch=int(p[6]), slots=slots, mig=mig, imp=imp))
    return out


def cluster_nodes(addr, timeout=1.0):
    return parse_nodes(conn(addr, timeout).execute_command("CLUSTER", "NODES"))


def myself(addr, timeout=1.0):
    return next(n for n in cluster_nodes(addr, timeout) if "myself" in n["flags"])


# ---------------------------------------------------------------------------------------------
# processes

class Ports:
    """Hands out ports once per run: port < 22000 and port + 10000 (bus) both free on the host."""

    def __init__(self):
        self.used, self.next = set(), 10000 + random.randrange(0, 10000)

    @staticmethod
    def free(host, port):
        for p in (port, port + 10000):
            s = socket.socket()
            try:
                s.bind((host, p))  # no SO_REUSEADDR: TIME_WAIT counts as taken
            except OSError:
                return False
            finally:
                s.close()
        return True

    def take(self, host):
        for _ in range(12000):
            p, self.next = self.next, self.next + 1
            if self.next >= 22000:
                self.next = 10000
            if p not in self.used and self.free(host, p):
                self.used.add(p)
                return p
        raise HarnessError(f"no free port pair on {host}")


PORTS = Ports()
LIVE = set()  # Popen objects we started (servers and rcadm), killed on the way out


def reap_all():
    for p in list(LIVE):
        try:
            if p.poll() is None:
                os.kill(p.pid, signal.SIGKILL)
                p.wait(5)
        except Exception:  # noqa: BLE001
            pass
        LIVE.discard(p)


class Server:
    def __init__(self, root, host):
        self.host = host
        self.port = PORTS.take(host)
        self.addr = (host, self.port)
        self.dir = os.path.join(root, f"node-{host}-{self.port}")
        os.makedirs(self.dir)
        open(os.path.join(self.dir, "redis.conf"), "w").close()  # so CONFIG REWRITE works
        self.proc, self.id = None, None

    def start(self):
        args = ["redis-server", os.path.join(self.dir, "redis.conf"), "--port", str(self.port),
                "--bind", self.host, "--bind-source-addr", self.host, "--protected-mode", "no",
                "--cluster-enabled", "yes", "--cluster-node-timeout", str(NODE_TIMEOUT_MS),
                "--cluster-config-file", "nodes.conf", "--appendonly", "no", "--save", "",
                "--repl-diskless-sync-delay", "0", "--enable-debug-command", "yes", "--dir", self.dir,
                "--logfile", os.path.join(self.dir, "redis.log"), "--daemonize", "no"]
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, start_new_session=True)
        LIVE.add(self.proc)

    def wait_ready(self):
        def ready():
            if self.proc.poll() is not None:
                tail = open(os.path.join(self.dir, "redis.log"), errors="replace").read()[-400:]
                raise HarnessError(f"redis-server {fmt(self.addr)} exited at start: {tail}")
            return conn(self.addr, 0.5).ping()
        wait_for(f"redis-server {fmt(self.addr)} to answer PING", ready, 15)
        self.id = conn(self.addr).execute_command("CLUSTER", "MYID")

    @property
    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def signal(self, sig):
        os.kill(self.proc.pid, sig)

    def kill(self):
        if self.alive:
            self.proc.kill()
            self.proc.wait(5)
        LIVE.discard(self.proc)


def run(argv, timeout, what):
    """Runs a short command; returns (exit, stdout, stderr)."""
    try:
        r = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        raise HarnessError(f"{what} did not finish within {timeout} s") from e
    return r.returncode, r.stdout, r.stderr


# ---------------------------------------------------------------------------------------------
# live writer

class Writer(threading.Thread):
    """Writes w:N keys; a write is acknowledged only once WAIT 1 on the same connection says a
    replica has it."""

    def __init__(self, addrs):
        super().__init__(daemon=True)
        self.addrs = list(addrs)
        self.table = [None] * 16384
        self.clients, self.cool = {}, {}
        self.acked, self.attempts, self.unacked = {}, 0, 0
        self.stop_evt = threading.Event()
        self.last_refresh = 0.0
        self.refresh()

    def client(self, addr):
        if addr not in self.clients:
            self.clients[addr] = conn(addr, 2.0)
        return self.clients[addr]

    def refresh(self):
        self.last_refresh = time.monotonic()
        for addr in random.sample(self.addrs, len(self.addrs)):
            if self.cool.get(addr, 0) > time.monotonic():
                continue
            try:
                slots = conn(addr, 0.5).execute_command("CLUSTER", "SLOTS")
            except Exception:  # noqa: BLE001
                continue
            for r in slots:
                owner = (r[2][0], int(r[2][1]))
                for s in range(int(r[0]), int(r[1]) + 1):
                    self.table[s] = owner
            return

    def write(self, key, val):
        addr, asking = self.table[key_slot(key.encode())], False
        for _ in range(4):
            if addr is None or self.cool.get(addr, 0) > time.monotonic():
                return None  # skipped: owner unknown or not answering lately
            self.attempts += 1
            try:
                p = self.client(addr).pipeline(transaction=False)
                if asking:
                    p.execute_command("ASKING")
                p.set(key, val)
                p.execute_command("WAIT", 1, 500)
                res = p.execute(raise_on_error=False)
            except Exception:  # noqa: BLE001 - timeout, refused, reset
                self.cool[addr] = time.monotonic() + 1.0
                self.clients.pop(addr, None)
                return False
            set_res, wait_res = res[-2], res[-1]
            if isinstance(set_res, MovedError):
                addr, asking = parse_addr(str(set_res)), False
                self.table[key_slot(key.encode())] = addr
                continue
            if isinstance(set_res, AskError):
                addr, asking = parse_addr(str(set_res)), True
                continue
            return set_res is True and isinstance(wait_res, int) and wait_res >= 1
        return False

    def run(self):
        i = 0
        while not self.stop_evt.is_set():
            i += 1
            key, val = f"w:{i}", f"wv:{i}:{int(time.time() * 1000)}"
            ok = self.write(key, val)
            if ok:
                self.acked[key] = val
            elif ok is False:
                self.unacked += 1
            if ok is not True and time.monotonic() - self.last_refresh > 0.5:
                self.refresh()
            time.sleep(0.003)

    def stop(self):
        self.stop_evt.set()
        self.join(10)


def read_keys(seed_addrs, keys):
    """GETs keys the way a cluster client would (slot map from CLUSTER SLOTS, one MOVED/ASK hop).
    Returns (values, errors): key -> value (None when nil) for keys that got an answer, and
    key -> error text for keys that could not be read (cluster down, slot not served...)."""
    table = [None] * 16384
    for addr in seed_addrs:
        try:
            for r in conn(addr).execute_command("CLUSTER", "SLOTS"):
                for s in range(int(r[0]), int(r[1]) + 1):
                    table[s] = (r[2][0], int(r[2][1]))
            break
        except Exception:  # noqa: BLE001
            continue
    values, errors, groups = {}, {}, collections.defaultdict(list)
    for k in keys:
        groups[table[key_slot(k.encode())]].append(k)
    for addr, ks in groups.items():
        for i in range(0, len(ks), 5000):
            chunk = ks[i:i + 5000]
            try:
                if addr is None:
                    raise HarnessError("slot not in CLUSTER SLOTS")
                p = conn(addr, 10).pipeline(transaction=False)
                for k in chunk:
                    p.get(k)
                vals = p.execute(raise_on_error=False)
            except Exception as e:  # noqa: BLE001
                vals = [e] * len(chunk)
            for k, v in zip(chunk, vals):
                if isinstance(v, AskError):  # MOVED or ASK: one more hop
                    try:
                        p = conn(parse_addr(str(v)), 5).pipeline(transaction=False)
                        if not isinstance(v, MovedError):
                            p.execute_command("ASKING")
                        p.get(k)
                        v = p.execute(raise_on_error=False)[-1]
                    except Exception as e:  # noqa: BLE001
                        v = e
                if isinstance(v, Exception):
                    errors[k] = f"{type(v).__name__}: {v}"
                else:
                    values[k] = v
    return values, errors


# ---------------------------------------------------------------------------------------------
# cases

OPS = ["reshard", "rebalance", "fix"]
FAULTS = ["kill", "stop"]
VICTIMS = ["src", "tgt", "replica", "rcadm"]


def all_cases():
    names = [f"{op}-{f}-{v}" for op in OPS for f in FAULTS for v in VICTIMS]
    return names + ["addnode-kill-new", "failover-kill-promoted"] + [f"{op}-none" for op in OPS]


CI_CASES = ["reshard-kill-src", "rebalance-stop-tgt", "fix-kill-rcadm", "fix-stop-replica",
            "addnode-kill-new", "failover-kill-promoted"]


class Result:
    def __init__(self, name):
        self.name = name
        self.exit = "-"
        self.truthful = "-"
        self.keys_lost = "-"
        self.acked_lost = "-"
        self.fix_runs = "-"
        self.final = "-"
        self.seconds = 0.0
        self.passed = False
        self.notes = []
        self.rcadm_tail = ""


class Case:
    def __init__(self, name, opts, root):
        self.name, self.opts = name, opts
        parts = name.split("-")
        self.op, self.fault = parts[0], parts[1]
        self.victim_kind = parts[2] if len(parts) > 2 else None
        self.root = tempfile.mkdtemp(prefix=f"{name}-", dir=root)
        self.servers, self.writer, self.rcadm = [], None, None
        self.res = Result(name)
        self.victim = None  # Server, or "rcadm"
        self.killed = None  # Server we SIGKILLed
        self.killed_was_master = False  # it owned slots when killed, as far as it knew
        self.failed_alone = None  # rcadm's exit code when it failed before any fault
        self.stopped = None  # Server (or "rcadm") SIGSTOPped and not yet continued

    # -- helpers ---------------------------------------------------------------------------
    def rc(self, *args, timeout=120, what=None):
        return run([self.opts.bin, *args], timeout, what or f"rcadm {args[0]}")

    def by_id(self, nid):
        return next(s for s in self.servers if s.id == nid)

    def alive_addrs(self):
        return [s.addr for s in self.servers if s.alive and s is not self.stopped]

    def view(self):
        for addr in [self.seed.addr] + self.alive_addrs():
            try:
                return cluster_nodes(addr)
            except Exception:  # noqa: BLE001
                continue
        raise HarnessError("no node answers CLUSTER NODES")

    def snapshot(self):
        """Each answering node's own slots, open slots and known node ids."""
        snap = {}
        for s in self.servers:
            if not s.alive or s is self.stopped:
                continue
            try:
                nodes = cluster_nodes(s.addr)
            except Exception:  # noqa: BLE001
                continue
            me = next(n for n in nodes if "myself" in n["flags"])
            snap[s.id] = (frozenset(me["slots"]), tuple(sorted(me["mig"].items())),
                          tuple(sorted(me["imp"].items())), frozenset(n["id"] for n in nodes))
        return snap

    def trace(self, label):
        """Appends every answering node's CLUSTER NODES to trace.log in the case directory."""
        with open(os.path.join(self.root, "trace.log"), "a") as f:
            f.write(f"=== {time.monotonic() - T0:.1f} {label}\n")
            for s in self.servers:
                if not s.alive or s is self.stopped:
                    continue
                try:
                    text = conn(s.addr, 0.5).execute_command("CLUSTER", "NODES")
                except Exception as e:  # noqa: BLE001
                    text = f"({e})"
                f.write(f"--- {fmt(s.addr)}\n{text.strip()}\n")

    def check(self):
        code, out, _ = self.rc("check", fmt(self.seed.addr), "--json", timeout=60)
        try:
            findings = {f.get("code") for f in json.loads(out).get("findings", [])}
        except Exception:  # noqa: BLE001
            findings = set()
        return code, findings

    def poll_check(self, timeout, give_up_on=()):
        """rcadm check until exit 0 (True) or timeout; stops early on a finding that only fix
        repairs."""
        deadline = time.monotonic() + timeout
        while True:
            code, findings = self.check()
            if code == 0:
                return True
            if findings & set(give_up_on) or time.monotonic() > deadline:
                log(f"check exit {code}: {sorted(findings)}")
                return False
            time.sleep(0.5)

    # -- set-up ---------------------------------------------------------------------------
    def start_cluster(self):
        self.servers = [Server(self.root, HOSTS[i % 3]) for i in range(6)]
        for s in self.servers:
            s.start()
        for s in self.servers:
            s.wait_ready()
        code, out, err = self.rc("create", *[fmt(s.addr) for s in self.servers], "--replicas", "1", "--yes")
        if code != 0:
            raise HarnessError(f"rcadm create exited {code}: {(err or out).strip()[-300:]}")
        nodes = {n["id"]: n for n in cluster_nodes(self.servers[0].addr)}
        masters = sorted((s for s in self.servers if nodes[s.id]["slots"]), key=lambda s: min(nodes[s.id]["slots"]))
        if len(masters) != 3:
            raise HarnessError(f"expected 3 masters after create, found {len(masters)}")
        self.A, self.B, self.C = masters
        self.replica_of = {}
        for s in self.servers:
            if nodes[s.id]["master"]:
                self.replica_of[nodes[s.id]["master"]] = s
        self.seed = self.C

        def linked():
            for s in self.servers:
                info = conn(s.addr).info()
                if info.get("cluster_enabled") and conn(s.addr).execute_command("CLUSTER", "INFO").find(
                        "cluster_state:ok") < 0:
                    return False
                if info.get("role") == "slave" and info.get("master_link_status") != "up":
                    return False
            return True
        wait_for("cluster_state:ok on every node and master_link_status:up on every replica", linked, 30, 0.2)
        log(f"cluster up: A={fmt(self.A.addr)} B={fmt(self.B.addr)} C={fmt(self.C.addr)}")

    def load(self):
        self.expected = {f"k:{i}": f"v:{i}:{'x' * (i % 40)}" for i in range(ORIGINAL_KEYS)}
        self.write_keys(self.expected)

    def write_keys(self, kv):
        groups = collections.defaultdict(list)
        view = self.view()
        owner = {}
        for n in view:
            for s in n["slots"]:
                owner[s] = n["addr"]
        for k, v in kv.items():
            groups[owner[key_slot(k.encode())]].append((k, v))
        for addr, items in groups.items():
            c = conn(addr, 10)
            for i in range(0, len(items), 2000):
                p = c.pipeline(transaction=False)
                for k, v in items[i:i + 2000]:
                    p.set(k, v)
                p.execute()

    def wait_synced(self):
        def synced():
            for m in (self.A, self.B, self.C):
                info = conn(m.addr).info("replication")
                off = info["master_repl_offset"]
                if info.get("connected_slaves", 0) < 1 or info["slave0"]["offset"] != off:
                    return False
            return True
        wait_for("every replica to reach its master's replication offset", synced, 20, 0.1)

    # -- operations -----------------------------------------------------------------------
    def prepare(self):
        """Sets up the operation; returns rcadm argv and fills self.src/self.tgt."""
        seed = fmt(self.seed.addr)
        if self.op == "reshard":
            self.src, self.tgt = self.A, self.B
            return ["reshard", seed, "--from", self.A.id, "--to", self.B.id, "--slots", "4000",
                    "--pipeline", "3", "--yes"]
        if self.op == "rebalance":
            self.src = self.A
            code, out, _ = self.rc("rebalance", seed, "--weight", f"{self.A.id}=0", "--threshold", "0",
                                   "--dry-run", "--json")
            try:
                self.tgt = self.by_id(json.loads(out)["moves"][0]["target"])
            except Exception as e:  # noqa: BLE001
                raise HarnessError(f"rebalance --dry-run --json (exit {code}) gave no moves[0].target: {e}")
            self.seed = self.C if self.tgt is self.B else self.B
            return ["rebalance", fmt(self.seed.addr), "--weight", f"{self.A.id}=0", "--threshold", "0",
                    "--pipeline", "3", "--yes"]
        if self.op == "fix":
            return self.prepare_fix()
        if self.op == "addnode":
            self.new = Server(self.root, HOSTS[0])
            self.new.start()
            self.new.wait_ready()
            self.servers.append(self.new)
            return ["add-node", fmt(self.new.addr), seed, "--yes"]
        if self.op == "failover":
            self.promoted = self.replica_of[self.A.id]
            return ["failover", seed, "--master", self.A.id, "--yes"]
        raise HarnessError(f"unknown operation {self.op}")

    def prepare_fix(self):
        """Opens FIX_SLOTS slots of A towards B by hand, with keys on both sides."""
        a, b = conn(self.A.addr, 10), conn(self.B.addr, 10)
        a_slots = myself(self.A.addr)["slots"]
        tags, i = {}, 0
        while len(tags) < FIX_SLOTS:
            t = f"t{i}"
            s = key_slot(t.encode())
            if s in a_slots and s not in tags:
                tags[s] = t
            i += 1
        extra = {f"fx:{{{t}}}:{j}": f"fv:{s}:{j}" for s, t in tags.items() for j in range(FIX_KEYS_PER_SLOT)}
        self.write_keys(extra)
        self.expected.update(extra)
        for s in tags:
            b.execute_command("CLUSTER", "SETSLOT", s, "IMPORTING", self.A.id)
            a.execute_command("CLUSTER", "SETSLOT", s, "MIGRATING", self.B.id)
            keys = a.execute_command("CLUSTER", "GETKEYSINSLOT", s, FIX_KEYS_PER_SLOT // 2)
            a.execute_command("MIGRATE", self.B.host, self.B.port, "", 0, 10000, "KEYS", *keys)
        self.fix_slots = sorted(tags)
        code, out, _ = self.rc("fix", fmt(self.seed.addr), "--dry-run", "--json")
        try:
            repairs = json.loads(out)["repairs"]
            owners = collections.Counter(r["owner"] for r in repairs)
            froms = collections.Counter(m["id"] for r in repairs for m in r.get("moves_keys_from") or [])
            self.tgt = self.by_id(owners.most_common(1)[0][0])
            self.src = self.by_id(froms.most_common(1)[0][0])
        except Exception as e:  # noqa: BLE001
            raise HarnessError(f"fix --dry-run --json (exit {code}) gave no repairs with owner/moves_keys_from: "
                               f"{e}; output: {out[:200]!r}")
        log(f"fix plan: {len(repairs)} repairs, owner {fmt(self.tgt.addr)}, keys from {fmt(self.src.addr)}")
        return ["fix", fmt(self.seed.addr), "--yes", "--pipeline", "2"]

    def pick_victim(self):
        k = self.victim_kind
        if k is None:
            return None
        if k == "rcadm":
            return "rcadm"
        return {"src": lambda: self.src, "tgt": lambda: self.tgt, "replica": lambda: self.replica_of[self.tgt.id],
                "new": lambda: self.new, "promoted": lambda: self.promoted}[k]()

    def injection_point(self):
        """Returns (description, predicate) of the moment to inject, observed from outside."""
        if self.op in ("reshard", "rebalance"):
            start = len(myself(self.src.addr)["slots"])

            def moving():
                me = myself(self.src.addr, 0.5)
                return start - len(me["slots"]) >= 64 and me["mig"]
            return f"{fmt(self.src.addr)} to have given >= 64 slots away and show a MIGRATING slot", moving
        if self.op == "fix":
            src = conn(self.src.addr, 1)

            def remaining():
                p = src.pipeline(transaction=False)
                for s in self.fix_slots:
                    p.execute_command("CLUSTER", "COUNTKEYSINSLOT", s)
                return sum(p.execute())
            start = remaining()

            def moving():
                n = remaining()
                return 0 < n <= start * 0.85
            return (f"keys of the open slots on {fmt(self.src.addr)} to drop below 85% of {start} (not to 0)",
                    moving)
        if self.op == "addnode":
            def joined():
                return any(n["id"] == self.new.id for n in cluster_nodes(self.seed.addr, 0.5))
            return f"{fmt(self.seed.addr)}'s CLUSTER NODES to list the new node {self.new.id[:8]}", joined
        if self.op == "failover":
            def promoted():
                return "master" in myself(self.promoted.addr, 0.5)["flags"]
            return f"{fmt(self.promoted.addr)} to call itself master in CLUSTER NODES", promoted
        raise HarnessError(self.op)

    # -- the run --------------------------------------------------------------------------
    def execute(self):
        res = self.res
        self.start_cluster()
        self.load()
        argv = self.prepare()
        self.wait_synced()
        victim = self.pick_victim()
        what, point = self.injection_point()
        self.writer = Writer([s.addr for s in self.servers])
        self.writer.start()
        time.sleep(0.3)  # let the writer get going (not a synchronisation with rcadm)
        before = self.snapshot()
        out_path, err_path = os.path.join(self.root, "rcadm.out"), os.path.join(self.root, "rcadm.err")
        log(f"rcadm {' '.join(argv)}; victim {victim if victim == 'rcadm' else victim and fmt(victim.addr)}")
        self.trace("before rcadm")
        started = time.monotonic()
        with open(out_path, "w") as out, open(err_path, "w") as err:
            self.rcadm = subprocess.Popen([self.opts.bin, *argv], stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                          start_new_session=True)
        LIVE.add(self.rcadm)
        injected = False
        if victim is not None:
            def point_or_exit():
                code = self.rcadm.poll()
                if code == 0:
                    raise Missed(f"rcadm succeeded before the injection point ({what})")
                return code is not None or point()
            wait_for(what, point_or_exit, 60, 0.005)
            pid = self.rcadm.pid if victim == "rcadm" else victim.proc.pid
            if self.rcadm.poll() == 0:
                raise Missed("rcadm succeeded just before the fault")
            if self.rcadm.poll() is not None:
                self.failed_alone = self.rcadm.returncode
                res.notes.append(f"rcadm failed (exit {self.failed_alone}) on its own, before the fault: not injected")
                victim = None
        if victim is not None:
            os.kill(pid, signal.SIGKILL if self.fault == "kill" else signal.SIGSTOP)
            injected = True
            log(f"{self.fault} {'rcadm' if victim == 'rcadm' else fmt(victim.addr)} ({what})")
            if self.fault == "kill" and victim != "rcadm":
                self.killed = victim
                # failover takes >= cluster-node-timeout: the others still show its slots
                self.killed_was_master = bool(self.own_config(victim)["slots"])
            if self.fault == "stop":
                self.stopped = victim
                time.sleep(STOP_HOLD)
                os.kill(pid, signal.SIGCONT)
                self.stopped = None
                log(f"SIGCONT {'rcadm' if victim == 'rcadm' else fmt(victim.addr)}")
        try:
            self.rcadm.wait(max(1, RCADM_LIMIT - (time.monotonic() - started)))
        except subprocess.TimeoutExpired:
            os.kill(self.rcadm.pid, signal.SIGKILL)
            self.rcadm.wait(5)
            res.exit = "TIMEOUT"
            res.notes.append(f"rcadm did not exit within {RCADM_LIMIT} s")
        code = self.rcadm.returncode
        LIVE.discard(self.rcadm)
        out_text, err_text = open(out_path).read(), open(err_path).read()
        res.rcadm_tail = (err_text.strip().splitlines() or out_text.strip().splitlines() or [""])[-1][:300]
        if res.exit != "TIMEOUT":
            res.exit = "KILL" if code == -signal.SIGKILL else (f"sig{-code}" if code < 0 else code)
        log(f"rcadm exit {res.exit} after {time.monotonic() - started:.1f} s: {res.rcadm_tail}")
        after = self.snapshot()
        self.trace(f"rcadm exited {res.exit}")
        changed = injected or any(before[k] != after[k] for k in before.keys() & after.keys())

        # truthfulness
        truthful = True
        if res.exit in ("KILL", "TIMEOUT") or not isinstance(res.exit, int):
            res.truthful = "n/a" if res.exit == "KILL" and victim == "rcadm" else "no"
            truthful = res.truthful == "n/a"
        elif code == 2:
            truthful = not changed
            if not truthful:
                res.notes.append("exit 2 (nothing changed) although the cluster had changed")
        elif code == 0:
            truthful = self.poll_check(10)
            if not truthful:
                res.notes.append("exit 0 but rcadm check not clean once the fault was over")
        elif code in (1, 3):
            # The next command: a repair, a resume, a removal, or a look when nothing is left open.
            truthful = bool(re.search(r"rcadm (fix|reshard|rebalance|add-node|del-node|failover|check)\b",
                                      out_text + err_text))
            if not truthful:
                res.notes.append(f"exit {code} without naming the next rcadm command")
        else:
            truthful = False
            res.notes.append(f"unexpected exit {code}")
        if res.truthful == "-":
            res.truthful = "yes" if truthful else "no"

        self.recover()
        self.writer.stop()
        self.verify()
        res.passed = (truthful and res.exit != "TIMEOUT" and res.keys_lost == 0 and res.acked_lost == 0
                      and res.final == "ok" and self.failed_alone is None)

    def own_config(self, server):
        """The node's own entry in its nodes.conf (what it will claim when restarted)."""
        with open(os.path.join(server.dir, "nodes.conf")) as f:
            return next(n for n in parse_nodes(f.read()) if "myself" in n["flags"])

    def superseded(self, v):
        """True when no slot v's nodes.conf claims would go back to v if it restarted empty: every
        one is owned, in a live node's view, by another node with a higher config epoch."""
        me = self.own_config(v)
        if not me["slots"]:
            return True
        view = {n["id"]: n for n in self.view()}
        for slot in me["slots"]:
            owner = next((n for n in view.values() if slot in n["slots"]), None)
            if owner is None or owner["id"] == v.id or owner["epoch"] <= me["epoch"]:
                return False
        return True

    def recover(self):
        """Restarts the SIGKILLed node (unless --gone or unsafe), then fix until check is clean."""
        res = self.res
        v = self.killed
        left_down = None
        if v is not None and not self.opts.gone:
            # Restarting an empty master that still owns slots (nobody took them over, or it
            # became master just before dying and nobody learned it) would make its replica or
            # the old master sync an empty data set: wait for a failover, else leave it down.
            try:
                wait_for(f"the slots in {fmt(v.addr)}'s nodes.conf to belong to a node with a newer epoch",
                         lambda: self.superseded(v), 15, 0.2)
                v.start()
                v.wait_ready()
                log(f"restarted {fmt(v.addr)}")
                self.trace(f"restarted {fmt(v.addr)}")
            except HarnessError as e:
                res.notes.append(f"{e}; left down (an empty restart would claim its slots)")
                left_down = v
        elif v is not None:
            left_down = v
            try:
                wait_for(f"the dead {fmt(v.addr)} to own no slots in the live nodes' view",
                         lambda: not any(n["id"] == v.id and n["slots"] for n in self.view()), 15, 0.2)
            except HarnessError as e:
                res.notes.append(str(e))
        self.forget_error = None
        if left_down is not None:
            self.forget(left_down)
        fix_args = ["fix", fmt(self.seed.addr), "--yes"]
        if left_down is not None and self.killed_was_master:
            fix_args.append("--fix-with-unreachable-masters")
        repairable = ("open_slot", "slots_uncovered", "slot_multiple_claims", "keys_in_unowned_slot")
        runs = 0
        ok = self.poll_check(15, give_up_on=repairable)
        while not ok and runs < 3:
            runs += 1
            code, out, err = self.rc(*fix_args, timeout=180)
            with open(os.path.join(self.root, f"fix{runs}.out"), "w") as f:
                f.write(f"exit {code}\n{out}\n{err}")
            self.trace(f"after fix #{runs} (exit {code})")
            log(f"fix #{runs}: exit {code} {(err.strip().splitlines() or [''])[-1][:200]}")
            if left_down is not None and self.forget_error:
                # The dead node could not be removed while it still owned slots; fix may have
                # moved them (a takeover), so removing it is the operator's next step, not a fix.
                self.forget_error = None
                self.forget(left_down)
            ok = self.poll_check(60 if runs == 3 else 30 if code == 0 else 10, give_up_on=repairable)
        res.fix_runs = runs
        if self.forget_error:
            res.notes.append(self.forget_error)
        self.final_ok = ok

    def forget(self, dead):
        """rcadm del-node of a node left down (it must have no slots any more)."""
        code, out, err = self.rc("del-node", fmt(self.seed.addr), dead.id, "--yes", timeout=90)
        log(f"del-node {dead.id[:8]}: exit {code}")
        self.forget_error = None if code == 0 else f"del-node of the dead node exited {code}: {(err or out).strip()[-150:]}"

    def verify(self):
        res = self.res
        notes = []
        if not self.final_ok:
            notes.append("rcadm check not clean after 3 fix runs")
        code, out, err = run(["redis-cli", "--cluster", "check", fmt(self.seed.addr)], 60, "redis-cli --cluster check")
        out = re.sub(r"\x1b\[[0-9;]*m", "", out)  # colours
        if code != 0 or "[ERR]" in out:
            errs = [line for line in out.splitlines() if "[ERR]" in line]
            notes.append(f"redis-cli --cluster check exit {code}: {(errs or [err.strip()])[0][:150]}")
        res.final = "ok" if not notes else "FAIL"
        res.notes += notes
        addrs = self.alive_addrs()
        for addr in addrs:  # so a node whose cluster_state is fail still answers for its own slots
            try:
                conn(addr).config_set("cluster-allow-reads-when-down", "yes")
            except Exception:  # noqa: BLE001
                pass
        res.keys_lost = self.count_lost("original keys", self.expected, addrs)
        acked = dict(self.writer.acked)
        res.acked_lost = self.count_lost("acknowledged writes", acked, addrs)
        log(f"writer: {len(acked)} acknowledged, {self.writer.unacked} not")
        if len(acked) < 50:
            res.notes.append(f"only {len(acked)} acknowledged writes (writer starved?)")

    def count_lost(self, what, expected, addrs):
        """Keys read back nil or with another value; unreadable ones are reported apart."""
        values, errors = read_keys(addrs, list(expected))
        lost = [k for k, v in values.items() if v != expected[k]]
        if lost:
            k = lost[0]
            self.res.notes.append(f"{len(lost)} of {len(expected)} {what} lost or wrong, e.g. {k} "
                                  f"(slot {key_slot(k.encode())}): {values[k]!r}")
        if errors:
            k = next(iter(errors))
            self.res.notes.append(f"{len(errors)} of {len(expected)} {what} unreadable, e.g. {k} "
                                  f"(slot {key_slot(k.encode())}): {errors[k][:120]}")
            return f"{len(lost)}+{len(errors)}?"
        return len(lost)

    def teardown(self, keep):
        if self.writer is not None:
            self.writer.stop_evt.set()
        if self.rcadm is not None and self.rcadm.poll() is None:
            os.kill(self.rcadm.pid, signal.SIGKILL)
            self.rcadm.wait(5)
        if self.rcadm is not None:
            LIVE.discard(self.rcadm)
        for s in self.servers:
            s.kill()
        if keep:
            print(f"kept {self.root}", file=sys.stderr)
        else:
            shutil.rmtree(self.root, ignore_errors=True)


def run_case(name, opts, root):
    """Runs one case on a fresh cluster; retried (up to 3 attempts) when rcadm succeeded before
    the fault could be injected."""
    started = time.monotonic()
    for attempt in range(1, 4):
        case = Case(name, opts, root)
        missed = False
        try:
            case.execute()
        except Missed as e:
            missed = True
            case.res.notes.append(f"harness: {e} (attempt {attempt})")
            log(f"{name}: {e}; {'retrying' if attempt < 3 else 'giving up'}")
        except HarnessError as e:
            case.res.notes.append(f"harness: {e}")
        except Exception as e:  # noqa: BLE001 - report, do not abort the matrix
            case.res.notes.append(f"harness: {type(e).__name__}: {e}")
        finally:  # also on Ctrl-C
            case.teardown(opts.keep and not missed and not case.res.passed)
        if not missed:
            break
    res = case.res
    res.seconds = time.monotonic() - started
    return res


def main():
    global VERBOSE
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--case", action="append", default=[], help="case name or glob (repeatable)")
    ap.add_argument("--ci", action="store_true", help="the small CI subset: " + ", ".join(CI_CASES))
    ap.add_argument("--list", action="store_true", help="list the cases and exit")
    ap.add_argument("--keep", action="store_true", help="keep the directories of failed cases")
    ap.add_argument("--gone", action="store_true",
                    help="never restart a SIGKILLed node; remove it with del-node instead")
    ap.add_argument("-v", action="store_true", help="progress on stderr")
    opts = ap.parse_args()
    VERBOSE = opts.v
    cases = all_cases()
    if opts.ci:
        chosen = list(CI_CASES)
    elif opts.case:
        chosen = []
        for pat in opts.case:
            hits = [c for c in cases if fnmatch.fnmatchcase(c, pat)]
            if not hits:
                ap.error(f"no case matches {pat!r} (see --list)")
            chosen += [c for c in hits if c not in chosen]
    else:
        chosen = cases
    if opts.list:
        print("\n".join(chosen))
        return 0
    b = os.environ.get("RCADM_BIN", ".build/debug/rcadm")
    opts.bin = b if os.path.isabs(b) else os.path.join(REPO, b)
    if not os.access(opts.bin, os.X_OK):
        print(f"faults.py: rcadm binary {opts.bin} not found (set RCADM_BIN)", file=sys.stderr)
        return 2
    for tool in ("redis-server", "redis-cli"):
        if shutil.which(tool) is None:
            print(f"faults.py: {tool} not on PATH", file=sys.stderr)
            return 2

    def on_signal(signum, _frame):
        raise KeyboardInterrupt(f"signal {signum}")
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)

    root = tempfile.mkdtemp(prefix="rcadm-faults-")
    results, interrupted = [], False
    try:
        for name in chosen:
            log(f"=== {name}")
            r = run_case(name, opts, root)
            results.append(r)
            log(f"=== {name}: {'PASS' if r.passed else 'FAIL'} in {r.seconds:.0f} s")
    except KeyboardInterrupt:
        print("interrupted: every process started here was killed", file=sys.stderr)
        interrupted = True
    finally:
        reap_all()
        if not os.listdir(root):
            os.rmdir(root)
    cols = ["case", "rcadm exit", "truthful", "keys lost", "acked writes lost", "fix runs", "final check",
            "seconds", "result"]
    rows = [[r.name, str(r.exit), r.truthful, str(r.keys_lost), str(r.acked_lost), str(r.fix_runs), r.final,
             f"{r.seconds:.0f}", "PASS" if r.passed else "FAIL"] for r in results]
    widths = [max(len(c), *(len(row[i]) for row in rows)) if rows else len(c) for i, c in enumerate(cols)]
    print("| " + " | ".join(c.ljust(w) for c, w in zip(cols, widths)) + " |")
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths)) + " |")
    for r in results:
        if not r.passed or opts.v:
            for n in r.notes:
                print(f"  {r.name}: {n}")
            if r.rcadm_tail and not r.passed:
                print(f"  {r.name}: rcadm said: {r.rcadm_tail}")
    passed = sum(r.passed for r in results)
    failed = len(results) - passed
    print(f"{passed} passed, {failed} failed")
    if interrupted:
        return 130
    return 0 if failed == 0 and len(results) == len(chosen) and results else 1


if __name__ == "__main__":
    sys.exit(main())

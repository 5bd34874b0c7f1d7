#!/usr/bin/python3
"""superd's first benchmark: superd against runit, s6, supervisord and a bare
one-process C loop, N services each (default 500), all measured in one run.

    bench.py SUPERD_DIR WORK_DIR BIN_DIR

SUPERD_DIR holds superd and superctl, WORK_DIR is an empty scratch directory
(under /tmp), BIN_DIR holds the compiled stamp and bareloop (run.sh passes
$WORK/bin for both). Results go to $BENCH_OUT (default SUPERD_DIR). Run it through
bench/run.sh (`make bench`), which builds the helpers, installs the peers and
cleans up every process even when this script dies.

Figures, per supervisor, in this order while it runs N services:
  1. start-up: from just before the supervisor is spawned to the exec of the
     last of the N payloads (each payload stamps CLOCK_MONOTONIC into a FIFO
     first thing in main(), see stamp.c);
  2. memory: RSS and PSS (smaps_rollup) summed over the supervisor's own
     processes (its process tree minus the payloads);
  3. idle wake-ups over IDLE seconds: voluntary+involuntary context switches
     of those processes (and superd's LoopWakeups);
  4. restart latency: kill -9 of a payload -> the replacement's stamp;
  5. one status query, whole command (hyperfine if installed, else a loop).
"""

import ctypes
import json
import os
import platform
import select
import shutil
import signal
import statistics
import subprocess
import sys
import time

N = int(os.environ.get("BENCH_N", "500"))
KILLS = int(os.environ.get("BENCH_KILLS", "50"))
SLOW_KILLS = int(os.environ.get("BENCH_SLOW_KILLS", "8"))  # supervisord: ~1 s each
IDLE = float(os.environ.get("BENCH_IDLE", "10"))
STATUS_RUNS = int(os.environ.get("BENCH_STATUS_RUNS", "200"))
SLOW_STATUS_RUNS = int(os.environ.get("BENCH_SLOW_STATUS_RUNS", "15"))
STARTUP_ROUNDS = int(os.environ.get("BENCH_STARTUP_ROUNDS", "3"))
START_TIMEOUT = 60.0
SETTLE = 2.0   # > 1 s so runsv/s6-supervise do not throttle the first respawn
ONLY = [s for s in os.environ.get("BENCH_ONLY", "").split(",") if s]

MARK = "SUPERD_BENCH_TAG"


def mono_ns():
    return time.clock_gettime_ns(time.CLOCK_MONOTONIC)


def log(*a):
    print(*a, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- /proc ----

def proc_table():
    """pid -> (ppid, state) for every live process."""
    t = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat", "rb") as f:
                s = f.read()
        except OSError:
            continue
        rest = s[s.rindex(b")") + 2:].split()
        t[int(d)] = (int(rest[1]), rest[0].decode())
    return t


def descendants(root, table=None, include_zombies=False):
    table = table or proc_table()
    kids = {}
    for pid, (ppid, st) in table.items():
        kids.setdefault(ppid, []).append(pid)
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        for c in kids.get(p, ()):
            if include_zombies or table[c][1] != "Z":
                out.append(c)
            todo.append(c)
    return out


def exe_of(pid):
    try:
        return os.readlink(f"/proc/{pid}/exe")
    except OSError:
        return None


def comm_of(pid):
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return "?"


def mem_kb(pids):
    rss = pss = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/smaps_rollup") as f:
                for line in f:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1])
        except OSError:
            pass
    return rss, pss


def ctxsw(pids):
    tot = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                        tot += int(line.split()[1])
        except OSError:
            pass
    return tot


def reap():
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def kill_tree(root_pid, payload_exe, timeout=5.0):
    """SIGKILL every descendant of this script: supervisors first (so nothing
    respawns), then the payloads (re-parented to us: we are a subreaper)."""
    me = os.getpid()
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        ds = descendants(me)
        if not ds:
            return True
        sup = [p for p in ds if exe_of(p) != payload_exe]
        for p in (sup or ds):
            try:
                os.kill(p, signal.SIGKILL)
            except OSError:
                pass
        time.sleep(0.02)
        reap()
    return not descendants(me)


def remove_superd_cgroups(root):
    """Removes the empty cgroups a killed `superd --root ROOT` leaves
    (superd-HASH below our cgroup, HASH = FNV-1a of ROOT/run/superd): 500
    services leave 500 directories otherwise."""
    h = 1469598103934665603
    for b in os.path.join(root, "run/superd").encode():
        h = ((h ^ b) * 1099511628211) & 0xffffffffffffffff
    try:
        own = next(l.split("::", 1)[1].strip() for l in open("/proc/self/cgroup") if l.startswith("0::"))
    except (OSError, StopIteration):
        return
    for mount in ("/sys/fs/cgroup", "/sys/fs/cgroup/unified"):
        top = f"{mount}{own.rstrip('/')}/superd-{h:016x}"
        if os.path.exists(f"{mount}/cgroup.controllers") and os.path.isdir(top):
            for d, _, _ in sorted(os.walk(top), key=lambda w: -w[0].count("/")):
                try:
                    os.rmdir(d)
                except OSError:
                    pass


def write_results(build, stem, meta, res, text):
    """STEM.json and STEM.md in $BENCH_OUT (default: the build dir)."""
    outdir = os.environ.get("BENCH_OUT", build)
    os.makedirs(outdir, exist_ok=True)
    with open(os.path.join(outdir, f"{stem}.json"), "w") as f:
        json.dump({"meta": meta, "results": res}, f, indent=1)
    with open(os.path.join(outdir, f"{stem}.md"), "w") as f:
        f.write(text)
    log(f"results: {outdir}/{stem}.md and .json")


# ---------------------------------------------------------------- stamps ---

class Stamps:
    """Reads "TAG PID NS" lines that the payloads write to a FIFO."""

    def __init__(self, path):
        self.path = path
        os.mkfifo(path, 0o666)
        # O_RDWR: the FIFO always has a reader and never reports EOF.
        self.fd = os.open(path, os.O_RDWR | os.O_NONBLOCK | os.O_CLOEXEC)
        self.buf = b""
        self.first = {}   # tag -> (pid, ns) of the first start
        self.latest = {}  # tag -> (pid, ns)
        self.events = 0

    def _drain(self):
        new = []
        while True:
            try:
                chunk = os.read(self.fd, 65536)
            except BlockingIOError:
                break
            if not chunk:
                break
            self.buf += chunk
        *lines, self.buf = self.buf.split(b"\n")
        for line in lines:
            try:
                tag, pid, ns = line.decode().split()
                ev = (tag, int(pid), int(ns))
            except ValueError:
                continue
            self.events += 1
            self.first.setdefault(ev[0], ev[1:])
            self.latest[ev[0]] = ev[1:]
            new.append(ev)
        return new

    def wait(self, pred, timeout):
        """Block (select, no polling) until pred(new_events) is true."""
        end = time.monotonic() + timeout
        while True:
            new = self._drain()
            if new and pred(new):
                return True
            left = end - time.monotonic()
            if left <= 0:
                return False
            select.select([self.fd], [], [], left)

    def close(self):
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


# ----------------------------------------------------------- supervisors ---

class Sup:
    name = "?"
    slow = False

    def __init__(self, work, bins, build):
        self.dir = os.path.join(work, self.name)
        os.makedirs(self.dir)
        self.bins = bins
        self.build = build
        self.stamp = os.path.join(bins, "stamp")
        self.fifo = os.path.join(self.dir, "stamps.fifo")
        self.out = open(os.path.join(self.dir, "stdout.log"), "wb")
        self.proc = None

    def stamp_run_dirs(self, sub):
        """DIR/sub/svcN/run -> stamp for every service (runit, s6 layout)."""
        sv = os.path.join(self.dir, sub)
        for t in self.tags():
            os.makedirs(os.path.join(sv, t))
            os.symlink(self.stamp, os.path.join(sv, t, "run"))
        return sv

    def tags(self):
        return [f"svc{i}" for i in range(1, N + 1)]

    def env(self):
        e = dict(os.environ)
        e["STAMP_FIFO"] = self.fifo
        return e

    def spawn(self, argv, **kw):
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=self.out,
                                     stderr=subprocess.STDOUT, env=self.env(),
                                     start_new_session=True, **kw)
        return self.proc

    def own_pids(self):
        """The supervisor's own processes: its tree minus the payloads."""
        root = self.proc.pid
        return [root] + [p for p in descendants(root) if exe_of(p) != self.stamp]

    def payload_pids(self):
        return [p for p in descendants(self.proc.pid) if exe_of(p) == self.stamp]

    def status_cmd(self):
        raise NotImplementedError

    def stop(self):
        return None

    def extra(self):
        return {}


class Bare(Sup):
    name = "bare"
    label = "bare C loop"

    def setup(self):
        pass

    def start(self):
        return self.spawn([os.path.join(self.bins, "bareloop"), str(N), "svc",
                           self.stamp, self.fifo])

    def status_cmd(self):
        return ["/bin/true"]


class Superd(Sup):
    name = "superd"
    label = "superd"

    def setup(self):
        units = os.path.join(self.dir, "etc/superd/units")
        wants = os.path.join(units, "multi-user.target.wants")
        os.makedirs(wants)
        for t in self.tags():
            with open(os.path.join(units, t + ".service"), "w") as f:
                f.write(f"[Service]\nExecStart={self.stamp} {self.fifo} {t}\n"
                        "Restart=always\nRestartSec=0\n")
            os.symlink(f"../{t}.service", os.path.join(wants, t + ".service"))
        self.ctl = [os.path.join(self.build, "superctl"), "--root", self.dir]

    def start(self):
        return self.spawn([os.path.join(self.build, "superd"), "-f", "--root", self.dir])

    def loop_wakeups(self):
        try:
            r = subprocess.run(self.ctl + ["show"], capture_output=True, text=True, timeout=10)
        except subprocess.TimeoutExpired:
            return None
        for line in r.stdout.splitlines():
            if line.startswith("LoopWakeups="):
                return int(line.split("=", 1)[1])
        return None

    def status_cmd(self):
        return self.ctl + ["status", "svc1"]

    def stop(self):
        """Orderly `superctl exit` with N services; returns seconds or None."""
        t = time.monotonic()
        try:
            subprocess.run(self.ctl + ["exit"], capture_output=True, timeout=30)
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            return None
        return time.monotonic() - t


class Runit(Sup):
    name = "runit"
    label = "runit"

    def setup(self):
        self.sv = self.stamp_run_dirs("service")

    def start(self):
        return self.spawn(["runsvdir", self.sv])

    def status_cmd(self):
        return ["sv", "status", os.path.join(self.sv, "svc1")]


class S6(Sup):
    name = "s6"
    label = "s6"

    def setup(self):
        self.sv = self.stamp_run_dirs("scandir")

    def start(self):
        return self.spawn(["s6-svscan", "-c", str(max(1000, 2 * N)), self.sv])

    def status_cmd(self):
        return ["s6-svstat", os.path.join(self.sv, "svc1")]


class Supervisord(Sup):
    name = "supervisord"
    label = "supervisord"
    slow = True

    def setup(self):
        self.conf = os.path.join(self.dir, "supervisord.conf")
        sock = os.path.join(self.dir, "supervisor.sock")
        with open(self.conf, "w") as f:
            f.write(f"""[supervisord]
nodaemon=true
logfile={self.dir}/supervisord.log
pidfile={self.dir}/supervisord.pid
childlogdir={self.dir}
minfds={4 * N + 1024}

[unix_http_server]
file={sock}

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://{sock}
""")
            for t in self.tags():
                f.write(f"\n[program:{t}]\ncommand={self.stamp} {self.fifo} {t}\n"
                        "autostart=true\nautorestart=true\n"
                        "stdout_logfile=NONE\nstderr_logfile=NONE\n")

    def start(self):
        return self.spawn(["supervisord", "-n", "-c", self.conf])

    def status_cmd(self):
        return ["supervisorctl", "-c", self.conf, "status", "svc1"]


ALL = [Bare, Superd, Runit, S6, Supervisord]


# ---------------------------------------------------------- measurements ---

def pct(xs, q):
    xs = sorted(xs)
    if not xs:
        return None
    k = max(0, min(len(xs) - 1, int(round(q / 100.0 * len(xs) + 0.5)) - 1))
    return xs[k]


def time_command(argv, runs, work):
    """Median and mean wall time of one whole command, in ms."""
    hf = shutil.which("hyperfine")
    if hf:
        out = os.path.join(work, "hf.json")
        warm = max(2, runs // 10)
        r = subprocess.run([hf, "-N", "-i", "--style", "none", "--warmup", str(warm),
                            "--runs", str(runs), "--export-json", out,
                            " ".join(argv)], capture_output=True, text=True, timeout=300)
        if r.returncode == 0:
            with open(out) as f:
                res = json.load(f)["results"][0]
            return {"median_ms": res["median"] * 1e3, "mean_ms": res["mean"] * 1e3,
                    "min_ms": res["min"] * 1e3, "runs": len(res["times"]),
                    "exit": (res.get("exit_codes") or [None])[0], "tool": "hyperfine"}
        log("hyperfine failed:", r.stderr.strip()[:300])
    devnull = os.open("/dev/null", os.O_RDWR)
    fa = [(os.POSIX_SPAWN_DUP2, devnull, 0), (os.POSIX_SPAWN_DUP2, devnull, 1),
          (os.POSIX_SPAWN_DUP2, devnull, 2)]
    ts, code = [], None
    for i in range(runs + max(2, runs // 10)):
        t = time.perf_counter()
        pid = os.posix_spawnp(argv[0], argv, os.environ, file_actions=fa)
        _, st = os.waitpid(pid, 0)
        dt = time.perf_counter() - t
        code = os.waitstatus_to_exitcode(st)
        if i >= max(2, runs // 10):
            ts.append(dt)
    os.close(devnull)
    return {"median_ms": statistics.median(ts) * 1e3, "mean_ms": statistics.mean(ts) * 1e3,
            "min_ms": min(ts) * 1e3, "runs": len(ts), "exit": code, "tool": "posix_spawn loop"}


def run_one(cls, build, work, bins):
    s = cls(work, bins, build)
    r = {"name": s.name}
    log(f"== {s.label}: {N} services")
    s.setup()
    # Service trees are written long before a real boot. runsvdir (Debian's)
    # waits a second when its directory's mtime is the current second.
    time.sleep(1.1)
    stamps = Stamps(s.fifo)
    try:
        # 1. start-up, STARTUP_ROUNDS times from scratch (median); the last
        # round's instance stays up for the other figures.
        tags = set(s.tags())
        rounds = []
        for rnd in range(STARTUP_ROUNDS):
            if rnd:
                stamps = Stamps(s.fifo)
            t0 = mono_ns()
            s.start()
            ok = stamps.wait(lambda new: tags <= stamps.first.keys(), START_TIMEOUT)
            started = len(tags & stamps.first.keys())
            if not ok:
                log(f"   only {started}/{N} services started within {START_TIMEOUT:.0f} s")
                rounds = None
                break
            rounds.append((max(ns for _, ns in stamps.first.values()) - t0) / 1e9)
            if rnd < STARTUP_ROUNDS - 1:
                time.sleep(0.5)  # let it finish its start-up work before the kill
                stamps.close()
                kill_tree(s.proc.pid, s.stamp)
                os.unlink(s.fifo)
        r["started"] = started
        r["startup_rounds_s"] = rounds
        r["startup_s"] = statistics.median(rounds) if rounds else None
        log(f"   start-up: {r['startup_s']} s ({started}/{N} exec'd; rounds "
            + (", ".join(f"{x:.3f}" for x in rounds) if rounds else "-") + ")")
        if s.proc.poll() is not None:
            raise RuntimeError(f"{s.label} exited with {s.proc.returncode}")

        time.sleep(SETTLE)
        stamps._drain()
        # how many payloads actually live under the supervisor now
        r["payloads_running"] = len(s.payload_pids())

        # 2. memory
        own = s.own_pids()
        r["processes"] = len(own)
        r["rss_kb"], r["pss_kb"] = mem_kb(own)
        log(f"   memory: {len(own)} processes, RSS {r['rss_kb']/1024:.1f} MB,"
            f" PSS {r['pss_kb']/1024:.1f} MB; payloads running: {r['payloads_running']}")

        # 3. idle wake-ups
        lw0 = None
        if isinstance(s, Superd):
            # two back-to-back queries: how many wake-ups one `show` costs
            lwa = s.loop_wakeups()
            lw0 = s.loop_wakeups()
            per_query = (lw0 - lwa) if lwa is not None and lw0 is not None else 0
        ev0 = stamps.events
        own = s.own_pids()
        c0 = ctxsw(own)
        time.sleep(IDLE)
        c1 = ctxsw(own)
        stamps._drain()
        r["idle_ctxsw"] = c1 - c0
        r["idle_per_s"] = (c1 - c0) / IDLE
        r["idle_restarts"] = stamps.events - ev0
        if lw0 is not None:
            lw1 = s.loop_wakeups()
            # minus the wake-ups of the `show` that reads the counter
            r["loop_wakeups_per_query"] = per_query
            r["loop_wakeups"] = (lw1 - lw0 - per_query) if lw1 is not None else None
        log(f"   idle: {r['idle_ctxsw']} context switches in {IDLE:.0f} s"
            + (f", LoopWakeups +{r['loop_wakeups']}" if lw0 is not None else ""))

        # 4. restart latency
        kills = SLOW_KILLS if s.slow else KILLS
        lats, missed = [], 0
        for i in range(kills):
            tag = f"svc{(i % N) + 1}"
            old_pid = stamps.latest[tag][0]
            t = mono_ns()
            try:
                os.kill(old_pid, signal.SIGKILL)
            except ProcessLookupError:
                missed += 1
                continue
            got = stamps.wait(lambda new: any(e[0] == tag and e[1] != old_pid for e in new),
                              5.0)
            if got and stamps.latest[tag][0] != old_pid:
                lats.append((stamps.latest[tag][1] - t) / 1e6)
            else:
                missed += 1
            time.sleep(0.02)
        r["restart_ms"] = lats
        r["restart_missed"] = missed
        r["restart_p50_ms"] = pct(lats, 50)
        r["restart_p99_ms"] = pct(lats, 99)
        r["restart_max_ms"] = max(lats) if lats else None
        log(f"   restart: p50 {r['restart_p50_ms']} ms, p99 {r['restart_p99_ms']} ms"
            f" over {len(lats)} kills ({missed} missed)")

        # 5. status query
        runs = SLOW_STATUS_RUNS if s.slow else STATUS_RUNS
        fl = time_command(["/bin/true"], STATUS_RUNS, s.dir)
        r["floor_true_ms"] = fl["median_ms"]
        st = time_command(s.status_cmd(), runs, s.dir)
        st["cmd"] = " ".join(os.path.basename(a) if j == 0 else a
                             for j, a in enumerate(s.status_cmd()))
        r["status"] = st
        log(f"   status: {st['median_ms']:.3f} ms median ({st['runs']} runs, {st['tool']},"
            f" exit {st['exit']})")

        # orderly stop where the supervisor has one we care about
        stop = s.stop()
        if stop is not None:
            r["stop_s"] = stop
            log(f"   orderly stop of {N} services: {stop:.3f} s")
    except Exception as e:  # keep going with the other supervisors
        r["error"] = str(e)
        log(f"   ERROR: {e}")
    finally:
        stamps.close()
        if not kill_tree(s.proc.pid if s.proc else 0, s.stamp):
            log("   WARNING: some processes survived the clean-up")
        remove_superd_cgroups(s.dir)
        s.out.close()
    return r


# --------------------------------------------------------------- report ---

TARGETS = {
    "startup": "≤ 1.2× bare, ≥ 3× faster than s6",
    "rss": "≤ 8 MB",
    "restart": "≤ 1.0 ms",
    "idle": "0",
    "status": "≤ `sv status`",
}
ISSUE = {  # the issue's reference numbers for the peers
    "startup": {"bare": "0.30 s", "runit": "1.36 s", "s6": "1.23 s", "supervisord": "3.85 s"},
    "rss": {"bare": "1.7 MB", "runit": "676 MB", "s6": "817 MB", "supervisord": "35 MB"},
    "restart": {"bare": "0.76 ms", "runit": "1.41 ms", "s6": "1.77 ms", "supervisord": "1011 ms"},
    "idle": {"bare": "0/s", "runit": "0.2/s", "s6": "0/s", "supervisord": "1/s"},
    "status": {"bare": "0.54 ms", "runit": "0.73 ms", "s6": "0.73 ms", "supervisord": "187 ms"},
}


def fmt(v, unit, nd=2):
    return "—" if v is None else f"{v:.{nd}f} {unit}".strip()


def figures(r):
    st = r.get("status") or {}
    return {
        "startup": r.get("startup_s"),
        "rss": r["rss_kb"] / 1024 if "rss_kb" in r else None,
        "pss": r["pss_kb"] / 1024 if "pss_kb" in r else None,
        "restart": r.get("restart_p50_ms"),
        "restart99": r.get("restart_p99_ms"),
        "idle": r.get("idle_per_s"),
        "status": st.get("median_ms"),
        "floor": r.get("floor_true_ms"),
    }


def verdict(key, sd, res):
    bare = figures(res.get("bare", {})).get(key) if "bare" in res else None
    s6 = figures(res.get("s6", {})).get(key) if "s6" in res else None
    sv = figures(res.get("runit", {})).get("status") if "runit" in res else None
    if sd is None:
        return "no result"
    if key == "startup":
        if bare is None or s6 is None:
            return "no peers"
        a, b = sd <= 1.2 * bare, s6 / sd >= 3
        return (f"{'met' if a else '**missed**'} ({sd / bare:.2f}× bare);"
                f" {'met' if b else '**missed**'} ({s6 / sd:.2f}× faster than s6)")
    elif key == "rss":
        ok = sd <= 8
    elif key == "restart":
        ok = sd <= 1.0
        if bare:
            return (f"{'met' if ok else '**missed**'} (absolute); {sd / bare:.2f}× bare"
                    f" (the issue's 1.0 ms ÷ 0.76 ms = 1.32×)")
    elif key == "idle":
        ok = sd == 0
    elif key == "status":
        ok = sv is not None and sd <= sv
        if sv:
            return f"{'met' if ok else '**missed**'} ({sd / sv:.2f}× `sv status`)"
    return "met" if ok else "**missed**"


def report(res, meta):
    order = [c.name for c in ALL if c.name in res]
    labels = {c.name: c.label for c in ALL}
    figs = {n: figures(res[n]) for n in order}
    rows = [
        ("startup", f"{N} services from start to all exec'd (median of {STARTUP_ROUNDS})", "s", 3),
        ("rss", "supervisor memory, RSS of its own processes", "MB", 1),
        ("pss", "supervisor memory, PSS", "MB", 1),
        ("restart", "restart latency, kill -9 → replacement exec'd, p50", "ms", 3),
        ("restart99", "restart latency, p99", "ms", 3),
        ("idle", f"wake-ups while idle (context switches/s over {IDLE:.0f} s)", "/s", 1),
        ("status", "one status query, whole command (median)", "ms", 3),
        ("floor", "exec of /bin/true at the same moment (median)", "ms", 3),
    ]

    def cell(n, key, unit, nd):
        v = figs[n][key]
        s = fmt(v, unit, nd)
        if key == "rss" and v is not None:
            s += f" ({res[n]['processes']} proc)"
        if key == "status" and n == "bare":
            s += " (/bin/true)"
        return s

    lines = []
    lines.append("| figure | " + " | ".join(labels[n] for n in order) + " |")
    lines.append("|---|" + "---|" * len(order))
    for key, title, unit, nd in rows:
        lines.append(f"| {title} | " + " | ".join(cell(n, key, unit, nd) for n in order) + " |")
    table = "\n".join(lines)

    # ratios: every supervisor against the bare loop and against s6
    others = [n for n in order if n != "bare"]
    rl = ["| figure | " + " | ".join(f"{labels[n]} ÷ bare" for n in others)
          + " | " + " | ".join(f"{labels[n]} ÷ s6" for n in others if n != "s6") + " |",
          "|---|" + "---|" * (2 * len(others) - (1 if "s6" in others else 0))]

    def ratio(a, b):
        if a is None or b is None:
            return "—"
        if b == 0:
            return "— (÷0)" if a else "= (0)"
        x = a / b
        return f"{x:.2f}×" if x >= 0.1 or x == 0 else f"1/{1 / x:.0f}"
    for key, title, unit, nd in rows:
        if key in ("pss", "restart99", "floor"):
            continue
        cells = [ratio(figs[n][key], figs.get("bare", {}).get(key)) for n in others]
        cells += [ratio(figs[n][key], figs.get("s6", {}).get(key)) for n in others if n != "s6"]
        rl.append(f"| {title} | " + " | ".join(cells) + " |")
    ratios = "\n".join(rl)

    # targets
    tl = ["| figure | issue's peers (bare / runit / s6 / supervisord) | superd target |"
          " superd, this run | verdict |", "|---|---|---|---|---|"]
    sd = figs.get("superd", {})
    for key, title, unit, nd in rows:
        if key not in TARGETS:
            continue
        ref = " / ".join(ISSUE[key][k] for k in ("bare", "runit", "s6", "supervisord"))
        tl.append(f"| {title} | {ref} | {TARGETS[key]} | {fmt(sd.get(key), unit, nd)} |"
                  f" {verdict(key, sd.get(key), res)} |")
    targets = "\n".join(tl)

    extra = []
    for n in order:
        r = res[n]
        sr = r.get("startup_rounds_s") or []
        bits = [f"{r.get('started', '?')}/{N} started",
                "start-up rounds " + ", ".join(f"{x:.3f}" for x in sr) + " s",
                f"{r.get('payloads_running', '?')} payloads running after settle",
                f"{len(r.get('restart_ms', []))} kills measured ({r.get('restart_missed', '?')} missed)",
                f"max restart {fmt(r.get('restart_max_ms'), 'ms', 3)}",
                f"idle: {r.get('idle_ctxsw', '?')} ctx switches, "
                f"{r.get('idle_restarts', '?')} unexpected restarts"]
        if "loop_wakeups" in r:
            bits.append(f"LoopWakeups +{r['loop_wakeups']} in {IDLE:.0f} s"
                        f" (net of the {r.get('loop_wakeups_per_query')} of the `show` that reads it)")
        if "stop_s" in r:
            bits.append(f"orderly stop of {N} services {r['stop_s']:.3f} s")
        st = r.get("status")
        if st:
            bits.append(f"status `{st['cmd']}`: {st['runs']} runs via {st['tool']},"
                        f" mean {st['mean_ms']:.3f} ms, exit {st['exit']}")
        if "error" in r:
            bits.append(f"ERROR: {r['error']}")
        extra.append(f"- {labels[n]}: " + "; ".join(bits))

    head = (f"Machine: {meta['nproc']} CPUs ({meta['cpu']}), {meta['mem']}, kernel "
            f"{meta['kernel']}, {meta['os']}; {meta['date']}.  \n"
            f"Load average at start {meta['loadavg']}, at end {meta.get('loadavg_end', '?')}"
            f" (anything else running on the machine shows up as noise, mostly in the"
            f" restart latencies).  \n"
            f"Versions: {meta['versions']}; superd at commit {meta['commit']}.  \n"
            f"Command: `make bench` ({N} services, {STARTUP_ROUNDS} start-ups each, {KILLS} kills"
            f" ({SLOW_KILLS} for supervisord), {IDLE:.0f} s idle window,"
            f" {STATUS_RUNS} status runs ({SLOW_STATUS_RUNS} for supervisorctl)).")
    return "\n\n".join([head, "### Results\n\n" + table, "### Ratios\n\n" + ratios,
                        "### superd against the issue's targets\n\n" + targets,
                        "### Run details\n\n" + "\n".join(extra)]) + "\n"


def machine():
    def sh(*a):
        try:
            return subprocess.run(a, capture_output=True, text=True, timeout=10).stdout.strip()
        except Exception:
            return "?"
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = "?"
    try:
        with open("/proc/meminfo") as f:
            mem = f"{int(f.readline().split()[1]) / 1048576:.1f} GiB RAM"
    except OSError:
        pass
    osr = "?"
    try:
        with open("/etc/os-release") as f:
            for line in f:
                if line.startswith("PRETTY_NAME="):
                    osr = line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    vers = []
    for p in ("runit", "s6", "supervisor", "hyperfine"):
        v = sh("dpkg-query", "-W", "-f=${Version}", p)
        if v:
            vers.append(f"{p} {v}")
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    head = sh("git", "-C", repo, "rev-parse", "--short", "HEAD") or "?"
    if sh("git", "-C", repo, "status", "--porcelain", "--untracked-files=no", "src"):
        head += " (src/ had uncommitted changes)"
    return {"commit": head,
            "loadavg": " ".join(open("/proc/loadavg").read().split()[:3]),
            "nproc": os.cpu_count(), "cpu": cpu, "mem": mem, "kernel": platform.release(),
            "os": osr, "date": time.strftime("%Y-%m-%d %H:%M %Z"),
            "versions": ", ".join(vers) + f", {sh(os.path.join(sys.argv[1], 'superd'), '--version') or 'superd ?'}"}


def update_doc(path, text):
    begin, end = "<!-- bench:begin -->", "<!-- bench:end -->"
    try:
        with open(path) as f:
            doc = f.read()
    except OSError:
        return False
    if begin not in doc or end not in doc:
        return False
    a = doc.index(begin) + len(begin)
    b = doc.index(end)
    with open(path, "w") as f:
        f.write(doc[:a] + "\n" + text + doc[b:])
    return True


def main():
    build, work, bins = (os.path.abspath(a) for a in sys.argv[1:4])
    os.environ[MARK] = work
    # Orphans (a supervisor's children once it is killed) come back to us.
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER

    meta = machine()
    res = {}
    t = time.monotonic()
    for cls in ALL:
        if ONLY and cls.name not in ONLY:
            continue
        res[cls.name] = run_one(cls, build, work, bins)
    log(f"== done in {time.monotonic() - t:.0f} s")
    meta["loadavg_end"] = " ".join(open("/proc/loadavg").read().split()[:3])
    if float(meta["loadavg"].split()[0]) > 0.5 * (os.cpu_count() or 1):
        log(f"WARNING: load average was {meta['loadavg']} at start: other work on this"
            " machine makes the figures noisy")

    text = report(res, meta)
    print()
    print(text)
    write_results(build, "bench-results", meta, res, text)
    doc = os.environ.get("BENCH_UPDATE_DOC")
    if doc:
        if update_doc(doc, text):
            log(f"updated the results section of {doc}")
        else:
            log(f"{doc}: no <!-- bench:begin/end --> markers, not updated")
    return 0 if all("error" not in r for r in res.values()) else 1


if __name__ == "__main__":
    sys.exit(main())

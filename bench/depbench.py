#!/usr/bin/python3
"""superd's dependency benchmark (issue 3): time to start N services (default
500) that depend on each other, against runit, s6 and a bare C loop.

    depbench.py SUPERD_DIR WORK_DIR BIN_DIR      (bench/run.sh BUILD depbench.py,
                                                  i.e. `make bench-deps`)

Scenarios:
  chain  svc1 <- svc2 <- ... <- svcN: svc{i} requires svc{i-1} and starts
         only once svc{i-1} is ready;
  fan    svc0 and svc1..svc{N-1}, each requiring svc0 and starting only once
         svc0 is ready.

The payload is bench/stamp.c in its READY form: it writes its exec time
(CLOCK_MONOTONIC) to a FIFO, then says it is ready (sd_notify's READY=1 for
superd, a newline on fd 3 for s6 and the bare loop). Time = from just before
the supervisor is spawned to the last of the N stamps, bounded by 60 s; the
median of DEP_ROUNDS (3) start-ups, each from a fresh tree.

How each expresses the dependency:
  bare          a C loop (compiled from the source below): fork/exec svc{i}
                only once svc{i-1} wrote its readiness newline (the floor);
  superd        Requires= + After= on the previous unit (chain) or on svc0
                (fan), Type=notify, every unit enabled into
                multi-user.target (the default target at boot); also with
                Type=exec (ready = exec'd), and the chain once more with
                nothing enabled and `superctl start svcN` (timed from the
                superctl spawn, superd already up);
  runit         run script `sv start ../svc{i-1} || exit 1; exec stamp ...`
                (runit's documented way; runit has no readiness, "up" is
                "runsv forked ./run");
  s6            s6-rc is not packaged in Debian 12, so plain s6: run script
                `s6-svwait -U ../svc{i-1} || exit 1; exec stamp ...` with
                notification-fd 3 (-U: up and ready);
  supervisord   cannot express a dependency (priority= orders the spawns
                but waits for nothing): left out.

Knobs: BENCH_N=500, DEP_ROUNDS=3, BENCH_ONLY=bare,superd,superd-exec,
superd-ctl,runit,s6, DEP_SCENARIOS=chain,fan, BENCH_OUT=DIR.
"""

import os
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (Stamps, kill_tree, machine, ...)
from bench import MARK, Stamps, kill_tree, log, mono_ns  # noqa: E402

N = int(os.environ.get("BENCH_N", "500"))
ROUNDS = int(os.environ.get("DEP_ROUNDS", "3"))
ONLY = [s for s in os.environ.get("BENCH_ONLY", "").split(",") if s]
SCENARIOS = [s for s in os.environ.get("DEP_SCENARIOS", "chain,fan").split(",") if s]
START_TIMEOUT = 60.0

# The floor: one process, no configuration. chainloop chain|fan N STAMP FIFO
# Each child gets the write end of a pipe as fd 3 and runs
# "STAMP FIFO svcI fd:3"; the loop waits for its newline (readiness) before
# spawning what depends on it. Then it waits for SIGTERM/SIGINT (kills its
# children) and nothing else: no respawn, it only measures start-up.
CHAINLOOP_C = r"""
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char *stamp, *fifo;
static pid_t *pids;

static int spawn(int i) {
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
        return -1;
    char tag[32];
    snprintf(tag, sizeof tag, "svc%d", i);
    pid_t pid = fork();
    if (pid == 0) {
        if (dup2(p[1], 3) < 0)
            _exit(127);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        setsid();
        char *argv[] = { stamp, fifo, tag, "fd:3", NULL };
        execv(stamp, argv);
        _exit(127);
    }
    close(p[1]);
    pids[i] = pid;
    return p[0];
}

static void wait_ready(int fd) {
    char c;
    while (read(fd, &c, 1) < 0) {}
    close(fd);
}

int main(int argc, char **argv) {
    if (argc != 5)
        return 2;
    int n = atoi(argv[2]);
    stamp = argv[3];
    fifo = argv[4];
    pids = calloc((size_t) n + 1, sizeof *pids);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigprocmask(SIG_BLOCK, &set, NULL);
    signal(SIGCHLD, SIG_IGN); /* children are never respawned here */
    if (strcmp(argv[1], "chain") == 0) {
        for (int i = 1; i <= n; i++)
            wait_ready(spawn(i));
    } else {
        wait_ready(spawn(0));
        int *fds = calloc((size_t) n, sizeof *fds);
        for (int i = 1; i < n; i++)
            fds[i] = spawn(i);
        for (int i = 1; i < n; i++)
            wait_ready(fds[i]);
    }
    int sig;
    sigwait(&set, &sig);
    for (int i = 0; i <= n; i++)
        if (pids[i] > 0)
            kill(pids[i], SIGKILL);
    return 0;
}
"""


def tags(scen):
    return [f"svc{i}" for i in range(1, N + 1)] if scen == "chain" else \
           [f"svc{i}" for i in range(0, N)]


def deps(scen, i):
    """The service svc{i} depends on, or None."""
    if scen == "chain":
        return f"svc{i - 1}" if i > 1 else None
    return "svc0" if i > 0 else None


def indices(scen):
    return range(1, N + 1) if scen == "chain" else range(0, N)


class Sup:
    name = label = "?"

    def __init__(self, work, bins, build, scen, rnd):
        self.dir = os.path.join(work, f"{self.name}-{scen}-{rnd}")
        os.makedirs(self.dir)
        self.bins, self.build, self.scen = bins, build, scen
        self.stamp = os.path.join(bins, "stamp")
        self.fifo = os.path.join(self.dir, "stamps.fifo")
        self.out = open(os.path.join(self.dir, "stdout.log"), "wb")
        self.proc = None

    def env(self):
        e = dict(os.environ)
        e["STAMP_FIFO"] = self.fifo
        return e

    def spawn(self, argv):
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=self.out,
                                     stderr=subprocess.STDOUT, env=self.env(),
                                     start_new_session=True)
        return self.proc

    def setup(self):
        pass

    def before(self):
        """Anything to do before t0 (superd-ctl: start superd)."""

    def start(self):
        raise NotImplementedError

    def failures(self):
        """Lines in the supervisor's output that tell of a failed start."""
        try:
            with open(os.path.join(self.dir, "stdout.log"), "rb") as f:
                text = f.read().decode(errors="replace")
        except OSError:
            return 0
        return sum(1 for line in text.splitlines()
                   if any(w in line for w in ("fail", "fatal", "timeout", "warning", "Failed")))


class Bare(Sup):
    name, label = "bare", "bare C loop"

    def start(self):
        self.spawn([os.path.join(self.bins, "chainloop"), self.scen, str(N), self.stamp,
                    self.fifo])


class Superd(Sup):
    name, label = "superd", "superd (Type=notify)"
    svc_type, ready = "notify", "notify"
    enable = True

    def setup(self):
        units = os.path.join(self.dir, "etc/superd/units")
        wants = os.path.join(units, "multi-user.target.wants")
        os.makedirs(wants)
        for i in indices(self.scen):
            t, d = f"svc{i}", deps(self.scen, i)
            unit = "[Unit]\n"
            if d:
                unit += f"Requires={d}.service\nAfter={d}.service\n"
            unit += (f"[Service]\nType={self.svc_type}\n"
                     f"ExecStart={self.stamp} {self.fifo} {t} {self.ready}\n"
                     "[Install]\nWantedBy=multi-user.target\n")
            with open(os.path.join(units, t + ".service"), "w") as f:
                f.write(unit)
            if self.enable:
                os.symlink(f"../{t}.service", os.path.join(wants, t + ".service"))
        self.ctl = [os.path.join(self.build, "superctl"), "--root", self.dir]

    def start(self):
        self.spawn([os.path.join(self.build, "superd"), "-f", "--root", self.dir])

    def failures(self):
        try:
            r = subprocess.run(self.ctl + ["list-units", "--state=failed", "--no-legend"],
                               capture_output=True, text=True, timeout=20)
            return sum(1 for line in r.stdout.splitlines() if ".service" in line)
        except Exception:
            return 0


class SuperdExec(Superd):
    name, label = "superd-exec", "superd (Type=exec)"
    svc_type, ready = "exec", "-"


class SuperdCtl(Superd):
    """Nothing enabled; superd up first, then `superctl start svcN`."""
    name, label = "superd-ctl", "superd, `superctl start` (Type=notify)"
    enable = False
    scenarios = ("chain",)
    ctl_proc = None

    def before(self):
        Superd.start(self)
        end = time.monotonic() + 20
        while time.monotonic() < end:
            r = subprocess.run(self.ctl + ["show", "-p", "Version"], capture_output=True,
                               timeout=10)
            if r.returncode == 0:
                time.sleep(0.3)  # let its start-up work finish
                return
            time.sleep(0.05)
        raise RuntimeError("superd did not answer within 20 s")

    def start(self):
        self.ctl_t0 = mono_ns()
        self.ctl_proc = subprocess.Popen(self.ctl + ["start", f"svc{N}"],
                                         stdin=subprocess.DEVNULL, stdout=self.out,
                                         stderr=subprocess.STDOUT)


class Runit(Sup):
    name, label = "runit", "runit"

    def setup(self):
        self.sv = os.path.join(self.dir, "service")
        os.makedirs(self.sv)
        for i in indices(self.scen):
            t, d = f"svc{i}", deps(self.scen, i)
            os.makedirs(os.path.join(self.sv, t))
            run = os.path.join(self.sv, t, "run")
            with open(run, "w") as f:
                f.write("#!/bin/sh\n")
                if d:
                    f.write(f"sv start ../{d} || exit 1\n")
                f.write(f"exec {self.stamp} {self.fifo} {t}\n")
            os.chmod(run, 0o755)

    def start(self):
        self.spawn(["runsvdir", self.sv])


class S6(Sup):
    name, label = "s6", "s6 (s6-svwait)"

    def setup(self):
        self.sv = os.path.join(self.dir, "scandir")
        os.makedirs(self.sv)
        for i in indices(self.scen):
            t, d = f"svc{i}", deps(self.scen, i)
            os.makedirs(os.path.join(self.sv, t))
            with open(os.path.join(self.sv, t, "notification-fd"), "w") as f:
                f.write("3\n")
            run = os.path.join(self.sv, t, "run")
            with open(run, "w") as f:
                f.write("#!/bin/sh\n")
                if d:
                    f.write(f"s6-svwait -U ../{d} || exit 1\n")
                f.write(f"exec {self.stamp} {self.fifo} {t} fd:3\n")
            os.chmod(run, 0o755)

    def start(self):
        self.spawn(["s6-svscan", "-c", str(max(1000, 2 * N)), self.sv])


ALL = [Bare, Superd, SuperdExec, SuperdCtl, Runit, S6]


def order_violations(scen, first):
    """Services whose stamp came before the stamp of what they depend on."""
    bad = 0
    for i in indices(scen):
        d = deps(scen, i)
        if d and d in first and f"svc{i}" in first and first[f"svc{i}"][1] < first[d][1]:
            bad += 1
    return bad


def run_one(cls, scen, build, work, bins):
    label = cls.label
    log(f"== {label}: {scen} of {N}")
    sups = [cls(work, bins, build, scen, k) for k in range(ROUNDS)]
    for s in sups:
        s.setup()
    # Trees written well before the start (Debian's runsvdir waits a second
    # when its directory changed within the current second).
    time.sleep(1.1)
    want = set(tags(scen))
    r = {"rounds_s": [], "violations": [], "failures": [], "started": []}
    if cls is SuperdCtl:
        r["ctl_return_s"] = []
    for k, s in enumerate(sups):
        stamps = Stamps(s.fifo)
        try:
            s.before()
            t0 = mono_ns()
            s.start()
            ok = stamps.wait(lambda new: want <= stamps.first.keys(), START_TIMEOUT)
            got = len(want & stamps.first.keys())
            r["started"].append(got)
            if not ok:
                log(f"   round {k + 1}: only {got}/{N} started within {START_TIMEOUT:.0f} s")
                r["rounds_s"].append(None)
            else:
                if cls is SuperdCtl:
                    t0 = s.ctl_t0
                last = max(ns for _, ns in stamps.first.values())
                r["rounds_s"].append((last - t0) / 1e9)
            r["violations"].append(order_violations(scen, stamps.first))
            if cls is SuperdCtl and s.ctl_proc is not None:
                try:
                    s.ctl_proc.wait(timeout=10)
                    r["ctl_return_s"].append((mono_ns() - s.ctl_t0) / 1e9)
                    r["ctl_exit"] = s.ctl_proc.returncode
                except subprocess.TimeoutExpired:
                    r["ctl_return_s"].append(None)
            time.sleep(0.3)
            r["failures"].append(s.failures())
            log(f"   round {k + 1}: {r['rounds_s'][-1]} s, {got}/{N} exec'd,"
                f" {r['violations'][-1]} order violations, {r['failures'][-1]} failure lines")
        except Exception as e:
            r["error"] = str(e)
            log(f"   ERROR: {e}")
        finally:
            stamps.close()
            ctl = getattr(s, "ctl_proc", None)
            if ctl is not None and ctl.poll() is None:
                ctl.kill()
                ctl.wait()
            if not kill_tree(s.proc.pid if s.proc else 0, s.stamp):
                log("   WARNING: some processes survived the clean-up")
            bench.remove_superd_cgroups(s.dir)
            s.out.close()
    done = [x for x in r["rounds_s"] if x is not None]
    r["median_s"] = statistics.median(done) if len(done) == len(r["rounds_s"]) and done else None
    return r


def report(res, meta):
    labels = {c.name: c.label for c in ALL}
    cols = [c.name for c in ALL if any(c.name in res[s] for s in res)]
    out = []
    hdr = "| scenario | " + " | ".join(labels[c] for c in cols) + " |"
    out += [hdr, "|---|" + "---|" * len(cols)]

    def get(scen, c):
        return res.get(scen, {}).get(c, {}).get("median_s")

    for scen in res:
        title = (f"chain of {N} (svc1 ← … ← svc{N})" if scen == "chain"
                 else f"fan: svc0 + {N - 1} requiring it")
        cells = []
        for c in cols:
            v = get(scen, c)
            cells.append("—" if c not in res[scen] else
                         ("did not finish" if v is None else f"{v:.3f} s"))
        out.append(f"| {title}, start to last exec (median of {ROUNDS}) | " + " | ".join(cells) + " |")
    for scen in res:
        cells = []
        for c in cols:
            x = res[scen].get(c)
            cells.append("—" if not x else str(max(x["violations"] or [0])))
        out.append(f"| {scen}: services exec'd before what they depend on (worst round) | "
                   + " | ".join(cells) + " |")
    table = "\n".join(out)

    def ratio(a, b):
        return "—" if a is None or b is None or b == 0 else f"{a / b:.2f}×"
    others = [c for c in cols if c != "bare"]
    rl = ["| scenario | " + " | ".join(f"{labels[c]} ÷ bare" for c in others) + " | "
          + " | ".join(f"{labels[c]} ÷ s6" for c in others if c != "s6") + " |",
          "|---|" + "---|" * (2 * len(others) - (1 if "s6" in others else 0))]
    for scen in res:
        cells = [ratio(get(scen, c), get(scen, "bare")) for c in others]
        cells += [ratio(get(scen, c), get(scen, "s6")) for c in others if c != "s6"]
        rl.append(f"| {scen} | " + " | ".join(cells) + " |")
    ratios = "\n".join(rl)

    det = []
    for scen in res:
        for c in cols:
            x = res[scen].get(c)
            if not x:
                continue
            bits = ["rounds " + ", ".join("—" if v is None else f"{v:.3f}" for v in x["rounds_s"]) + " s",
                    "exec'd " + ", ".join(str(v) for v in x["started"]),
                    "order violations " + ", ".join(str(v) for v in x["violations"]),
                    "failure lines " + ", ".join(str(v) for v in x["failures"])]
            if "ctl_return_s" in x:
                bits.append("`superctl start` returned after " + ", ".join(
                    "—" if v is None else f"{v:.3f}" for v in x["ctl_return_s"])
                    + f" s (exit {x.get('ctl_exit')})")
            if "error" in x:
                bits.append("ERROR: " + x["error"])
            det.append(f"- {scen}, {labels[c]}: " + "; ".join(bits))
    head = (f"Machine: {meta['nproc']} CPUs ({meta['cpu']}), {meta['mem']}, kernel "
            f"{meta['kernel']}, {meta['os']}; {meta['date']}.  \n"
            f"Load average at start {meta['loadavg']}, at end {meta.get('loadavg_end', '?')}.  \n"
            f"Versions: {meta['versions']}; superd at commit {meta['commit']}.  \n"
            f"Command: `make bench-deps` ({N} services, {ROUNDS} start-ups each from a fresh tree).")
    return "\n\n".join([head, table, "Ratios (medians):\n\n" + ratios,
                        "Run details:\n\n" + "\n".join(det)]) + "\n"


def main():
    build, work, bins = (os.path.abspath(a) for a in sys.argv[1:4])
    os.environ[MARK] = work
    import ctypes
    ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    src = os.path.join(work, "chainloop.c")
    with open(src, "w") as f:
        f.write(CHAINLOOP_C)
    subprocess.run([os.environ.get("CC", "cc"), "-O2", "-Wall", "-o",
                    os.path.join(bins, "chainloop"), src], check=True)

    meta = bench.machine()
    res = {}
    t = time.monotonic()
    for scen in SCENARIOS:
        res[scen] = {}
        for cls in ALL:
            if ONLY and cls.name not in ONLY:
                continue
            if scen not in getattr(cls, "scenarios", ("chain", "fan")):
                continue
            res[scen][cls.name] = run_one(cls, scen, build, work, bins)
    log(f"== done in {time.monotonic() - t:.0f} s")
    meta["loadavg_end"] = " ".join(open("/proc/loadavg").read().split()[:3])
    text = report(res, meta)
    print()
    print(text)
    bench.write_results(build, "bench-deps", meta, res, text)
    return 0 if all("error" not in x for s in res.values() for x in s.values()) else 1


if __name__ == "__main__":
    sys.exit(main())

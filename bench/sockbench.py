#!/usr/bin/env python3
"""Socket benchmarks (make bench-sockets): superd's socket units against
xinetd, openbsd-inetd, tcpserver (ucspi-tcp), systemd-socket-activate and
bare C baselines, in one run on one machine.

1. Per-connection spawn of /bin/cat: N connections (connect, send "x\\n",
   half-close, read the echo to EOF) at concurrency 1, 16, 64; connections
   per second and p99 latency. superd runs with its access checks and limits
   switched on (IPAddressAllow/Deny, MaxConnections, MaxConnectionsPerSource,
   a trigger limit far above the rate).
2. Echo: superd's Builtin=echo, xinetd's and openbsd-inetd's internal echo,
   and a bare single-threaded epoll echo server: 64-byte round trips on 1
   and 32 connections, 1 GB bulk, N short connections at concurrency 16.

Usage: sockbench.py BUILD_DIR [--n 3000] [--rounds 3] [--echo-rounds 5] [--markdown FILE]
Each figure is the median of the rounds; a round runs every server in turn.
Missing competitors are skipped (and say so). Needs root (xinetd/inetd bind
and run as root here) and a C compiler.
"""
import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
HOST = "127.0.0.1"


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def wait_port(port, timeout=10):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            socket.create_connection((HOST, port), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


def build(tmp):
    out = {}
    for name, extra in (("sockload", ["-lpthread"]), ("sockservers", [])):
        exe = Path(tmp) / name
        subprocess.run(["cc", "-O2", "-o", str(exe), str(HERE / f"{name}.c"), *extra], check=True)
        out[name] = str(exe)
    return out


def load(tools, mode, port, *args):
    r = subprocess.run([tools["sockload"], mode, HOST, str(port), *map(str, args)], capture_output=True,
                       text=True, timeout=600)
    kv = dict(x.split("=", 1) for x in r.stdout.split())
    return float(kv.get("rate", 0)), float(kv.get("p99_ms", 0)), int(kv.get("failures", 0))


class Proc:
    def __init__(self, argv, **kw):
        self.p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                  start_new_session=True, **kw)

    def stop(self):
        try:
            os.killpg(self.p.pid, signal.SIGTERM)
            self.p.wait(10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(self.p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


# ---- servers: each returns (stop_fn, port) or None when unavailable -------

def superd_server(build_dir, tmp, kind, env=None):
    root = Path(tempfile.mkdtemp(prefix="sb-", dir="/tmp"))
    units = root / "etc/superd/units"
    units.mkdir(parents=True)
    port = free_port()
    limits = ("IPAddressDeny=any\nIPAddressAllow=127.0.0.0/8\nMaxConnections=1024\n"
              "MaxConnectionsPerSource=1024\nTriggerLimitIntervalSec=1s\nTriggerLimitBurst=1000000\n"
              "Backlog=4096\n")
    if kind == "cat":
        (units / "b.socket").write_text(f"[Socket]\nListenStream={HOST}:{port}\nAccept=yes\n{limits}")
        (units / "b@.service").write_text("[Service]\nExecStart=/bin/cat\nStandardError=null\n")
    else:
        (units / "b.socket").write_text(f"[Socket]\nListenStream={HOST}:{port}\nBuiltin=echo\n{limits}")
    p = Proc([f"{build_dir}/superd", "-f", "--root", str(root)], env=env)
    ctl = [f"{build_dir}/superctl", "--root", str(root)]
    for _ in range(100):
        if subprocess.run(ctl + ["start", "b.socket"], capture_output=True).returncode == 0:
            break
        time.sleep(0.05)
    wait_port(port)

    def stop():
        subprocess.run(ctl + ["exit"], capture_output=True, timeout=60)
        p.stop()
        shutil.rmtree(root, ignore_errors=True)
    return stop, port


def xinetd_server(build_dir, tmp, kind):
    exe = shutil.which("xinetd")
    if not exe:
        return None
    port = free_port()
    conf = Path(tmp) / f"xinetd-{kind}.conf"
    body = ("type = INTERNAL UNLISTED\nid = echo-stream\n" if kind == "echo"
            else "type = UNLISTED\nserver = /bin/cat\n")
    conf.write_text("defaults\n{\n}\nservice " + ("echo" if kind == "echo" else "benchcat") + "\n{\n" + body +
                    f"socket_type = stream\nprotocol = tcp\nwait = no\nuser = root\nport = {port}\n"
                    f"bind = {HOST}\ninstances = UNLIMITED\nper_source = UNLIMITED\ncps = 1000000 1\n}}\n")
    p = Proc([exe, "-f", str(conf), "-dontfork", "-pidfile", str(Path(tmp) / "x.pid")])
    if not wait_port(port):
        p.stop()
        return None
    return p.stop, port


def inetd_server(build_dir, tmp, kind):
    exe = shutil.which("inetd") or ("/tmp/obsd/root/usr/sbin/inetd" if Path("/tmp/obsd/root/usr/sbin/inetd").exists()
                                    else None)
    if not exe:
        return None
    if kind == "echo":
        port = 7
        line = f"{HOST}:echo stream tcp nowait.100000000 root internal\n"
    else:
        port = free_port()
        line = f"{HOST}:{port} stream tcp nowait.100000000 root /bin/cat cat\n"
    conf = Path(tmp) / f"inetd-{kind}.conf"
    conf.write_text(line)
    p = Proc([exe, "-i", "-q", "4096", "-R", "100000000", str(conf)])
    if not wait_port(port):
        p.stop()
        return None
    return p.stop, port


def tcpserver_server(build_dir, tmp, kind):
    exe = shutil.which("tcpserver")
    if not exe:
        return None
    port = free_port()
    p = Proc([exe, "-c", "1024", "-b", "4096", "-HRl0", HOST, str(port), "/bin/cat"])
    if not wait_port(port):
        p.stop()
        return None
    return p.stop, port


def ssa_server(build_dir, tmp, kind):
    exe = shutil.which("systemd-socket-activate")
    if not exe:
        return None
    port = free_port()
    p = Proc([exe, "-l", f"{HOST}:{port}", "-a", "--inetd", "/bin/cat"])
    if not wait_port(port):
        p.stop()
        return None
    return p.stop, port


def bare_server(tools, kind):
    port = free_port()
    argv = ([tools["sockservers"], kind, str(port), "/bin/cat"] if kind in ("forkexec", "spawn")
            else [tools["sockservers"], "echo", str(port)])
    p = Proc(argv)
    wait_port(port)
    return p.stop, port


def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2]


def run_rounds(servers, rounds, measure):
    """Runs measure(port) -> tuple of figures for every server, `rounds`
    times, servers interleaved (so a noisy minute hits all of them), and
    keeps the median of each figure."""
    got = {name: [] for name, _ in servers}
    for rnd in range(rounds):
        for name, start in servers:
            s = start()
            if not s:
                if rnd == 0:
                    print(f"  {name}: not available, skipped", flush=True)
                continue
            stop, port = s
            try:
                res = measure(port)
            finally:
                stop()
            got[name].append(res)
            print(f"  round {rnd + 1} {name}: {res}", flush=True)
    rows = []
    for name, _ in servers:
        runs = got[name]
        if runs:
            rows.append((name, tuple(median([r[i] for r in runs]) for i in range(len(runs[0])))))
    return rows


def run_spawn(build_dir, tools, tmp, n, rounds):
    servers = [
        ("superd (Accept=yes, checks on)", lambda: superd_server(build_dir, tmp, "cat")),
        ("superd, SUPERD_CGROUPS=no", lambda: superd_server(build_dir, tmp, "cat",
                                                            dict(os.environ, SUPERD_CGROUPS="no"))),
        ("bare accept-fork-exec loop", lambda: bare_server(tools, "forkexec")),
        ("bare accept-posix_spawn loop", lambda: bare_server(tools, "spawn")),
        ("tcpserver", lambda: tcpserver_server(build_dir, tmp, "cat")),
        ("systemd-socket-activate -a", lambda: ssa_server(build_dir, tmp, "cat")),
        ("xinetd", lambda: xinetd_server(build_dir, tmp, "cat")),
        ("openbsd-inetd", lambda: inetd_server(build_dir, tmp, "cat")),
    ]

    def measure(port):
        load(tools, "spawn", port, 200, 4)  # warm-up
        return tuple(load(tools, "spawn", port, n, c)[:2] for c in (1, 16, 64))
    # a row: (name, ((rate, p99) at c=1, at c=16, at c=64)); medians per figure
    rows = run_rounds(servers, rounds, lambda port: tuple(x for pair in measure(port) for x in pair))
    return [(name, tuple((v[2 * i], v[2 * i + 1]) for i in range(3))) for name, v in rows]


def run_echo(build_dir, tools, tmp, n, bulk, rounds):
    servers = [
        ("bare epoll echo", lambda: bare_server(tools, "echo")),
        ("superd Builtin=echo (checks on)", lambda: superd_server(build_dir, tmp, "echo")),
        ("xinetd internal echo", lambda: xinetd_server(build_dir, tmp, "echo")),
        ("openbsd-inetd internal echo", lambda: inetd_server(build_dir, tmp, "echo")),
    ]

    def measure(port):
        return (load(tools, "rtt", port, 1, 3)[0], load(tools, "rtt", port, 32, 3)[0],
                load(tools, "bulk", port, bulk)[0], load(tools, "short", port, n, 16)[0])
    return run_rounds(servers, rounds, measure)


def markdown(spawn, echo, n, bulk, rounds, echo_rounds):
    out = ["## Socket activation (make bench-sockets)", "",
           f"Per-connection spawn of `/bin/cat`, {n} connections per level: connections per second "
           "(p99 latency), concurrency 1 / 16 / 64. superd runs an `Accept=yes` socket with "
           "IPAddressAllow/Deny, MaxConnections, MaxConnectionsPerSource and a trigger limit on. "
           f"Each figure is the median of {rounds} rounds; every round runs all servers in turn.", "",
           "| server | c=1 | c=16 | c=64 |", "|---|---|---|---|"]
    for name, res in spawn:
        out.append(f"| {name} | " + " | ".join(f"{r:.0f} ({p:.1f} ms)" for r, p in res) + " |")
    bares = [res for name, res in spawn if name.startswith("bare")]
    base = [max(b[i][0] for b in bares) for i in range(3)] if bares else None
    sup = next((res for name, res in spawn if name.startswith("superd (")), None)
    if base and sup:
        out.append("")
        out.append("superd / the better bare loop: " + " / ".join(f"{s[0] / b:.2f}" for s, b in zip(sup, base)))
        for other in ("tcpserver", "xinetd", "openbsd-inetd"):
            o = next((res for name, res in spawn if name == other), None)
            if o:
                out.append(f"superd / {other}: " + " / ".join(f"{s[0] / x[0]:.2f}" for s, x in zip(sup, o)))
    out += ["", f"Echo: 64-byte round trips per second on 1 and 32 connections, {bulk // 10**6} MB bulk "
                f"(MB/s), {n} short connections at concurrency 16 (per second); medians of {echo_rounds} "
                "rounds.", "",
            "| server | rtt x1 | rtt x32 | bulk MB/s | short conn/s |", "|---|---|---|---|---|"]
    for name, (a, b, c, d) in echo:
        out.append(f"| {name} | {a:.0f} | {b:.0f} | {c:.0f} | {d:.0f} |")
    bare = next((v for name, v in echo if name.startswith("bare")), None)
    if bare:
        out.append("")
        for name, v in echo:
            if not name.startswith("bare"):
                out.append(f"{name} / bare epoll: " + " / ".join(f"{x / y:.2f}" if y else "-"
                                                                 for x, y in zip(v, bare)))
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--n", type=int, default=3000)
    ap.add_argument("--bulk", type=int, default=10**9)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--echo-rounds", type=int, default=5,
                    help="echo rounds are short and the loopback figures noisy: more of them")
    ap.add_argument("--markdown")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tools = build(tmp)
        print(f"spawn /bin/cat, {a.n} connections at concurrency 1/16/64, {a.rounds} rounds:", flush=True)
        spawn = run_spawn(a.build, tools, tmp, a.n, a.rounds)
        print("echo:", flush=True)
        echo = run_echo(a.build, tools, tmp, a.n, a.bulk, a.echo_rounds)
    md = markdown(spawn, echo, a.n, a.bulk, a.rounds, a.echo_rounds)
    print()
    print(md)
    if a.markdown:
        Path(a.markdown).write_text(md)


if __name__ == "__main__":
    sys.exit(main())

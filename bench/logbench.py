#!/usr/bin/env python3
"""logbench.py BUILD — the journal's benchmarks (issue 4):
1. one service writes 1,000,000 lines of 100 bytes (one write per line) until
   all are durably stored: superd's journal vs `cat > file`, s6-log, svlogd,
   supervisord;
2. queries on a journal of 10,000,000 entries across 100 units, generated
   with the library (bench/journal-gen.c).
Prints a Markdown table. Needs root for drop_caches-free, repeatable runs."""
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BUILD = Path(sys.argv[1] if len(sys.argv) > 1 else "build").resolve()
REPO = Path(__file__).resolve().parent.parent
N = int(os.environ.get("LOGBENCH_LINES", "1000000"))
Q = int(os.environ.get("LOGBENCH_ENTRIES", "10000000"))
TMP = Path(tempfile.mkdtemp(prefix="logbench-"))


def cc(out, *srcs, extra=()):
    subprocess.run(["cc", "-O2", "-std=gnu11", "-D_GNU_SOURCE", f"-I{REPO}/src", "-o", str(out), *map(str, srcs),
                    *extra], check=True)


def cpu_of(pid):
    with open(f"/proc/{pid}/stat") as f:
        parts = f.read().rsplit(")", 1)[1].split()
    tck = os.sysconf("SC_CLK_TCK")
    return (int(parts[11]) + int(parts[12])) / tck


def child_cpu():
    r = os.times()
    return r.children_user + r.children_system


def pipe_logger(name, argv, count_lines):
    """linegen | LOGGER; time until the logger exits and its files are synced."""
    c0 = child_cpu()
    t = time.perf_counter()
    gen = subprocess.Popen([str(TMP / "linegen"), str(N)], stdout=subprocess.PIPE)
    log = subprocess.Popen(argv, stdin=gen.stdout)
    gen.stdout.close()
    gen.wait()
    gen_cpu = child_cpu() - c0
    log.wait()
    subprocess.run(["sync"])
    dt = time.perf_counter() - t
    cpu = child_cpu() - c0 - gen_cpu
    return name, N / dt, cpu, N - count_lines()


def bench_superd():
    root = TMP / "root"
    (root / "etc/superd/units").mkdir(parents=True)
    (root / "etc/superd.conf").write_text("[Journal]\nRateLimitBurst=0\nSystemMaxUse=4G\n")
    (root / "etc/superd/units/gen.service").write_text(
        f"[Service]\nType=oneshot\nExecStart={TMP}/linegen {N}\n")
    ctl = [str(BUILD / "superctl"), "--root", str(root)]
    subprocess.run([str(BUILD / "superd"), "--root", str(root)], check=True)
    pid = int((root / "run/superd/superd.pid").read_text())
    cpu0 = cpu_of(pid)
    t = time.perf_counter()
    subprocess.run(ctl + ["start", "gen"], check=True)
    subprocess.run(ctl + ["logs", "--sync"], check=True)
    dt = time.perf_counter() - t
    cpu = cpu_of(pid) - cpu0
    out = subprocess.run(ctl + ["logs", "-u", "gen", "-o", "cat"], capture_output=True).stdout
    got = sum(1 for l in out.splitlines() if len(l) == 100)
    subprocess.run(ctl + ["exit"])
    return "superd journal", N / dt, cpu, N - got


def bench_supervisord():
    """supervisord capturing the program's stdout into a file (no rotation)."""
    d = TMP / "supervisord"
    d.mkdir()
    out = d / "gen.log"
    conf = d / "supervisord.conf"
    conf.write_text(f"""[unix_http_server]
file={d}/sock
[supervisord]
logfile={d}/supervisord.log
pidfile={d}/pid
nodaemon=true
[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
[supervisorctl]
serverurl=unix://{d}/sock
[program:gen]
command={TMP}/linegen {N}
autostart=false
autorestart=false
startsecs=0
stdout_logfile={out}
stdout_logfile_maxbytes=0
""")
    sv = subprocess.Popen(["supervisord", "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ctl = ["supervisorctl", "-c", str(conf)]
    for _ in range(100):
        if subprocess.run(ctl + ["status"], capture_output=True).returncode in (0, 3):
            break
        time.sleep(0.1)
    cpu0 = cpu_of(sv.pid)
    t = time.perf_counter()
    subprocess.run(ctl + ["start", "gen"], capture_output=True)
    # all lines in the file (polling its size; supervisorctl itself takes ~0.3 s a call)
    deadline = time.monotonic() + 600
    while (not out.exists() or out.stat().st_size < N * 101) and time.monotonic() < deadline:
        time.sleep(0.001)
    fd = os.open(out, os.O_RDONLY)
    os.fsync(fd)
    os.close(fd)
    dt = time.perf_counter() - t
    cpu = cpu_of(sv.pid) - cpu0
    got = count_file(out)()
    sv.terminate()
    sv.wait()
    return "supervisord", N / dt, cpu, N - got


def count_file(path):
    def f():
        try:
            with open(path, "rb") as fh:
                return sum(1 for _ in fh)
        except FileNotFoundError:
            return 0
    return f


def count_dir(d):
    def f():
        n = 0
        for p in d.iterdir():
            if p.is_file() and p.name not in ("lock", "config", "state", "newstate"):
                with open(p, "rb") as fh:
                    n += sum(1 for _ in fh)
        return n
    return f


def main():
    cc(TMP / "linegen", REPO / "bench/linegen.c")
    cc(TMP / "journal-gen", REPO / "bench/journal-gen.c", *sorted((REPO / "src/journal").glob("*.c")),
       REPO / "src/lib/strbuf.c", REPO / "src/lib/hashmap.c", REPO / "src/lib/timespan.c")
    rows = [bench_superd()]
    rows.append(pipe_logger("`cat > file` (floor)", ["sh", "-c", f"cat > {TMP}/cat.out"], count_file(TMP / "cat.out")))
    if shutil.which("s6-log"):
        (TMP / "s6").mkdir()
        rows.append(pipe_logger("s6-log", ["s6-log", "-b", "s67108864", str(TMP / "s6")], count_dir(TMP / "s6")))
    if shutil.which("svlogd"):
        (TMP / "sv").mkdir()
        (TMP / "sv/config").write_text("s67108864\n")
        rows.append(pipe_logger("runit svlogd", ["svlogd", str(TMP / "sv")], count_dir(TMP / "sv")))
    if shutil.which("supervisord"):
        rows.append(bench_supervisord())
    print(f"\n{N:,} lines of 100 bytes, one write per line, until durable:\n")
    print("| logger | lines/s | logger CPU s | lost |\n|---|---|---|---|")
    for name, rate, cpu, lost in rows:
        print(f"| {name} | {rate / 1e6:.2f} M | {cpu:.2f} | {lost} |")
    jdir = TMP / "jq"
    t0 = 1795000000000000
    subprocess.run([str(TMP / "journal-gen"), str(jdir), str(Q), "100", str(t0)], check=True)
    fmt = lambda us: "@%d.%06d" % (us // 10**6, us % 10**6)
    mid = Q // 2

    def q(args):
        best, out = 1e9, b""
        for _ in range(5):
            t = time.perf_counter()
            out = subprocess.run([str(BUILD / "superctl"), "logs", "-D", str(jdir), *args, "-o", "cat"],
                                 capture_output=True).stdout
            best = min(best, time.perf_counter() - t)
        return best * 1000, out.count(b"\n")
    print(f"\nQueries on {Q:,} entries across 100 units (best of 5, warm cache):\n")
    print("| query | ms | lines |\n|---|---|---|")
    for label, args in [
        ("`-u unit42 --since A --until B` (1,000 lines)",
         ["-u", "unit42", "--since", fmt(t0 + mid * 100), "--until", fmt(t0 + (mid + 100000) * 100 - 1)]),
        ("`-n 10`", ["-n", "10"]),
        ("`-u unit7 -n 10`", ["-u", "unit7", "-n", "10"]),
        ("`-u unit7 -p err` (no match, whole history)", ["-u", "unit7", "-p", "err"]),
    ]:
        ms, lines = q(args)
        print(f"| {label} | {ms:.1f} | {lines} |")
    shutil.rmtree(TMP, ignore_errors=True)


if __name__ == "__main__":
    main()

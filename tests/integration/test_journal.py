"""The journal (SPEC 9): capture, query flags, follow, durability after
kill -9, rate limiting, a full disk."""
import json
import os
import signal
import subprocess
import time

import pytest

from conftest import SUPERCTL, wait_for, run


def jdir(inst):
    return inst.root / "var/log/superd/journal"


def logs(inst, *args, check=True):
    r = inst.ctl("logs", *args)
    if check:
        assert r.returncode == 0, r.stderr
    return r


def test_service_lines_fields(sd):
    sd.write_unit("talk", """
        [Service]
        Type=oneshot
        SyslogIdentifier=talker
        ExecStart=/bin/sh -c 'echo plain line; echo "<2>critical line"; printf "bin\\\\001ary\\\\n"'
        """)
    sd.ctl_ok("start", "talk")
    out = wait_for(lambda: (lambda o: o if "ary" in o else None)(logs(sd, "-u", "talk", "-o", "json").stdout))
    entries = [json.loads(l) for l in out.splitlines()]
    by_msg = {e["MESSAGE"] if isinstance(e["MESSAGE"], str) else bytes(e["MESSAGE"]).decode(): e for e in entries}
    e = by_msg["plain line"]
    assert e["_SYSTEMD_UNIT"] == "talk.service"
    assert e["SYSLOG_IDENTIFIER"] == "talker"
    assert e["PRIORITY"] == "6"
    assert e["_STREAM"] == "stdout"
    assert int(e["_PID"]) > 0
    assert int(e["__REALTIME_TIMESTAMP"]) > 1600000000 * 10**6
    assert by_msg["critical line"]["PRIORITY"] == "2"
    assert by_msg["bin\x01ary"]["PRIORITY"] == "6"
    # priority filter, cat output, the manager's own lines about the unit
    assert logs(sd, "-u", "talk", "-p", "crit", "-o", "cat").stdout == "critical line\n"
    assert logs(sd, "-u", "talk", "-p", "warning..emerg", "-o", "cat").stdout == "critical line\n"
    assert "Finished talk.service" in logs(sd, "-u", "talk").stdout
    # -n, -r, -g
    assert logs(sd, "-u", "talk", "-n", "1", "-o", "cat").stdout.count("\n") == 1
    rev = logs(sd, "-u", "talk", "-r", "-o", "cat").stdout.splitlines()
    fwd = logs(sd, "-u", "talk", "-o", "cat").stdout.splitlines()
    assert rev == fwd[::-1]
    assert logs(sd, "-u", "talk", "-g", "^crit", "-o", "cat").stdout == "critical line\n"
    assert logs(sd, "-u", "talk", "-g", "nomatchatall", check=False).returncode == 1
    # time filters
    assert logs(sd, "-u", "talk", "--since", "-1h", "-o", "cat").stdout == "\n".join(fwd) + "\n"
    assert logs(sd, "-u", "talk", "--until", "yesterday", "-o", "cat").stdout == ""
    assert logs(sd, "-u", "talk", "-S", "today", "-U", "now", "-b", "-o", "cat").stdout.count("\n") == len(fwd)
    # export format and verify, disk usage
    assert "_SYSTEMD_UNIT=talk.service" in logs(sd, "-u", "talk", "-o", "export").stdout
    v = logs(sd, "--verify")
    assert "PASS" in v.stdout and "FAIL" not in v.stdout + v.stderr
    assert "take up" in logs(sd, "--disk-usage").stdout


def test_superd_messages_and_directory(sd, tmp_path):
    wait_for(lambda: "running, control socket" in logs(sd, "-u", "superd").stdout)
    r = logs(sd, "--sync")
    assert r.returncode == 0
    # a copied folder, no daemon needed; journalctl as a name
    copy = tmp_path / "copy"
    subprocess.run(["cp", "-r", str(jdir(sd)), str(copy)], check=True)
    link = tmp_path / "journalctl"
    link.symlink_to(SUPERCTL)
    r = run([str(link), "-D", str(copy), "-u", "superd", "-o", "cat"])
    assert r.returncode == 0 and "running, control socket" in r.stdout


def test_follow_sees_new_line_quickly(sd):
    sd.write_unit("tick", """
        [Service]
        ExecStart=/bin/sh -c 'while :; do read x < /dev/null; sleep 0.2; [ -e %s/go ] && echo GO-LINE && rm %s/go; done'
        """ % (sd.out, sd.out))
    sd.ctl_ok("start", "tick")
    p = subprocess.Popen([SUPERCTL, "--root", str(sd.root), "logs", "-f", "-n", "0", "-u", "tick", "-o", "cat"],
                         stdout=subprocess.PIPE, text=True)
    try:
        time.sleep(0.3)
        t0 = time.monotonic()
        (sd.out / "go").write_text("")
        line = p.stdout.readline()
        assert line == "GO-LINE\n"
        assert time.monotonic() - t0 < 1.5
    finally:
        p.kill()
        p.wait()
    sd.ctl_ok("stop", "tick")


def test_kill9_while_logging_keeps_what_was_seen(inst):
    (inst.root / "etc/superd.conf").write_text("[Journal]\nRateLimitBurst=0\n")
    inst.write_unit("flood", """
        [Service]
        ExecStart=/bin/sh -c 'i=0; while :; do i=$((i+1)); echo "flood line $i"; done'
        """, enable=True)
    inst.start()
    p = subprocess.Popen([SUPERCTL, "--root", str(inst.root), "logs", "-f", "-n", "0", "-u", "flood", "-o", "cat"],
                         stdout=subprocess.PIPE, text=True)
    seen = []
    deadline = time.monotonic() + 10
    while len(seen) < 2000 and time.monotonic() < deadline:
        seen.append(p.stdout.readline())
    os.kill(inst.proc.pid, signal.SIGKILL)
    inst.proc.wait()
    p.kill()
    p.wait()
    inst.proc = None
    inst._stderr.close()
    inst.kill_leftovers()
    assert len(seen) >= 2000
    r = run([SUPERCTL, "--root", str(inst.root), "logs", "--verify"])
    assert r.returncode == 0, r.stdout + r.stderr
    stored = set(run([SUPERCTL, "--root", str(inst.root), "logs", "-u", "flood", "-o", "cat"]).stdout.splitlines())
    missing = [l for l in seen if l.rstrip("\n") not in stored]
    assert not missing, missing[:5]
    # a new superd carries on in the same journal
    inst.start()
    wait_for(lambda: run([SUPERCTL, "--root", str(inst.root), "logs", "-u", "superd", "-g", "running, control",
                          "-o", "cat"]).stdout.count("\n") >= 2)
    inst.ctl_ok("stop", "flood")
    r = run([SUPERCTL, "--root", str(inst.root), "logs", "--verify"])
    assert r.returncode == 0, r.stdout + r.stderr


def test_rate_limit(inst):
    (inst.root / "etc").mkdir(exist_ok=True)
    (inst.root / "etc/superd.conf").write_text("[Journal]\nRateLimitIntervalSec=2s\nRateLimitBurst=50\n")
    inst.write_unit("chatty", """
        [Service]
        Type=oneshot
        ExecStart=/bin/sh -c 'i=0; while [ $i -lt 500 ]; do i=$((i+1)); echo "chat $i"; done'
        """)
    inst.start()
    inst.ctl_ok("start", "chatty")
    time.sleep(2.2)
    inst.ctl_ok("start", "chatty")
    out = wait_for(lambda: (lambda o: o if "Suppressed" in o else None)(
        logs(inst, "-u", "chatty", "-o", "cat").stdout))
    lines = [l for l in out.splitlines() if l.startswith("chat ")]
    assert 50 <= len(lines) <= 100 + 10
    assert "Suppressed 450 messages from chatty.service" in out


def test_full_disk_never_stops_services(inst):
    if os.geteuid() != 0:
        pytest.skip("needs root to mount a tmpfs")
    d = jdir(inst)
    d.mkdir(parents=True)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(d)], capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs: {r.stderr.strip()}")
    try:
        (inst.root / "etc/superd.conf").write_text("[Journal]\nRateLimitBurst=0\nSystemMaxUse=100M\n")
        inst.write_unit("big", """
            [Service]
            Type=oneshot
            ExecStart=/bin/sh -c 'i=0; while [ $i -lt 30000 ]; do i=$((i+1)); echo "filling the disk with line number $i and some padding"; done; echo done > %s/big-done'
            """ % inst.out)
        inst.start()
        inst.ctl_ok("start", "big")
        inst.wait_out("big-done")
        assert inst.state("big")[0] in ("inactive", "active")
        # space returns: the loss is reported once
        for f in sorted(d.iterdir())[:-1]:
            f.unlink()
        subprocess.run(["truncate", "-s", "0", str(sorted(d.iterdir())[-1])])
        inst.stop()
        inst.start()
        # a new writer after a start always finds room again
        inst.write_unit("after", "[Service]\nType=oneshot\nExecStart=/bin/echo after-full\n")
        inst.ctl_ok("start", "after")
        wait_for(lambda: "after-full" in logs(inst, "-o", "cat").stdout)
    finally:
        if inst.proc:
            inst.stop()
        subprocess.run(["umount", "-l", str(d)])


def test_lost_messages_reported(inst):
    if os.geteuid() != 0:
        pytest.skip("needs root to mount a tmpfs")
    d = jdir(inst)
    d.mkdir(parents=True)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(d)], capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs: {r.stderr.strip()}")
    try:
        (inst.root / "etc/superd.conf").write_text("[Journal]\nRateLimitBurst=0\n")
        inst.write_unit("fill", """
            [Service]
            Type=oneshot
            ExecStart=/bin/sh -c 'i=0; while [ $i -lt 10000 ]; do i=$((i+1)); echo "filling line $i with some padding to make it longer"; done'
            """)
        inst.write_unit("later", "[Service]\nType=oneshot\nExecStart=/bin/echo later-line\n")
        (inst.root / "spare").write_bytes(b"")
        inst.start()
        # keep some room free to give back later
        hog = d / "hog"
        subprocess.run(["dd", "if=/dev/zero", f"of={hog}", "bs=1k", "count=64"], capture_output=True)
        inst.ctl_ok("start", "fill")
        assert inst.state("fill")[0] in ("inactive", "active")
        hog.unlink()
        inst.ctl_ok("start", "later")
        out = wait_for(lambda: (lambda o: o if "later-line" in o else None)(logs(inst, "-o", "cat").stdout))
        assert "messages lost" in out
    finally:
        if inst.proc:
            inst.stop()
        subprocess.run(["umount", "-l", str(d)])

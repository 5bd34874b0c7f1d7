"""superd as PID 1 (a container's init): it reaps every zombie, including
orphans it never started, and SIGTERM stops everything and exits 0."""
import os
import shutil
import signal
import subprocess

import pytest

from conftest import SUPERD, SUPERCTL, make_root, wait_for, pid_alive, proc_stat, Instance


def children_of(pid):
    kids = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            st = proc_stat(int(d))
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(st[1]) == pid:
            kids.append((int(d), st[0]))
    return kids


@pytest.mark.skipif(shutil.which("unshare") is None, reason="needs unshare(1)")
def test_pid1_reaps_orphans_and_exits_on_sigterm():
    root = make_root()
    inst = Instance(root)
    # The service's children orphan grandchildren that exit at once: as PID 1
    # superd inherits them and must reap them.
    inst.write_unit("orphaner", """
        [Service]
        ExecStart=/bin/sh -c 'for i in 1 2 3 4 5; do (sleep 0.1 & ) ; done; echo spawned > %s/spawned; exec sleep 1000'
        """ % inst.out, enable=True)
    proc = subprocess.Popen(["unshare", "--pid", "--fork", "--kill-child", SUPERD, "-f", "--root", str(root)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        # superd is the child of unshare, and PID 1 in its namespace.
        superd = wait_for(lambda: next((p for p, _ in children_of(proc.pid)), None), what="superd to start")
        with open(f"/proc/{superd}/status") as f:
            nspid = [l for l in f if l.startswith("NSpid:")][0].split()
        assert nspid[-1] == "1", nspid
        inst.wait_out("spawned", timeout=20)
        # The five orphans exit after 0.1 s; none may stay a zombie of superd.
        def no_zombies():
            kids = children_of(superd)
            return kids and all(state != "Z" for _, state in kids) and len(kids) == 1
        wait_for(no_zombies, timeout=10, what="orphans to be reaped")
        r = subprocess.run([SUPERCTL, "--root", str(root), "is-active", "orphaner"], capture_output=True, text=True)
        assert r.stdout.strip() == "active"
        os.kill(superd, signal.SIGTERM)
        rc = proc.wait(timeout=30)
        assert rc == 0, proc.stderr.read().decode(errors="replace")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        shutil.rmtree(root, ignore_errors=True)


def run_pid1(inst, env=None):
    """superd -f as PID 1 of a new PID namespace; returns (unshare proc, superd pid)."""
    proc = subprocess.Popen(["unshare", "--pid", "--fork", "--kill-child", SUPERD, "-f", "--root", str(inst.root)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    superd = wait_for(lambda: next((p for p, _ in children_of(proc.pid)), None), what="superd to start")
    return proc, superd


@pytest.mark.skipif(shutil.which("unshare") is None, reason="needs unshare(1)")
def test_pid1_final_sweep_kills_escaped_process():
    """Without cgroups a process that left its service's session is not
    stopped with the unit; as PID 1 superd still sends it SIGTERM at the end."""
    root = make_root()
    inst = Instance(root)
    inst.write_script("stray", f"""
        trap 'echo term > {inst.out}/stray-term; exit 0' TERM
        echo $$ > {inst.out}/stray
        while :; do sleep 0.1; done
        """)
    inst.write_script("escaper", f"""
        (setsid {inst.bin}/stray &)
        exec sleep 1000
        """)
    inst.write_unit("escaper", f"""
        [Service]
        ExecStart={inst.bin}/escaper
        """, enable=True)
    proc, superd = run_pid1(inst, env=dict(os.environ, SUPERD_CGROUPS="no"))
    try:
        inst.wait_out("stray", timeout=20, contains="\n")
        os.kill(superd, signal.SIGTERM)
        rc = proc.wait(timeout=30)
        err = proc.stderr.read().decode(errors="replace")
        assert rc == 0, err
        assert inst.read_out("stray-term").strip() == "term"
        assert "Sent SIGTERM to every remaining process." in inst.logtext()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        shutil.rmtree(root, ignore_errors=True)


@pytest.mark.skipif(shutil.which("unshare") is None, reason="needs unshare(1)")
def test_pid1_stops_in_order_on_sigterm():
    root = make_root()
    inst = Instance(root)
    for name, after in (("first", ""), ("second", "After=first.service")):
        inst.write_unit(name, f"""
            [Unit]
            {after}
            [Service]
            ExecStart=/bin/sleep 1000
            ExecStop=/bin/sh -c 'echo {name} >> {inst.out}/order'
            """, enable=True)
    proc, superd = run_pid1(inst)
    try:
        wait_for(lambda: "Reached target" in inst.logtext() and
                 subprocess.run([SUPERCTL, "--root", str(root), "is-active", "second"],
                                capture_output=True, text=True).stdout.strip() == "active", timeout=20,
                 what="both running")
        os.kill(superd, signal.SIGTERM)
        rc = proc.wait(timeout=30)
        assert rc == 0, proc.stderr.read().decode(errors="replace")
        assert inst.read_out("order").split() == ["second", "first"]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        shutil.rmtree(root, ignore_errors=True)


@pytest.mark.skipif(shutil.which("unshare") is None, reason="needs unshare(1)")
def test_pid1_exits_with_failure_action_status():
    root = make_root()
    inst = Instance(root)
    inst.write_unit("bystander", """
        [Service]
        ExecStart=/bin/sleep 1000
        """, enable=True)
    inst.write_unit("dies", """
        [Unit]
        FailureAction=exit
        FailureActionExitStatus=5
        [Service]
        ExecStart=/bin/sh -c 'sleep 0.3; exit 3'
        """, enable=True)
    proc, superd = run_pid1(inst)
    try:
        rc = proc.wait(timeout=30)
        assert rc == 5, proc.stderr.read().decode(errors="replace")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        shutil.rmtree(root, ignore_errors=True)

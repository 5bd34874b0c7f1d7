"""Process tracking (SPEC 6, issue 3 item 5): a cgroup v2 per service where
the machine has a writable one, KillMode= semantics, the process tree in
`status`, and re-adoption of running services after superd was killed."""
import os
import signal
import time

import pytest

from conftest import pid_alive, proc_stat, wait_for


def manager_cgroup(inst):
    out = inst.ctl_ok("show").stdout
    return next((l.split("=", 1)[1] for l in out.splitlines() if l.startswith("ControlGroup=")), "")


def need_cgroup(inst):
    if not manager_cgroup(inst):
        pytest.skip("no writable cgroup v2 on this machine (superd tracks by session/process group)")


def cgroup_pids(inst, unit):
    rel = inst.prop(unit, "ControlGroup")
    for mnt in ("/sys/fs/cgroup", "/sys/fs/cgroup/unified"):
        p = f"{mnt}{rel}/cgroup.procs"
        if os.path.exists(p):
            with open(p) as f:
                return [int(x) for x in f.read().split()]
    return []


def restart_superd(inst):
    """kill -9 the running superd (-f), then start a new one on the same root."""
    inst.proc.kill()
    inst.proc.wait(10)
    inst.proc = None
    inst._stderr.close()
    inst.start()


def double_fork(inst):
    """A service that double-forks a process which leaves the session."""
    inst.write_script("dfork", f"""
        (setsid sh -c 'sleep 1000 & echo $! > {inst.out}/gc; wait' &)
        exec sleep 1000
        """)
    return inst.bin / "dfork"


def test_double_forking_service_stopped_completely(sd):
    need_cgroup(sd)
    sd.write_unit("df", f"""
        [Service]
        ExecStart={double_fork(sd)}
        """)
    sd.ctl_ok("start", "df")
    gc = int(sd.wait_out("gc", contains="\n"))
    wait_for(lambda: int(proc_stat(gc)[3]) != int(proc_stat(sd.main_pid("df"))[3]), what="escaped session")
    pids = wait_for(lambda: len(cgroup_pids(sd, "df")) >= 3 and cgroup_pids(sd, "df"), what="3 processes")
    assert gc in pids
    sd.ctl_ok("stop", "df")
    for p in pids:
        wait_for(lambda: not pid_alive(p), timeout=5, what=f"process {p} gone")
    assert sd.prop("df", "ActiveState") == "inactive"
    # The empty cgroup is removed after the stop.
    rel = manager_cgroup(sd) + "/df.service"
    wait_for(lambda: not any(os.path.exists(m + rel) for m in ("/sys/fs/cgroup", "/sys/fs/cgroup/unified")),
             what="service cgroup removed")


def test_status_shows_process_tree(sd):
    need_cgroup(sd)
    sd.write_unit("tree", f"""
        [Service]
        ExecStart={double_fork(sd)}
        """)
    sd.ctl_ok("start", "tree")
    gc = int(sd.wait_out("gc", contains="\n"))
    pids = wait_for(lambda: len(cgroup_pids(sd, "tree")) >= 3 and cgroup_pids(sd, "tree"), what="3 processes")
    out = sd.ctl("status", "tree").stdout
    assert "CGroup: " + manager_cgroup(sd) + "/tree.service" in out, out
    for p in pids:
        assert f"─{p} " in out, out
    assert int(sd.prop("tree", "TasksCurrent")) >= 3
    # The child of the setsid'ed shell is drawn below it.
    lines = out.splitlines()
    gc_line = next(l for l in lines if f"─{gc} " in l)
    sh_line = next(l for l in lines if f"─{proc_stat(gc)[1]} " in l)
    assert gc_line.index("─") > sh_line.index("─"), out
    sd.ctl_ok("stop", "tree")


def test_killmode_mixed_process_none(sd):
    need_cgroup(sd)
    # Children ignore SIGTERM: only SIGKILL ends them.
    body = "/bin/sh -c 'trap \"\" TERM; sleep 1000 & echo $! > {out}/{n}; trap - TERM; exec sleep 1000'"
    for mode in ("mixed", "process", "none"):
        sd.write_unit(f"km-{mode}", f"""
            [Service]
            KillMode={mode}
            TimeoutStopSec=3
            ExecStart={body.format(out=sd.out, n=mode)}
            """)
    kids = {}
    for mode in ("mixed", "process", "none"):
        sd.ctl_ok("start", f"km-{mode}")
        kids[mode] = int(sd.wait_out(mode, contains="\n"))
    mains = {m: sd.main_pid(f"km-{m}") for m in kids}
    for mode in kids:
        sd.ctl_ok("stop", f"km-{mode}")
    # mixed: SIGTERM to the main process, then SIGKILL to the rest.
    wait_for(lambda: not pid_alive(mains["mixed"]) and not pid_alive(kids["mixed"]), what="mixed: all gone")
    # process: the main process only; the child stays (in the cgroup).
    wait_for(lambda: not pid_alive(mains["process"]), what="process: main gone")
    assert pid_alive(kids["process"])
    assert kids["process"] in cgroup_pids(sd, "km-process")
    # none: nothing is signalled; the unit is inactive, its processes stay.
    assert sd.prop("km-none", "ActiveState") == "inactive"
    assert pid_alive(mains["none"]) and pid_alive(kids["none"])
    for p in (kids["process"], mains["none"], kids["none"]):
        os.kill(p, signal.SIGKILL)


def test_readopt_after_crash(inst):
    for n in ("a", "b", "c"):
        inst.write_unit(n, """
            [Service]
            ExecStart=/bin/sleep 1000
            Restart=always
            """, enable=True)
    inst.start()
    for n in ("a", "b", "c"):
        inst.wait_state(n, "active", "running")
    pids = {n: inst.main_pid(n) for n in ("a", "b", "c")}
    inv = inst.prop("a", "InvocationID")
    restart_superd(inst)
    for n in ("a", "b", "c"):
        inst.wait_state(n, "active", "running")
        assert inst.main_pid(n) == pids[n]
        assert f"Re-adopted process {pids[n]} of {n}.service." in inst.logtext()
    assert inst.prop("a", "InvocationID") == inv
    # No second copy: exactly one sleep per service (the one we had).
    for n in ("a", "b", "c"):
        procs = inst.prop(n, "Processes")
        assert len([l for l in procs.splitlines() if l.strip()]) == 1, procs
    # Stopping works, also for processes that are not our children.
    inst.ctl_ok("stop", "a")
    wait_for(lambda: not pid_alive(pids["a"]), what="a's process gone")
    assert inst.prop("a", "ActiveState") == "inactive"
    # A re-adopted process that dies is noticed (pidfd) and restarted.
    os.kill(pids["b"], signal.SIGKILL)
    wait_for(lambda: inst.main_pid("b") not in (0, pids["b"]), what="b restarted")
    assert inst.prop("b", "NRestarts") == "1"
    # The record a restart leaves (written once, after the new spawn) is what
    # the next superd finds: the new process and the count; none for a stopped c.
    b2 = inst.main_pid("b")
    inst.ctl_ok("stop", "c")
    rec = (inst.root / "run/superd/units/b.service").read_text()
    assert f"MainPID={b2}\n" in rec and "State=running\n" in rec, rec
    # (written at the end of the loop iteration, which may be after the reply)
    wait_for(lambda: not (inst.root / "run/superd/units/c.service").exists(), what="c's record removed")
    restart_superd(inst)
    inst.wait_state("b", "active", "running")
    assert inst.main_pid("b") == b2
    assert inst.prop("b", "NRestarts") == "1"
    assert f"Re-adopted process {b2} of b.service." in inst.logtext()
    # re-adopted, it keeps no fd of its cgroup directory (opened per spawn)
    if inst.prop("b", "ControlGroup"):
        held = [os.readlink(f"/proc/{inst.proc.pid}/fd/{fd}") for fd in os.listdir(f"/proc/{inst.proc.pid}/fd")]
        assert not [h for h in held if h.endswith("/b.service")], held


def test_crash_mid_start_pre_is_stopped(inst):
    inst.write_unit("slowpre", f"""
        [Service]
        ExecStartPre=/bin/sh -c 'echo $$$$ > {inst.out}/pre; exec sleep 1000'
        ExecStart=/bin/sleep 1000
        TimeoutStartSec=0
        """)
    inst.start()
    inst.ctl_ok("start", "--no-block", "slowpre")
    pre = int(inst.wait_out("pre", contains="\n"))
    wait_for(lambda: inst.prop("slowpre", "SubState") == "start-pre", what="start-pre")
    restart_superd(inst)
    wait_for(lambda: not pid_alive(pre), what="leftover ExecStartPre process stopped")
    inst.wait_state("slowpre", "inactive")
    assert "Stopping leftover processes of slowpre.service" in inst.logtext()


def test_readopt_without_cgroups(inst):
    inst.write_unit("nocg", """
        [Service]
        ExecStart=/bin/sleep 1000
        """, enable=True)
    env = dict(os.environ, SUPERD_CGROUPS="no")
    inst.start(env=env)
    inst.wait_state("nocg", "active", "running")
    pid = inst.main_pid("nocg")
    inst.proc.kill()
    inst.proc.wait(10)
    inst.proc = None
    inst._stderr.close()
    inst.start(env=env)
    inst.wait_state("nocg", "active", "running")
    assert inst.main_pid("nocg") == pid
    assert f"Re-adopted process {pid} of nocg.service." in inst.logtext()

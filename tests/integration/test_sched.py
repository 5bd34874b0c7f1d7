"""IOScheduling*, CPUScheduling*, OOMScoreAdjust, NoNewPrivileges,
RootDirectory and TasksMax as the service sees them."""
import os
import shutil

import pytest

from conftest import proc_stat


def test_io_and_cpu_scheduling_seen_inside(sd):
    sd.write_unit("sched", f"""
        [Service]
        IOSchedulingClass=best-effort
        IOSchedulingPriority=6
        CPUSchedulingPolicy=batch
        OOMScoreAdjust=123
        NoNewPrivileges=yes
        ExecStart=/bin/sh -c 'ionice -p $$$$ > {sd.out}/io; chrt -p $$$$ > {sd.out}/cpu; \\
            cat /proc/self/oom_score_adj > {sd.out}/oom; grep NoNewPrivs /proc/self/status > {sd.out}/nnp; \\
            exec sleep 60'
    """)
    sd.ctl_ok("start", "sched")
    assert sd.wait_out("io", contains="\n").strip() == "best-effort: prio 6"
    assert "SCHED_BATCH" in sd.wait_out("cpu", contains="\n")
    assert sd.wait_out("oom", contains="\n").strip() == "123"
    assert sd.wait_out("nnp", contains="\n").split() == ["NoNewPrivs:", "1"]
    pid = sd.main_pid("sched")
    assert int(proc_stat(pid)[38]) == 3      # policy field of /proc/PID/stat: SCHED_BATCH
    sd.ctl_ok("stop", "sched")


def test_realtime_and_idle(sd):
    sd.write_unit("rt", f"""
        [Service]
        IOSchedulingClass=idle
        CPUSchedulingPolicy=fifo
        CPUSchedulingPriority=7
        ExecStart=/bin/sh -c 'ionice -p $$$$ > {sd.out}/io; chrt -p $$$$ > {sd.out}/cpu; exec sleep 60'
    """)
    sd.ctl_ok("start", "rt")
    cpu = sd.wait_out("cpu", contains="priority")
    if "SCHED_FIFO" not in cpu:
        pytest.fail(f"expected SCHED_FIFO: {cpu!r}")
    assert "priority: 7" in cpu
    assert sd.wait_out("io", contains="\n").strip() == "idle"
    pid = sd.main_pid("rt")
    st = proc_stat(pid)
    assert int(st[38]) == 1 and int(st[37]) == 7   # policy SCHED_FIFO, rt_priority
    sd.ctl_ok("stop", "rt")


def test_priority_alone_means_best_effort(sd):
    sd.write_unit("prio", f"""
        [Service]
        IOSchedulingPriority=2
        ExecStart=/bin/sh -c 'ionice -p $$$$ > {sd.out}/io'
    """)
    sd.ctl_ok("start", "prio")
    assert sd.wait_out("io", contains="\n").strip() == "best-effort: prio 2"


def test_bad_io_class_is_ignored_with_a_message(sd):
    sd.write_unit("badio", f"""
        [Service]
        IOSchedulingClass=turbo
        ExecStart=/bin/sh -c 'ionice -p $$$$ > {sd.out}/io'
    """)
    r = sd.ctl("verify", sd.units / "badio.service")
    assert "unknown I/O scheduling class" in r.stdout + r.stderr
    sd.ctl_ok("start", "badio")     # as the parser says: the assignment is ignored
    assert sd.wait_out("io", contains="\n").strip() in ("none: prio 0", "best-effort: prio 4")


def test_idle_cpu_policy(sd):
    sd.write_unit("idlecpu", f"""
        [Service]
        CPUSchedulingPolicy=idle
        ExecStart=/bin/sh -c 'chrt -p $$$$ > {sd.out}/cpu'
    """)
    sd.ctl_ok("start", "idlecpu")
    assert "SCHED_IDLE" in sd.wait_out("cpu", contains="\n")


def test_root_directory_chroot(sd):
    busybox = shutil.which("busybox")
    static = busybox if busybox and b"statically linked" in os.popen(f"file -L {busybox}").read().encode() \
        else "/sbin/ldconfig"
    jail = sd.root / "jail"
    (jail / "bin").mkdir(parents=True)
    (jail / "out").mkdir()
    prog = "busybox" if static != "/sbin/ldconfig" else "prog"
    shutil.copy(static, jail / "bin" / prog)
    if static == "/sbin/ldconfig":
        sd.write_unit("chrooted", """
            [Service]
            Type=oneshot
            RootDirectory=%s
            ExecStart=/bin/prog --version
        """ % jail)
        sd.ctl_ok("start", "chrooted")
        return
    sd.write_unit("chrooted", f"""
        [Service]
        Type=oneshot
        RootDirectory={jail}
        WorkingDirectory=/out
        ExecStart=/bin/busybox sh -c '/bin/busybox ls / > /out/ls; /bin/busybox pwd > /out/pwd'
    """)
    sd.ctl_ok("start", "chrooted")
    assert sorted((jail / "out/ls").read_text().split()) == ["bin", "out"]
    assert (jail / "out/pwd").read_text().strip() == "/out"


def test_root_directory_missing_fails_at_chroot(sd):
    sd.write_unit("nojail", f"""
        [Service]
        RootDirectory={sd.root}/no-such-jail
        ExecStart=/bin/true
    """)
    sd.ctl("start", "nojail")
    sd.wait_state("nojail", "failed")
    assert sd.prop("nojail", "ExecMainStatus") == "210"
    assert "Failed at step CHROOT" in sd.logtext()


def test_tasks_max_unenforced(sd):
    sd.write_unit("tasks", """
        [Service]
        TasksMax=10
        ExecStart=/bin/sleep 60
    """)
    sd.ctl_ok("start", "tasks")
    assert "TasksMax" in sd.prop("tasks", "UnenforcedSettings").split()
    assert sd.logtext().count("TasksMax=10 is not enforced") == 1
    sd.ctl_ok("stop", "tasks")

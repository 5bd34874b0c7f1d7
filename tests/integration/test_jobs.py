"""Jobs meeting each other, and the remaining Restart=/timeout settings."""
import os
import signal

import pytest

from conftest import pid_alive, wait_for

WAIT_GO = "while [ ! -e {out}/go ]; do sleep 0.05; done"


def test_stop_during_start(sd):
    sd.write_unit("slow", f"""
        [Service]
        Type=oneshot
        ExecStart=/bin/sh -c '{WAIT_GO.format(out=sd.out)}; echo done > {sd.out}/done'
        """)
    sd.ctl_ok("start", "--no-block", "slow")
    sd.wait_state("slow", "activating", "start")
    sd.ctl_ok("stop", "slow")
    assert sd.state("slow")[0] in ("inactive", "failed")
    assert sd.prop("slow", "ControlPID") == "0"
    (sd.out / "go").write_text("")
    assert not sd.out_exists("done")


def test_blocking_start_canceled_by_stop(sd):
    """A client waiting in `start` gets an answer when a stop replaces its job."""
    import subprocess
    from conftest import SUPERCTL
    sd.write_unit("slow", f"[Service]\nType=oneshot\nExecStart=/bin/sh -c '{WAIT_GO.format(out=sd.out)}'\n")
    waiter = subprocess.Popen([SUPERCTL, "--root", str(sd.root), "start", "slow"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        sd.wait_state("slow", "activating")
        sd.ctl_ok("stop", "slow")
        out, err = waiter.communicate(timeout=20)
    finally:
        if waiter.poll() is None:
            waiter.kill()
            waiter.wait()
    assert waiter.returncode != 0
    assert "slow.service" in err


def test_start_while_stopping(sd):
    sd.write_unit("stub", f"""
        [Service]
        TimeoutStopSec=30
        ExecStart=/bin/sh -c 'trap "" TERM; echo $$$$ > {sd.out}/pid; while :; do sleep 0.05; done'
        """)
    sd.ctl_ok("start", "stub")
    pid = int(sd.wait_out("pid", contains="\n"))
    sd.ctl_ok("stop", "--no-block", "stub")
    sd.wait_state("stub", "deactivating")
    import subprocess
    from conftest import SUPERCTL
    starter = subprocess.Popen([SUPERCTL, "--root", str(sd.root), "start", "stub"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        os.kill(pid, signal.SIGKILL)
        starter.communicate(timeout=30)
    finally:
        if starter.poll() is None:
            starter.kill()
            starter.wait()
    sd.wait_state("stub", "active", "running")
    assert sd.main_pid("stub") not in (0, pid)
    sd.ctl_ok("kill", "-s", "KILL", "stub")      # it ignores SIGTERM: spare the teardown 30 s
    sd.wait_state("stub", "failed")


def test_reload_failure(sd):
    sd.write_unit("rf", "[Service]\nExecStart=/bin/sleep 1000\nExecReload=/bin/false\n")
    sd.ctl_ok("start", "rf")
    pid = sd.main_pid("rf")
    r = sd.ctl("reload", "rf")
    assert r.returncode == 1
    assert sd.state("rf") == ("active", "running")
    assert sd.main_pid("rf") == pid
    assert sd.prop("rf", "ReloadResult") == "exit-code"


def test_start_post_failure_stops_main(sd):
    sd.write_unit("spf", "[Service]\nExecStart=/bin/sleep 1000\nExecStartPost=/bin/false\n")
    r = sd.ctl("start", "spf")
    assert r.returncode == 1
    assert sd.state("spf")[0] == "failed"
    pid = int(sd.prop("spf", "ExecMainPID"))
    assert pid > 0
    wait_for(lambda: not pid_alive(pid), what="main process stopped after ExecStartPost failed")


def test_status_several_units_worst_code(sd):
    sd.write_unit("a", "[Service]\nExecStart=/bin/sleep 1000\n")
    sd.write_unit("b", "[Service]\nExecStart=/bin/sleep 1000\n")
    sd.ctl_ok("start", "a")
    r = sd.ctl("status", "a", "b")
    assert r.returncode == 3
    assert "a.service" in r.stdout and "b.service" in r.stdout
    r = sd.ctl("status", "a", "nosuch")
    assert r.returncode == 4


def test_exit_with_stubborn_service(inst):
    inst.write_unit("stub", f"""
        [Service]
        TimeoutStopSec=500ms
        ExecStart=/bin/sh -c 'trap "" TERM; echo $$$$ > {inst.out}/pid; while :; do sleep 0.05; done'
        """, enable=True)
    inst.start()
    pid = int(inst.wait_out("pid", contains="\n"))
    inst.ctl("exit")
    assert inst.proc.wait(30) == 0
    assert not pid_alive(pid)


def test_runtime_max_sec(sd):
    sd.write_unit("rm", "[Service]\nRuntimeMaxSec=500ms\nExecStart=/bin/sleep 1000\n")
    sd.ctl_ok("start", "rm")
    pid = sd.main_pid("rm")
    sd.wait_state("rm", "failed")
    assert sd.prop("rm", "Result") == "timeout"
    assert not pid_alive(pid)


@pytest.mark.parametrize("restart,how,restarts", [
    ("on-abnormal", "kill", True),
    ("on-abnormal", "exit1", False),
    ("on-abort", "kill", True),
    ("on-abort", "exit1", False),
    ("on-failure", "exit1", True),
    ("on-success", "kill", False),
])
def test_restart_values(sd, restart, how, restarts):
    sd.write_unit("r", f"""
        [Service]
        Restart={restart}
        RestartSec=0
        ExecStart=/bin/sh -c 'echo run >> {sd.out}/runs; {WAIT_GO.format(out=sd.out)}; rm -f {sd.out}/go; exit 1'
        """)
    sd.ctl_ok("start", "r")
    sd.wait_out("runs", contains="run\n")
    pid = sd.main_pid("r")
    if how == "kill":
        os.kill(pid, signal.SIGKILL)
    else:
        (sd.out / "go").write_text("")
    if restarts:
        sd.wait_prop("r", "NRestarts", "1")
        sd.wait_out("runs", contains="run\nrun\n")
    else:
        sd.wait_state("r", "failed")
        assert sd.prop("r", "NRestarts") == "0"


def test_restart_prevent_and_force_exit_status(sd):
    sd.write_unit("prevent", f"""
        [Service]
        Restart=always
        RestartSec=0
        RestartPreventExitStatus=7
        ExecStart=/bin/sh -c 'exit 7'
        """)
    sd.write_unit("force", f"""
        [Service]
        Restart=no
        RestartSec=0
        RestartForceExitStatus=0
        ExecStart=/bin/sh -c 'echo run >> {sd.out}/runs; [ -e {sd.out}/stop ] && exec sleep 1000; touch {sd.out}/stop; exit 0'
        """)
    sd.ctl("start", "prevent")
    sd.wait_state("prevent", "failed")
    assert sd.prop("prevent", "NRestarts") == "0"
    sd.ctl_ok("start", "force")
    sd.wait_prop("force", "NRestarts", "1")
    sd.wait_state("force", "active", "running")


def test_idle_type(sd):
    sd.write_unit("idle", "[Service]\nType=idle\nExecStart=/bin/sleep 1000\n")
    sd.ctl_ok("start", "idle")
    sd.wait_state("idle", "active", "running")
    assert sd.prop("idle", "Type") == "idle"


def test_forking_pidfile_missing(sd):
    sd.write_unit("f", f"""
        [Service]
        Type=forking
        PIDFile={sd.root}/run/never.pid
        ExecStart=/bin/sh -c 'sleep 1000 & echo $$! > {sd.out}/child'
        """)
    sd.ctl("start", "f")
    child = int(sd.wait_out("child", contains="\n"))
    wait_for(lambda: "PID file" in sd.logtext(), what="a PID file warning")
    sd.ctl("stop", "f")
    wait_for(lambda: not pid_alive(child), what="forked child gone")


def test_kill_whom_all_and_main(sd):
    sd.write_unit("k", f"""
        [Service]
        ExecStart=/bin/sh -c 'sleep 1000 & echo $$! > {sd.out}/child; trap "echo hup >> {sd.out}/main" HUP; echo > {sd.out}/ready; while :; do sleep 0.05; done'
        """)
    sd.ctl_ok("start", "k")
    child = int(sd.wait_out("child", contains="\n"))
    sd.wait_out("ready")
    sd.ctl_ok("kill", "--kill-whom=main", "-s", "HUP", "k")
    sd.wait_out("main", contains="hup")
    assert pid_alive(child)
    sd.ctl_ok("kill", "--kill-whom=all", "-s", "TERM", "k")
    wait_for(lambda: not pid_alive(child), what="child killed by kill --kill-whom=all")


def test_daemon_reload_while_client_waits(sd):
    import subprocess
    from conftest import SUPERCTL
    sd.write_unit("slow", f"[Unit]\nDescription=v1\n[Service]\nType=oneshot\nRemainAfterExit=yes\n"
                  f"ExecStart=/bin/sh -c '{WAIT_GO.format(out=sd.out)}'\n")
    waiter = subprocess.Popen([SUPERCTL, "--root", str(sd.root), "start", "slow"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        sd.wait_state("slow", "activating")
        sd.write_unit("slow", "[Unit]\nDescription=v2\n[Service]\nType=oneshot\nExecStart=/bin/true\n")
        sd.ctl_ok("daemon-reload")
        os.kill(sd.proc.pid, signal.SIGHUP)
        (sd.out / "go").write_text("")
        waiter.communicate(timeout=30)
    finally:
        if waiter.poll() is None:
            waiter.kill()
            waiter.wait()
    assert waiter.returncode == 0
    assert sd.state("slow") == ("active", "exited")
    sd.ctl_ok("stop", "slow")
    assert sd.prop("slow", "Description") == "v2"


def test_reset_failed_and_stop_during_auto_restart(sd):
    sd.write_unit("r", "[Service]\nRestart=always\nRestartSec=1h\nExecStart=/bin/sh -c 'exit 1'\n")
    sd.ctl("start", "r")
    sd.wait_state("r", "activating", "auto-restart")
    sd.ctl_ok("reset-failed", "r")
    os.kill(sd.proc.pid, signal.SIGHUP)
    sd.ctl_ok("daemon-reload")
    sd.ctl_ok("stop", "r")
    assert sd.state("r") == ("inactive", "dead")


def test_exec_stop_hangs(sd):
    sd.write_unit("h", f"""
        [Service]
        TimeoutStopSec=500ms
        ExecStart=/bin/sleep 1000
        ExecStop=/bin/sleep 1000
        ExecStopPost=/bin/sh -c 'echo post > {sd.out}/post'
        """)
    sd.ctl_ok("start", "h")
    pid = sd.main_pid("h")
    sd.ctl("stop", "h")
    assert not pid_alive(pid)
    assert sd.state("h")[0] in ("inactive", "failed")
    assert sd.read_out("post") == "post\n"
    wait_for(lambda: "Stopping timed out" in sd.logtext())


def test_missing_supplementary_group(sd):
    sd.write_unit("g", f"[Service]\nType=oneshot\nSupplementaryGroups=superd_no_such_group\n"
                  f"ExecStart=/bin/sh -c 'echo ran > {sd.out}/ran'\n")
    assert sd.ctl("start", "g").returncode != 0
    assert not sd.out_exists("ran")


@pytest.mark.parametrize("setting", ["UMask=999", "Group=-bad-", "SupplementaryGroups=0bad", "NoNewPrivileges=maybe"])
def test_bad_privilege_settings_fail_closed(sd, setting):
    sd.write_unit("p", f"[Service]\nType=oneshot\n{setting}\nExecStart=/bin/sh -c 'echo ran > {sd.out}/ran'\n")
    r = sd.ctl("start", "p")
    assert r.returncode != 0
    assert sd.prop("p", "LoadState") == "bad-setting"
    assert not sd.out_exists("ran")

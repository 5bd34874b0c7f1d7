"""The daemon itself (SPEC 4): daemonizing, the pid file, signals, --check."""
import os
import signal
import subprocess

import pytest

from conftest import SUPERD, pid_alive, proc_stat, run, wait_for


def daemonize(inst, **kw):
    """Runs `superd --root DIR` (no -f); returns the CompletedProcess of the first parent."""
    r = run([SUPERD, "--root", str(inst.root)], timeout=60, **kw)
    if r.returncode == 0:
        inst.daemon_pid = int(inst.pidfile.read_text())
    return r


def test_daemonize(inst):
    inst.write_unit("a", "[Service]\nExecStart=/bin/sleep 1000\n", enable=True)
    r_fd, w_fd = os.pipe()
    try:
        # capture_output: if the daemon kept our stdout/stderr, run() would hang
        r = daemonize(inst, pass_fds=(r_fd, w_fd), cwd=str(inst.root))
    finally:
        os.close(w_fd)
    assert r.returncode == 0, r.stderr
    pid = inst.daemon_pid
    assert pid_alive(pid)
    # ready when the first parent exits: the control socket answers at once
    assert inst.ctl("show").returncode == 0
    assert inst.pidfile.read_text().strip() == str(pid)
    st = proc_stat(pid)
    # SPEC 4: fork, setsid, fork again; then (issue 2) the daemon leads a
    # session of its own, with no controlling terminal.
    sid = int(st[3])
    assert sid != os.getsid(0), "still in the caller's session"
    assert sid == pid, "the daemon is not its own session leader"
    assert int(st[2]) == pid, "not the leader of its own process group"
    assert int(st[4]) == 0, "has a controlling terminal"
    assert int(st[5]) == -1 or int(st[5]) == 0, "has a foreground process group of a terminal"
    assert os.readlink(f"/proc/{pid}/cwd") == "/"
    for fd in (0, 1, 2):
        assert os.readlink(f"/proc/{pid}/fd/{fd}") == "/dev/null"
    pipe_inode = os.fstat(r_fd).st_ino
    os.close(r_fd)
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except FileNotFoundError:
            continue
        assert target != f"pipe:[{pipe_inode}]", f"inherited fd {fd} leaked into the daemon"
    with open(f"/proc/{pid}/status") as f:
        umask = next(l for l in f if l.startswith("Umask:")).split()[1]
    assert umask == "0022"
    # the enabled unit was started, and its process is a child of the daemon
    inst.wait_state("a", "active", "running")
    assert int(proc_stat(inst.main_pid("a"))[1]) == pid
    # its messages go to superd.log only
    wait_for(lambda: "running, control socket" in inst.logtext())
    assert r.stdout == "" and r.stderr == ""


def test_daemon_exit_removes_pidfile(inst):
    assert daemonize(inst).returncode == 0
    pid = inst.daemon_pid
    inst.ctl_ok("exit")
    wait_for(lambda: not pid_alive(pid), what="daemon gone after exit")
    assert not inst.pidfile.exists()
    assert not inst.control.exists()
    inst.daemon_pid = None


def test_second_instance_refused(inst):
    inst.start()
    pid = inst.proc.pid
    r = run([SUPERD, "-f", "--root", str(inst.root)], timeout=30)
    assert r.returncode != 0
    assert f"already running as pid {pid}" in r.stderr
    r = run([SUPERD, "--root", str(inst.root)], timeout=30)
    assert r.returncode != 0
    assert f"already running as pid {pid}" in r.stderr
    # the first one is unharmed
    assert inst.daemon_pid_alive()
    assert inst.answers()
    assert inst.pidfile.read_text().strip() == str(pid)


def test_second_instance_refused_by_daemon(inst):
    assert daemonize(inst).returncode == 0
    pid = inst.daemon_pid
    for argv in ([SUPERD, "--root", str(inst.root)], [SUPERD, "-f", "--root", str(inst.root)]):
        r = run(argv, timeout=30)
        assert r.returncode != 0
        assert f"already running as pid {pid}" in r.stderr
    assert pid_alive(pid) and inst.answers()


def test_stale_pidfile_ignored(inst):
    inst.rundir.mkdir(parents=True, exist_ok=True)
    inst.pidfile.write_text("1\n")      # not locked: stale
    inst.start()
    assert inst.pidfile.read_text().strip() == str(inst.proc.pid)


def test_sighup_reloads_units(sd):
    sd.write_unit("idle", "[Unit]\nDescription=Old idle\n[Service]\nExecStart=/bin/sleep 1000\n")
    sd.write_unit("busy", "[Unit]\nDescription=Old busy\n[Service]\nExecStart=/bin/sleep 1000\n")
    assert sd.prop("idle", "Description") == "Old idle"
    assert sd.prop("newcomer", "LoadState") == "not-found"
    sd.ctl_ok("start", "busy")
    pid = sd.main_pid("busy")
    sd.write_unit("idle", "[Unit]\nDescription=New idle\n[Service]\nExecStart=/bin/sleep 1000\n")
    sd.write_unit("busy", "[Unit]\nDescription=New busy\n[Service]\nExecStart=/bin/sleep 2000\n")
    sd.write_unit("newcomer", "[Unit]\nDescription=Newcomer\n[Service]\nExecStart=/bin/sleep 1000\n")
    os.kill(sd.proc.pid, signal.SIGHUP)
    sd.wait_prop("idle", "Description", "New idle")
    assert sd.prop("newcomer", "LoadState") == "loaded"
    assert sd.prop("newcomer", "Description") == "Newcomer"
    # the running service keeps running, unchanged, until it is restarted
    assert sd.main_pid("busy") == pid and pid_alive(pid)
    assert sd.state("busy") == ("active", "running")
    sd.ctl_ok("restart", "busy")
    assert sd.prop("busy", "Description") == "New busy"
    new = sd.main_pid("busy")

    def cmdline():
        with open(f"/proc/{new}/cmdline", "rb") as f:
            return f.read()
    # Type=simple is started once forked; the exec follows.
    wait_for(lambda: cmdline() == b"/bin/sleep\x002000\x00", what="the new command line")
    assert sd.daemon_pid_alive()
    wait_for(lambda: "Reloading finished" in sd.logtext())


def test_sighup_with_broken_unit(sd):
    sd.write_unit("a", "[Unit]\nDescription=ok\n[Service]\nExecStart=/bin/sleep 1000\n")
    sd.ctl_ok("start", "a")
    assert sd.prop("a", "Description") == "ok"
    sd.write_unit("b", "[Service]\nExecStart=/bin/true\n")
    assert sd.prop("b", "LoadState") == "loaded"
    (sd.units / "b.service").write_bytes(b"[Service\x00\xff\nUser=0day\nExecStart=\n")
    os.kill(sd.proc.pid, signal.SIGHUP)
    sd.wait_prop("b", "LoadState", lambda v: v != "loaded")
    assert sd.state("a") == ("active", "running")
    assert sd.daemon_pid_alive()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_sigterm_stops_everything(inst, sig):
    inst.write_unit("a", "[Service]\nExecStart=/bin/sleep 1000\n", enable=True)
    inst.write_unit("b", f"""
        [Service]
        ExecStart=/bin/sh -c 'trap "" TERM; echo > {inst.out}/ready; while :; do sleep 0.1; done'
        TimeoutStopSec=500ms
        """)
    inst.write_unit("c", f"""
        [Service]
        Type=oneshot
        RemainAfterExit=yes
        ExecStart=/bin/true
        ExecStop=/bin/sh -c 'echo stopped > {inst.out}/c-stopped'
        """)
    inst.start()
    inst.wait_state("a", "active", "running")
    inst.ctl_ok("start", "b", "c")
    inst.wait_out("ready")
    pids = [inst.main_pid("a"), inst.main_pid("b")]
    inst.proc.send_signal(sig)
    assert inst.proc.wait(30) == 0
    for p in pids:
        assert not pid_alive(p)
    assert inst.read_out("c-stopped") == "stopped\n"
    assert not inst.pidfile.exists()
    assert "All units stopped, exiting." in inst.logtext()


def test_daemonized_sigterm(inst):
    inst.write_unit("a", "[Service]\nExecStart=/bin/sleep 1000\n", enable=True)
    assert daemonize(inst).returncode == 0
    inst.wait_state("a", "active", "running")
    child = inst.main_pid("a")
    pid = inst.daemon_pid
    os.kill(pid, signal.SIGTERM)
    wait_for(lambda: not pid_alive(pid), what="daemon exits on SIGTERM")
    assert not pid_alive(child)
    inst.daemon_pid = None


def test_check_clean_tree(inst):
    inst.write_unit("a", "[Unit]\nDescription=fine\n[Service]\nExecStart=/bin/sleep 1000\n")
    inst.write_unit("t@", "[Service]\nExecStart=/bin/echo %i\n")
    r = run([SUPERD, "--check", "--root", str(inst.root)])
    assert r.returncode == 0, r.stderr
    assert "all loadable" in r.stdout


def test_check_broken_unit(inst):
    inst.write_unit("a", "[Service]\nExecStart=/bin/sleep 1000\n")
    path = inst.write_unit("broken", "[Service]\nType=simple\nUser=0day\nExecStart=/bin/true\n")
    path2 = inst.write_unit("noexec", "[Unit]\nDescription=x\n[Service]\nRestart=sometimes\n")
    r = run([SUPERD, "--check", "--root", str(inst.root)])
    assert r.returncode == 1
    assert f"{path}:3:" in r.stderr
    assert f"{path2}:4:" in r.stderr       # the bad Restart= value, line 4
    assert "broken.service: bad-setting" in r.stderr
    assert "problems found" in r.stdout


def test_check_does_not_need_daemon_and_ignores_running_one(sd):
    r = run([SUPERD, "--check", "--root", str(sd.root)])
    assert r.returncode == 0
    assert sd.answers()


@pytest.mark.parametrize("how", ["missing-root", "root-is-file", "bad-option", "extra-arg"])
def test_bad_invocations(root, how):
    if how == "missing-root":
        argv = [SUPERD, "-f", "--root", "/nonexistent/x"]
        reason = "/nonexistent/x"
    elif how == "root-is-file":
        f = root / "file"
        f.write_text("")
        argv = [SUPERD, "-f", "--root", str(f)]
        reason = "superd"
    elif how == "bad-option":
        argv = [SUPERD, "--frobnicate"]
        reason = "frobnicate"
    else:
        argv = [SUPERD, "-f", "--root", str(root), "extra"]
        reason = "extra"
    r = run(argv, timeout=30)
    assert r.returncode != 0
    assert reason in r.stderr
    assert not sanitizer(r.stderr)


def test_daemonize_failure_reported_by_first_parent(root):
    f = root / "file"
    f.write_text("")
    r = run([SUPERD, "--root", str(f)], timeout=30)
    assert r.returncode != 0
    assert r.stderr.strip() != ""
    assert not sanitizer(r.stderr)


def test_version_and_help():
    r = run([SUPERD, "--version"])
    assert r.returncode == 0 and r.stdout.startswith("superd ")
    r = run([SUPERD, "--help"])
    assert r.returncode == 0 and "--root" in r.stdout


def test_superd_conf(inst):
    (inst.root / "etc/superd.conf").write_text("[Manager]\nDefaultRestartSec=250ms\nDefaultTimeoutStopSec=7s\n")
    inst.write_unit("a", "[Service]\nExecStart=/bin/sleep 1000\n")
    inst.start()
    assert inst.prop("a", "RestartUSec") == "250000"
    assert inst.prop("a", "TimeoutStopUSec") == "7000000"


def test_log_reopen_on_sigusr1(sd):
    sd.write_unit("o", "[Service]\nType=oneshot\nExecStart=/bin/echo first-message\n")
    sd.ctl_ok("start", "o")
    wait_for(lambda: "first-message" in sd.logtext())
    os.rename(sd.log, sd.rundir / "superd.log.1")
    os.kill(sd.proc.pid, signal.SIGUSR1)
    wait_for(lambda: sd.log.exists(), what="superd.log reopened")
    sd.write_unit("o2", "[Service]\nType=oneshot\nExecStart=/bin/echo second-message\n")
    sd.ctl_ok("start", "o2")
    wait_for(lambda: "second-message" in sd.logtext())
    assert "first-message" not in sd.logtext()


def sanitizer(text):
    from conftest import sanitizer_report
    return sanitizer_report(text)


def test_orphans_reaped(sd):
    """A service that leaves a double-forked child: when the child dies it is reaped (no zombie)."""
    sd.write_unit("o", f"""
        [Service]
        Type=oneshot
        RemainAfterExit=yes
        KillMode=none
        ExecStart=/bin/sh -c '(sleep 0.3; echo $$$$ > /dev/null) & echo $$! > {sd.out}/orphan'
        """)
    sd.ctl_ok("start", "o")
    orphan = int(sd.wait_out("orphan", contains="\n"))
    wait_for(lambda: not os.path.exists(f"/proc/{orphan}"), what="orphan reaped (no zombie left)")
    sd.ctl_ok("stop", "o")

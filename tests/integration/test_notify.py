"""Type=notify: systemd's readiness protocol (SPEC 5 "Readiness"), proven with
Debian's own systemd-notify and with a daemon linked against libsystemd's
sd_notify(); the notify socket's refusals (forged, foreign, malformed,
oversized datagrams), NotifyAccess=, MAINPID=, WatchdogSec= and
EXTEND_TIMEOUT_USEC=."""
import array
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest

from conftest import pid_alive, wait_for

HELPERS = Path(__file__).resolve().parent / "helpers"


# ---- what the tests need from Debian ---------------------------------------

@pytest.fixture(scope="session")
def notify_tools():
    """systemd-notify (package systemd) and sd-daemon.h (libsystemd-dev),
    installed with apt-get only when missing."""
    missing = []
    if not shutil.which("systemd-notify"):
        missing.append("systemd")
    if not Path("/usr/include/systemd/sd-daemon.h").exists():
        missing.append("libsystemd-dev")
    if not missing:
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        pytest.skip(f"{' '.join(missing)} missing and apt-get is not usable here")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    r = subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", *missing],
                       capture_output=True, text=True, env=env, timeout=900)
    if r.returncode != 0:
        pytest.skip(f"apt-get install {' '.join(missing)} failed: {(r.stderr or r.stdout)[-500:]}")


@pytest.fixture(scope="session")
def notifyd(notify_tools, tmp_path_factory):
    """Path of helpers/notifyd.c compiled against libsystemd."""
    d = tmp_path_factory.mktemp("notifyd")
    d.chmod(0o755)
    exe = d / "notifyd"
    r = subprocess.run(["cc", "-O2", "-Wall", "-o", str(exe), str(HELPERS / "notifyd.c"), "-lsystemd"],
                       capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        pytest.fail(f"cannot build notifyd:\n{r.stderr}")
    return exe


# ---- helpers -----------------------------------------------------------------

def notify_path(sd):
    return str(sd.rundir / "notify")


def send_datagram(sd, data, fds=()):
    """Sends one datagram to the notify socket from this (foreign) process."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
        if fds:
            s.sendmsg([data], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))],
                      0, notify_path(sd))
        else:
            s.sendto(data, notify_path(sd))


def counter(sd, name):
    return int(sd.ctl_ok("show", "-p", name, "--value").stdout.strip())


def wait_counter(sd, name, at_least):
    wait_for(lambda: counter(sd, name) >= at_least, what=f"{name} >= {at_least}")


def start_no_block(sd, unit):
    sd.ctl_ok("start", "--no-block", unit)


# ---- readiness with systemd-notify -------------------------------------------

def test_systemd_notify_ready_ends_the_start(sd, notify_tools):
    sd.write_unit("n", f"""
        [Service]
        Type=notify
        ExecStart=/bin/sh -c 'sleep 1; touch {sd.out}/before; systemd-notify --ready --status="ready now"; exec sleep 1000'
        """)
    t0 = time.monotonic()
    start_no_block(sd, "n")
    # Running but not ready yet: still activating.
    assert sd.state("n") == ("activating", "start")
    assert not sd.out_exists("before")
    assert int(sd.prop("n", "MainPID")) > 0
    sd.ctl_ok("start", "n")              # waits for the same job
    assert sd.out_exists("before")       # READY=1 came after the file was written
    assert time.monotonic() - t0 >= 0.9
    assert sd.state("n") == ("active", "running")
    assert sd.prop("n", "StatusText") == "ready now"
    assert 'Status: "ready now"' in sd.ctl("status", "n").stdout
    assert sd.prop("n", "NotifyAccess") == "main"


def test_notify_socket_in_every_process_environment(sd, notify_tools):
    sd.write_unit("n", f"""
        [Service]
        Type=notify
        ExecStartPre=/bin/sh -c 'echo "$NOTIFY_SOCKET" > {sd.out}/pre'
        ExecStart=/bin/sh -c 'echo "$NOTIFY_SOCKET" > {sd.out}/main; systemd-notify --ready; exec sleep 1000'
        ExecStartPost=/bin/sh -c 'echo "$NOTIFY_SOCKET" > {sd.out}/post'
        """)
    sd.ctl_ok("start", "n")
    for f in ("pre", "main", "post"):
        assert sd.read_out(f).strip() == notify_path(sd)
    assert sd.ctl_ok("show", "-p", "NotifySocket", "--value").stdout.strip() == notify_path(sd)


def test_systemd_notify_barrier_returns(sd, notify_tools):
    # systemd-notify without --no-block sends BARRIER=1 with a pipe and waits
    # for us to close it (it gives up after 5 s and fails).
    sd.write_unit("n", f"""
        [Service]
        Type=notify
        ExecStart=/bin/sh -c 'systemd-notify --ready; s=$(date +%%s%%N); systemd-notify STATUS=second; \
            echo $? $(( ($(date +%%s%%N) - s) / 1000000 )) > {sd.out}/barrier; exec sleep 1000'
        """)
    before = counter(sd, "NotifyBarriers")
    sd.ctl_ok("start", "n")
    rc, ms = map(int, sd.wait_out("barrier", contains="\n").split())
    assert rc == 0
    assert ms < 3000
    assert sd.prop("n", "StatusText") == "second"
    assert counter(sd, "NotifyBarriers") >= before + 2
    assert counter(sd, "NotifyFDsClosed") >= 2


def test_barrier_fd_closed_even_for_strangers(sd):
    # Every fd received is closed, whoever sent it.
    r, w = os.pipe()
    try:
        send_datagram(sd, b"BARRIER=1", fds=[w])
        os.close(w)
        w = -1
        import select
        p = select.poll()
        p.register(r, select.POLLIN)
        assert p.poll(5000), "the notify socket kept our pipe's write end open"
        assert os.read(r, 1) == b""
        # An fd sent with a refused message is closed too.
        r2, w2 = os.pipe()
        send_datagram(sd, b"READY=1", fds=[w2])
        os.close(w2)
        p2 = select.poll()
        p2.register(r2, select.POLLIN)
        assert p2.poll(5000)
        os.close(r2)
    finally:
        os.close(r)
        if w >= 0:
            os.close(w)


def test_never_ready_times_out(sd):
    sd.write_unit("n", """
        [Service]
        Type=notify
        TimeoutStartSec=2
        ExecStart=/bin/sleep 1000
        """)
    t0 = time.monotonic()
    r = sd.ctl("start", "n")
    took = time.monotonic() - t0
    assert r.returncode == 1
    assert 1.5 <= took < 8
    p = sd.props("n")
    assert (p["ActiveState"], p["Result"]) == ("failed", "timeout")
    wait_for(lambda: "Start operation timed out" in sd.logtext())


def test_main_exit_before_ready(sd):
    sd.write_unit("ok", "[Service]\nType=notify\nExecStart=/bin/true\n")
    sd.write_unit("bad", "[Service]\nType=notify\nExecStart=/bin/sh -c 'exit 3'\n")
    assert sd.ctl("start", "ok").returncode == 1
    assert sd.props("ok")["Result"] == "protocol"
    assert sd.ctl("start", "bad").returncode == 1
    p = sd.props("bad")
    assert (p["Result"], p["ExecMainStatus"]) == ("exit-code", "3")


def test_ready_sent_just_before_exit_counts(sd, notify_tools):
    # READY=1 then an immediate exit: the datagram is handled before the
    # exit, so the start succeeds and RemainAfterExit keeps it active.
    sd.write_unit("n", """
        [Service]
        Type=notify
        NotifyAccess=all
        RemainAfterExit=yes
        ExecStart=/bin/sh -c 'systemd-notify --ready --status=done; exit 0'
        """)
    sd.ctl_ok("start", "n")
    sd.wait_state("n", "active", "exited")
    assert sd.prop("n", "StatusText") == "done"


def test_errno_and_status_escaped(sd, notify_tools):
    sd.write_unit("n", """
        [Service]
        Type=notify
        ExecStart=/bin/sh -c 'systemd-notify --ready ERRNO=5 "STATUS=$(printf "tab\\there \\377")"; exec sleep 1000'
        """)
    sd.ctl_ok("start", "n")
    assert sd.prop("n", "StatusErrno") == "5"
    assert sd.prop("n", "StatusText") == "tab\\x09here \\xff"


def test_stopping_deactivates(sd, notify_tools):
    sd.write_unit("n", f"""
        [Service]
        Type=notify
        ExecStart=/bin/sh -c 'systemd-notify --ready; while [ ! -e {sd.out}/go ]; do sleep 0.05; done; \
            systemd-notify STOPPING=1; while [ ! -e {sd.out}/go2 ]; do sleep 0.05; done; exit 0'
        """)
    sd.ctl_ok("start", "n")
    (sd.out / "go").touch()
    sd.wait_state("n", "deactivating", "stop-sigterm")
    (sd.out / "go2").touch()
    p = sd.wait_state("n", "inactive", "dead")
    assert p["Result"] == "success"


# ---- a daemon linked with libsystemd -------------------------------------------

def test_libsystemd_daemon_ready_reload_stop(sd, notifyd):
    sd.write_unit("d", f"""
        [Service]
        Type=notify
        ExecStart={notifyd} {sd.out}
        """)
    sd.ctl_ok("start", "d")
    pid = int(sd.wait_out("notifyd.pid"))
    p = sd.props("d")
    assert (p["ActiveState"], p["SubState"], p["MainPID"]) == ("active", "running", str(pid))
    assert p["StatusText"] == f"serving as {pid}"
    # RELOADING=1 ... READY=1 on SIGHUP.
    os.kill(pid, 1)
    sd.wait_out("reloading")
    p = sd.wait_state("d", "reloading", "reload")
    assert p["StatusText"] == "reloading"
    (sd.out / "reload-go").touch()
    sd.wait_out("reloaded")
    p = sd.wait_state("d", "active", "running")
    assert p["StatusText"] == "reloaded 1"
    assert int(p["MainPID"]) == pid
    # SIGTERM: STOPPING=1, exit 0.
    sd.ctl_ok("stop", "d")
    p = sd.props("d")
    assert (p["ActiveState"], p["Result"]) == ("inactive", "success")
    assert not pid_alive(pid)


def test_extend_timeout_usec(sd, notifyd):
    # TimeoutStartSec=1, but the daemon takes 3 s, asking for 1.5 s more every 0.5 s.
    sd.write_unit("d", f"""
        [Service]
        Type=notify
        TimeoutStartSec=1
        ExecStart={notifyd} {sd.out} extend
        """)
    t0 = time.monotonic()
    sd.ctl_ok("start", "d")
    assert time.monotonic() - t0 >= 2.5
    assert sd.state("d") == ("active", "running")


# ---- the watchdog ------------------------------------------------------------------

def test_watchdog_env_and_pings(sd, notifyd):
    sd.write_unit("d", f"""
        [Service]
        Type=notify
        WatchdogSec=1
        ExecStart={notifyd} {sd.out}
        """)
    sd.ctl_ok("start", "d")
    pid = int(sd.wait_out("notifyd.pid"))
    usec, wpid = sd.wait_out("watchdog").split()
    assert (usec, wpid) == ("1000000", str(pid))   # WATCHDOG_USEC, WATCHDOG_PID as sd_watchdog_enabled() saw them
    assert sd.prop("d", "WatchdogUSec") == "1000000"
    first = int(sd.prop("d", "WatchdogTimestampMonotonic"))
    wait_for(lambda: int(sd.prop("d", "WatchdogTimestampMonotonic")) > first, what="a watchdog ping")
    time.sleep(2.5)  # longer than WatchdogSec=: the pings keep it alive
    assert sd.state("d") == ("active", "running")
    assert sd.main_pid("d") == pid


def test_watchdog_timeout_fails(sd, notifyd):
    sd.write_unit("d", f"""
        [Service]
        Type=notify
        WatchdogSec=1
        ExecStart={notifyd} {sd.out}
        """)
    sd.ctl_ok("start", "d")
    pid = int(sd.wait_out("notifyd.pid"))
    os.kill(pid, 12)  # SIGUSR2: stop pinging
    p = sd.wait_state("d", "failed", timeout=15)
    assert p["Result"] == "watchdog"
    assert p["ExecMainStatus"] == "6"   # SIGABRT, systemd's WatchdogSignal=
    wait_for(lambda: "Watchdog timeout" in sd.logtext())


def test_watchdog_restart_on_watchdog(sd, notifyd):
    sd.write_unit("d", f"""
        [Service]
        Type=notify
        WatchdogSec=1
        Restart=on-watchdog
        RestartSec=100ms
        ExecStart={notifyd} {sd.out}
        """)
    sd.ctl_ok("start", "d")
    pid = int(sd.wait_out("notifyd.pid"))
    (sd.out / "notifyd.pid").unlink()
    os.kill(pid, 12)
    sd.wait_prop("d", "NRestarts", "1", timeout=15)
    new = int(sd.wait_out("notifyd.pid"))
    assert new != pid
    sd.wait_state("d", "active", "running")
    assert sd.main_pid("d") == new


def test_watchdog_trigger(sd, notify_tools):
    sd.write_unit("n", f"""
        [Service]
        Type=notify
        ExecStart=/bin/sh -c 'systemd-notify --ready; while [ ! -e {sd.out}/go ]; do sleep 0.05; done; \
            systemd-notify WATCHDOG=trigger; exec sleep 1000'
        """)
    sd.ctl_ok("start", "n")
    (sd.out / "go").touch()
    p = sd.wait_state("n", "failed")
    assert p["Result"] == "watchdog"


# ---- refusals ----------------------------------------------------------------------

def test_forged_ready_from_another_process_refused(sd):
    sd.write_unit("n", """
        [Service]
        Type=notify
        NotifyAccess=all
        TimeoutStartSec=60
        ExecStart=/bin/sleep 1000
        """)
    start_no_block(sd, "n")
    sd.wait_prop("n", "MainPID", lambda v: int(v) > 0)
    before = counter(sd, "NotifyDroppedForeign")
    send_datagram(sd, b"READY=1\nSTATUS=forged")
    # ... and from a process running as another user.
    subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/python3", "-c",
                    "import socket,sys; s=socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); "
                    "s.sendto(b'READY=1', sys.argv[1])", notify_path(sd)], check=True, timeout=30)
    wait_counter(sd, "NotifyDroppedForeign", before + 2)
    p = sd.props("n")
    assert (p["ActiveState"], p["SubState"], p["StatusText"]) == ("activating", "start", "")
    assert sd.ctl("is-active", "n").returncode != 0
    sd.ctl_ok("stop", "n")


def test_notify_access_main_refuses_other_unit_processes(sd, notify_tools):
    # A child of the main process is of the unit, but NotifyAccess=main (the
    # Type=notify default) only listens to the main process itself.
    # The sender stays a moment: a datagram from a process already gone
    # cannot be tied to its unit (systemd has the same race).
    sender = ("import socket,os,time; s=socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); "
              "s.sendto(b'READY=1', os.environ['NOTIFY_SOCKET']); time.sleep(1)")
    for access, ready in (("main", False), ("all", True)):
        sd.write_unit(f"n-{access}", f"""
            [Service]
            Type=notify
            NotifyAccess={access}
            TimeoutStartSec=60
            ExecStart=/bin/sh -c "python3 -c \\"{sender}\\"; touch {sd.out}/{access}; exec sleep 1000"
            """)
        before = counter(sd, "NotifyDroppedDenied")
        start_no_block(sd, f"n-{access}")
        sd.wait_out(access)
        if ready:
            sd.wait_state(f"n-{access}", "active", "running")
        else:
            wait_counter(sd, "NotifyDroppedDenied", before + 1)
            assert sd.state(f"n-{access}") == ("activating", "start")
            sd.ctl_ok("stop", f"n-{access}")
    wait_for(lambda: "but reception only permitted for main PID" in sd.logtext())


def test_notify_access_none_and_simple_services(sd, notify_tools):
    # Type=simple: NotifyAccess= defaults to none, STATUS= is refused.
    sd.write_unit("s", f"""
        [Service]
        ExecStart=/bin/sh -c 'systemd-notify --status=hello; touch {sd.out}/sent; exec sleep 1000'
        """)
    before = counter(sd, "NotifyDroppedDenied")
    sd.ctl_ok("start", "s")
    sd.wait_out("sent")
    wait_counter(sd, "NotifyDroppedDenied", before + 1)
    assert sd.prop("s", "StatusText") == ""
    assert sd.prop("s", "NotifyAccess") == "none"


def test_mainpid_from_foreign_pid_refused(sd, notify_tools):
    me = os.getpid()
    sd.write_unit("n", f"""
        [Service]
        Type=notify
        ExecStart=/bin/sh -c 'systemd-notify --ready MAINPID={me}; exec sleep 1000'
        """)
    sd.ctl_ok("start", "n")
    pid = sd.main_pid("n")
    assert pid != me
    assert counter(sd, "NotifyMainPIDRefused") >= 1
    wait_for(lambda: f"New main PID {me} refused" in sd.logtext())
    # A forged MAINPID= from outside changes nothing either.
    send_datagram(sd, f"MAINPID={me}".encode())
    time.sleep(0.2)
    assert sd.main_pid("n") == pid


def test_mainpid_of_a_unit_process_accepted(sd, notify_tools):
    sd.write_unit("n", f"""
        [Service]
        Type=notify
        ExecStart=/bin/sh -c 'sleep 1000 & echo $! > {sd.out}/child; systemd-notify --ready MAINPID=$!; exec sleep 2000'
        """)
    sd.ctl_ok("start", "n")
    child = int(sd.wait_out("child", contains="\n"))
    assert sd.main_pid("n") == child
    sd.ctl_ok("stop", "n")
    assert not pid_alive(child)


def test_unprivileged_sender_needs_notify_access_all(sd, notify_tools, test_user):
    # Not root, systemd-notify cannot speak for its parent: the datagram comes
    # from its own pid, which only NotifyAccess=all accepts (as with systemd).
    sd.write_unit("u", f"""
        [Service]
        Type=notify
        NotifyAccess=all
        User={test_user['name']}
        ExecStart=/bin/sh -c 'systemd-notify --ready --status=unprivileged; exec sleep 1000'
        """)
    sd.ctl_ok("start", "u")
    assert sd.prop("u", "StatusText") == "unprivileged"


def test_garbage_datagrams_dropped_and_counted(sd):
    sd.write_unit("n", "[Service]\nType=notify\nNotifyAccess=all\nTimeoutStartSec=60\nExecStart=/bin/sleep 1000\n")
    start_no_block(sd, "n")
    sd.wait_prop("n", "MainPID", lambda v: int(v) > 0)
    over0 = counter(sd, "NotifyDroppedOversized")
    bad0 = counter(sd, "NotifyDroppedMalformed")
    send_datagram(sd, b"STATUS=" + b"x" * 5000)
    send_datagram(sd, b"READY=1\0STATUS=after-nul")
    send_datagram(sd, b"this is not an assignment")
    send_datagram(sd, b"")
    send_datagram(sd, b"\n\n")
    send_datagram(sd, os.urandom(3000).replace(b"=", b""))
    wait_counter(sd, "NotifyDroppedOversized", over0 + 1)
    wait_counter(sd, "NotifyDroppedMalformed", bad0 + 5)
    # A flood is counted, not logged line by line.
    for _ in range(300):
        send_datagram(sd, b"garbage")
    wait_counter(sd, "NotifyDroppedMalformed", bad0 + 305)
    assert sd.logtext().count("malformed notification datagram") <= 2
    assert sd.answers()
    assert sd.state("n") == ("activating", "start")
    assert int(sd.ctl_ok("show", "-p", "NotifyDropped", "--value").stdout) >= 306
    sd.ctl_ok("stop", "n")

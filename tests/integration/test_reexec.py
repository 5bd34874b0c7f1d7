"""superctl daemon-reexec (SPEC 4, issue 3 item 8): superd execs the binary
on disk again and keeps every service running with the same PID and state."""
import os
import shutil
import signal
import subprocess

from conftest import SUPERD, pid_alive, run, wait_for


def test_reexec_keeps_services(sd):
    sd.write_unit("always", """
        [Service]
        ExecStart=/bin/sh -c 'echo started; exec sleep 1000'
        Restart=always
        RestartSec=100ms
        """)
    sd.write_unit("other", """
        [Service]
        ExecStart=/bin/sleep 1000
        """)
    sd.ctl_ok("start", "always", "other")
    pid = sd.main_pid("always")
    other = sd.main_pid("other")
    # One restart before the reexec, so there is a counter to keep.
    os.kill(pid, signal.SIGKILL)
    wait_for(lambda: sd.main_pid("always") not in (0, pid), what="first restart")
    pid = sd.main_pid("always")
    assert sd.prop("always", "NRestarts") == "1"
    inv = sd.prop("always", "InvocationID")
    daemon = sd.proc.pid
    sd.ctl_ok("daemon-reexec")
    wait_for(lambda: "running again after reexecution" in sd.logtext(), what="the new superd")
    assert sd.proc.poll() is None and sd.proc.pid == daemon
    assert sd.main_pid("always") == pid and sd.main_pid("other") == other
    assert sd.prop("always", "NRestarts") == "1"
    assert sd.prop("always", "InvocationID") == inv
    assert sd.prop("always", "ActiveState") == "active"
    r = sd.ctl("status", "always")
    assert r.returncode == 0 and f"Main PID: {pid}" in r.stdout, r.stdout
    # The pid file is still locked: a second superd refuses.
    r = run([SUPERD, "-f", "--root", str(sd.root)], timeout=20)
    assert r.returncode != 0 and "already running" in r.stderr, r.stderr
    # Children are still ours: a kill -9 is seen and restarts the service.
    os.kill(pid, signal.SIGKILL)
    wait_for(lambda: sd.main_pid("always") not in (0, pid), what="restart after reexec")
    assert sd.prop("always", "NRestarts") == "2"
    assert not pid_alive(pid)
    sd.ctl_ok("stop", "other")
    wait_for(lambda: not pid_alive(other), what="other stopped")


def test_reexec_picks_up_new_binary(inst, tmp_path):
    exe = tmp_path / "superd"
    shutil.copy(SUPERD, exe)
    inst.write_unit("svc", """
        [Service]
        ExecStart=/bin/sleep 1000
        """, enable=True)
    # Run from the copy (start() uses SUPERD; a wrapper execs the copy instead).
    inst.start(wrapper=["/bin/sh", "-c", f'shift; exec {exe} "$@"', "sh"])
    daemon = inst.proc.pid
    ino = os.stat(f"/proc/{daemon}/exe").st_ino
    pid = inst.main_pid("svc")
    # A "new build": another file put in place with rename, as make install does.
    new = tmp_path / "superd.new"
    shutil.copy(SUPERD, new)
    with open(new, "ab") as f:
        f.write(b"\0new build\0")
    os.rename(new, exe)
    inst.ctl_ok("daemon-reexec")
    wait_for(lambda: os.stat(f"/proc/{daemon}/exe").st_ino != ino, what="the new binary running")
    assert os.stat(f"/proc/{daemon}/exe").st_ino == os.stat(exe).st_ino
    wait_for(lambda: inst.answers(), what="answers after reexec")
    assert inst.main_pid("svc") == pid
    assert inst.prop("svc", "ActiveState") == "active"


def socket_inodes(pid):
    out = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            t = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if t.startswith("socket:"):
            out.add(t)
    return out


def listening_inode(port):
    """The inode of the TCP socket listening on 127.0.0.1:port (from /proc/net/tcp)."""
    want = "0100007F:%04X" % port
    with open("/proc/net/tcp") as f:
        for line in f.readlines()[1:]:
            fields = line.split()
            if fields[1] == want and fields[3] == "0A":
                return "socket:[%s]" % fields[9]
    return None


def test_reexec_keeps_listening_sockets(sd):
    """SPEC 4: daemon-reexec keeps every listening socket: the same socket
    (inode) serves before and after, and connections are answered."""
    from sockutil import free_port, tcp_talk, wait_listening
    port = free_port()
    sd.write_unit("re.socket", f"""
        [Socket]
        ListenStream=127.0.0.1:{port}
        Builtin=echo
        """)
    sd.ctl_ok("start", "re.socket")
    wait_listening(port)
    assert tcp_talk(port, b"before") == b"before"
    inode = listening_inode(port)
    assert inode and inode in socket_inodes(sd.proc.pid)
    sd.ctl_ok("daemon-reexec")
    wait_for(lambda: "Deserialized" in sd.logtext(), what="the new superd to take over")
    wait_for(lambda: sd.state("re.socket") == ("active", "listening"), what="the socket listening again")
    assert listening_inode(port) == inode            # the very same socket, never closed
    assert tcp_talk(port, b"after") == b"after"
    sd.ctl_ok("stop", "re.socket")
    wait_for(lambda: listening_inode(port) is None, what="the socket closed on stop")

"""Per-connection hardening (User, Group, RootDirectory, Limit*, Nice, UMask,
Environment, RuntimeMaxSec, no fd leaks) and superd under EMFILE."""
import re
import shutil
import socket
import subprocess
import time

import pytest

from conftest import wait_for
from sockutil import HELPERS, free_port, tcp_talk


def build_probe(tmp_path):
    exe = tmp_path / "connprobe"
    r = subprocess.run(["cc", "-static", "-O2", "-o", str(exe), str(HELPERS / "connprobe.c")],
                       capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"cannot build a static helper: {r.stderr[-300:]}")
    return exe


def probe(port, sd=None, **kw):
    line = tcp_talk(port, **kw).decode()
    assert line.startswith("uid="), f"no answer from the probe: {line!r}\n" + (sd.logtext()[-3000:] if sd else "")
    return dict(kv.split("=", 1) for kv in line.split())


def test_per_connection_user_root_limits_env(sd, tmp_path, test_user):
    exe = build_probe(tmp_path)
    chroot = tmp_path / "jail"
    (chroot / "bin").mkdir(parents=True)
    shutil.copy(exe, chroot / "bin/connprobe")
    (chroot / "marker").write_text("inside\n")
    tmp_path.chmod(0o755)
    port = free_port()
    sd.write_unit("probe.socket", f"""
        [Socket]
        ListenStream=127.0.0.1:{port}
        Accept=yes
        """)
    sd.write_unit("probe@.service", f"""
        [Service]
        ExecStart=/bin/connprobe
        RootDirectory={chroot}
        User={test_user['name']}
        Group={test_user['group']}
        Nice=7
        UMask=0077
        LimitNOFILE=77
        Environment=FOO=bar
        """)
    sd.ctl_ok("start", "probe.socket")
    seen = []
    for _ in range(3):
        p = probe(port, sd)
        assert p["uid"] == str(test_user["uid"]) and p["euid"] == str(test_user["uid"])
        assert p["gid"] == str(test_user["group_gid"])
        assert p["marker"] == "1"            # inside RootDirectory=
        assert p["nice"] == "7" and p["umask"] == "0077" and p["nofile"] == "77" and p["foo"] == "bar"
        assert p["fds"] == "0,1,2,3", p      # the connection (stdio + fd 3) and nothing else
        seen.append(p)
    assert sd.prop("probe.socket", "NAccepted") == "3"


def test_runtime_max_sec_kills_hung_connection(sd, tmp_path):
    exe = build_probe(tmp_path)
    port = free_port()
    sd.write_unit("hang.socket", f"[Socket]\nListenStream=127.0.0.1:{port}\nAccept=yes\n")
    sd.write_unit("hang@.service", f"""
        [Service]
        ExecStart={exe}
        Environment=HANG=1
        RuntimeMaxSec=1
        """)
    sd.ctl_ok("start", "hang.socket")
    s = socket.create_connection(("127.0.0.1", port), timeout=15)
    t0 = time.monotonic()
    assert s.recv(200).startswith(b"uid=")
    assert s.recv(200) == b""            # closed when the process was killed
    assert 0.5 < time.monotonic() - t0 < 10
    s.close()
    assert "timeout" in sd.logtext() or "Timed out" in sd.logtext() or "runtime" in sd.logtext().lower()
    sd.wait_prop("hang.socket", "NConnections", "0")


def test_emfile_keeps_running_and_resumes(inst):
    port = free_port()
    inst.write_unit("many.socket", f"""
        [Socket]
        ListenStream=127.0.0.1:{port}
        Builtin=echo
        Backlog=512
        TriggerLimitBurst=0
        MaxConnections=1000
        MaxConnectionsPerSource=1000
        [Install]
        WantedBy=sockets.target
        """)
    (inst.units / "sockets.target.wants").mkdir(exist_ok=True)
    (inst.units / "sockets.target.wants/many.socket").symlink_to("../many.socket")
    inst.start(wrapper=["prlimit", "--nofile=64:64", "--"])
    inst.wait_state("many.socket", "active", "listening")
    conns = []
    for _ in range(100):
        conns.append(socket.create_connection(("127.0.0.1", port), timeout=10))
    wait_for(lambda: "Not accepting until descriptors are free" in inst.logtext(), what="EMFILE message")
    for c in conns:
        c.close()
    # descriptors are free again: it accepts (and answers superctl) as before
    assert tcp_talk(port, b"after") == b"after"
    assert inst.answers()
    assert inst.logtext().count("Not accepting until descriptors are free") == 1
    wait_for(lambda: inst.prop("many.socket", "NConnections") == "0", what="connections to end")

"""Debian's own unit files, unchanged, under superd (issue 3): nginx
(forking, PIDFile, ExecReload, KillMode=mixed) and redis-server
(Type=notify, User=, RuntimeDirectory=, LimitNOFILE=, sandboxing keys).
The packages are installed from Debian when missing; the tests skip with
the reason only where apt cannot install them."""
import os
import shutil
import subprocess
import urllib.request

import pytest

from conftest import SUPERD, make_root, Instance, wait_for, pid_alive

POLICY = "/usr/sbin/policy-rc.d"


def apt_install(*pkgs):
    missing = [p for p in pkgs if subprocess.run(["dpkg", "-s", p], capture_output=True).returncode != 0]
    if not missing:
        return None
    if os.geteuid() != 0:
        return "needs root to install " + " ".join(missing)
    # Keep the packages' maintainer scripts from starting the daemons themselves.
    had_policy = os.path.exists(POLICY)
    if not had_policy:
        with open(POLICY, "w") as f:
            f.write("#!/bin/sh\nexit 101\n")
        os.chmod(POLICY, 0o755)
    try:
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        r = subprocess.run(["apt-get", "install", "-y", "-qq", *missing], capture_output=True, text=True,
                           env=env, timeout=600)
        if r.returncode != 0:
            subprocess.run(["apt-get", "update", "-qq"], capture_output=True, timeout=300)
            r = subprocess.run(["apt-get", "install", "-y", "-qq", *missing], capture_output=True, text=True,
                               env=env, timeout=600)
        return None if r.returncode == 0 else f"apt-get could not install {missing}: {r.stderr[-500:]}"
    finally:
        if not had_policy:
            os.unlink(POLICY)


def procs_named(name):
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/comm") as f:
                    if f.read().strip() == name:
                        out.append(int(d))
            except OSError:
                pass
    return out


@pytest.fixture
def debian(request):
    """An instance whose unit path is Debian's /lib/systemd/system (then its own dirs)."""
    root = make_root()
    inst = Instance(root)
    env = dict(os.environ, SUPERD_UNIT_PATH="/lib/systemd/system:")
    inst.start(env=env)
    yield inst
    rc = inst.stop()
    inst.kill_leftovers()
    shutil.rmtree(root, ignore_errors=True)
    assert rc == 0, inst.stderr_text()[-3000:]


def test_nginx_unit_unchanged(debian):
    why = apt_install("nginx")
    if why:
        pytest.skip(why)
    if procs_named("nginx"):
        pytest.skip("an nginx is already running on this machine")
    r = debian.ctl("start", "nginx", timeout=60)
    assert r.returncode == 0, r.stderr
    props = debian.props("nginx")
    assert (props["ActiveState"], props["SubState"]) == ("active", "running")
    with open("/run/nginx.pid") as f:
        assert int(props["MainPID"]) == int(f.read())      # PIDFile= read, forking daemon tracked
    body = urllib.request.urlopen("http://127.0.0.1:80/", timeout=10).read()
    assert b"nginx" in body
    old_workers = set(procs_named("nginx")) - {int(props["MainPID"])}
    assert debian.ctl("reload", "nginx", timeout=60).returncode == 0
    # reload replaces the worker processes
    wait_for(lambda: (set(procs_named("nginx")) - {int(props["MainPID"])}) - old_workers, what="new nginx workers")
    assert debian.prop("nginx", "MainPID") == props["MainPID"]
    assert debian.ctl("stop", "nginx", timeout=60).returncode == 0
    wait_for(lambda: not procs_named("nginx"), what="no nginx process left")
    assert debian.state("nginx") == ("inactive", "dead")


def test_redis_unit_unchanged(debian):
    why = apt_install("redis-server", "redis-tools")
    if why:
        pytest.skip(why)
    if procs_named("redis-server"):
        pytest.skip("a redis-server is already running on this machine")
    r = debian.ctl("start", "redis-server", timeout=60)
    assert r.returncode == 0, r.stderr
    props = debian.props("redis-server")
    # Type=notify: active only once redis said READY=1, so it answers at once.
    assert (props["ActiveState"], props["SubState"]) == ("active", "running")
    assert props["StatusText"] == "Ready to accept connections"
    pong = subprocess.run(["redis-cli", "-h", "127.0.0.1", "ping"], capture_output=True, text=True, timeout=10)
    assert pong.stdout.strip() == "PONG"
    main = int(props["MainPID"])
    with open(f"/proc/{main}/status") as f:
        uid_line = [l for l in f if l.startswith("Uid:")][0]
    import pwd
    assert int(uid_line.split()[1]) == pwd.getpwnam("redis").pw_uid      # User=redis
    assert os.path.isdir(os.path.join(str(debian.root), "run/redis"))    # RuntimeDirectory= under --root
    status = debian.ctl("status", "redis-server").stdout
    assert "Unenforced:" in status and "SystemCallFilter" in status      # sandboxing accepted, shown
    assert debian.ctl("stop", "redis-server", timeout=60).returncode == 0
    wait_for(lambda: not pid_alive(main), what="redis gone")
    assert not procs_named("redis-server")

"""Real inetd-mode programs behind Accept=yes sockets, with their real
clients: git daemon --inetd + git clone, rsync --daemon + rsync."""
import filecmp
import os
import shutil
import subprocess

import pytest

from sockutil import free_port


def ensure(pkg, exe):
    if shutil.which(exe):
        return
    r = subprocess.run(["apt-get", "install", "-y", "-q", pkg], capture_output=True, text=True, timeout=600)
    if r.returncode != 0 or not shutil.which(exe):
        pytest.skip(f"{pkg} not installed and apt-get failed: {r.stderr[-300:]}")


def test_git_daemon_inetd_clone(sd, tmp_path):
    ensure("git", "git")
    repo = tmp_path / "srv/proj.git"
    work = tmp_path / "work"
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@t", HOME=str(tmp_path))
    subprocess.run(["git", "init", "-q", str(work)], check=True, env=env)
    (work / "README").write_text("served by superd\n")
    subprocess.run(["git", "-C", str(work), "add", "README"], check=True, env=env)
    subprocess.run(["git", "-C", str(work), "commit", "-q", "-m", "one"], check=True, env=env)
    subprocess.run(["git", "clone", "-q", "--bare", str(work), str(repo)], check=True, env=env)
    (repo / "git-daemon-export-ok").write_text("")
    port = free_port()
    sd.write_unit("git.socket", f"""
        [Socket]
        ListenStream=127.0.0.1:{port}
        Accept=yes
        MaxConnections=8
        """)
    sd.write_unit("git@.service", f"""
        [Service]
        ExecStart=/usr/bin/git daemon --inetd --base-path={tmp_path}/srv --export-all {tmp_path}/srv
        StandardError=journal
        Environment=HOME={tmp_path}
        """)
    sd.ctl_ok("start", "git.socket")
    dest = tmp_path / "clone"
    r = subprocess.run(["git", "clone", "-q", f"git://127.0.0.1:{port}/proj.git", str(dest)],
                       capture_output=True, text=True, timeout=60, env=env)
    assert r.returncode == 0, r.stderr
    assert (dest / "README").read_text() == "served by superd\n"
    assert int(sd.prop("git.socket", "NAccepted")) >= 1


def test_rsync_daemon_inetd_transfer(sd, tmp_path):
    ensure("rsync", "rsync")
    data = tmp_path / "data"
    (data / "sub").mkdir(parents=True)
    for i in range(20):
        (data / f"f{i}").write_bytes(os.urandom(1000 * (i + 1)))
    (data / "sub/deep.txt").write_text("deep\n")
    conf = tmp_path / "rsyncd.conf"
    conf.write_text(f"use chroot = no\n[mod]\n  path = {data}\n  read only = yes\n  uid = root\n  gid = root\n")
    port = free_port()
    sd.write_unit("rsyncd.socket", f"""
        [Socket]
        ListenStream=127.0.0.1:{port}
        Accept=yes
        """)
    sd.write_unit("rsyncd@.service", f"""
        [Service]
        ExecStart=/usr/bin/rsync --daemon --config={conf}
        StandardError=journal
        """)
    sd.ctl_ok("start", "rsyncd.socket")
    dest = tmp_path / "dest"
    r = subprocess.run(["rsync", "-a", f"rsync://127.0.0.1:{port}/mod/", str(dest) + "/"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    cmp = filecmp.dircmp(data, dest)
    assert not cmp.left_only and not cmp.right_only and not cmp.diff_files
    for i in range(20):
        assert (dest / f"f{i}").read_bytes() == (data / f"f{i}").read_bytes()
    assert (dest / "sub/deep.txt").read_text() == "deep\n"

"""A real unprivileged user: services run as it, and it talks to superd."""
import os

from conftest import proc_stat


def test_service_runs_as_user(sd, test_user):
    u = test_user
    sd.write_unit("asuser", f"""
        [Service]
        Type=oneshot
        User={u['name']}
        SupplementaryGroups={u['group']}
        ExecStart=/bin/sh -c 'id -u > {sd.out}/uid; id -g > {sd.out}/gid; id -G > {sd.out}/groups; \\
            cat /proc/self/status > {sd.out}/status; ls /proc/self/fd > {sd.out}/fds; \\
            echo "$$USER $$LOGNAME $$HOME" > {sd.out}/env'
        """)
    sd.ctl_ok("start", "asuser")
    assert int(sd.read_out("uid")) == u["uid"]
    assert int(sd.read_out("gid")) == u["gid"]
    assert sorted(map(int, sd.read_out("groups").split())) == sorted({u["gid"], u["group_gid"]})
    status = dict(l.split(":\t", 1) for l in sd.read_out("status").splitlines() if ":\t" in l)
    assert status["Uid"].split() == [str(u["uid"])] * 4      # real, effective, saved, fs
    assert status["Gid"].split() == [str(u["gid"])] * 4
    assert status["CapEff"].strip("0\n") == ""              # no capabilities left
    assert status["CapPrm"].strip("0\n") == ""
    # 0-2, plus the directory ls reads
    assert sorted(sd.read_out("fds").split(), key=int) == ["0", "1", "2", "3"]
    user, logname, home = sd.read_out("env").split()
    assert user == logname == u["name"]
    assert home == os.path.expanduser(f"~{u['name']}")


def test_group_setting(sd, test_user):
    u = test_user
    sd.write_unit("asgroup", f"""
        [Service]
        Type=oneshot
        User={u['name']}
        Group={u['group']}
        ExecStart=/bin/sh -c 'id -g > {sd.out}/gid; id -G > {sd.out}/groups'
        """)
    sd.ctl_ok("start", "asgroup")
    assert int(sd.read_out("gid")) == u["group_gid"]
    assert sorted(map(int, sd.read_out("groups").split())) == [u["group_gid"]]


def test_user_long_running_process_credentials(sd, test_user):
    u = test_user
    sd.write_unit("asuser", f"[Service]\nType=exec\nUser={u['name']}\nExecStart=/bin/sleep 1000\n")
    sd.ctl_ok("start", "asuser")
    pid = sd.main_pid("asuser")
    assert os.stat(f"/proc/{pid}").st_uid == u["uid"]
    assert int(proc_stat(pid)[3]) == pid


def test_unknown_user_fails(sd):
    sd.write_unit("nouser", f"""
        [Service]
        Type=oneshot
        User=superd_no_such_user
        ExecStart=/bin/sh -c 'id -u > {sd.out}/uid'
        """)
    assert sd.ctl("start", "nouser").returncode == 1
    assert not sd.out_exists("uid")
    assert sd.prop("nouser", "ExecMainStatus") == "217"


def test_unprivileged_client_reads_but_cannot_change(sd, test_user):
    name = test_user["name"]
    sd.write_unit("a", "[Unit]\nDescription=Visible\n[Service]\nExecStart=/bin/sleep 1000\n")
    sd.write_unit("b", "[Service]\nExecStart=/bin/sleep 1000\n")
    sd.ctl_ok("start", "a")
    pid = sd.main_pid("a")
    r = sd.ctl("status", "a", user=name)
    assert r.returncode == 0, r.stderr
    assert "● a.service - Visible" in r.stdout
    r = sd.ctl("show", "a", "-p", "MainPID", "--value", user=name)
    assert r.returncode == 0 and r.stdout.strip() == str(pid)
    r = sd.ctl("is-active", "a", user=name)
    assert r.returncode == 0
    r = sd.ctl("list-units", user=name)
    assert r.returncode == 0 and "a.service" in r.stdout
    r = sd.ctl("list-unit-files", user=name)
    assert r.returncode == 0 and "b.service" in r.stdout
    r = sd.ctl("cat", "a", user=name)
    assert r.returncode == 0 and "Description=Visible" in r.stdout
    for verb in (("stop", "a"), ("start", "b"), ("restart", "a"), ("kill", "a"), ("reset-failed", "a"),
                 ("daemon-reload",), ("exit",), ("reload-or-restart", "a")):
        r = sd.ctl(*verb, user=name)
        assert r.returncode == 4, (verb, r)
        assert "Access denied" in r.stderr, (verb, r.stderr)
    # nothing changed
    assert sd.state("a") == ("active", "running")
    assert sd.main_pid("a") == pid
    assert sd.state("b") == ("inactive", "dead")
    assert sd.daemon_pid_alive()
    assert "Refused 'stop' from uid" in sd.logtext()


def test_unprivileged_instance(inst, test_user):
    """An unprivileged user runs its own instance under --root; it may change it, services run as it."""
    u = test_user
    inst.write_unit("mine", f"""
        [Service]
        Type=oneshot
        RemainAfterExit=yes
        ExecStart=/bin/sh -c 'id -u > {inst.out}/uid'
        """)
    for dirpath, dirnames, filenames in os.walk(inst.root):
        for n in dirnames + filenames:
            os.lchown(os.path.join(dirpath, n), u["uid"], u["gid"])
    os.chown(inst.root, u["uid"], u["gid"])
    inst.start(wrapper=["setpriv", f"--reuid={u['uid']}", f"--regid={u['gid']}", "--init-groups"])
    assert os.stat(f"/proc/{inst.proc.pid}").st_uid == u["uid"]
    r = inst.ctl("start", "mine", user=u["name"])
    assert r.returncode == 0, r.stderr
    assert int(inst.read_out("uid")) == u["uid"]
    assert inst.state("mine") == ("active", "exited")
    r = inst.ctl("stop", "mine", user=u["name"])
    assert r.returncode == 0, r.stderr
    # root may change it too
    inst.ctl_ok("start", "mine")
    assert os.stat(inst.control).st_uid == u["uid"]
    assert os.stat(inst.pidfile).st_uid == u["uid"]

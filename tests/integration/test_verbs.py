"""superctl verbs and their exit codes (SPEC 8)."""
import json
import signal

from conftest import pid_alive, wait_for

LONG = """
[Unit]
Description=Long running {name}
[Service]
ExecStart=/bin/sleep 1000
"""


def long_unit(sd, name, enable=False, extra=""):
    return sd.write_unit(name, LONG.format(name=name) + extra, enable=enable)


def test_start_stop_status_exit_codes(sd):
    long_unit(sd, "a")
    r = sd.ctl("status", "a")
    assert r.returncode == 3, r
    assert "inactive (dead)" in r.stdout
    sd.ctl_ok("start", "a")
    props = sd.props("a.service")
    assert props["ActiveState"] == "active" and props["SubState"] == "running"
    pid = int(props["MainPID"])
    assert pid > 0 and pid_alive(pid)
    r = sd.ctl("status", "a")
    assert r.returncode == 0
    assert "● a.service - Long running a" in r.stdout
    assert "Active: active (running)" in r.stdout
    assert f"Main PID: {pid}" in r.stdout
    assert "Loaded: loaded (" + str(sd.units / "a.service") in r.stdout
    sd.ctl_ok("stop", "a")
    assert sd.state("a") == ("inactive", "dead")
    wait_for(lambda: not pid_alive(pid), what="main process gone after stop")
    assert sd.ctl("status", "a").returncode == 3


def test_status_no_such_unit(sd):
    r = sd.ctl("status", "nosuch")
    assert r.returncode == 4
    assert "could not be found" in r.stderr


def test_start_missing_unit_exit_5(sd):
    r = sd.ctl("start", "nosuch")
    assert r.returncode == 5, r
    assert "not found" in r.stderr
    r = sd.ctl("stop", "nosuch2")
    assert r.returncode == 5, r


def test_start_bad_setting_refused(sd):
    sd.write_unit("bad", """
        [Service]
        User=0day
        ExecStart=/bin/sh -c 'id -u > {out}/bad-ran'
        """.format(out=sd.out))
    r = sd.ctl("start", "bad")
    assert r.returncode != 0
    assert "bad unit file setting" in r.stderr
    assert not sd.out_exists("bad-ran")
    assert sd.prop("bad", "LoadState") == "bad-setting"
    r = sd.ctl("status", "bad")
    assert r.returncode == 3
    assert "bad-setting" in r.stdout
    assert "User=" in r.stdout and "bad.service:2:" in r.stdout


def test_start_without_execstart_is_bad_setting(sd):
    sd.write_unit("noexec", "[Service]\nType=simple\n")
    r = sd.ctl("start", "noexec")
    assert r.returncode != 0
    assert sd.prop("noexec", "LoadState") == "bad-setting"


def test_failed_start_message_and_is_failed(sd):
    sd.write_unit("fail", "[Service]\nType=oneshot\nExecStart=/bin/false\n")
    r = sd.ctl("start", "fail")
    assert r.returncode == 1
    assert "Job for fail.service failed" in r.stderr
    assert 'superctl status fail.service' in r.stderr
    assert sd.state("fail") == ("failed", "failed")
    assert sd.prop("fail", "Result") == "exit-code"
    assert sd.prop("fail", "ExecMainStatus") == "1"
    assert sd.prop("fail", "ExecMainCode") == "1"
    r = sd.ctl("is-failed", "fail")
    assert r.returncode == 0 and r.stdout.strip() == "failed"
    r = sd.ctl("is-active", "fail")
    assert r.returncode == 3 and r.stdout.strip() == "failed"
    r = sd.ctl("status", "fail")
    assert r.returncode == 3
    assert "failed (Result: exit-code)" in r.stdout
    # reset-failed clears it
    sd.ctl_ok("reset-failed", "fail")
    assert sd.state("fail") == ("inactive", "dead")
    assert sd.ctl("is-failed", "fail").returncode == 1


def test_reset_failed_all(sd):
    for n in ("f1", "f2"):
        sd.write_unit(n, "[Service]\nType=oneshot\nExecStart=/bin/false\n")
        assert sd.ctl("start", n).returncode == 1
    assert sd.ctl("is-failed", "f1", "f2").returncode == 0
    sd.ctl_ok("reset-failed")
    assert sd.ctl("is-failed", "f1", "f2").returncode == 1
    assert sd.state("f1")[0] == "inactive" and sd.state("f2")[0] == "inactive"


def test_is_active(sd):
    long_unit(sd, "a")
    long_unit(sd, "b")
    r = sd.ctl("is-active", "a")
    assert r.returncode == 3 and r.stdout.strip() == "inactive"
    sd.ctl_ok("start", "a")
    r = sd.ctl("is-active", "a")
    assert r.returncode == 0 and r.stdout.strip() == "active"
    r = sd.ctl("is-active", "a", "b")       # any active -> 0
    assert r.returncode == 0 and r.stdout.split() == ["active", "inactive"]
    r = sd.ctl("is-active", "-q", "b")
    assert r.returncode == 3 and r.stdout == ""
    assert sd.ctl("is-failed", "a").returncode == 1


def test_start_no_block(sd):
    sd.write_unit("slow", f"""
        [Service]
        Type=oneshot
        RemainAfterExit=yes
        ExecStart=/bin/sh -c 'while [ ! -e {sd.out}/go ]; do sleep 0.05; done'
        """)
    r = sd.ctl("start", "--no-block", "slow")
    assert r.returncode == 0
    assert sd.state("slow") == ("activating", "start")
    assert sd.prop("slow", "Job") == "start"
    (sd.out / "go").write_text("")
    sd.wait_state("slow", "active", "exited")
    assert sd.prop("slow", "Job") == ""


def test_start_waits_for_job(sd):
    sd.write_unit("slow", f"""
        [Service]
        Type=oneshot
        RemainAfterExit=yes
        ExecStart=/bin/sh -c 'sleep 0.3; touch {sd.out}/done'
        """)
    sd.ctl_ok("start", "slow")
    # start returned only after the oneshot finished
    assert sd.out_exists("done")
    assert sd.state("slow") == ("active", "exited")


def test_restart_and_try_restart(sd):
    long_unit(sd, "a")
    long_unit(sd, "b")
    # try-restart of an inactive unit does nothing
    sd.ctl_ok("try-restart", "b")
    assert sd.state("b") == ("inactive", "dead")
    # restart of an inactive unit starts it
    sd.ctl_ok("restart", "a")
    pid1 = sd.main_pid("a")
    assert pid1 > 0
    sd.ctl_ok("restart", "a")
    pid2 = sd.main_pid("a")
    assert pid2 > 0 and pid2 != pid1
    assert not pid_alive(pid1)
    sd.ctl_ok("try-restart", "a")
    pid3 = sd.main_pid("a")
    assert pid3 not in (0, pid2)
    assert sd.state("a") == ("active", "running")


def test_reload_and_reload_or_restart(sd):
    sd.write_unit("rl", f"""
        [Service]
        ExecStart=/bin/sleep 1000
        ExecReload=/bin/sh -c 'echo reloaded >> {sd.out}/reload'
        """)
    long_unit(sd, "norl")
    r = sd.ctl("reload", "rl")
    assert r.returncode != 0 and "inactive" in r.stderr
    sd.ctl_ok("start", "rl", "norl")
    pid = sd.main_pid("rl")
    sd.ctl_ok("reload", "rl")
    assert sd.read_out("reload") == "reloaded\n"
    assert sd.main_pid("rl") == pid
    assert sd.prop("rl", "CanReload") == "yes"
    sd.ctl_ok("reload-or-restart", "rl")
    assert sd.read_out("reload") == "reloaded\nreloaded\n"
    assert sd.main_pid("rl") == pid
    # without ExecReload=: reload fails, reload-or-restart restarts
    assert sd.ctl("reload", "norl").returncode != 0
    pid_n = sd.main_pid("norl")
    sd.ctl_ok("reload-or-restart", "norl")
    assert sd.main_pid("norl") not in (0, pid_n)
    # reload-or-restart of an inactive unit starts it
    sd.ctl_ok("stop", "norl")
    sd.ctl_ok("reload-or-restart", "norl")
    assert sd.state("norl") == ("active", "running")


def test_kill(sd):
    sd.write_unit("k", f"""
        [Service]
        ExecStart=/bin/sh -c 'trap "echo usr1 >> {sd.out}/sig" USR1; echo > {sd.out}/ready; while :; do sleep 0.05; done'
        """)
    r = sd.ctl("kill", "k")
    assert r.returncode != 0            # nothing to kill
    sd.ctl_ok("start", "k")
    sd.wait_out("ready")
    pid = sd.main_pid("k")
    sd.ctl_ok("kill", "-s", "SIGUSR1", "--kill-whom=main", "k")
    sd.wait_out("sig", contains="usr1")
    assert sd.main_pid("k") == pid
    sd.ctl_ok("kill", "-s", "USR1", "k")
    sd.wait_out("sig", contains="usr1\nusr1")
    assert sd.ctl("kill", "-s", "NOTASIGNAL", "k").returncode != 0
    sd.ctl_ok("kill", "--signal=KILL", "--kill-whom=all", "k")
    wait_for(lambda: not pid_alive(pid), what="killed main process")
    sd.wait_state("k", "failed")
    assert sd.prop("k", "Result") == "signal"
    assert sd.prop("k", "ExecMainStatus") == str(int(signal.SIGKILL))


def test_show_properties(sd):
    long_unit(sd, "a")
    sd.ctl_ok("start", "a")
    r = sd.ctl_ok("show", "a")
    props = dict(l.split("=", 1) for l in r.stdout.splitlines() if "=" in l)
    for key in ("Id", "ActiveState", "SubState", "Result", "MainPID", "ExecMainPID", "ExecMainStatus",
                "ExecMainCode", "NRestarts", "LoadState", "LoadError", "FragmentPath", "UnenforcedSettings",
                "Description", "Type", "Restart"):
        assert key in props, key
    assert props["Id"] == "a.service"
    assert props["FragmentPath"] == str(sd.units / "a.service")
    assert props["MainPID"] == props["ExecMainPID"]
    assert props["NRestarts"] == "0"
    assert props["Type"] == "simple"
    r = sd.ctl_ok("show", "a", "-p", "ActiveState,SubState")
    assert r.stdout.splitlines() == ["ActiveState=active", "SubState=running"]
    r = sd.ctl_ok("show", "a", "-p", "ActiveState", "-p", "MainPID", "--value")
    assert r.stdout.splitlines() == ["active", props["MainPID"]]
    # manager properties without a unit
    r = sd.ctl_ok("show")
    assert "Version=" in r.stdout
    assert f"ControlSocket={sd.control}" in r.stdout


def test_show_unenforced_settings(sd):
    sd.write_unit("sandbox", """
        [Service]
        ExecStart=/bin/sleep 1000
        SystemCallFilter=@system-service
        """)
    v = sd.prop("sandbox", "UnenforcedSettings")
    assert "SystemCallFilter" in v
    sd.ctl_ok("start", "sandbox")      # never a failure to start
    r = sd.ctl("status", "sandbox")
    assert r.returncode == 0 and "SystemCallFilter" in r.stdout


def test_json_output(sd):
    long_unit(sd, "a", extra='Environment="Q=a \\"quoted\\" value"\n')
    sd.ctl_ok("start", "a")
    r = sd.ctl_ok("-o", "json", "show", "a")
    data = json.loads(r.stdout)
    assert isinstance(data, list) and data[0]["Id"] == "a.service"
    assert data[0]["ActiveState"] == "active"
    assert int(data[0]["MainPID"]) > 0
    r = sd.ctl_ok("-o", "json", "show", "a", "-p", "SubState")
    assert json.loads(r.stdout) == [{"SubState": "running"}]
    r = sd.ctl_ok("-o", "json-pretty", "show", "a")
    assert json.loads(r.stdout)[0]["Id"] == "a.service"
    r = sd.ctl("-o", "json", "status", "a")
    assert r.returncode == 0
    st = json.loads(r.stdout)
    assert st[0]["Id"] == "a.service" and st[0]["SubState"] == "running"
    r = sd.ctl_ok("-o", "json", "list-units", "--all")
    ids = {u["Id"]: u for u in json.loads(r.stdout)}
    assert ids["a.service"]["ActiveState"] == "active"
    r = sd.ctl("-o", "json", "status", "nosuch")
    assert r.returncode == 4
    json.loads(r.stdout)


def test_list_units_filters(sd):
    long_unit(sd, "run1")
    long_unit(sd, "idle1")
    sd.write_unit("bad1", "[Service]\nType=oneshot\nExecStart=/bin/false\n")
    sd.ctl_ok("start", "run1")
    assert sd.ctl("start", "bad1").returncode == 1
    sd.prop("idle1", "LoadState")               # load it
    out = sd.ctl_ok("list-units").stdout
    assert "run1.service" in out and "bad1.service" in out
    assert "idle1.service" not in out           # inactive: only with --all
    assert "multi-user.target" in out
    out = sd.ctl_ok("list-units", "--all").stdout
    assert "idle1.service" in out
    out = sd.ctl_ok("list-units", "--type=service").stdout
    assert "run1.service" in out and "multi-user.target" not in out
    out = sd.ctl_ok("list-units", "--type=target").stdout
    assert "multi-user.target" in out and "run1.service" not in out
    out = sd.ctl_ok("list-units", "--state=failed").stdout
    assert "bad1.service" in out and "run1.service" not in out
    out = sd.ctl_ok("list-units", "--all", "--state=inactive").stdout
    assert "idle1.service" in out and "run1.service" not in out
    out = sd.ctl_ok("list-units", "--all", "run*").stdout
    assert "run1.service" in out and "idle1.service" not in out
    out = sd.ctl_ok("list-units", "--no-legend").stdout
    assert "UNIT" not in out and "loaded units listed" not in out
    # status without a unit lists units
    assert "run1.service" in sd.ctl_ok("status").stdout


def test_list_unit_files(inst):
    long_unit(inst, "en", enable=True,
              extra="[Install]\nWantedBy=multi-user.target\n")
    long_unit(inst, "dis", extra="[Install]\nWantedBy=multi-user.target\n")
    long_unit(inst, "stat")
    inst.start()
    out = inst.ctl_ok("list-unit-files").stdout
    states = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0].endswith(".service"):
            states[parts[0]] = parts[1]
    assert states == {"en.service": "enabled", "dis.service": "disabled", "stat.service": "static"}
    # the enabled one was started at boot
    inst.wait_state("en", "active", "running")
    assert inst.state("dis")[0] == "inactive"
    r = inst.ctl("status", "en")
    assert "; enabled)" in r.stdout
    r = inst.ctl("status", "dis")
    assert "; disabled)" in r.stdout
    out = inst.ctl_ok("list-unit-files", "--state=enabled").stdout
    assert "en.service" in out and "dis.service" not in out
    r = inst.ctl_ok("-o", "json", "list-unit-files")
    files = {f["UnitFile"]: f["State"] for f in json.loads(r.stdout)}
    assert files["stat.service"] == "static"


def test_cat(sd):
    path = long_unit(sd, "a")
    sd.write_unit("a.service.d/10-x.conf", "[Service]\nEnvironment=X=1\n")
    r = sd.ctl_ok("cat", "a")
    assert f"# {path}" in r.stdout
    assert path.read_text() in r.stdout
    assert f"# {sd.units}/a.service.d/10-x.conf" in r.stdout
    assert "Environment=X=1" in r.stdout
    r = sd.ctl("cat", "nosuch")
    assert r.returncode != 0 and "No files found" in r.stderr


def test_daemon_reload_verb(sd):
    long_unit(sd, "a")
    assert sd.prop("a", "Description") == "Long running a"
    sd.write_unit("a", "[Unit]\nDescription=Changed\n[Service]\nExecStart=/bin/sleep 1000\n")
    sd.ctl_ok("daemon-reload")
    assert sd.prop("a", "Description") == "Changed"


def test_exit_verb(inst):
    long_unit(inst, "a")
    inst.start()
    inst.ctl_ok("start", "a")
    pid = inst.main_pid("a")
    r = inst.ctl("exit")
    assert r.returncode == 0
    assert inst.proc.wait(30) == 0
    assert not pid_alive(pid)
    assert not inst.control.exists()


def test_unknown_verb_and_usage(sd):
    r = sd.ctl("frobnicate")
    assert r.returncode != 0 and "Unknown command verb" in r.stderr
    r = sd.ctl("start")
    assert r.returncode != 0
    r = sd.ctl("is-active")
    assert r.returncode != 0


def test_no_daemon(root):
    import subprocess
    from conftest import SUPERCTL
    r = subprocess.run([SUPERCTL, "--root", str(root), "status", "a"], capture_output=True, text=True, timeout=30)
    assert r.returncode == 1
    assert "is superd running?" in r.stderr


def test_unit_name_without_suffix_and_invalid_name(sd):
    long_unit(sd, "a")
    sd.ctl_ok("start", "a.service")
    assert sd.prop("a", "ActiveState") == "active"
    r = sd.ctl("start", "../etc")
    assert r.returncode != 0
    assert "Invalid unit name" in r.stderr or "Failed" in r.stderr

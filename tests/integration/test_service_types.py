"""Type=simple|exec|oneshot|forking and the Exec*= command lines."""
import os

import pytest

from conftest import pid_alive, proc_stat, wait_for


def test_simple(sd):
    sd.write_unit("s", f"""
        [Service]
        Type=simple
        ExecStart=/bin/sh -c 'echo $$$$ > {sd.out}/pid; exec sleep 1000'
        """)
    sd.ctl_ok("start", "s")
    assert sd.state("s") == ("active", "running")
    pid = sd.main_pid("s")
    assert int(sd.wait_out("pid", contains="\n")) == pid
    assert proc_stat(pid)[0] in "SR"
    assert sd.prop("s", "ExecMainPID") == str(pid)


def test_simple_missing_binary_is_active_then_fails(sd):
    # Type=simple does not wait for exec: the start succeeds, then the unit fails.
    sd.write_unit("s", "[Service]\nType=simple\nExecStart=/nonexistent\n")
    sd.ctl("start", "s")
    sd.wait_state("s", "failed")
    assert sd.prop("s", "Result") == "exit-code"
    assert sd.prop("s", "ExecMainStatus") == "203"


def test_exec_missing_binary_fails_start(sd):
    sd.write_unit("e", "[Service]\nType=exec\nExecStart=/nonexistent\n")
    r = sd.ctl("start", "e")
    assert r.returncode == 1
    assert "Job for e.service failed" in r.stderr
    p = sd.props("e")
    assert (p["ActiveState"], p["Result"], p["ExecMainStatus"], p["ExecMainCode"]) == \
        ("failed", "exit-code", "203", "1")
    wait_for(lambda: "Failed at step EXEC spawning /nonexistent: No such file or directory" in sd.logtext(),
             what="EXEC failure in superd.log")
    assert "Failed at step EXEC spawning /nonexistent" in sd.stderr_text()
    r = sd.ctl("status", "e")
    assert r.returncode == 3
    assert "status=203/EXEC" in r.stdout


def test_exec_not_executable(sd):
    (sd.bin / "noexec").write_text("#!/bin/sh\nexit 0\n")
    (sd.bin / "noexec").chmod(0o644)
    sd.write_unit("e", f"[Service]\nType=exec\nExecStart={sd.bin}/noexec\n")
    assert sd.ctl("start", "e").returncode == 1
    assert sd.prop("e", "ExecMainStatus") == "203"
    wait_for(lambda: f"Failed at step EXEC spawning {sd.bin}/noexec: Permission denied" in sd.logtext())


def test_exec_success(sd):
    sd.write_unit("e", "[Service]\nType=exec\nExecStart=/bin/sleep 1000\n")
    sd.ctl_ok("start", "e")
    assert sd.state("e") == ("active", "running")
    pid = sd.main_pid("e")
    with open(f"/proc/{pid}/cmdline", "rb") as f:
        assert f.read() == b"/bin/sleep\x001000\x00"


def test_oneshot_remain_after_exit(sd):
    sd.write_unit("o", f"""
        [Service]
        Type=oneshot
        RemainAfterExit=yes
        ExecStart=/bin/sh -c 'echo one >> {sd.out}/o'
        ExecStart=/bin/sh -c 'echo two >> {sd.out}/o'
        ExecStop=/bin/sh -c 'echo stop >> {sd.out}/o'
        """)
    sd.ctl_ok("start", "o")
    assert sd.state("o") == ("active", "exited")
    assert sd.read_out("o") == "one\ntwo\n"
    assert sd.prop("o", "MainPID") == "0"
    # starting again does nothing: it is active
    sd.ctl_ok("start", "o")
    assert sd.read_out("o") == "one\ntwo\n"
    sd.ctl_ok("stop", "o")
    assert sd.state("o") == ("inactive", "dead")
    assert sd.read_out("o") == "one\ntwo\nstop\n"


def test_oneshot_without_remain(sd):
    sd.write_unit("o", f"""
        [Service]
        Type=oneshot
        ExecStart=/bin/sh -c 'echo ran >> {sd.out}/o'
        """)
    sd.ctl_ok("start", "o")
    assert sd.read_out("o") == "ran\n"
    assert sd.state("o") == ("inactive", "dead")
    assert sd.prop("o", "Result") == "success"
    sd.ctl_ok("start", "o")                 # runs again
    assert sd.read_out("o") == "ran\nran\n"


def test_oneshot_failing_command_stops_sequence(sd):
    sd.write_unit("o", f"""
        [Service]
        Type=oneshot
        ExecStart=/bin/sh -c 'echo one >> {sd.out}/o'
        ExecStart=/bin/false
        ExecStart=/bin/sh -c 'echo never >> {sd.out}/o'
        """)
    assert sd.ctl("start", "o").returncode == 1
    assert sd.read_out("o") == "one\n"
    assert sd.state("o")[0] == "failed"


FORKING = """
echo parent > {out}/forking-parent
sleep 1000 &
echo $! > {out}/child
{pidfile}
exit 0
"""


def test_forking_with_pidfile(sd):
    script = sd.write_script("forker", FORKING.format(out=sd.out, pidfile=f"echo $! > {sd.root}/run/f.pid"))
    sd.write_unit("f", f"""
        [Service]
        Type=forking
        PIDFile={sd.root}/run/f.pid
        ExecStart={script}
        """)
    sd.ctl_ok("start", "f")
    assert sd.state("f") == ("active", "running")
    child = int(sd.read_out("child"))
    assert sd.main_pid("f") == child
    assert pid_alive(child)
    sd.ctl_ok("stop", "f")
    wait_for(lambda: not pid_alive(child), what="forked daemon gone")
    assert sd.state("f") == ("inactive", "dead")


def test_forking_guess_main_pid(sd):
    script = sd.write_script("forker", FORKING.format(out=sd.out, pidfile=""))
    sd.write_unit("f", f"""
        [Service]
        Type=forking
        GuessMainPID=yes
        ExecStart={script}
        """)
    sd.ctl_ok("start", "f")
    assert sd.state("f") == ("active", "running")
    child = int(sd.read_out("child"))
    assert sd.main_pid("f") == child
    # the daemon dying is the service dying
    os.kill(child, 9)
    sd.wait_state("f", "failed")
    assert sd.prop("f", "Result") == "signal"


def test_forking_no_guess(sd):
    script = sd.write_script("forker", FORKING.format(out=sd.out, pidfile=""))
    sd.write_unit("f", f"""
        [Service]
        Type=forking
        GuessMainPID=no
        ExecStart={script}
        """)
    sd.ctl_ok("start", "f")
    assert sd.state("f")[0] == "active"
    assert sd.main_pid("f") == 0
    child = int(sd.read_out("child"))
    sd.ctl_ok("stop", "f")                   # control-group kill still finds it
    wait_for(lambda: not pid_alive(child), what="forked daemon gone")


def test_forking_parent_fails(sd):
    sd.write_unit("f", "[Service]\nType=forking\nExecStart=/bin/sh -c 'exit 3'\n")
    assert sd.ctl("start", "f").returncode == 1
    assert sd.prop("f", "Result") == "exit-code"
    assert sd.prop("f", "ExecMainStatus") == "3"


def test_exec_command_order(sd):
    log = sd.out / "order"
    w = lambda word: f"/bin/sh -c 'echo {word} >> {log}'"  # noqa: E731
    sd.write_unit("ord", f"""
        [Service]
        Type=simple
        ExecCondition={w('condition')}
        ExecStartPre={w('pre1')}
        ExecStartPre={w('pre2')}
        ExecStart=/bin/sh -c 'echo start >> {log}; exec sleep 1000'
        ExecStartPost={w('post')}
        ExecReload={w('reload')}
        ExecStop={w('stop')}
        ExecStopPost={w('stoppost')}
        """)
    sd.ctl_ok("start", "ord")
    assert sd.state("ord") == ("active", "running")
    sd.wait_out("order", contains="start")      # the main process runs concurrently
    words = log.read_text().split()
    # ExecStart= runs concurrently with ExecStartPost= for Type=simple
    assert words[:3] == ["condition", "pre1", "pre2"]
    assert sorted(words[3:]) == ["post", "start"]
    sd.ctl_ok("reload", "ord")
    assert log.read_text().split()[-1] == "reload"
    sd.ctl_ok("stop", "ord")
    assert log.read_text().split()[-2:] == ["stop", "stoppost"]


def test_exec_command_order_oneshot(sd):
    log = sd.out / "order"
    w = lambda word: f"/bin/sh -c 'echo {word} >> {log}'"  # noqa: E731
    sd.write_unit("ord", f"""
        [Service]
        Type=oneshot
        RemainAfterExit=yes
        ExecCondition={w('condition')}
        ExecStartPre={w('pre')}
        ExecStart={w('start')}
        ExecStartPost={w('post')}
        ExecStop={w('stop')}
        ExecStopPost={w('stoppost')}
        """)
    sd.ctl_ok("start", "ord")
    sd.ctl_ok("stop", "ord")
    assert log.read_text().split() == ["condition", "pre", "start", "post", "stop", "stoppost"]


def test_exec_condition_false_skips(sd):
    sd.write_unit("c", f"""
        [Service]
        ExecCondition=/bin/sh -c 'exit 1'
        ExecStart=/bin/sh -c 'echo ran > {sd.out}/ran; exec sleep 1000'
        """)
    r = sd.ctl("start", "c")
    assert r.returncode == 0                 # a failed condition is no failure
    assert not sd.out_exists("ran")
    assert sd.state("c") == ("inactive", "dead")


def test_exec_condition_error_fails(sd):
    sd.write_unit("c", f"""
        [Service]
        ExecCondition=/bin/sh -c 'exit 255'
        ExecStart=/bin/sh -c 'echo ran > {sd.out}/ran; exec sleep 1000'
        """)
    assert sd.ctl("start", "c").returncode == 1
    assert not sd.out_exists("ran")
    assert sd.state("c")[0] == "failed"


def test_start_pre_failure_aborts(sd):
    sd.write_unit("p", f"""
        [Service]
        ExecStartPre=/bin/false
        ExecStart=/bin/sh -c 'echo ran > {sd.out}/ran; exec sleep 1000'
        ExecStopPost=/bin/sh -c 'echo stoppost > {sd.out}/stoppost'
        """)
    assert sd.ctl("start", "p").returncode == 1
    assert not sd.out_exists("ran")
    assert sd.state("p")[0] == "failed"
    assert sd.prop("p", "Result") == "exit-code"
    assert sd.read_out("stoppost") == "stoppost\n"     # ExecStopPost runs after a failed start


def test_dash_prefix_ignores_failure(sd):
    sd.write_unit("d", f"""
        [Service]
        Type=oneshot
        RemainAfterExit=yes
        ExecStartPre=-/bin/false
        ExecStartPre=-/nonexistent/binary
        ExecStart=-/bin/sh -c 'exit 7'
        ExecStartPost=/bin/sh -c 'echo post > {sd.out}/post'
        ExecStop=-/bin/false
        """)
    sd.ctl_ok("start", "d")
    assert sd.state("d") == ("active", "exited")
    assert sd.read_out("post") == "post\n"
    sd.ctl_ok("stop", "d")
    assert sd.state("d") == ("inactive", "dead")
    assert sd.prop("d", "Result") == "success"


def test_stop_command_failure_still_stops(sd):
    sd.write_unit("s", """
        [Service]
        ExecStart=/bin/sleep 1000
        ExecStop=/bin/false
        """)
    sd.ctl_ok("start", "s")
    pid = sd.main_pid("s")
    sd.ctl("stop", "s")
    wait_for(lambda: not pid_alive(pid))
    assert sd.state("s")[0] in ("inactive", "failed")


def test_mainpid_in_exec_stop(sd):
    sd.write_unit("m", f"""
        [Service]
        ExecStart=/bin/sleep 1000
        ExecReload=/bin/sh -c 'echo $MAINPID > {sd.out}/mainpid'
        """)
    sd.ctl_ok("start", "m")
    sd.ctl_ok("reload", "m")
    assert int(sd.read_out("mainpid")) == sd.main_pid("m")


@pytest.mark.parametrize("typ", ["simple", "exec"])
def test_main_exit_zero_is_inactive(sd, typ):
    sd.write_unit("z", f"[Service]\nType={typ}\nExecStart=/bin/sh -c 'while [ ! -e {sd.out}/go ]; do sleep 0.05; done'\n")
    sd.ctl_ok("start", "z")
    assert sd.state("z")[0] == "active"
    (sd.out / "go").write_text("")
    sd.wait_state("z", "inactive", "dead")
    assert sd.prop("z", "Result") == "success"
    assert sd.prop("z", "ExecMainStatus") == "0"


def test_main_exit_nonzero_is_failed(sd):
    sd.write_unit("z", f"[Service]\nExecStart=/bin/sh -c 'while [ ! -e {sd.out}/go ]; do sleep 0.05; done; exit 9'\n")
    sd.ctl_ok("start", "z")
    (sd.out / "go").write_text("")
    sd.wait_state("z", "failed")
    assert sd.prop("z", "Result") == "exit-code"
    assert sd.prop("z", "ExecMainStatus") == "9"

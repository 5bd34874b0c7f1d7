"""The execution environment of services (SPEC 6)."""
import os

import pytest

from conftest import proc_stat, wait_for


def run_oneshot(sd, name, body, **settings):
    """Runs a oneshot service with ExecStart=/bin/sh -c BODY plus settings; returns the props."""
    lines = "\n".join(f"{k}={v}" for k, v in settings.items())
    script = sd.write_script(name + ".sh", body)
    sd.write_unit(name, f"[Service]\nType=oneshot\nExecStart={script}\n{lines}\n")
    sd.ctl_ok("start", name)
    return sd.props(name)


def env_of(text):
    return dict(l.split("=", 1) for l in text.split("\0") if "=" in l)


def test_environment_clean_and_set(inst):
    env = dict(os.environ, SUPERD_IT_SECRET="leak", SUPERD_IT_PASS="passed")
    inst.start(env=env)
    sd = inst
    sd.write_unit("env", f"""
        [Service]
        Type=oneshot
        Environment=A=1 "B=two words"
        Environment=C=three
        Environment=DROP=me
        UnsetEnvironment=DROP
        PassEnvironment=SUPERD_IT_PASS SUPERD_IT_NOT_SET
        ExecStart=/bin/sh -c 'cat /proc/self/environ > {sd.out}/env'
        """)
    sd.ctl_ok("start", "env")
    e = env_of(sd.read_out("env"))
    assert e["A"] == "1"
    assert e["B"] == "two words"
    assert e["C"] == "three"
    assert "DROP" not in e
    assert e["SUPERD_IT_PASS"] == "passed"
    assert "SUPERD_IT_NOT_SET" not in e
    assert "SUPERD_IT_SECRET" not in e       # a clean environment
    assert "PYTEST_CURRENT_TEST" not in e
    assert "/bin" in e["PATH"]
    assert len(e["INVOCATION_ID"]) == 32
    assert e["INVOCATION_ID"] == sd.prop("env", "InvocationID")
    # systemd sets USER/HOME/... only for units with User=
    assert "USER" not in e or e["USER"] == "root"


def test_environment_file(sd):
    envfile = sd.root / "envfile"
    envfile.write_text('# comment\n; other comment\nX=1\nY="quoted value"\nexport Z=zed\n\nA=from_file\n')
    sd.write_unit("ef", f"""
        [Service]
        Type=oneshot
        Environment=A=from_unit
        EnvironmentFile={envfile}
        EnvironmentFile=-{sd.root}/missing-env
        ExecStart=/bin/sh -c 'cat /proc/self/environ > {sd.out}/env'
        """)
    sd.ctl_ok("start", "ef")
    e = env_of(sd.read_out("env"))
    assert e["X"] == "1"
    assert e["Y"] == "quoted value"
    assert e["Z"] == "zed"
    assert e["A"] == "from_file"             # EnvironmentFile= wins over Environment=


def test_environment_file_missing_fails(sd):
    sd.write_unit("ef", f"""
        [Service]
        Type=oneshot
        EnvironmentFile={sd.root}/missing-env
        ExecStart=/bin/sh -c 'echo ran > {sd.out}/ran'
        """)
    assert sd.ctl("start", "ef").returncode == 1
    assert not sd.out_exists("ran")
    assert sd.state("ef")[0] == "failed"


def test_working_directory(sd):
    wd = sd.root / "wd"
    wd.mkdir()
    run_oneshot(sd, "wd", f"pwd > {sd.out}/pwd", WorkingDirectory=wd)
    assert sd.read_out("pwd").strip() == str(wd)
    run_oneshot(sd, "wd-default", f"pwd > {sd.out}/pwd2")
    assert sd.read_out("pwd2").strip() == "/"


def test_working_directory_missing(sd):
    sd.write_unit("wd", f"[Service]\nType=exec\nWorkingDirectory={sd.root}/nope\nExecStart=/bin/sleep 1000\n")
    assert sd.ctl("start", "wd").returncode == 1
    assert sd.prop("wd", "ExecMainStatus") == "200"
    wait_for(lambda: "Failed at step CHDIR" in sd.logtext())
    # '-' makes a missing directory not an error
    sd.write_unit("wd2", f"[Service]\nType=oneshot\nWorkingDirectory=-{sd.root}/nope\n"
                  f"ExecStart=/bin/sh -c 'echo ok > {sd.out}/ok'\n")
    sd.ctl_ok("start", "wd2")
    assert sd.read_out("ok") == "ok\n"


def test_umask(sd):
    run_oneshot(sd, "um", f"umask > {sd.out}/umask; touch {sd.out}/file", UMask="0027")
    assert sd.read_out("umask").strip() == "0027"
    assert (sd.out / "file").stat().st_mode & 0o777 == 0o640
    run_oneshot(sd, "um2", f"umask > {sd.out}/umask2")
    assert sd.read_out("umask2").strip() == "0022"


def test_nice(sd):
    run_oneshot(sd, "ni", f"nice > {sd.out}/nice", Nice=7)
    assert sd.read_out("nice").strip() == "7"


def test_limits(sd):
    run_oneshot(sd, "li", f"ulimit -n > {sd.out}/n; cat /proc/self/limits > {sd.out}/limits",
                LimitNOFILE=1234, LimitCORE="0", LimitNPROC="100:200")
    assert sd.read_out("n").strip() == "1234"
    limits = sd.read_out("limits")
    row = lambda name: next(l for l in limits.splitlines() if l.startswith(name)).split()  # noqa: E731
    assert row("Max open files")[3:5] == ["1234", "1234"]
    assert row("Max processes")[2:4] == ["100", "200"]
    assert row("Max core file size")[4:6] == ["0", "0"]


def test_bad_limit_is_bad_setting(sd):
    sd.write_unit("li", f"[Service]\nLimitNOFILE=lots\nExecStart=/bin/sh -c 'echo ran > {sd.out}/ran'\n")
    assert sd.ctl("start", "li").returncode != 0
    assert sd.prop("li", "LoadState") == "bad-setting"
    assert not sd.out_exists("ran")


@pytest.mark.parametrize("mode,expect", [
    ("file", "ab\nXXXXXXX\n"),
    ("append", "XXXXXXXXXX\nab\n"),
    ("truncate", "ab\n"),
])
def test_standard_output_files(sd, mode, expect):
    target = sd.out / f"o-{mode}"
    target.write_text("XXXXXXXXXX\n")
    run_oneshot(sd, "so", "echo ab", StandardOutput=f"{mode}:{target}")
    assert target.read_text() == expect


def test_standard_output_file_created_and_stderr(sd):
    out, err = sd.out / "new-out", sd.out / "new-err"
    run_oneshot(sd, "so", "echo to-out; echo to-err >&2",
                StandardOutput=f"file:{out}", StandardError=f"file:{err}")
    assert out.read_text() == "to-out\n"
    assert err.read_text() == "to-err\n"


def test_standard_error_inherits_stdout(sd):
    out = sd.out / "both"
    run_oneshot(sd, "so", "echo one; echo two >&2", StandardOutput=f"append:{out}")
    assert out.read_text() == "one\ntwo\n"


def test_standard_output_null(sd):
    run_oneshot(sd, "sn", f"echo $(readlink /proc/$$/fd/1) > {sd.out}/fd1; echo NULLMARKER-out; "
                "echo NULLMARKER-err >&2", StandardOutput="null", StandardError="null")
    assert sd.read_out("fd1").strip() == "/dev/null"
    assert "NULLMARKER" not in sd.logtext()
    assert "NULLMARKER" not in sd.ctl("status", "sn").stdout


@pytest.mark.parametrize("explicit", [True, False])
def test_standard_output_journal(sd, explicit):
    settings = {"StandardOutput": "journal"} if explicit else {}
    sd.write_unit("jo", "[Service]\nExecStart=/bin/sh -c 'echo JOURNALMARKER-out; echo JOURNALMARKER-err >&2; "
                  "exec sleep 1000'\n" + "".join(f"{k}={v}\n" for k, v in settings.items()))
    sd.ctl_ok("start", "jo")
    wait_for(lambda: "JOURNALMARKER-out" in sd.logtext() and "JOURNALMARKER-err" in sd.logtext(),
             what="service output in superd.log")
    status = wait_for(lambda: (lambda o: o if "JOURNALMARKER-err" in o else None)(sd.ctl("status", "jo").stdout),
                      what="service output in status")
    assert "JOURNALMARKER-out" in status
    assert "JOURNALMARKER-out" in sd.stderr_text()       # -f: also on stderr


def test_new_session_and_no_tty(sd):
    # Type=exec: start returns once the exec happened, so setsid() is done
    sd.write_unit("ss", "[Service]\nType=exec\nExecStart=/bin/sleep 1000\n")
    sd.ctl_ok("start", "ss")
    pid = sd.main_pid("ss")
    st = proc_stat(pid)
    # state ppid pgrp session tty_nr
    assert int(st[3]) == pid, "service is not a session leader"
    assert int(st[2]) == pid
    assert int(st[4]) == 0
    assert int(st[1]) == sd.proc.pid


def test_no_inherited_fds(inst):
    r, w = os.pipe()
    try:
        inst.start(pass_fds=(r, w))              # superd itself has extra fds
    finally:
        os.close(r)
        os.close(w)
    sd = inst
    sd.write_unit("fd", f"""
        [Service]
        Type=oneshot
        StandardOutput=file:{sd.out}/fds
        ExecStart=/bin/ls /proc/self/fd
        """)
    sd.ctl_ok("start", "fd")
    assert sorted(sd.read_out("fds").split(), key=int) == ["0", "1", "2", "3"]   # 3: ls's own listing
    # the same with journal output (superd keeps the read end of a pipe)
    sd.write_unit("fd2", "[Service]\nType=oneshot\nExecStart=/bin/sh -c 'echo FDS $$(ls /proc/self/fd | tr \"\\\\n\" \" \")'\n")
    sd.ctl_ok("start", "fd2")
    line = wait_for(lambda: next((l for l in sd.logtext().splitlines() if "FDS " in l), None))
    # sh's $(...) adds a pipe and ls its directory fd
    fds = sorted(map(int, line.split("FDS ", 1)[1].split()))
    assert fds[:3] == [0, 1, 2] and len(fds) <= 5 and max(fds) <= 4


def test_python_fd_listing(sd):
    """Exactly 0-2 plus the fd the listing uses, from a program that opens nothing else."""
    py = "/usr/bin/python3"
    sd.write_unit("fdpy", f"""
        [Service]
        Type=oneshot
        StandardOutput=file:{sd.out}/fds
        ExecStart={py} -S -c "import os; print(' '.join(sorted(os.listdir('/proc/self/fd'), key=int)))"
        """)
    sd.ctl_ok("start", "fdpy")
    assert sd.read_out("fds").split() == ["0", "1", "2", "3"]


def test_signal_mask_and_dispositions(sd):
    run_oneshot(sd, "sig", f"exec cat /proc/self/status > {sd.out}/status")
    st = dict(l.split(":\t", 1) for l in sd.read_out("status").splitlines() if ":\t" in l)
    assert int(st["SigBlk"], 16) == 0
    ign = int(st["SigIgn"], 16)
    assert ign & (1 << (13 - 1)), "SIGPIPE (13) must be ignored"
    # Signals 32 and 33 are glibc's: sigaction() refuses them (EINVAL), so an
    # ignore inherited by superd (GNU make leaves them ignored) stays, as with
    # systemd. Every other signal must be back to its default.
    glibc_reserved = (1 << 31) | (1 << 32)
    assert ign & ~(1 << (13 - 1)) & ~glibc_reserved == 0, f"only SIGPIPE may be ignored, SigIgn={st['SigIgn']}"


def test_ignore_sigpipe_no(sd):
    run_oneshot(sd, "sig", f"exec cat /proc/self/status > {sd.out}/status", IgnoreSIGPIPE="no")
    st = dict(l.split(":\t", 1) for l in sd.read_out("status").splitlines() if ":\t" in l)
    assert int(st["SigIgn"], 16) & ~((1 << 31) | (1 << 32)) == 0
    assert int(st["SigBlk"], 16) == 0


def test_specifiers_in_exec(sd):
    sd.write_unit("tmpl@", f"""
        [Service]
        Type=oneshot
        ExecStart=/bin/sh -c 'echo %n %p %i %t > {sd.out}/spec-%i'
        """)
    sd.ctl_ok("start", "tmpl@abc")
    assert sd.read_out("spec-abc").split() == ["tmpl@abc.service", "tmpl", "abc", str(sd.root / "run")]

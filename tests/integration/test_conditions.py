"""Condition*= and Assert*= (systemd.unit(5)). A failed condition skips the
unit (start exits 0, the unit stays inactive, nothing runs); a failed
assertion fails the start. Where the answer depends on the machine
(virtualization, power, capabilities, kernel command line) the test works
out the expectation itself, the documented way, and compares."""
import os

import pytest

SKIP_MSG = "Condition check resulted in"


def cond_unit(sd, name, *lines):
    body = "\n".join(lines)
    sd.write_unit(name, f"[Unit]\n{body}\n[Service]\nType=oneshot\nRemainAfterExit=yes\n"
                        f"ExecStart=/bin/touch {sd.out}/{name}-ran\n")


def check(sd, name, *lines, runs):
    """Writes a unit with the given [Unit] lines, starts it, checks that it
    ran (runs=True) or was skipped."""
    cond_unit(sd, name, *lines)
    r = sd.ctl("start", name)
    assert r.returncode == 0, f"{lines}: {r.returncode} {r.stderr}"
    if runs:
        assert sd.state(name) == ("active", "exited"), lines
        assert sd.out_exists(f"{name}-ran"), lines
    else:
        assert sd.state(name) == ("inactive", "dead"), lines
        assert not sd.out_exists(f"{name}-ran"), lines
        assert sd.prop(name, "ExecMainPID") == "0", lines
        assert f"{SKIP_MSG} {name}.service being skipped" in sd.logtext(), lines


# ---- paths ----------------------------------------------------------------------

def test_path_exists(sd):
    there = sd.out / "there"
    there.write_text("")
    check(sd, "pe1", f"ConditionPathExists={there}", runs=True)
    check(sd, "pe2", f"ConditionPathExists={sd.out}/absent", runs=False)
    check(sd, "pe3", f"ConditionPathExists=!{sd.out}/absent", runs=True)
    check(sd, "pe4", f"ConditionPathExists=!{there}", runs=False)


def test_path_is_directory(sd):
    f = sd.out / "plain"
    f.write_text("x")
    check(sd, "pd1", f"ConditionPathIsDirectory={sd.out}", runs=True)
    check(sd, "pd2", f"ConditionPathIsDirectory={f}", runs=False)
    check(sd, "pd3", f"ConditionPathIsDirectory={sd.out}/absent", runs=False)
    check(sd, "pd4", f"ConditionPathIsDirectory=!{f}", runs=True)


def test_file_not_empty(sd):
    full, empty = sd.out / "full", sd.out / "empty"
    full.write_text("data")
    empty.write_text("")
    check(sd, "fne1", f"ConditionFileNotEmpty={full}", runs=True)
    check(sd, "fne2", f"ConditionFileNotEmpty={empty}", runs=False)
    check(sd, "fne3", f"ConditionFileNotEmpty={sd.out}", runs=False)        # a directory
    check(sd, "fne4", f"ConditionFileNotEmpty={sd.out}/absent", runs=False)


def test_file_is_executable(sd):
    exe, plain = sd.out / "exe", sd.out / "noexec"
    exe.write_text("#!/bin/sh\n")
    exe.chmod(0o755)
    plain.write_text("#!/bin/sh\n")
    plain.chmod(0o644)
    check(sd, "fx1", f"ConditionFileIsExecutable={exe}", runs=True)
    check(sd, "fx2", f"ConditionFileIsExecutable={plain}", runs=False)
    check(sd, "fx3", f"ConditionFileIsExecutable={sd.out}", runs=False)     # a directory
    check(sd, "fx4", f"ConditionFileIsExecutable=!{plain}", runs=True)


# ---- user, environment ----------------------------------------------------------

@pytest.mark.skipif(os.geteuid() != 0, reason="superd runs as root here")
def test_user(sd):
    check(sd, "u1", "ConditionUser=root", runs=True)
    check(sd, "u2", "ConditionUser=!root", runs=False)
    check(sd, "u3", "ConditionUser=0", runs=True)
    check(sd, "u4", "ConditionUser=@system", runs=True)
    check(sd, "u5", "ConditionUser=!@system", runs=False)
    check(sd, "u6", "ConditionUser=nobody", runs=False)


def test_environment(inst):
    env = dict(os.environ, SUPERD_COND_TEST="yes")
    env.pop("SUPERD_COND_ABSENT", None)
    inst.start(env=env)
    check(inst, "e1", "ConditionEnvironment=SUPERD_COND_TEST", runs=True)
    check(inst, "e2", "ConditionEnvironment=SUPERD_COND_TEST=yes", runs=True)
    check(inst, "e3", "ConditionEnvironment=SUPERD_COND_TEST=no", runs=False)
    check(inst, "e4", "ConditionEnvironment=SUPERD_COND_ABSENT", runs=False)
    check(inst, "e5", "ConditionEnvironment=!SUPERD_COND_ABSENT", runs=True)
    check(inst, "e6", "ConditionEnvironment=SUPERD_COND", runs=False)      # a prefix is not a name


# ---- the machine ----------------------------------------------------------------

def read(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return b""


def in_container():
    """systemd-detect-virt --container, the documented way: the manager's
    /run/systemd/container, container= in PID 1's environment, then the
    files docker and podman leave, then WSL."""
    if read("/run/systemd/container").strip():
        return True
    for var in read("/proc/1/environ").split(b"\0"):
        if var.startswith(b"container=") and len(var) > len(b"container="):
            return True
    if os.path.exists("/.dockerenv") or os.path.exists("/run/.containerenv"):
        return True
    return b"microsoft" in read("/proc/sys/kernel/osrelease")


def test_virtualization_container(sd):
    c = in_container()
    check(sd, "v1", "ConditionVirtualization=container", runs=c)
    check(sd, "v2", "ConditionVirtualization=!container", runs=not c)
    if c:
        # in a container, "virtualization at all" is true too
        check(sd, "v3", "ConditionVirtualization=yes", runs=True)
        check(sd, "v4", "ConditionVirtualization=no", runs=False)


def on_ac_power():
    base = "/sys/class/power_supply"
    battery = mains_online = False
    try:
        names = os.listdir(base)
    except OSError:
        names = []
    for n in names:
        t = read(f"{base}/{n}/type").decode().strip()
        if t == "Battery":
            battery = True
        elif t == "Mains" and read(f"{base}/{n}/online").strip() == b"1":
            mains_online = True
    return mains_online or not battery


def test_ac_power(sd):
    ac = on_ac_power()
    check(sd, "ac1", "ConditionACPower=true", runs=ac)
    check(sd, "ac2", "ConditionACPower=false", runs=not ac)


CAPS = ["chown", "dac_override", "dac_read_search", "fowner", "fsetid", "kill", "setgid", "setuid",
        "setpcap", "linux_immutable", "net_bind_service", "net_broadcast", "net_admin", "net_raw",
        "ipc_lock", "ipc_owner", "sys_module", "sys_rawio", "sys_chroot", "sys_ptrace", "sys_pacct",
        "sys_admin", "sys_boot", "sys_nice", "sys_resource", "sys_time", "sys_tty_config", "mknod",
        "lease", "audit_write", "audit_control", "setfcap", "mac_override", "mac_admin", "syslog",
        "wake_alarm", "block_suspend", "audit_read", "perfmon", "bpf", "checkpoint_restore"]


def cap_bounding_set():
    for line in read("/proc/self/status").decode().splitlines():
        if line.startswith("CapBnd:"):
            return int(line.split()[1], 16)
    return 0


def test_capability(sd):
    # superd inherits our bounding set (nothing in between drops any)
    bnd = cap_bounding_set()
    has_admin = bool(bnd >> CAPS.index("sys_admin") & 1)
    check(sd, "cap1", "ConditionCapability=CAP_SYS_ADMIN", runs=has_admin)
    check(sd, "cap2", "ConditionCapability=!CAP_SYS_ADMIN", runs=not has_admin)
    missing = [c for i, c in enumerate(CAPS) if not bnd >> i & 1]
    if missing:
        check(sd, "cap3", f"ConditionCapability=CAP_{missing[0].upper()}", runs=False)


def test_kernel_command_line(sd):
    words = read("/proc/cmdline").decode().split()
    if "--" in words:                      # what follows goes to init, not the kernel
        words = words[:words.index("--")]
    if not words:
        pytest.skip("empty /proc/cmdline")
    check(sd, "k1", f"ConditionKernelCommandLine={words[0]}", runs=True)
    check(sd, "k2", "ConditionKernelCommandLine=superd_no_such_option_xyz", runs=False)
    check(sd, "k3", "ConditionKernelCommandLine=!superd_no_such_option_xyz", runs=True)
    with_value = [w for w in words if "=" in w]
    if with_value:
        # a name alone matches name=value
        key = with_value[0].split("=", 1)[0]
        check(sd, "k4", f"ConditionKernelCommandLine={key}", runs=True)
        check(sd, "k5", f"ConditionKernelCommandLine={key}=superd_other_value", runs=False)


# ---- combinations, skipping, assertions ------------------------------------------

def test_triggering_conditions(sd):
    there = sd.out / "there"
    there.write_text("")
    absent = sd.out / "absent"
    # one of the '|' conditions passes: runs
    check(sd, "t1", f"ConditionPathExists=|{absent}", f"ConditionPathExists=|{there}", runs=True)
    # none passes: skipped
    check(sd, "t2", f"ConditionPathExists=|{absent}", f"ConditionPathExists=|{sd.out}/absent2", runs=False)
    # a trigger passes but a plain condition fails: skipped
    check(sd, "t3", f"ConditionPathExists=|{there}", f"ConditionPathExists={absent}", runs=False)
    # triggers mix with negation: |!absent passes
    check(sd, "t4", f"ConditionPathExists=|!{absent}", f"ConditionPathExists=|{sd.out}/absent2", runs=True)
    # all plain conditions must pass
    check(sd, "t5", f"ConditionPathExists={there}", f"ConditionPathIsDirectory={there}", runs=False)


def test_skipped_unit_is_not_failed_and_dependents_start(sd):
    # a skipped dependency counts as done: what Requires= it still starts
    cond_unit(sd, "skipme", f"ConditionPathExists={sd.out}/absent")
    sd.write_unit("dependent", f"""
        [Unit]
        Requires=skipme.service
        After=skipme.service
        [Service]
        Type=oneshot
        RemainAfterExit=yes
        ExecStart=/bin/touch {sd.out}/dependent-ran
        """)
    sd.ctl_ok("start", "dependent")
    assert sd.state("dependent") == ("active", "exited")
    assert sd.state("skipme") == ("inactive", "dead")
    assert sd.prop("skipme", "Result") == "success"
    assert not sd.out_exists("skipme-ran")
    assert f"{SKIP_MSG} skipme.service being skipped" in sd.logtext()


def test_condition_checked_again_on_each_start(sd):
    flag = sd.out / "flag"
    cond_unit(sd, "again", f"ConditionPathExists={flag}")
    sd.ctl_ok("start", "again")
    assert sd.state("again")[0] == "inactive"
    flag.write_text("")
    sd.ctl_ok("start", "again")
    assert sd.state("again") == ("active", "exited")
    assert sd.out_exists("again-ran")


def test_assert_failure(sd):
    cond_unit(sd, "asrt", f"AssertPathExists={sd.out}/absent")
    r = sd.ctl("start", "asrt")
    assert r.returncode == 1, r
    assert "asrt.service" in r.stderr
    assert sd.state("asrt")[0] in ("inactive", "failed")
    assert not sd.out_exists("asrt-ran")
    assert "Assertion failed" in sd.logtext()
    # a passing assertion does not stop it
    cond_unit(sd, "asrt2", f"AssertPathExists={sd.out}", f"AssertPathIsDirectory={sd.out}")
    sd.ctl_ok("start", "asrt2")
    assert sd.state("asrt2") == ("active", "exited")


def test_assert_checked_before_conditions(sd):
    # a failing assertion fails the start even when a condition would skip it
    cond_unit(sd, "both", f"ConditionPathExists={sd.out}/absent", f"AssertPathExists={sd.out}/absent")
    r = sd.ctl("start", "both")
    assert r.returncode == 1, r
    assert not sd.out_exists("both-ran")

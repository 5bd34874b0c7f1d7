"""Unit files through a running daemon: verify, drop-ins, templates, aliases, masks."""
import os

import pytest

from conftest import SUPERCTL, run


def verify(*paths):
    return run([SUPERCTL, "verify", *map(str, paths)])


def test_verify_good(root):
    p = root / "good.service"
    p.write_text("[Unit]\nDescription=Good\n[Service]\nExecStart=/bin/sleep 1\nX-Custom=ignored\n")
    r = verify(p)
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""


def test_verify_bad(root):
    p = root / "bad.service"
    p.write_text("[Unit]\nDescription=Bad\n[Service]\nExecStart=/bin/sleep 1\nUser=0day\nRestart=maybe\n")
    r = verify(p)
    assert r.returncode == 1
    assert f"{p}:5:" in r.stderr            # User=
    assert f"{p}:6:" in r.stderr            # Restart=
    assert "bad-setting" in r.stderr


def test_verify_warnings_only(root):
    p = root / "warn.service"
    p.write_text("[Service]\nExecStart=/bin/true\nNoSuchKey=1\n")
    r = verify(p)
    assert f"{p}:3:" in r.stderr
    assert r.returncode == 0                # an unknown key is a warning


def test_verify_mixed_and_missing(root):
    good = root / "good.service"
    good.write_text("[Service]\nExecStart=/bin/true\n")
    bad = root / "bad.service"
    bad.write_text("[Service]\nType=simple\n")          # no ExecStart=
    r = verify(good, bad, root / "missing.service")
    assert r.returncode == 1
    assert "missing.service" in r.stderr
    assert "bad.service" in r.stderr


def test_verify_nasty_input(root):
    files = {
        "empty.service": b"",
        "binary.service": bytes(range(256)) * 4,
        "nul.service": b"[Service]\nExecStart=/bin/true\x00evil\n",
        "quote.service": b"[Service]\nExecStart=/bin/sh -c 'unterminated\n",
        "long.service": b"[Service]\nDescription=" + b"x" * (1 << 20) + b"\n",
    }
    for name, data in files.items():
        (root / name).write_bytes(data)
        r = verify(root / name)
        assert r.returncode in (0, 1), (name, r)
        assert r.returncode >= 0, f"verify crashed on {name}"


def test_dropins_override(sd):
    sd.write_unit("d", f"""
        [Unit]
        Description=base
        [Service]
        Type=oneshot
        Environment=A=base B=base
        ExecStart=/bin/sh -c 'echo $$A $$B > {sd.out}/ab'
        """)
    sd.write_unit("d.service.d/10-a.conf", "[Service]\nEnvironment=A=dropin10\n")
    sd.write_unit("d.service.d/20-b.conf", "[Unit]\nDescription=from drop-in\n[Service]\nEnvironment=B=dropin20\n")
    sd.ctl_ok("start", "d")
    assert sd.read_out("ab").split() == ["dropin10", "dropin20"]
    assert sd.prop("d", "Description") == "from drop-in"
    assert "10-a.conf" in sd.prop("d", "DropInPaths")
    r = sd.ctl("status", "d")
    assert "Drop-In:" in r.stdout


def test_exec_start_reset_in_dropin(sd):
    sd.write_unit("d", f"[Service]\nType=oneshot\nExecStart=/bin/sh -c 'echo base > {sd.out}/which'\n")
    sd.write_unit("d.service.d/override.conf",
                  f"[Service]\nExecStart=\nExecStart=/bin/sh -c 'echo override > {sd.out}/which'\n")
    sd.ctl_ok("start", "d")
    assert sd.read_out("which") == "override\n"


def test_template_instances(sd):
    sd.write_unit("t@", f"""
        [Unit]
        Description=Instance %i
        [Service]
        ExecStart=/bin/sh -c 'echo %i > {sd.out}/inst-%i; exec sleep 1000'
        """)
    sd.ctl_ok("start", "t@one", "t@two")
    assert sd.wait_out("inst-one", contains="\n") == "one\n"
    assert sd.wait_out("inst-two", contains="\n") == "two\n"
    assert sd.prop("t@one", "Description") == "Instance one"
    assert sd.main_pid("t@one") != sd.main_pid("t@two")
    r = sd.ctl("start", "t@")
    assert r.returncode != 0                 # a template cannot be started


def test_alias_symlink(sd):
    sd.write_unit("real", "[Unit]\nDescription=Real one\n[Service]\nExecStart=/bin/sleep 1000\n")
    (sd.units / "alias.service").symlink_to("real.service")
    sd.ctl_ok("start", "alias")
    assert sd.prop("real", "ActiveState") == "active"
    assert sd.prop("alias", "Id") == "real.service"
    assert sd.main_pid("alias") == sd.main_pid("real")


def test_masked_unit(sd):
    sd.write_unit("m", f"[Service]\nExecStart=/bin/sh -c 'echo ran > {sd.out}/ran'\n")
    os.symlink("/dev/null", sd.root / "etc/superd/units/m2.service")
    r = sd.ctl("start", "m2")
    assert r.returncode == 1 and "masked" in r.stderr
    assert sd.prop("m2", "LoadState") == "masked"
    r = sd.ctl("status", "m2")
    assert "masked" in r.stdout
    out = sd.ctl_ok("list-unit-files").stdout
    assert any(l.split()[:2] == ["m2.service", "masked"] for l in out.splitlines() if l.strip())


def test_syntax_features(sd):
    sd.write_unit("syn", f"""
        # comment
        ; another comment
        [Unit]
        Description=Multi \\
          line
        [Service]
        Type=oneshot
        Environment=A=1
        Environment=
        Environment=B=2
        ExecStart=/bin/sh -c \\
            'echo "$${{A:-unset}} $$B %n" > {sd.out}/syn'
        X-Whatever=yes
        [X-Section]
        Anything=goes
        """)
    sd.ctl_ok("start", "syn")
    assert sd.read_out("syn").split() == ["unset", "2", "syn.service"]
    # systemd keeps the continuation line's indentation: "Multi " + " " + "  line"
    assert sd.prop("syn", "Description") == "Multi    line"


def test_exec_prefix_at(sd):
    sd.write_unit("at", f"[Service]\nType=oneshot\nExecStart=@/bin/sh custom-argv0 -c 'echo $$0 > {sd.out}/argv0'\n")
    sd.ctl_ok("start", "at")
    assert sd.read_out("argv0").strip() == "custom-argv0"


def test_exec_prefix_colon_no_expansion(sd):
    sd.write_unit("col", f"""
        [Service]
        Type=oneshot
        Environment=V=expanded
        ExecStart=/bin/sh -c 'echo $V > {sd.out}/plain'
        ExecStart=:/bin/sh -c 'echo $$V > {sd.out}/colon'
        """)
    sd.ctl_ok("start", "col")
    assert sd.read_out("plain").strip() == "expanded"


def test_unit_file_never_crashes_daemon(sd):
    nasty = {
        "n1": b"\x00\x01\x02[Service]\nExecStart=/bin/true\n",
        "n2": b"[Service]\nExecStart=" + b"a" * (1 << 20) + b"\n",
        "n3": b"[Service]\n" + b"Environment=X=1\n" * 10000 + b"ExecStart=/bin/true\n",
        "n4": b"[Service]\nExecStart=/bin/echo %%%%%z%\n",
        "n5": b"[Unit]\nDescription=\xff\xfe\n[Service]\nExecStart=/bin/true\n",
    }
    for name, data in nasty.items():
        (sd.units / f"{name}.service").write_bytes(data)
        sd.ctl("start", name, timeout=60)
        sd.ctl("status", name)
        assert sd.daemon_pid_alive(), name
    sd.ctl_ok("daemon-reload")
    assert sd.answers()


def test_implicit_targets(sd):
    for t in ("multi-user.target", "default.target", "basic.target", "network.target"):
        assert sd.prop(t, "LoadState") == "loaded", t
    assert sd.prop("multi-user.target", "ActiveState") == "active"


def test_dependencies_wants(sd):
    sd.write_unit("dep", "[Service]\nExecStart=/bin/sleep 1000\n")
    sd.write_unit("main", "[Unit]\nWants=dep.service\n[Service]\nExecStart=/bin/sleep 1000\n")
    sd.ctl_ok("start", "main")
    sd.wait_state("dep", "active", "running")


def test_dependencies_after_orders_start(sd):
    sd.write_unit("dep", f"""
        [Service]
        Type=oneshot
        RemainAfterExit=yes
        ExecStart=/bin/sh -c 'while [ ! -e {sd.out}/go ]; do sleep 0.05; done; echo dep >> {sd.out}/order'
        """)
    sd.write_unit("main", f"""
        [Unit]
        Wants=dep.service
        After=dep.service
        [Service]
        Type=oneshot
        RemainAfterExit=yes
        ExecStart=/bin/sh -c 'echo main >> {sd.out}/order'
        """)
    sd.ctl_ok("start", "--no-block", "main")
    sd.wait_state("dep", "activating")
    try:
        # main waits with a queued job until dep has finished starting
        assert sd.state("main")[0] == "inactive"
        assert sd.prop("main", "Job") == "start"
    finally:
        (sd.out / "go").write_text("")
    sd.wait_state("main", "active", "exited")
    assert sd.read_out("order").split() == ["dep", "main"]


def test_search_dirs_change_without_reload(sd):
    """superd indexes the search directories; what appears in them after
    start-up (an instance drop-in directory, a whole new search directory,
    a mask) is seen by the next load without daemon-reload."""
    sd.write_unit("ix@", f"[Service]\nType=oneshot\nExecStart=/bin/sh -c 'echo base > {sd.out}/%i'\n")
    sd.ctl_ok("start", "ix@one")
    assert sd.read_out("one") == "base\n"
    sd.write_unit("ix@two.service.d/o.conf",
                  f"[Service]\nExecStart=\nExecStart=/bin/sh -c 'echo dropin > {sd.out}/%i'\n")
    sd.ctl_ok("start", "ix@two")
    assert sd.read_out("two") == "dropin\n"
    late = sd.root / "run/systemd/system"
    assert not late.exists()
    late.mkdir(parents=True)
    (late / "late.service").write_text(f"[Service]\nType=oneshot\nExecStart=/bin/sh -c 'echo late > {sd.out}/late'\n")
    sd.ctl_ok("start", "late")
    assert sd.read_out("late") == "late\n"
    os.symlink("/dev/null", sd.units / "ix@three.service")
    r = sd.ctl("start", "ix@three")
    assert r.returncode == 1 and "masked" in r.stderr

"""tmpfiles.d at start: d D f L z lines under the instance's root, the
override of a file name by an earlier directory, bad lines reported with
path:line and never fatal."""
import os
import stat


def mode_of(p):
    return stat.S_IMODE(os.lstat(p).st_mode)


def test_tmpfiles_applied_at_start(inst, test_user):
    r = inst.root
    for d in ("usr/lib/tmpfiles.d", "etc/tmpfiles.d", "run/tmpfiles.d"):
        (r / d).mkdir(parents=True, exist_ok=True)
    (r / "var/adjust").mkdir(parents=True)
    (r / "var/adjust/one").write_text("")
    (r / "var/adjust/one").chmod(0o644)
    (r / "run/stale").mkdir(parents=True)
    (r / "run/stale/old").write_text("old")
    u, g = test_user["name"], test_user["group"]
    (r / "usr/lib/tmpfiles.d/pkg.conf").write_text(
        f"d /run/memcached 0755 {u} {g} -\n"
        "d /run/nested/deeper/dir 0700\n"
        "f /etc/greeting 0640 - - - hello\\tworld\n"
        "L /etc/link - - - - /run/memcached\n"
        "z /var/adjust/* 0600\n"
        "D /run/stale 0755\n"
        "x /ignored/type\n"
        "Q /bad line here\n"
        "d relative-path\n"
        f"d /run/badmode 0999\n")
    (r / "usr/lib/tmpfiles.d/over.conf").write_text("d /run/from-usr\n")
    (r / "etc/tmpfiles.d/over.conf").write_text("d /run/from-etc 0711\n")
    (r / "run/tmpfiles.d/masked.conf").symlink_to("/dev/null")
    (r / "usr/lib/tmpfiles.d/masked.conf").write_text("d /run/masked\n")
    inst.start()
    st = os.stat(r / "run/memcached")
    assert stat.S_ISDIR(st.st_mode) and mode_of(r / "run/memcached") == 0o755
    assert (st.st_uid, st.st_gid) == (test_user["uid"], test_user["group_gid"])
    assert mode_of(r / "run/nested/deeper/dir") == 0o700
    assert (r / "etc/greeting").read_text() == "hello\tworld"
    assert mode_of(r / "etc/greeting") == 0o640
    assert os.readlink(r / "etc/link") == "/run/memcached"
    assert mode_of(r / "var/adjust/one") == 0o600
    assert list((r / "run/stale").iterdir()) == []     # D empties at boot
    assert (r / "run/from-etc").is_dir() and mode_of(r / "run/from-etc") == 0o711
    assert not (r / "run/from-usr").exists()
    assert not (r / "run/masked").exists()
    assert not (r / "run/badmode").exists()
    log = inst.logtext()
    pkg = r / "usr/lib/tmpfiles.d/pkg.conf"
    assert f"{pkg}:9: " in log and f"{pkg}:10: Invalid mode '0999'" in log
    assert f"{pkg}:7:" not in log                       # other types: skipped silently
    assert inst.answers()


def test_tmpfiles_reload_creates_missing_but_does_not_empty(sd):
    r = sd.root
    (r / "etc/tmpfiles.d").mkdir(parents=True, exist_ok=True)
    (r / "etc/tmpfiles.d/late.conf").write_text("D /run/late 0750\nf /run/late/file 0600 - - - x\n")
    sd.ctl_ok("daemon-reload")
    assert mode_of(r / "run/late") == 0o750
    assert (r / "run/late/file").read_text() == "x"
    (r / "run/late/file").write_text("changed")
    sd.ctl_ok("daemon-reload")
    assert (r / "run/late/file").read_text() == "changed"   # f does not rewrite, D empties only at boot

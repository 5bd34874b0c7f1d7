"""RuntimeDirectory= StateDirectory= CacheDirectory= LogsDirectory=
ConfigurationDirectory=: created under the instance's root before the first
process runs, with their modes and owners, exported as *_DIRECTORY, the
runtime directory removed when the service stops (unless preserved)."""
import os
import stat

from conftest import wait_for


def mode_of(p):
    return stat.S_IMODE(os.lstat(p).st_mode)


def test_directories_created_with_env(sd):
    pre = sd.write_script("pre", f"""
        for d in $(echo "$RUNTIME_DIRECTORY" | tr : ' '); do test -d "$d" || exit 1; done
        echo pre > {sd.out}/pre
    """)
    sd.write_unit("dirs", f"""
        [Service]
        Type=oneshot
        RemainAfterExit=yes
        RuntimeDirectory=dirs dirs2/nested
        RuntimeDirectoryMode=0750
        StateDirectory=dirs
        StateDirectoryMode=0700
        CacheDirectory=dirs
        LogsDirectory=dirs
        ConfigurationDirectory=dirs
        ExecStartPre={pre}
        ExecStart=/bin/sh -c 'env > {sd.out}/env'
    """)
    sd.ctl_ok("start", "dirs")
    env = dict(l.split("=", 1) for l in sd.wait_out("env", contains="\n").splitlines() if "=" in l)
    r = sd.root
    assert env["RUNTIME_DIRECTORY"] == f"{r}/run/dirs:{r}/run/dirs2/nested"
    assert env["STATE_DIRECTORY"] == f"{r}/var/lib/dirs"
    assert env["CACHE_DIRECTORY"] == f"{r}/var/cache/dirs"
    assert env["LOGS_DIRECTORY"] == f"{r}/var/log/dirs"
    assert env["CONFIGURATION_DIRECTORY"] == f"{r}/etc/dirs"
    assert sd.read_out("pre") == "pre\n"
    assert mode_of(r / "run/dirs") == 0o750
    assert mode_of(r / "run/dirs2/nested") == 0o750
    assert mode_of(r / "run/dirs2") == 0o755
    assert mode_of(r / "var/lib/dirs") == 0o700
    assert mode_of(r / "var/cache/dirs") == 0o755
    assert (r / "etc/dirs").is_dir()

    # Stop: the runtime dirs go (without following links), the others stay.
    outside = r / "outside"
    outside.mkdir()
    (outside / "keep").write_text("x")
    os.symlink(outside, r / "run/dirs/link")
    (r / "run/dirs/sub").mkdir()
    (r / "run/dirs/sub/file").write_text("y")
    sd.ctl_ok("stop", "dirs")
    wait_for(lambda: not (r / "run/dirs").exists(), what="runtime dir removed")
    assert not (r / "run/dirs2/nested").exists()
    assert (outside / "keep").read_text() == "x"
    assert (r / "var/lib/dirs").is_dir() and (r / "var/cache/dirs").is_dir()
    assert (r / "var/log/dirs").is_dir() and (r / "etc/dirs").is_dir()


def test_owner_is_user(sd, test_user):
    sd.write_unit("owned", f"""
        [Service]
        Type=oneshot
        RemainAfterExit=yes
        User={test_user['name']}
        Group={test_user['group']}
        RuntimeDirectory=owned
        StateDirectory=owned/deep
        ConfigurationDirectory=owned
        ExecStart=/bin/sh -c 'touch "$STATE_DIRECTORY/w" && id -u > {sd.out}/uid'
    """)
    sd.ctl_ok("start", "owned")
    assert sd.wait_out("uid", contains="\n").strip() == str(test_user["uid"])
    r = sd.root
    for p in (r / "run/owned", r / "var/lib/owned/deep"):
        st = os.stat(p)
        assert (st.st_uid, st.st_gid) == (test_user["uid"], test_user["group_gid"]), p
    assert os.stat(r / "var/lib/owned").st_uid == 0
    assert os.stat(r / "etc/owned").st_uid == 0      # configuration stays root's
    assert (r / "var/lib/owned/deep/w").exists()
    sd.ctl_ok("stop", "owned")


def test_runtime_directory_preserve(sd):
    sd.write_unit("keep", """
        [Service]
        Type=oneshot
        RemainAfterExit=yes
        RuntimeDirectory=keep
        RuntimeDirectoryPreserve=yes
        ExecStart=/bin/sh -c 'echo hi > "$RUNTIME_DIRECTORY/f"'
    """)
    sd.ctl_ok("start", "keep")
    sd.ctl_ok("stop", "keep")
    assert (sd.root / "run/keep/f").read_text() == "hi\n"


def test_runtime_directory_preserve_restart(sd):
    sd.write_unit("rkeep", f"""
        [Service]
        RuntimeDirectory=rkeep
        RuntimeDirectoryPreserve=restart
        ExecStart=/bin/sh -c 'echo $$ >> "$RUNTIME_DIRECTORY/runs"; exec sleep 60'
    """)
    sd.ctl_ok("start", "rkeep")
    f = sd.root / "run/rkeep/runs"
    wait_for(lambda: f.exists() and len(f.read_text().split()) == 1)
    sd.ctl_ok("restart", "rkeep")
    wait_for(lambda: len(f.read_text().split()) == 2, what="second run recorded in the kept dir")
    sd.ctl_ok("stop", "rkeep")
    wait_for(lambda: not (sd.root / "run/rkeep").exists(), what="runtime dir removed at stop")


def test_runtime_directory_removed_on_failure(sd):
    sd.write_unit("fails", """
        [Service]
        RuntimeDirectory=fails
        ExecStart=/bin/sh -c 'touch "$RUNTIME_DIRECTORY/x"; exit 3'
    """)
    sd.ctl("start", "fails")
    sd.wait_state("fails", "failed")
    assert not (sd.root / "run/fails").exists()


def test_directory_in_the_way_fails_start(sd):
    (sd.root / "var/lib").mkdir(parents=True, exist_ok=True)
    (sd.root / "var/lib/blocked").write_text("a file, not a dir")
    sd.write_unit("blocked", f"""
        [Service]
        StateDirectory=blocked
        ExecStart=/bin/sh -c 'echo ran > {sd.out}/ran'
    """)
    sd.ctl("start", "blocked")
    sd.wait_state("blocked", "failed")
    assert sd.prop("blocked", "Result") == "resources"
    assert not sd.out_exists("ran")

"""Install verbs: enable/disable/reenable/mask/unmask/is-enabled/list-unit-files/
get-default/set-default, with systemd's link layout and messages, through a
real `superd -f --root DIR`; and the same through a `systemctl` symlink."""
import os
import textwrap

import pytest

from conftest import SUPERCTL, run

LONG = "[Service]\nExecStart=/bin/sleep 1000\n"


def vendor(inst, name, text):
    """Writes a unit into the vendor dir DIR/usr/lib/systemd/system."""
    d = inst.root / "usr/lib/systemd/system"
    d.mkdir(parents=True, exist_ok=True)
    p = d / name
    p.write_text(textwrap.dedent(text).lstrip())
    return p


def wanted(name, target="multi-user.target", extra=""):
    return LONG + f"[Install]\nWantedBy={target}\n{extra}"


def links(inst):
    """Every symlink under the first unit dir, as {relative path: target}."""
    out = {}
    for dirpath, dirs, files in os.walk(inst.units):
        for n in dirs + files:
            p = os.path.join(dirpath, n)
            if os.path.islink(p):
                out[os.path.relpath(p, inst.units)] = os.readlink(p)
    return out


def states(inst, *args):
    out = inst.ctl_ok("list-unit-files", *args).stdout
    return {p[0]: p[1] for p in (l.split() for l in out.splitlines()) if len(p) == 2 and "." in p[0]}


def test_enable_links_and_next_boot(inst):
    f = inst.write_unit("en", wanted("en", extra="Alias=en-alias.service\n"))
    inst.start()
    r = inst.ctl("is-enabled", "en")
    assert (r.returncode, r.stdout) == (1, "disabled\n")
    r = inst.ctl_ok("enable", "en")
    u = inst.units
    assert r.stderr.splitlines() == [
        f"Created symlink {u}/en-alias.service \u2192 {f}.",
        f"Created symlink {u}/multi-user.target.wants/en.service \u2192 {f}.",
    ]
    assert links(inst) == {"en-alias.service": str(f), "multi-user.target.wants/en.service": str(f)}
    r = inst.ctl("is-enabled", "en", "en-alias")
    assert (r.returncode, r.stdout) == (0, "enabled\nalias\n")
    assert "; enabled)" in inst.ctl("status", "en").stdout
    # enabling does not start it; the next start of superd does
    assert inst.state("en")[0] == "inactive"
    # enabling again changes nothing and says nothing
    r = inst.ctl_ok("enable", "en.service")
    assert r.stderr == ""
    assert inst.stop() == 0
    inst.start()
    inst.wait_state("en", "active", "running")


def test_enable_now_disable_now(sd):
    f = sd.write_unit("nw", wanted("nw", extra="RequiredBy=other.target\n"))
    r = sd.ctl_ok("enable", "--now", "nw")
    assert f"Created symlink {sd.units}/other.target.requires/nw.service \u2192 {f}." in r.stderr
    # --now waited for the start job, like start
    assert sd.state("nw") == ("active", "running")
    r = sd.ctl_ok("disable", "--now", "nw")
    assert r.stderr.splitlines() == [
        f'Removed "{sd.units}/multi-user.target.wants/nw.service".',
        f'Removed "{sd.units}/other.target.requires/nw.service".',
    ]
    assert links(sd) == {}
    assert sd.state("nw")[0] == "inactive"
    r = sd.ctl("is-enabled", "nw")
    assert (r.returncode, r.stdout) == (1, "disabled\n")
    # -q: no messages
    r = sd.ctl_ok("enable", "-q", "nw")
    assert r.stderr == "" and "multi-user.target.wants/nw.service" in links(sd)


def test_static_and_unknown(sd):
    sd.write_unit("st", LONG)
    r = sd.ctl_ok("enable", "st")
    assert r.stderr.startswith("The unit files have no installation config (WantedBy=, RequiredBy=, Also=,\n"
                               "Alias= settings in the [Install] section")
    assert links(sd) == {}
    r = sd.ctl("enable", "nope")
    assert r.returncode == 1
    assert r.stderr == "Failed to enable unit, unit nope.service does not exist.\n"
    r = sd.ctl("is-enabled", "nope")
    assert (r.returncode, r.stdout) == (4, "not-found\n")
    r = sd.ctl("is-enabled", "st", "nope")
    assert (r.returncode, r.stdout) == (0, "static\nnot-found\n")
    assert sd.ctl("disable", "nope").returncode == 0
    assert sd.ctl("enable").returncode != 0


def test_mask_unmask(sd):
    p = vendor(sd, "mk.service", wanted("mk"))
    sd.ctl_ok("start", "mk")
    r = sd.ctl_ok("mask", "--now", "mk")
    assert r.stderr == f"Created symlink {sd.units}/mk.service \u2192 /dev/null.\n"
    assert links(sd) == {"mk.service": "/dev/null"}
    assert sd.state("mk")[0] == "inactive"
    r = sd.ctl("start", "mk")
    assert r.returncode == 1 and "Unit mk.service is masked." in r.stderr
    assert "Loaded: masked" in sd.ctl("status", "mk").stdout
    assert sd.prop("mk", "LoadState") == "masked"
    r = sd.ctl("is-enabled", "mk")
    assert (r.returncode, r.stdout) == (1, "masked\n")
    assert states(sd)["mk.service"] == "masked"
    r = sd.ctl("enable", "mk")
    assert r.returncode == 1 and r.stderr == f"Failed to enable unit, unit {sd.units}/mk.service is masked.\n"
    # masking twice is no change
    assert sd.ctl_ok("mask", "mk").stderr == ""
    r = sd.ctl_ok("unmask", "mk")
    assert r.stderr == f'Removed "{sd.units}/mk.service".\n'
    assert links(sd) == {}
    sd.ctl_ok("start", "mk")
    assert sd.state("mk") == ("active", "running")
    assert sd.prop("mk", "FragmentPath") == str(p)
    # a real unit file in the first dir is never replaced
    f = sd.write_unit("real", LONG)
    r = sd.ctl("mask", "real")
    assert r.returncode == 1
    assert r.stderr == f'Failed to mask unit, file "{f}" already exists.\n'
    assert f.read_text().startswith("[Service]")


def test_is_enabled_and_list_unit_files(sd):
    sd.write_unit("a", wanted("a", extra="Alias=a2.service\n"))
    sd.write_unit("b", wanted("b"))
    sd.write_unit("s", LONG)
    sd.write_unit("ind", LONG + "[Install]\nAlso=b.service\n")
    vendor(sd, "t@.service", wanted("t", extra="DefaultInstance=one\n"))
    vendor(sd, "v.service", wanted("v"))
    # a vendor .wants link does not make it enabled
    w = sd.root / "usr/lib/systemd/system/multi-user.target.wants"
    w.mkdir()
    (w / "v.service").symlink_to("../v.service")
    sd.ctl_ok("enable", "a", "t@.service")
    sd.ctl_ok("mask", "m")
    want = {"a": ("enabled", 0), "a2": ("alias", 0), "b": ("disabled", 1), "s": ("static", 0),
            "ind": ("indirect", 0), "t@": ("enabled", 0), "t@one": ("enabled", 0), "t@two": ("disabled", 1),
            "v": ("disabled", 1), "m": ("masked", 1), "gone": ("not-found", 4)}
    for name, (state, rc) in want.items():
        r = sd.ctl("is-enabled", name)
        assert (r.stdout, r.returncode) == (state + "\n", rc), name
        r = sd.ctl("is-enabled", "-q", name)
        assert (r.stdout, r.returncode) == ("", rc), name
    # any enabled one: 0
    assert sd.ctl("is-enabled", "b", "a").returncode == 0
    assert sd.ctl("is-enabled", "b", "v").returncode == 1
    assert states(sd) == {"a.service": "enabled", "a2.service": "alias", "b.service": "disabled",
                          "ind.service": "indirect", "m.service": "masked", "s.service": "static",
                          "t@.service": "enabled", "v.service": "disabled"}
    assert set(states(sd, "--state=enabled")) == {"a.service", "t@.service"}
    # Also= enables b; the unit with only Also= stays indirect
    sd.ctl_ok("enable", "ind")
    assert sd.ctl("is-enabled", "b").stdout == "enabled\n"
    assert sd.ctl("is-enabled", "ind").stdout == "indirect\n"
    # reenable: removes, then creates again
    r = sd.ctl_ok("reenable", "a")
    lines = r.stderr.splitlines()
    assert lines[0].startswith("Removed ") and lines[-1].startswith("Created symlink ")
    assert sd.ctl("is-enabled", "a").stdout == "enabled\n"


def test_template_default_instance_boots(inst):
    t = vendor(inst, "tp@.service", """
        [Service]
        ExecStart=/bin/sh -c 'echo %i > {out}/tp-%i; exec sleep 1000'
        [Install]
        WantedBy=multi-user.target
        DefaultInstance=first
        """.replace("{out}", str(inst.out)))
    inst.start()
    r = inst.ctl_ok("enable", "tp@.service")
    assert r.stderr == f"Created symlink {inst.units}/multi-user.target.wants/tp@first.service \u2192 {t}.\n"
    r = inst.ctl_ok("enable", "tp@second.service")
    assert f"multi-user.target.wants/tp@second.service \u2192 {t}." in r.stderr
    assert inst.stop() == 0
    inst.start()
    assert inst.wait_out("tp-first", contains="\n").strip() == "first"
    assert inst.wait_out("tp-second", contains="\n").strip() == "second"
    r = inst.ctl_ok("disable", "tp@.service")
    assert len(r.stderr.splitlines()) == 2
    assert links(inst) == {}


def test_default_target(inst):
    inst.write_unit("g.target", "[Unit]\nDescription=G\n")
    inst.write_unit("gsvc", wanted("gsvc", target="g.target"))
    inst.start()
    assert inst.ctl_ok("get-default").stdout == "multi-user.target\n"
    r = inst.ctl_ok("set-default", "g")
    assert r.stderr == f"Created symlink {inst.units}/default.target \u2192 {inst.units}/g.target.\n"
    assert inst.ctl_ok("get-default").stdout == "g.target\n"
    assert inst.ctl_ok("set-default", "g.target").stderr == ""
    r = inst.ctl("set-default", "nope.target")
    assert r.returncode == 1
    assert r.stderr == "Failed to set default unit, unit nope.target does not exist.\n"
    inst.ctl_ok("enable", "gsvc")
    assert inst.stop() == 0
    inst.start()
    inst.wait_state("gsvc", "active", "running")
    assert inst.state("g.target")[0] == "active"
    # DefaultTarget= in superd.conf wins
    assert inst.stop() == 0
    (inst.root / "etc/superd.conf").write_text("[Manager]\nDefaultTarget=multi-user.target\n")
    inst.start()
    assert inst.ctl_ok("get-default").stdout == "multi-user.target\n"
    assert inst.state("gsvc")[0] == "inactive"


def test_as_systemctl(sd, tmp_path):
    sc = tmp_path / "systemctl"
    sc.symlink_to(SUPERCTL)
    f = sd.write_unit("sc", wanted("sc"))

    def systemctl(*args):
        return run([str(sc), "--root", str(sd.root), *args])

    r = systemctl("enable", "--now", "sc")
    assert r.returncode == 0
    assert r.stderr == f"Created symlink {sd.units}/multi-user.target.wants/sc.service \u2192 {f}.\n"
    assert sd.state("sc") == ("active", "running")
    r = systemctl("is-enabled", "sc")
    assert (r.returncode, r.stdout) == (0, "enabled\n")
    assert "sc.service" in systemctl("list-unit-files").stdout
    r = systemctl("disable", "--now", "sc")
    assert r.returncode == 0 and r.stderr.startswith('Removed "')
    assert sd.state("sc")[0] == "inactive"
    vendor(sd, "scm.service", LONG)
    assert systemctl("mask", "scm").returncode == 0
    assert systemctl("is-enabled", "scm").stdout == "masked\n"
    assert systemctl("unmask", "scm").returncode == 0
    assert systemctl("is-enabled", "scm").stdout == "static\n"
    assert systemctl("get-default").stdout == "multi-user.target\n"


def test_unprivileged_reading_only(sd, test_user):
    sd.write_unit("pr", wanted("pr"))
    r = sd.ctl("is-enabled", "pr", user=test_user["name"])
    assert (r.returncode, r.stdout) == (1, "disabled\n")
    r = sd.ctl("enable", "pr", user=test_user["name"])
    assert r.returncode != 0 and "Access denied" in r.stderr
    assert links(sd) == {}

"""Generators: run at start and on reload with the three output dirs; the
units they write are loaded, the ones they enable started; one that hangs is
killed and does not hold start-up."""
import os
import time

from conftest import wait_for


def write_generator(root, name, body):
    d = root / "usr/lib/systemd/system-generators"
    d.mkdir(parents=True, exist_ok=True)
    p = d / name
    p.write_text("#!/bin/sh\n" + body)
    p.chmod(0o755)
    return p


def test_generator_instantiates_a_template(inst):
    r = inst.root
    # Like postgresql's generator: a wants link to an instance of a vendor template.
    vendor = r / "lib/systemd/system"
    vendor.mkdir(parents=True)
    (vendor / "pg@.service").write_text(
        "[Unit]\nDescription=PG %i\n[Service]\n"
        f"ExecStart=/bin/sh -c 'echo %i > {inst.out}/pg-%i; exec sleep 60'\n")
    write_generator(r, "pg-generator", f"""
set -e
test $# -eq 3
echo "$1 $2 $3" > {inst.out}/args
mkdir -p "$1/multi-user.target.wants"
ln -s {vendor}/pg@.service "$1/multi-user.target.wants/pg@15-main.service"
printf '[Service]\\nType=oneshot\\nExecStart=/bin/true\\n' > "$3/late-only.service"
printf '[Service]\\nType=oneshot\\nExecStart=/bin/true\\n' > "$2/early.service"
""")
    inst.start()
    args = inst.wait_out("args", contains="\n").split()
    assert args == [f"{r}/run/superd/generator", f"{r}/run/superd/generator.early",
                    f"{r}/run/superd/generator.late"]
    assert inst.wait_out("pg-15-main", contains="\n").strip() == "15-main"
    inst.wait_state("pg@15-main.service", "active", "running")
    assert inst.prop("late-only.service", "LoadState") == "loaded"
    assert inst.prop("early.service", "LoadState") == "loaded"
    inst.ctl_ok("stop", "pg@15-main.service")


def test_generator_order_in_search_path(inst):
    r = inst.root
    # The same name from the normal dir loses to /etc, wins over /lib;
    # early beats /etc; late loses to /lib.
    vendor = r / "lib/systemd/system"
    vendor.mkdir(parents=True)
    for n in ("a", "b", "c"):
        (vendor / f"{n}.service").write_text(f"[Unit]\nDescription={n} vendor\n[Service]\nExecStart=/bin/true\n")
    (r / "etc/systemd/system").mkdir(parents=True)
    (r / "etc/systemd/system/a.service").write_text("[Unit]\nDescription=a etc\n[Service]\nExecStart=/bin/true\n")
    write_generator(r, "order", """
for n in a b; do printf '[Unit]\\nDescription=%s normal\\n[Service]\\nExecStart=/bin/true\\n' $n > "$1/$n.service"; done
printf '[Unit]\\nDescription=d early\\n[Service]\\nExecStart=/bin/true\\n' > "$2/d.service"
printf '[Unit]\\nDescription=c late\\n[Service]\\nExecStart=/bin/true\\n' > "$3/c.service"
""")
    inst.start()
    assert inst.prop("a.service", "Description") == "a etc"
    assert inst.prop("b.service", "Description") == "b normal"
    assert inst.prop("c.service", "Description") == "c vendor"
    assert inst.prop("d.service", "Description") == "d early"


def test_generators_rerun_on_reload_with_fresh_dirs(inst):
    r = inst.root
    write_generator(r, "counter", f"""
n=$(cat {inst.out}/count 2>/dev/null || echo 0); n=$((n+1)); echo $n > {inst.out}/count
test -z "$(ls -A "$1")" || echo dirty > {inst.out}/dirty
printf '[Unit]\\nDescription=run %s\\n[Service]\\nExecStart=/bin/true\\n' $n > "$1/gen$n.service"
""")
    inst.start()
    assert inst.read_out("count").strip() == "1"
    inst.ctl_ok("daemon-reload")
    assert inst.read_out("count").strip() == "2"
    assert not inst.out_exists("dirty")
    assert not (r / "run/superd/generator/gen1.service").exists()
    assert inst.prop("gen2.service", "Description") == "run 2"


def test_hanging_generator_is_killed(inst):
    r = inst.root
    write_generator(r, "a-hang", f"echo $$ > {inst.out}/hang-pid; exec sleep 600\n")
    write_generator(r, "masked", "echo should-not-run > /dev/null\n")
    (r / "lib/systemd/system-generators").mkdir(parents=True)
    (r / "lib/systemd/system-generators/masked").symlink_to("/dev/null")
    t0 = time.monotonic()
    inst.start()
    assert time.monotonic() - t0 < 15
    pid = int(inst.read_out("hang-pid"))
    wait_for(lambda: not os.path.exists(f"/proc/{pid}"), what="hung generator killed")
    assert "timed out" in inst.logtext()

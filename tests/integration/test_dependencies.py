"""The dependency and job engine (issue 3 items 2 and 4): pulling in,
ordering, stop propagation, cycles, implicit dependencies, OnFailure=/
OnSuccess=, StopWhenUnneeded=, RefuseManual*, Failure/Success/StartLimit
actions, and the restart rules. systemd.unit(5) is the reference.

Every wait polls an observable condition with a deadline; ordering is
checked through files the services append to, never through timing."""
import os
import shutil
import signal

import pytest

from conftest import Instance, make_root, pid_alive, sanitizer_report, wait_for

GO = "while [ ! -e {out}/{name} ]; do sleep 0.05; done"


def oneshot(sd, name, body, unit="", service=""):
    """A Type=oneshot RemainAfterExit=yes unit: active only once body ran."""
    sd.write_unit(name, f"""
        [Unit]
        {unit}
        [Service]
        Type=oneshot
        RemainAfterExit=yes
        {service}
        ExecStart=/bin/sh -c '{body}'
        """)


def simple(sd, name, unit="", service="", cmd="/bin/sleep 1000"):
    sd.write_unit(name, f"""
        [Unit]
        {unit}
        [Service]
        {service}
        ExecStart={cmd}
        """)


def lines(sd, name):
    return sd.read_out(name).split()


def down(sd, unit):
    return sd.state(unit)[0] in ("inactive", "failed")


# ---- Requires= / Wants= / Requisite= ----------------------------------------

def test_requires_after_pulls_in_and_starts_first(sd):
    # B takes a while: if A did not wait for it, A would be first in the file.
    oneshot(sd, "b", f"sleep 0.3; echo b >> {sd.out}/order")
    oneshot(sd, "a", f"echo a >> {sd.out}/order", unit="Requires=b.service\nAfter=b.service")
    sd.ctl_ok("start", "a")
    assert sd.state("a") == ("active", "exited")
    assert sd.state("b") == ("active", "exited")
    assert lines(sd, "order") == ["b", "a"]


def test_requires_failing_dependency_fails_start(sd):
    sd.write_unit("b", "[Service]\nType=oneshot\nExecStart=/bin/sh -c 'exit 1'\n")
    oneshot(sd, "a", f"touch {sd.out}/a-ran", unit="Requires=b.service\nAfter=b.service")
    r = sd.ctl("start", "a")
    assert r.returncode == 1, r
    assert "dependency" in r.stderr.lower(), r.stderr
    assert "a.service" in r.stderr
    assert sd.state("b")[0] == "failed"
    assert sd.state("a")[0] == "inactive"
    assert sd.prop("a", "Job") == ""
    assert sd.prop("a", "ExecMainPID") == "0"
    assert not sd.out_exists("a-ran")
    assert "Dependency failed for" in sd.logtext()


def test_dependency_failure_propagates_down_a_chain(sd):
    sd.write_unit("f0", f"[Service]\nType=oneshot\nExecStart=/bin/sh -c 'exit 1'\n")
    for k in range(1, 5):
        oneshot(sd, f"f{k}", f"touch {sd.out}/f{k}-ran", unit=f"Requires=f{k - 1}.service\nAfter=f{k - 1}.service")
    r = sd.ctl("start", "f4")
    assert r.returncode == 1, r
    assert "dependency" in r.stderr.lower(), r.stderr
    assert sd.state("f0")[0] == "failed"
    for k in range(1, 5):
        assert sd.state(f"f{k}")[0] == "inactive", k
        assert sd.prop(f"f{k}", "Job") == "", k        # no job left waiting
        assert not sd.out_exists(f"f{k}-ran"), k


def test_missing_or_masked_dependency(sd):
    simple(sd, "needs", unit="Requires=nope.service")
    simple(sd, "wantsit", unit="Wants=nope.service")
    simple(sd, "needsmasked", unit="Requires=masked.service")
    (sd.units / "masked.service").symlink_to("/dev/null")
    r = sd.ctl("start", "needs")
    assert r.returncode == 5, r
    assert "Unit nope.service not found" in r.stderr, r.stderr   # names the missing one
    assert sd.state("needs")[0] == "inactive"
    r = sd.ctl("start", "needsmasked")
    assert r.returncode == 1, r
    assert "Unit masked.service is masked" in r.stderr, r.stderr
    assert sd.state("needsmasked")[0] == "inactive"
    sd.ctl_ok("start", "wantsit")                                    # Wants= tolerates it
    assert sd.state("wantsit") == ("active", "running")


def test_requires_without_after_does_not_block(sd):
    # B stays activating until out/go exists; A (no After=) must not wait for it.
    sd.write_unit("b", f"""
        [Service]
        Type=oneshot
        RemainAfterExit=yes
        ExecStart=/bin/sh -c '{GO.format(out=sd.out, name="go")}'
        """)
    oneshot(sd, "a", f"touch {sd.out}/a-ran", unit="Requires=b.service")
    sd.ctl_ok("start", "--no-block", "a")
    sd.wait_state("a", "active", "exited")
    assert sd.out_exists("a-ran")
    assert sd.state("b") == ("activating", "start")
    (sd.out / "go").write_text("")
    sd.wait_state("b", "active", "exited")


def test_wants_failure_does_not_stop_start(sd):
    sd.write_unit("b", f"[Service]\nType=oneshot\nExecStart=/bin/sh -c 'touch {sd.out}/b-ran; exit 1'\n")
    oneshot(sd, "a", f"touch {sd.out}/a-ran", unit="Wants=b.service\nAfter=b.service")
    sd.ctl_ok("start", "a")
    assert sd.state("a") == ("active", "exited")
    assert sd.out_exists("a-ran")
    assert sd.out_exists("b-ran")          # B was pulled in and did run
    assert sd.state("b")[0] == "failed"


def test_requisite(sd):
    simple(sd, "b")
    oneshot(sd, "a", f"touch {sd.out}/a-ran", unit="Requisite=b.service\nAfter=b.service")
    r = sd.ctl("start", "a")
    assert r.returncode == 1, r
    assert "requisite" in r.stderr.lower(), r.stderr
    assert sd.state("b")[0] == "inactive"   # Requisite= never pulls B in
    assert sd.state("a")[0] == "inactive"
    assert not sd.out_exists("a-ran")
    sd.ctl_ok("start", "b")
    sd.ctl_ok("start", "a")
    assert sd.state("a") == ("active", "exited")


# ---- BindsTo= / PartOf= / Conflicts= / stop propagation ---------------------

def test_binds_to_stop_of_b_stops_a(sd):
    simple(sd, "b")
    simple(sd, "a", unit="BindsTo=b.service\nAfter=b.service")
    sd.ctl_ok("start", "a")
    assert sd.state("b") == ("active", "running")
    apid = sd.main_pid("a")
    sd.ctl_ok("stop", "b")
    sd.wait_state("a", "inactive")
    wait_for(lambda: not pid_alive(apid), what="a's process to be gone")


def test_binds_to_exit_of_b_stops_a(sd):
    simple(sd, "b", cmd=f"/bin/sh -c '{GO.format(out=sd.out, name='go')}'")
    simple(sd, "a", unit="BindsTo=b.service\nAfter=b.service")
    sd.ctl_ok("start", "a")
    assert sd.state("b") == ("active", "running")
    apid = sd.main_pid("a")
    (sd.out / "go").write_text("")      # B's process exits by itself (status 0)
    sd.wait_state("b", "inactive")
    sd.wait_state("a", "inactive")
    wait_for(lambda: not pid_alive(apid), what="a's process to be gone")
    # and when B is killed (fails), A stops too
    os.remove(sd.out / "go")
    sd.ctl_ok("start", "a")
    sd.wait_state("b", "active", "running")
    os.kill(sd.main_pid("b"), signal.SIGKILL)
    sd.wait_state("b", "failed")
    sd.wait_state("a", "inactive")


def test_binds_to_skipped_unit_stops(sd):
    # systemd.unit(5): with After=, a unit bound to one that is skipped by
    # an unmet condition does not stay active.
    sd.write_unit("b", "[Unit]\nConditionPathExists=/nonexistent\n[Service]\nExecStart=/bin/sleep 1000\n")
    simple(sd, "a", unit="BindsTo=b.service\nAfter=b.service")
    sd.ctl("start", "a")
    sd.wait_state("a", "inactive")
    assert sd.state("b")[0] == "inactive"
    assert "Bound to unit b.service, but unit isn't active" in sd.logtext()


def test_part_of_stop_and_restart(sd):
    simple(sd, "b")
    simple(sd, "a", unit="PartOf=b.service")
    sd.ctl_ok("start", "b", "a")
    sd.ctl_ok("stop", "b")
    sd.wait_state("a", "inactive")
    sd.ctl_ok("start", "b", "a")
    apid, bpid = sd.main_pid("a"), sd.main_pid("b")
    sd.ctl_ok("restart", "b")
    sd.wait_state("a", "active", "running")
    sd.wait_prop("a", "MainPID", lambda v: v not in ("0", str(apid)))
    assert sd.main_pid("b") != bpid
    assert not pid_alive(apid)
    # PartOf= is one way: stopping A leaves B alone
    sd.ctl_ok("stop", "a")
    assert sd.state("b") == ("active", "running")


def test_conflicts_stops_other(sd):
    simple(sd, "b")
    simple(sd, "a", unit="Conflicts=b.service")
    sd.ctl_ok("start", "b")
    bpid = sd.main_pid("b")
    sd.ctl_ok("start", "a")
    assert sd.state("a") == ("active", "running")
    sd.wait_state("b", "inactive")
    assert not pid_alive(bpid)
    # and the other way round (ConflictedBy)
    sd.ctl_ok("start", "b")
    assert sd.state("b") == ("active", "running")
    sd.wait_state("a", "inactive")


def test_stop_propagates_to_requiring_unit(sd):
    simple(sd, "b")
    simple(sd, "a", unit="Requires=b.service\nAfter=b.service")
    simple(sd, "w", unit="Wants=b.service\nAfter=b.service")
    sd.ctl_ok("start", "a", "w")
    assert sd.state("b") == ("active", "running")
    sd.ctl_ok("stop", "b")
    sd.wait_state("a", "inactive")
    assert sd.state("w") == ("active", "running")   # Wants= does not propagate stops
    # only an explicit stop propagates along Requires=: a crash of B does not
    sd.ctl_ok("start", "a")
    apid = sd.main_pid("a")
    os.kill(sd.main_pid("b"), signal.SIGKILL)
    sd.wait_state("b", "failed")
    assert sd.state("a") == ("active", "running")
    assert sd.main_pid("a") == apid


def test_restart_propagates_in_order(sd):
    # A Requires=B After=B: `restart B` restarts A too; A stops first, B
    # starts before A (a restart orders as a stop until it is down).
    for name, extra in (("b", ""), ("a", "Requires=b.service\nAfter=b.service")):
        sd.write_unit(name, f"""
            [Unit]
            {extra}
            [Service]
            ExecStartPre=/bin/sh -c 'echo start-{name} >> {sd.out}/events'
            ExecStart=/bin/sleep 1000
            ExecStop=/bin/sh -c 'sleep 0.2; echo stop-{name} >> {sd.out}/events'
            """)
    sd.ctl_ok("start", "a")
    assert lines(sd, "events") == ["start-b", "start-a"]
    apid, bpid = sd.main_pid("a"), sd.main_pid("b")
    os.remove(sd.out / "events")
    sd.ctl_ok("restart", "b")
    sd.wait_state("a", "active", "running")
    assert sd.main_pid("a") != apid and sd.main_pid("b") != bpid
    assert lines(sd, "events") == ["stop-a", "stop-b", "start-b", "start-a"]


# ---- ordering -----------------------------------------------------------------

def ordered_pair(sd):
    """A After=B; each logs its start (ExecStartPre) and its stop (ExecStop);
    A's stop takes a while so that a wrong order would show."""
    for name, extra, stop_delay in (("b", "", ""), ("a", "After=b.service", "sleep 0.3; ")):
        sd.write_unit(name, f"""
            [Unit]
            {extra}
            [Service]
            ExecStartPre=/bin/sh -c 'echo {name} >> {sd.out}/starts'
            ExecStart=/bin/sleep 1000
            ExecStop=/bin/sh -c '{stop_delay}echo {name} >> {sd.out}/stops'
            """)
    sd.write_unit("pair.target", "[Unit]\nWants=a.service b.service\n")


def test_start_and_stop_order(sd):
    ordered_pair(sd)
    sd.ctl_ok("start", "pair.target")
    assert sd.state("a") == ("active", "running")
    assert sd.state("b") == ("active", "running")
    assert lines(sd, "starts") == ["b", "a"]
    # both stops in one request, named in the "wrong" order
    sd.ctl_ok("stop", "b", "a")
    assert down(sd, "a") and down(sd, "b")
    assert lines(sd, "stops") == ["a", "b"]


def test_exit_stops_in_reverse_order(sd):
    ordered_pair(sd)
    sd.ctl_ok("start", "pair.target")
    assert lines(sd, "starts") == ["b", "a"]
    sd.ctl("exit")
    assert sd.proc.wait(60) == 0
    assert lines(sd, "stops") == ["a", "b"]


def test_parallel_start(sd):
    # Two independent services pulled by one target: both must be in their
    # ExecStartPre at the same time (each waits for out/go, so a serial
    # engine would leave the second one waiting forever).
    for n in ("p1", "p2"):
        sd.write_unit(n, f"""
            [Service]
            ExecStartPre=/bin/sh -c 'touch {sd.out}/{n}-pre; {GO.format(out=sd.out, name="go")}'
            ExecStart=/bin/sleep 1000
            """)
    sd.write_unit("par.target", "[Unit]\nWants=p1.service p2.service\n")
    sd.ctl_ok("start", "--no-block", "par.target")
    wait_for(lambda: sd.out_exists("p1-pre") and sd.out_exists("p2-pre"), what="both ExecStartPre running")
    assert sd.state("p1") == ("activating", "start-pre")
    assert sd.state("p2") == ("activating", "start-pre")
    assert sd.state("par.target")[0] == "inactive"     # ordered After= what it wants
    (sd.out / "go").write_text("")
    sd.wait_state("par.target", "active")
    assert sd.state("p1") == ("active", "running")
    assert sd.state("p2") == ("active", "running")


def test_chain_of_50(sd):
    n = 50
    for i in range(n):
        dep = f"Requires=c{i - 1}.service\nAfter=c{i - 1}.service" if i else ""
        oneshot(sd, f"c{i}", f"echo {i} >> {sd.out}/order", unit=dep)
    sd.ctl_ok("start", f"c{n - 1}")
    for i in range(n):
        assert sd.state(f"c{i}") == ("active", "exited"), i
    assert lines(sd, "order") == [str(i) for i in range(n)]


# ---- cycles -------------------------------------------------------------------

def test_ordering_cycle_broken(sd):
    simple(sd, "cyca", unit="After=cycb.service")
    simple(sd, "cycb", unit="After=cyca.service")
    sd.write_unit("cyc.target", "[Unit]\nWants=cyca.service cycb.service\n")
    sd.ctl_ok("start", "cyc.target")
    assert sd.state("cyc.target")[0] == "active"
    log = sd.logtext()
    assert "Found ordering cycle" in log
    cyc_lines = [l for l in log.splitlines() if "Found ordering cycle" in l or "Found dependency on" in l]
    text = "\n".join(cyc_lines)
    assert "cyca.service" in text and "cycb.service" in text, text
    assert "deleted to break ordering cycle" in log
    # one of the two jobs was dropped, the other ran
    states = sorted(sd.state(u)[0] for u in ("cyca", "cycb"))
    assert states == ["active", "inactive"], states


def test_ordering_cycle_unbreakable(sd):
    simple(sd, "hca", unit="Requires=hcb.service\nAfter=hcb.service")
    simple(sd, "hcb", unit="Requires=hca.service\nAfter=hca.service")
    r = sd.ctl("start", "hca")
    assert r.returncode == 1, r
    assert "cyclic" in r.stderr, r.stderr
    assert sd.state("hca")[0] == "inactive"
    assert sd.state("hcb")[0] == "inactive"
    assert sd.prop("hca", "Job") == "" and sd.prop("hcb", "Job") == ""
    assert "Found ordering cycle" in sd.logtext()
    assert "Unable to break cycle" in sd.logtext()


# ---- implicit dependencies ----------------------------------------------------

def test_default_dependencies(sd):
    simple(sd, "dd")
    simple(sd, "nodd", unit="DefaultDependencies=no")
    r = sd.ctl_ok("list-dependencies", "dd")
    assert "sysinit.target" in r.stdout, r.stdout
    r = sd.ctl_ok("list-dependencies", "nodd")
    assert "sysinit.target" not in r.stdout, r.stdout
    # the implicit Requires=sysinit.target is a real pull-in (the boot
    # started it; stop it first)
    sd.ctl_ok("stop", "sysinit.target")
    assert sd.state("sysinit.target")[0] == "inactive"
    sd.ctl_ok("start", "nodd")
    assert sd.state("sysinit.target")[0] == "inactive"
    sd.ctl_ok("start", "dd")
    assert sd.state("sysinit.target")[0] == "active"
    # and stopping it stops dd (Requires=), not nodd
    sd.ctl_ok("stop", "sysinit.target")
    sd.wait_state("dd", "inactive")
    assert sd.state("nodd") == ("active", "running")


def test_show_after_includes_implicit(sd):
    simple(sd, "dd")
    after = sd.prop("dd", "After").split()
    assert "sysinit.target" in after and "basic.target" in after


# ---- OnFailure= / OnSuccess= --------------------------------------------------

def test_on_failure(sd):
    oneshot(sd, "handler", f"touch {sd.out}/handler-ran")
    sd.write_unit("crash", "[Unit]\nOnFailure=handler.service\n[Service]\nExecStart=/bin/sh -c 'exit 1'\n")
    sd.ctl("start", "crash")
    sd.wait_out("handler-ran")
    sd.wait_state("handler", "active", "exited")
    assert sd.state("crash")[0] == "failed"


def test_on_success(sd):
    oneshot(sd, "next", f"touch {sd.out}/next-ran")
    oneshot(sd, "never", f"touch {sd.out}/never-ran")
    sd.write_unit("ok", f"""
        [Unit]
        OnSuccess=next.service
        OnFailure=never.service
        [Service]
        Type=oneshot
        ExecStart=/bin/true
        """)
    sd.ctl_ok("start", "ok")
    sd.wait_out("next-ran")
    sd.wait_state("next", "active", "exited")
    assert sd.state("ok") == ("inactive", "dead")
    # OnFailure= was not triggered: no job, never ran
    assert sd.prop("never", "Job") == ""
    assert sd.state("never")[0] == "inactive"
    assert not sd.out_exists("never-ran")


# ---- StopWhenUnneeded= / RefuseManual* ----------------------------------------

def test_stop_when_unneeded(sd):
    simple(sd, "helper", unit="StopWhenUnneeded=yes")
    simple(sd, "user", unit="Wants=helper.service\nAfter=helper.service")
    sd.ctl_ok("start", "user")
    assert sd.state("helper") == ("active", "running")
    hpid = sd.main_pid("helper")
    sd.ctl_ok("stop", "user")
    sd.wait_state("helper", "inactive")
    wait_for(lambda: not pid_alive(hpid), what="helper's process to be gone")


def test_stop_when_unneeded_manual_start(sd):
    # nothing needs it: started by hand, it is stopped again at once
    simple(sd, "lonely", unit="StopWhenUnneeded=yes")
    sd.ctl("start", "lonely")
    sd.wait_state("lonely", "inactive")
    assert "Unit not needed anymore" in sd.logtext()


def test_refuse_manual_start_and_stop(sd):
    simple(sd, "locked", unit="RefuseManualStart=yes\nRefuseManualStop=yes")
    simple(sd, "puller", unit="Requires=locked.service\nAfter=locked.service")
    r = sd.ctl("start", "locked")
    assert r.returncode != 0, r
    assert "refused" in r.stderr.lower(), r.stderr
    assert sd.state("locked")[0] == "inactive"
    # as a dependency it still starts
    sd.ctl_ok("start", "puller")
    assert sd.state("locked") == ("active", "running")
    r = sd.ctl("stop", "locked")
    assert r.returncode != 0, r
    assert "refused" in r.stderr.lower(), r.stderr
    assert sd.state("locked") == ("active", "running")
    assert sd.state("puller") == ("active", "running")


# ---- FailureAction= / SuccessAction= / StartLimitAction= ----------------------

class OwnInstance:
    """An instance whose exit status the test checks itself (the inst
    fixture asserts 0)."""

    def __init__(self):
        self.inst = Instance(make_root())

    def __enter__(self):
        return self.inst

    def __exit__(self, *exc):
        i = self.inst
        try:
            i.stop()
            i.kill_leftovers()
        finally:
            shutil.rmtree(i.root, ignore_errors=True)
        return False


def wait_exit(i, timeout=60):
    def gone():
        return i.proc.poll() is not None
    wait_for(gone, timeout, what="superd to exit")
    rc = i.proc.returncode
    err = i.stderr_text()
    assert not sanitizer_report(err), err
    return rc


def bystander(i):
    i.write_unit("other", f"""
        [Service]
        ExecStart=/bin/sleep 1000
        ExecStop=/bin/sh -c 'echo stopped > {i.out}/other-stopped'
        """)


def test_failure_action_exit_status():
    with OwnInstance() as i:
        bystander(i)
        i.write_unit("main", f"""
            [Unit]
            FailureAction=exit
            FailureActionExitStatus=7
            [Service]
            ExecStart=/bin/sh -c '{GO.format(out=i.out, name="go")}; exit 1'
            """)
        i.start()
        i.ctl_ok("start", "other", "main")
        opid = i.main_pid("other")
        (i.out / "go").write_text("")
        assert wait_exit(i) == 7
        assert i.read_out("other-stopped") == "stopped\n"
        assert not pid_alive(opid)
        assert "Failure action 'exit' triggered" in i.logtext()


def test_failure_action_exit_uses_main_status():
    # without FailureActionExitStatus= the exit status is the service's own
    with OwnInstance() as i:
        i.write_unit("main", f"""
            [Unit]
            FailureAction=exit
            [Service]
            ExecStart=/bin/sh -c '{GO.format(out=i.out, name="go")}; exit 5'
            """)
        i.start()
        i.ctl_ok("start", "main")
        (i.out / "go").write_text("")
        assert wait_exit(i) == 5


@pytest.mark.parametrize("status_line,want", [("", 0), ("SuccessActionExitStatus=3", 3)])
def test_success_action_exit(status_line, want):
    with OwnInstance() as i:
        bystander(i)
        i.write_unit("job", f"""
            [Unit]
            SuccessAction=exit
            {status_line}
            [Service]
            Type=oneshot
            ExecStart=/bin/sh -c '{GO.format(out=i.out, name="go")}'
            """)
        i.start()
        i.ctl_ok("start", "other")
        i.ctl_ok("start", "--no-block", "job")
        i.wait_state("job", "activating")
        assert i.proc.poll() is None
        (i.out / "go").write_text("")
        assert wait_exit(i) == want
        assert i.read_out("other-stopped") == "stopped\n"


def test_failure_action_not_run_on_success():
    with OwnInstance() as i:
        i.write_unit("fine", f"""
            [Unit]
            FailureAction=exit
            FailureActionExitStatus=9
            [Service]
            Type=oneshot
            ExecStart=/bin/true
            """)
        i.start()
        i.ctl_ok("start", "fine")
        assert i.state("fine") == ("inactive", "dead")
        assert i.answers()
        assert i.stop() == 0


def test_start_limit_action_exit():
    with OwnInstance() as i:
        i.write_unit("loop", """
            [Unit]
            StartLimitIntervalSec=60
            StartLimitBurst=3
            StartLimitAction=exit
            [Service]
            Restart=always
            RestartSec=0
            ExecStart=/bin/sh -c 'exit 1'
            """)
        i.start()
        i.ctl("start", "--no-block", "loop")
        wait_exit(i)
        assert "Start limit action 'exit' triggered" in i.logtext()


# ---- restart rules ------------------------------------------------------------

def test_restart_steps_backoff(sd):
    sd.write_unit("crash", f"""
        [Unit]
        StartLimitIntervalSec=0
        [Service]
        Restart=always
        RestartSec=100ms
        RestartSteps=3
        RestartMaxDelaySec=2
        ExecStart=/bin/sh -c 'read up idle < /proc/uptime; echo $$up >> {sd.out}/starts; exit 1'
        """)
    sd.ctl("start", "crash")
    # 100ms, ~271ms, ~737ms, 2s: four starts come within ~1.2 s
    wait_for(lambda: len(lines(sd, "starts")) >= 4, 30, what="four starts")
    sd.ctl_ok("stop", "crash")
    t = [float(x) for x in lines(sd, "starts")[:4]]
    d = [b - a for a, b in zip(t, t[1:])]
    assert d[0] >= 0.09, d
    assert d[1] > d[0] and d[2] > d[1], d
    assert d[2] < 2.0 + 5, d    # bounded by RestartMaxDelaySec (+ slack for slow builds)


def test_restart_prevent_exit_status(sd):
    sd.write_unit("prev", f"""
        [Service]
        Restart=always
        RestartSec=0
        RestartPreventExitStatus=3
        ExecStart=/bin/sh -c 'echo run >> {sd.out}/runs; exit 3'
        """)
    sd.ctl("start", "prev")
    sd.wait_state("prev", "failed")
    assert sd.prop("prev", "NRestarts") == "0"
    assert sd.prop("prev", "ExecMainStatus") == "3"
    assert lines(sd, "runs") == ["run"]


def test_restart_force_exit_status(sd):
    sd.write_unit("force", f"""
        [Service]
        Restart=no
        RestartSec=0
        RestartForceExitStatus=4
        ExecStart=/bin/sh -c 'echo run >> {sd.out}/runs; [ -e {sd.out}/again ] && exec sleep 1000; touch {sd.out}/again; exit 4'
        """)
    sd.ctl("start", "force")
    sd.wait_prop("force", "NRestarts", "1")
    sd.wait_state("force", "active", "running")
    assert lines(sd, "runs") == ["run", "run"]


def test_runtime_max_sec_timeout(sd):
    sd.write_unit("rmax", "[Service]\nRuntimeMaxSec=1\nExecStart=/bin/sleep 1000\n")
    sd.ctl_ok("start", "rmax")
    pid = sd.main_pid("rmax")
    assert sd.state("rmax") == ("active", "running")
    sd.wait_state("rmax", "failed", timeout=20)
    assert sd.prop("rmax", "Result") == "timeout"
    assert not pid_alive(pid)

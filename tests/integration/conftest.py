"""Fixtures for the superd integration tests.

Every test gets its own instance: `superd -f --root DIR` with DIR a fresh
directory under /tmp (short, so the control socket path fits in sun_path,
and mode 0755 so an unprivileged user can reach the socket). Binaries come
from $SUPERD_BUILD (default: <repo>/build).

Nothing here sleeps as an assertion basis: every wait polls an observable
condition with a deadline (wait_for), so the suite also holds under
ASan/UBSan builds, which are several times slower.
"""
import os
import pwd
import grp
import shutil
import signal
import subprocess
import tempfile
import textwrap
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BUILD = Path(os.environ.get("SUPERD_BUILD") or REPO / "build").resolve()
SUPERD = str(BUILD / "superd")
SUPERCTL = str(BUILD / "superctl")

TIMEOUT = 10.0          # default deadline of a wait
CMD_TIMEOUT = 60.0      # hard limit of one superctl/superd command

TEST_USER = "superd_t1"
TEST_GROUP = "superd_tg"

SANITIZER_MARKERS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
                     "SUMMARY: UndefinedBehaviorSanitizer")


def wait_for(predicate, timeout=TIMEOUT, interval=0.02, what=None):
    """Polls predicate() until it returns something truthy; returns that.
    Fails the test after timeout seconds."""
    deadline = time.monotonic() + timeout
    last = None
    while True:
        try:
            last = predicate()
        except (FileNotFoundError, ProcessLookupError, ValueError) as e:
            last = e
            if time.monotonic() >= deadline:
                break
        else:
            if last:
                return last
        if time.monotonic() >= deadline:
            break
        time.sleep(interval)
        interval = min(interval * 1.5, 0.2)
    pytest.fail(f"timed out after {timeout}s waiting for {what or predicate} (last: {last!r})")


def pid_alive(pid):
    """True if pid exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
    except (FileNotFoundError, ProcessLookupError):
        return False
    state = stat[stat.rindex(")") + 2]
    return state not in ("Z", "X")


def proc_stat(pid):
    """Fields of /proc/PID/stat after the comm, 0-indexed from 'state'."""
    with open(f"/proc/{pid}/stat") as f:
        s = f.read()
    return s[s.rindex(")") + 2:].split()


def sanitizer_report(text):
    return any(m in text for m in SANITIZER_MARKERS)


def run(argv, timeout=CMD_TIMEOUT, **kw):
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, **kw)


class Instance:
    """One superd instance under a temporary root."""

    def __init__(self, root: Path):
        self.root = root
        self.units = root / "etc/superd/units"
        self.wants = self.units / "multi-user.target.wants"
        self.rundir = root / "run/superd"
        self.control = self.rundir / "control"
        self.pidfile = self.rundir / "superd.pid"
        self.log = self.rundir / "superd.log"
        self.bin = root / "bin"
        self.out = root / "out"       # where test services write results
        self.stderr_path = root / "superd.stderr"
        self.proc = None
        self.daemon_pid = None        # a daemonized (non -f) instance
        for d in (self.units, self.wants, self.bin, self.out):
            d.mkdir(parents=True, exist_ok=True)
        self.out.chmod(0o777)

    # ---- files ---------------------------------------------------------
    def write_unit(self, name, text, enable=False):
        if "." not in name:
            name += ".service"
        path = self.units / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip())
        if enable:
            link = self.wants / name
            if not link.is_symlink():
                link.symlink_to(f"../{name}")
        return path

    def write_script(self, name, body, shell="/bin/sh"):
        path = self.bin / name
        path.write_text(f"#!{shell}\n" + textwrap.dedent(body).lstrip())
        path.chmod(0o755)
        return path

    def read_out(self, name):
        return (self.out / name).read_text()

    def out_exists(self, name):
        return (self.out / name).exists()

    def wait_out(self, name, timeout=TIMEOUT, contains=None):
        """Waits until out/NAME exists (and contains a string), returns its text.

        A shell redirect creates the file before it writes to it: a caller
        that reads what was written passes contains="\n".
        """
        p = self.out / name

        def ok():
            if not p.exists():
                return False
            return contains is None or contains in p.read_text()
        wait_for(ok, timeout, what=f"{p}" + (f" containing {contains!r}" if contains else ""))
        return p.read_text()

    def logtext(self):
        try:
            return self.log.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def stderr_text(self):
        try:
            return self.stderr_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    # ---- superctl -------------------------------------------------------
    def ctl(self, *args, user=None, timeout=CMD_TIMEOUT, env=None):
        argv = [SUPERCTL, "--root", str(self.root), *map(str, args)]
        if user:
            argv = ["runuser", "-u", user, "--"] + argv
        return run(argv, timeout=timeout, env=env)

    def ctl_ok(self, *args, **kw):
        r = self.ctl(*args, **kw)
        assert r.returncode == 0, f"superctl {' '.join(map(str, args))} -> {r.returncode}\n{r.stdout}\n{r.stderr}"
        return r

    def prop(self, unit, name):
        r = self.ctl("show", unit, "-p", name, "--value")
        assert r.returncode == 0, f"show {unit} -p {name}: {r.returncode} {r.stderr}"
        return r.stdout.strip("\n")

    def props(self, unit):
        r = self.ctl("show", unit)
        assert r.returncode == 0, r.stderr
        d = {}
        for line in r.stdout.splitlines():
            k, _, v = line.partition("=")
            d[k] = v
        return d

    def state(self, unit):
        p = self.props(unit)
        return p.get("ActiveState"), p.get("SubState")

    def wait_state(self, unit, active, sub=None, timeout=TIMEOUT):
        def ok():
            st = self.state(unit)
            return st[0] == active and (sub is None or st[1] == sub)
        wait_for(ok, timeout, what=f"{unit} to be {active}/{sub}")
        return self.props(unit)

    def wait_prop(self, unit, name, pred, timeout=TIMEOUT):
        """Waits until property name of unit satisfies pred (or equals it); returns the value."""
        if not callable(pred):
            want = str(pred)
            pred = lambda v: v == want  # noqa: E731
        box = {}

        def ok():
            box["v"] = self.prop(unit, name)
            return pred(box["v"])
        wait_for(ok, timeout, what=f"{unit} {name} (last {box.get('v')!r})")
        return box["v"]

    def main_pid(self, unit):
        return int(self.prop(unit, "MainPID"))

    # ---- the daemon -----------------------------------------------------
    def answers(self):
        try:
            r = self.ctl("show", timeout=10)
        except subprocess.TimeoutExpired:
            return False
        return r.returncode == 0 and "Version=" in r.stdout

    def start(self, extra=(), wait=True, env=None, pass_fds=(), wrapper=()):
        """Starts `superd -f --root DIR`; wrapper: an argv prefix that execs it (e.g. setpriv)."""
        assert self.proc is None
        self._stderr = open(self.stderr_path, "ab")
        self.proc = subprocess.Popen([*wrapper, SUPERD, "-f", "--root", str(self.root), *extra],
                                     stdin=subprocess.DEVNULL, stdout=self._stderr,
                                     stderr=self._stderr, start_new_session=True,
                                     env=env, pass_fds=pass_fds)
        if wait:
            def up():
                if self.proc.poll() is not None:
                    pytest.fail(f"superd exited with {self.proc.returncode}:\n{self.stderr_text()}")
                return self.answers()
            wait_for(up, 20, what="superd to answer")
        return self

    def daemon_pid_alive(self):
        pid = self.proc.pid if self.proc else self.daemon_pid
        return pid is not None and pid_alive(pid)

    def stop(self, how="exit", timeout=30):
        """Shuts the instance down; returns its exit status (for -f), asserts it exited."""
        if self.proc is None:
            return self._stop_daemonized(timeout)
        rc = self.proc.poll()
        if rc is None:
            if how == "exit":
                try:
                    self.ctl("exit", timeout=timeout)
                except subprocess.TimeoutExpired:
                    pass
            else:
                self.proc.send_signal(signal.SIGTERM)
            try:
                rc = self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.send_signal(signal.SIGTERM)
                try:
                    rc = self.proc.wait(10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait(10)
                    rc = "killed"
        self.proc = None
        self._stderr.close()
        return rc

    def _stop_daemonized(self, timeout):
        pid = self.daemon_pid
        if pid is None or not pid_alive(pid):
            self.daemon_pid = None
            return 0
        try:
            self.ctl("exit", timeout=timeout)
        except subprocess.TimeoutExpired:
            pass
        deadline = time.monotonic() + timeout
        while pid_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        rc = 0
        if pid_alive(pid):
            rc = "killed"
            os.kill(pid, signal.SIGKILL)
        self.daemon_pid = None
        return rc

    def kill_leftovers(self):
        """Kills any process whose command line mentions this root, or whose
        environment names this instance's notify socket (every service gets
        NOTIFY_SOCKET=ROOT/run/superd/notify): services left behind by a
        daemon that was killed. Returns their pids."""
        me = os.getpid()
        left = []
        key = str(self.root).encode()
        env_key = b"NOTIFY_SOCKET=" + str(self.rundir / "notify").encode() + b"\0"
        for d in os.listdir("/proc"):
            if not d.isdigit() or int(d) == me:
                continue
            try:
                with open(f"/proc/{d}/cmdline", "rb") as f:
                    cmd = f.read()
                with open(f"/proc/{d}/environ", "rb") as f:
                    env = f.read() + b"\0"
            except OSError:
                continue
            if (key in cmd or env_key in env) and pid_alive(int(d)):
                left.append(int(d))
                try:
                    os.kill(int(d), signal.SIGKILL)
                except ProcessLookupError:
                    pass
        return left

    def remove_cgroups(self):
        """Removes the empty cgroups a killed daemon of this instance left
        (superd-HASH below our own cgroup; HASH is FNV-1a of the runtime dir),
        so kill -9 tests do not leave them on the machine."""
        h = 1469598103934665603
        for b in str(self.rundir).encode():
            h = ((h ^ b) * 1099511628211) & 0xffffffffffffffff
        for mount in ("/sys/fs/cgroup", "/sys/fs/cgroup/unified"):
            if os.path.exists(f"{mount}/cgroup.controllers"):  # cgroup2 (v1 has none)
                break
        else:
            return
        try:
            own = next(l.split("::", 1)[1].strip() for l in open("/proc/self/cgroup") if l.startswith("0::"))
        except (OSError, StopIteration):
            return
        top = Path(mount + own.rstrip("/")) / f"superd-{h:016x}"
        if not top.is_dir():
            return
        for d in sorted((p for p in top.rglob("*") if p.is_dir()), key=lambda p: -len(p.parts)):
            try:
                d.rmdir()
            except OSError:
                pass
        try:
            top.rmdir()
        except OSError:
            pass


def make_root():
    root = Path(tempfile.mkdtemp(prefix="sdit-", dir="/tmp"))
    root.chmod(0o755)
    return root


@pytest.fixture
def root():
    r = make_root()
    yield r
    shutil.rmtree(r, ignore_errors=True)


@pytest.fixture
def inst(root):
    """An instance, not started yet: write units, then inst.start()."""
    i = Instance(root)
    yield i
    rc = i.stop()
    left = i.kill_leftovers()
    i.remove_cgroups()
    err = i.stderr_text()
    assert not sanitizer_report(err), f"sanitizer report in superd's stderr:\n{err}"
    assert rc == 0, f"superd did not exit cleanly ({rc}):\n{err[-3000:]}"
    assert not left, f"processes left behind after superd exited: {left}"


@pytest.fixture
def sd(inst):
    """A running instance."""
    return inst.start()


# ---- a real unprivileged user ---------------------------------------------

@pytest.fixture(scope="session")
def test_user():
    if os.geteuid() != 0:
        pytest.skip("needs root for useradd")
    made_group = made_user = False
    try:
        grp.getgrnam(TEST_GROUP)
    except KeyError:
        subprocess.run(["groupadd", TEST_GROUP], check=True)
        made_group = True
    try:
        pwd.getpwnam(TEST_USER)
    except KeyError:
        subprocess.run(["useradd", "--no-create-home", "--shell", "/bin/sh", "--user-group", TEST_USER],
                       check=True)
        made_user = True
    pw = pwd.getpwnam(TEST_USER)
    yield {"name": TEST_USER, "uid": pw.pw_uid, "gid": pw.pw_gid,
           "group": TEST_GROUP, "group_gid": grp.getgrnam(TEST_GROUP).gr_gid}
    if made_user:
        subprocess.run(["userdel", TEST_USER], check=False)
    if made_group:
        subprocess.run(["groupdel", TEST_GROUP], check=False)

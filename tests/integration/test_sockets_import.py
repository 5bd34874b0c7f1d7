"""superctl import-xinetd / import-inetd: Debian's xinetd package configs
and a typical CTF service file become units that load and serve."""
import os
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

from conftest import SUPERCTL, run
from sockutil import free_port, tcp_talk, udp_talk


def ensure_xinetd():
    if not Path("/etc/xinetd.d/echo").exists():
        r = subprocess.run(["apt-get", "install", "-y", "-q", "xinetd"], capture_output=True, text=True,
                           timeout=600, env=dict(os.environ, RUNLEVEL="1"))
        if r.returncode != 0 or not Path("/etc/xinetd.d/echo").exists():
            pytest.skip(f"xinetd not installable: {r.stderr[-300:]}")


def test_import_debian_xinetd_configs(tmp_path):
    ensure_xinetd()
    out = tmp_path / "units"
    r = run([SUPERCTL, "import-xinetd", "--write", str(out), "/etc/xinetd.conf"])
    # 'servers' and 'services' are xinetd-internal listings superd has no built-in for
    assert "INTERNAL service 'servers' has no superd built-in" in r.stderr
    names = sorted(p.name for p in out.iterdir())
    for svc in ("chargen", "daytime", "discard", "echo", "time"):
        assert f"{svc}-stream.socket" in names, names
        assert any(n.startswith(f"{svc}-dgram") for n in names), names
    echo = (out / "echo-stream.socket").read_text()
    assert "ListenStream=0.0.0.0:7\nBuiltin=echo\n" in echo
    assert "disabled in the configuration" in echo
    for p in out.iterdir():
        v = run([SUPERCTL, "verify", str(p)])
        assert v.returncode == 0, (p.name, v.stdout, v.stderr)


CTF = """\
service pwnme
{
    disable     = no
    socket_type = stream
    protocol    = tcp
    wait        = no
    user        = root
    bind        = 127.0.0.1
    server      = SCRIPT
    type        = UNLISTED
    port        = PORT
    per_source  = 10 # the maximum instances of this service per source IP address
    rlimit_cpu  = 20 # the maximum number of CPU seconds that the service may use
    rlimit_as   = 1024M # the Address Space resource limit for the service
    instances   = 50
    only_from   = 127.0.0.1
    log_on_failure += USERID
}
"""


def test_import_ctf_file_runs_with_the_limits_xinetd_ignored(sd, tmp_path):
    port = free_port()
    script = sd.write_script("pwn", "echo pwned $REMOTE_ADDR\n")
    (tmp_path / "ctf").write_text(CTF.replace("PORT", str(port)).replace("SCRIPT", str(script)))
    r = run([SUPERCTL, "import-xinetd", str(tmp_path / "ctf")])
    assert r.returncode == 0, r.stderr
    for attr in ("per_source = 10", "rlimit_cpu = 20", "rlimit_as = 1024M"):
        assert f"'{attr} # ...': xinetd ignored this line" in r.stdout
    assert "attribute 'log_on_failure' has no equivalent in superd" in r.stderr
    r = run([SUPERCTL, "import-xinetd", "--write", str(sd.units), str(tmp_path / "ctf")])
    assert r.returncode == 0, r.stderr
    sock = (sd.units / "pwnme.socket").read_text()
    assert "MaxConnectionsPerSource=10" in sock and "MaxConnections=50" in sock
    assert f"ListenStream=127.0.0.1:{port}" in sock
    svc = (sd.units / "pwnme@.service").read_text()
    assert "LimitCPU=20" in svc and "LimitAS=1024M" in svc
    # An ASan-built superd's child cannot run its exec steps under an address-space
    # limit (the sanitizer reserves terabytes); the value itself was checked above.
    (sd.units / "pwnme@.service").write_text(svc.replace("LimitAS=1024M\n", ""))
    sd.ctl_ok("daemon-reload")
    sd.ctl_ok("start", "pwnme.socket")
    assert tcp_talk(port) == b"pwned 127.0.0.1\n"
    assert sd.prop("pwnme.socket", "MaxConnectionsPerSource") == "10"


def test_import_inetd_conf(sd, tmp_path):
    p1, p2 = free_port(), free_port()
    (tmp_path / "inetd.conf").write_text(
        "# inetd.conf\n"
        f"127.0.0.1:{p1} stream tcp nowait root internal\n"
        f"127.0.0.1:{p2} stream tcp nowait nobody /bin/echo echo from-inetd\n")
    # internal services are named by their port here: give echo its name
    conf = (tmp_path / "inetd.conf").read_text().replace(f"127.0.0.1:{p1} stream tcp nowait root internal",
                                                          "echo stream tcp nowait root internal")
    (tmp_path / "inetd.conf").write_text(conf)
    r = run([SUPERCTL, "import-inetd", "--write", str(sd.units), str(tmp_path / "inetd.conf")])
    assert r.returncode == 0, r.stderr
    assert (sd.units / "echo.socket").exists() and (sd.units / f"{p2}@.service").exists()
    assert "ExecStart=@/bin/echo echo from-inetd" in (sd.units / f"{p2}@.service").read_text()
    sd.ctl_ok("daemon-reload")
    sd.ctl_ok("start", f"{p2}.socket")
    assert tcp_talk(p2) == b"from-inetd\n"

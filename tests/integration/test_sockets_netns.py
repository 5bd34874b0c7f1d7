"""Access control and per-source limits seen from real distinct client
addresses: a network namespace joined to the host by a veth pair, the
clients at 10.231.0.2 and 10.231.0.3, superd listening on 10.231.0.1."""
import os
import subprocess
import sys
import textwrap
import time

import pytest

from sockutil import free_port

HOST = "10.231.0.1"
A, B = "10.231.0.2", "10.231.0.3"

CLIENT = textwrap.dedent("""
    import socket, sys, time
    host, port, src, n, hold = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
    socks, got = [], []
    for i in range(n):
        s = socket.create_connection((host, port), timeout=10, source_address=(src, 0))
        socks.append(s)
    for s in socks:
        try:
            got.append(s.recv(100).decode().strip() or "-")
        except OSError:
            got.append("!")
    time.sleep(hold)
    print(" ".join(got))
""")


def sh(*argv, check=True):
    return subprocess.run(argv, capture_output=True, text=True, check=check)


@pytest.fixture
def netns():
    if os.geteuid() != 0:
        pytest.skip("needs root")
    tag = f"{os.getpid() % 100000}"
    ns, vh, vn = f"sdt{tag}", f"sdh{tag}", f"sdn{tag}"
    try:
        sh("ip", "netns", "add", ns)
    except subprocess.CalledProcessError as e:
        pytest.skip(f"ip netns unavailable: {e.stderr}")
    try:
        sh("ip", "link", "add", vh, "type", "veth", "peer", "name", vn)
        sh("ip", "link", "set", vn, "netns", ns)
        sh("ip", "addr", "add", f"{HOST}/24", "dev", vh)
        sh("ip", "link", "set", vh, "up")
        sh("ip", "-n", ns, "addr", "add", f"{A}/24", "dev", vn)
        sh("ip", "-n", ns, "addr", "add", f"{B}/24", "dev", vn)
        sh("ip", "-n", ns, "link", "set", vn, "up")
        sh("ip", "-n", ns, "link", "set", "lo", "up")
        yield ns
    finally:
        sh("ip", "link", "del", vh, check=False)
        sh("ip", "netns", "del", ns, check=False)


def client(ns, port, src, n=1, hold=0.0, wait=True):
    argv = ["ip", "netns", "exec", ns, sys.executable, "-c", CLIENT, HOST, str(port), src, str(n), str(hold)]
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if not wait:
        return p
    out, err = p.communicate(timeout=60)
    assert p.returncode == 0, err
    return out.split()


def test_ip_address_deny_refuses_one_source_serves_other(sd, netns):
    port = free_port()
    sd.write_script("who", "echo hi-$REMOTE_ADDR\n")
    sd.write_unit("who.socket", f"""
        [Socket]
        ListenStream={HOST}:{port}
        Accept=yes
        IPAddressDeny={B}/32
        """)
    sd.write_unit("who@.service", f"[Service]\nExecStart={sd.bin}/who\n")
    sd.ctl_ok("start", "who.socket")
    assert client(netns, port, A) == [f"hi-{A}"]
    assert client(netns, port, B, n=3) == ["-", "-", "-"]
    assert client(netns, port, A) == [f"hi-{A}"]
    assert sd.prop("who.socket", "NRefusedAccess") == "3"
    log = sd.logtext()
    assert f"Refused connection from {B}: denied by IPAddressDeny=" in log
    assert f"who@" not in "".join(l for l in log.splitlines() if B in l and "Started" in l)


def test_flood_from_one_source_does_not_starve_the_other(sd, netns):
    port = free_port()
    sd.write_script("slow", "echo in; exec sleep 20\n")
    sd.write_unit("fl.socket", f"""
        [Socket]
        ListenStream={HOST}:{port}
        Accept=yes
        MaxConnections=64
        MaxConnectionsPerSource=5
        TriggerLimitBurst=0
        """)
    sd.write_unit("fl@.service", f"[Service]\nExecStart={sd.bin}/slow\n")
    sd.ctl_ok("start", "fl.socket")
    flood = client(netns, port, B, n=60, hold=3, wait=False)
    time.sleep(0.5)
    t0 = time.monotonic()
    assert client(netns, port, A, n=3) == ["in", "in", "in"]
    r = sd.ctl("status", "fl.socket")
    assert r.returncode == 0 and "active (listening)" in r.stdout
    assert time.monotonic() - t0 < 10
    out, err = flood.communicate(timeout=60)
    got = out.split()
    assert got.count("in") == 5 and got.count("-") == 55, got
    assert int(sd.prop("fl.socket", "NRefusedLimit")) == 55
    assert sd.logtext().count(f"Refused connection from {B}") == 1
    sd.ctl_ok("stop", "fl.socket")

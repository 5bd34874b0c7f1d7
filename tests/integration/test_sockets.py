"""Socket units: Accept=no with systemd's activation protocol, Accept=yes
instances, built-ins (RFC-exact), access lists and limits, list-sockets."""
import os
import re
import shutil
import socket
import stat
import struct
import subprocess
import threading
import time

import pytest

from conftest import wait_for
from sockutil import build_helper, free_port, tcp_talk, udp_talk, wait_listening


def test_accept_yes_instance_env_and_name(sd):
    port = free_port()
    sd.write_script("conn", """
        echo "addr=$REMOTE_ADDR port=$REMOTE_PORT fds=$LISTEN_FDS pidok=$([ "$LISTEN_PID" = $$ ] && echo 1) names=$LISTEN_FDNAMES"
        head -n1
        sleep 0.5
        """)
    sd.write_unit("conn.socket", f"""
        [Socket]
        ListenStream=127.0.0.1:{port}
        Accept=yes
        """)
    sd.write_unit("conn@.service", f"""
        [Service]
        ExecStart={sd.bin}/conn
        """)
    sd.ctl_ok("start", "conn.socket")
    assert sd.state("conn.socket") == ("active", "listening")
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    first = s.makefile("rb").readline().decode()
    lport = s.getsockname()[1]
    assert first == f"addr=127.0.0.1 port={lport} fds=1 pidok=1 names=connection\n"
    # systemd's instance name: N-LOCAL-REMOTE
    name = f"conn@0-127.0.0.1:{port}-127.0.0.1:{lport}.service"
    assert sd.state(name)[0] == "active"
    s.sendall(b"line one\n")
    assert s.recv(100) == b"line one\n"
    s.close()
    # instances are garbage-collected once they end
    wait_for(lambda: name not in sd.ctl("list-units", "--all").stdout, what="instance to be collected")
    assert sd.prop("conn.socket", "NAccepted") == "1"
    assert sd.prop("conn.socket", "NConnections") == "0"


def test_accept_yes_pooled_cgroups(sd):
    """Each connection's instance has a cgroup of its own ("conn-N", taken
    from a pool): concurrent connections get different ones, a process an
    instance leaves behind is killed with it, a later connection reuses an
    emptied cgroup, and a notify message from a child process of an
    instance is matched to that instance through its cgroup."""
    port = free_port()
    sd.write_script("pc", f"""
        cat /proc/self/cgroup > {sd.out}/cg-$REMOTE_PORT
        (setsid sleep 300 &)
        sh -c 'systemd-notify --ready --status="child of $$"'
        head -n1
        """)
    sd.write_unit("pc.socket", f"[Socket]\nListenStream=127.0.0.1:{port}\nAccept=yes\n")
    sd.write_unit("pc@.service", f"[Service]\nType=notify\nNotifyAccess=all\nExecStart={sd.bin}/pc\n")
    sd.ctl_ok("start", "pc.socket")
    conns = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(2)]
    ports = [c.getsockname()[1] for c in conns]
    cgs = [sd.wait_out(f"cg-{p}", contains="\n").strip().rsplit("/", 1)[1] for p in ports]
    assert all(re.fullmatch(r"conn-\d+", c) for c in cgs) and cgs[0] != cgs[1], cgs
    names = [f"pc@{i}-127.0.0.1:{port}-127.0.0.1:{p}.service" for i, p in enumerate(ports)]
    for n, c in zip(names, cgs):
        sd.wait_state(n, "active", "running")   # READY=1 came from a child: matched by cgroup
        assert sd.prop(n, "ControlGroup").endswith("/" + c)
        assert sd.prop(n, "StatusText").startswith("child of ")
    for c in conns:
        c.sendall(b"bye\n")
        c.close()
    wait_for(lambda: "pc@" not in sd.ctl("list-units", "--all").stdout, what="instances to be collected")
    def leftovers():
        out = []
        for d in filter(str.isdigit, os.listdir("/proc")):
            try:
                env = open(f"/proc/{d}/environ", "rb").read()
                cmd = open(f"/proc/{d}/cmdline", "rb").read()
            except OSError:
                continue
            if str(sd.rundir).encode() in env and cmd.startswith(b"sleep\0300"):
                out.append((d, open(f"/proc/{d}/stat").read().split(")")[1][:3], open(f"/proc/{d}/cgroup").read()))
        return out
    assert not leftovers()  # the setsid sleeps went with their cgroups
    c = socket.create_connection(("127.0.0.1", port), timeout=10)
    p = c.getsockname()[1]
    again = sd.wait_out(f"cg-{p}", contains="\n").strip().rsplit("/", 1)[1]
    assert again in cgs, (again, cgs)
    c.sendall(b"bye\n")
    c.close()


def test_accept_no_listen_fds_and_systemd_socket_activate(sd, tmp_path):
    exe = build_helper(tmp_path, "listenfds")
    port, port2 = free_port(), free_port()
    sd.write_unit("lfd.socket", f"""
        [Socket]
        ListenStream=127.0.0.1:{port}
        ListenStream=127.0.0.1:{port2}
        FileDescriptorName=web
        """)
    sd.write_unit("lfd.service", f"""
        [Service]
        ExecStart={exe}
        """)
    sd.ctl_ok("start", "lfd.socket")
    assert sd.state("lfd.service")[0] == "inactive"
    out = tcp_talk(port, b"hello\n", shut=False, limit=1)
    assert sd.wait_state("lfd.service", "active")
    assert sd.state("lfd.socket") == ("active", "running")
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    line = s.makefile("rb").readline().decode()
    s.sendall(b"again\n")
    assert s.recv(100) == b"again\n"
    s.close()
    m = re.match(r"pid=(\d+) fds=2 names=web:web pidok=1\n", line)
    assert m, line
    assert int(m.group(1)) == sd.main_pid("lfd.service")
    assert out  # the first connection, which triggered the start, was served too
    # quit: the service ends, the socket listens again and triggers anew
    tcp_talk(port, b"quit\n", shut=False)
    sd.wait_state("lfd.service", "inactive")
    sd.wait_state("lfd.socket", "active", "listening")
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    assert "pidok=1" in s.makefile("rb").readline().decode()
    s.close()

    # the same binary under Debian's systemd-socket-activate
    if not shutil.which("systemd-socket-activate"):
        pytest.skip("systemd-socket-activate not installed")
    p3 = free_port()
    act = subprocess.Popen(["systemd-socket-activate", "-l", f"127.0.0.1:{p3}", "--fdname=web", str(exe)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_listening(p3)
        s = socket.create_connection(("127.0.0.1", p3), timeout=10)
        line = s.makefile("rb").readline().decode()
        s.close()
        assert re.match(r"pid=\d+ fds=1 names=web pidok=1\n", line), line
        tcp_talk(p3, b"quit\n", shut=False)
    finally:
        act.terminate()
        act.wait(10)


def builtin_unit(sd, name, kind, port, udp=True):
    lines = f"ListenStream=127.0.0.1:{port}\n" + (f"ListenDatagram=127.0.0.1:{port}\n" if udp else "")
    sd.write_unit(f"{name}.socket", f"[Socket]\n{lines}Builtin={kind}\n")
    sd.ctl_ok("start", f"{name}.socket")


def rfc868_now():
    return (int(time.time()) + 2208988800) & 0xffffffff


def chargen_line(i):
    return bytes(32 + (i + j) % 95 for j in range(72)) + b"\r\n"


def test_builtins_tcp_and_udp(sd):
    ports = {k: free_port() for k in ("echo", "discard", "daytime", "time", "chargen")}
    for k, p in ports.items():
        builtin_unit(sd, f"b-{k}", k, p)
    payload = bytes(range(256)) * 1000
    assert tcp_talk(ports["echo"], payload) == payload
    assert udp_talk(ports["echo"], b"\x00\x01hello\xff") == b"\x00\x01hello\xff"
    assert tcp_talk(ports["discard"], payload) == b""
    t = struct.unpack("!I", tcp_talk(ports["time"]))[0]
    assert abs(t - rfc868_now()) <= 2
    t = struct.unpack("!I", udp_talk(ports["time"], b""))[0]
    assert abs(t - rfc868_now()) <= 2
    d = tcp_talk(ports["daytime"])
    assert d.endswith(b"\r\n") and str(time.gmtime().tm_year).encode() in d
    assert udp_talk(ports["daytime"]).endswith(b"\r\n")
    c = tcp_talk(ports["chargen"], shut=False, limit=74 * 200)
    assert c[:74 * 200] == b"".join(chargen_line(i) for i in range(200))
    u = udp_talk(ports["chargen"])
    assert 0 < len(u) <= 512 and len(u) % 74 == 0 and all(u[k:k + 74][-2:] == b"\r\n" for k in range(0, len(u), 74))
    # no process was spawned for any of it
    assert "Started" not in "".join(l for l in sd.logtext().splitlines() if "service" in l)
    assert int(sd.prop("b-echo.socket", "NAccepted")) == 2


def test_echo_bulk_both_ways_and_trickle(sd):
    """Builtin=echo with more in flight than the socket buffers hold (superd
    must wait for the client to read, then go on reading), a client that
    reads slowly, and one that writes a byte at a time with pauses: every
    byte comes back, in order, and the connection ends after the half-close."""
    port = free_port()
    builtin_unit(sd, "bulk", "echo", port, udp=False)
    data = os.urandom(1 << 20) * 8
    s = socket.create_connection(("127.0.0.1", port), timeout=20)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16384)
    got = bytearray()

    def reader():
        while True:
            b = s.recv(65536)
            if not b:
                return
            got.extend(b)
            if len(got) < (1 << 20):
                time.sleep(0.001)  # slow at first: superd's writes block
    t = threading.Thread(target=reader)
    t.start()
    s.sendall(data)
    s.shutdown(socket.SHUT_WR)
    t.join(30)
    s.close()
    assert not t.is_alive() and bytes(got) == data
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    for ch in b"trickle":
        s.send(bytes([ch]))
        time.sleep(0.02)
        assert s.recv(1) == bytes([ch])
    s.shutdown(socket.SHUT_WR)
    assert s.recv(1) == b""
    s.close()
    # urgent data stops a read short of what is queued: all of the rest still comes back
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.send(b"hello")
    s.send(b"!", socket.MSG_OOB)
    s.send(b"world")
    time.sleep(0.2)
    got = b""
    while len(got) < 10:
        b = s.recv(100)
        assert b, got
        got += b
    assert got == b"helloworld"
    s.close()
    # a sequential-packet socket returns one message per read: both queued ones come back
    path = str(sd.root / "seq.sock")
    sd.write_unit("seq.socket", f"[Socket]\nListenSequentialPacket={path}\nBuiltin=echo\n")
    sd.ctl_ok("start", "seq.socket")
    q = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    q.settimeout(10)
    q.connect(path)
    q.send(b"one")
    q.send(b"two")
    assert q.recv(100) == b"one"
    assert q.recv(100) == b"two"
    q.close()
    sd.wait_prop("bulk.socket", "NConnections", "0")


def test_chargen_slow_reader_does_not_stall_others(sd):
    cp, ep = free_port(), free_port()
    builtin_unit(sd, "cg", "chargen", cp, udp=False)
    builtin_unit(sd, "ec", "echo", ep, udp=False)
    slow = [socket.create_connection(("127.0.0.1", cp), timeout=10) for _ in range(5)]
    for s in slow:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    time.sleep(0.3)  # let the slow readers' buffers fill up
    t0 = time.monotonic()
    for i in range(50):
        msg = f"ping {i}\n".encode()
        assert tcp_talk(ep, msg) == msg
    assert time.monotonic() - t0 < 5
    assert sd.answers()
    assert sd.prop("cg.socket", "NConnections") == "5"
    data = slow[0].recv(74)
    assert data == chargen_line(0)[:len(data)]
    for s in slow:
        s.close()
    sd.wait_prop("cg.socket", "NConnections", "0")


def test_proxy_and_banners(sd, tmp_path):
    ep, pp = free_port(), free_port()
    builtin_unit(sd, "pe", "echo", ep, udp=False)
    (tmp_path / "banner").write_text("welcome\n")
    sd.write_unit("px.socket", f"""
        [Socket]
        ListenStream=127.0.0.1:{pp}
        Builtin=proxy
        ProxyTo=127.0.0.1:{ep}
        BannerFile={tmp_path}/banner
        """)
    sd.ctl_ok("start", "px.socket")
    payload = os.urandom(3 << 20)
    assert tcp_talk(pp, payload) == b"welcome\n" + payload


def test_acl_refuses_at_accept_and_counts(sd, tmp_path):
    port = free_port()
    (tmp_path / "nope").write_text("go away\n")
    sd.write_script("hello", "echo hello from $REMOTE_ADDR\n")
    sd.write_unit("acl.socket", f"""
        [Socket]
        ListenStream=0.0.0.0:{port}
        Accept=yes
        IPAddressDeny=any
        IPAddressAllow=127.0.0.1/32
        RefusedBannerFile={tmp_path}/nope
        """)
    sd.write_unit("acl@.service", f"[Service]\nExecStart={sd.bin}/hello\n")
    sd.ctl_ok("start", "acl.socket")
    assert tcp_talk(port, source="127.0.0.1") == b"hello from 127.0.0.1\n"
    for _ in range(20):
        assert tcp_talk(port, source="127.0.0.2") == b"go away\n"
    assert sd.prop("acl.socket", "NRefused") == "20"
    assert sd.prop("acl.socket", "NRefusedAccess") == "20"
    log = sd.logtext()
    assert "Refused connection from 127.0.0.2: denied by IPAddressDeny=" in log
    assert log.count("Refused connection from 127.0.0.2") == 1   # aggregated, not 20 lines
    assert "acl@" not in "".join(l for l in log.splitlines() if "127.0.0.2" in l)


def test_max_connections_and_per_source(sd):
    port = free_port()
    sd.write_script("hold", "echo in; exec sleep 30\n")
    sd.write_unit("mc.socket", f"""
        [Socket]
        ListenStream=0.0.0.0:{port}
        Accept=yes
        MaxConnections=4
        MaxConnectionsPerSource=2
        """)
    sd.write_unit("mc@.service", f"[Service]\nExecStart={sd.bin}/hold\n")
    sd.ctl_ok("start", "mc.socket")
    held = []
    for src in ("127.0.0.1", "127.0.0.1"):
        s = socket.create_connection(("127.0.0.1", port), timeout=10, source_address=(src, 0))
        assert s.recv(10) == b"in\n"
        held.append(s)
    # a third from the same source is refused at once; another source is served
    assert tcp_talk(port, source="127.0.0.1") == b""
    for src in ("127.0.0.2", "127.0.0.3"):
        s = socket.create_connection(("127.0.0.1", port), timeout=10, source_address=(src, 0))
        assert s.recv(10) == b"in\n"
        held.append(s)
    assert tcp_talk(port, source="127.0.0.4") == b""   # MaxConnections=4
    assert sd.prop("mc.socket", "NRefusedLimit") == "2"
    for s in held:
        s.close()
    sd.ctl_ok("stop", "mc.socket")


def test_trigger_limit_pauses_then_resumes(sd):
    port = free_port()
    builtin_unit(sd, "tl", "echo", port, udp=False)
    sd.write_unit("tl.socket", f"""
        [Socket]
        ListenStream=127.0.0.1:{port}
        Builtin=echo
        TriggerLimitIntervalSec=2s
        TriggerLimitBurst=5
        """)
    sd.ctl_ok("daemon-reload")
    sd.ctl_ok("restart", "tl.socket")
    t0 = time.monotonic()
    for i in range(5):
        assert tcp_talk(port, b"x") == b"x"
    # the 6th waits in the backlog until the interval ends, then is served
    assert tcp_talk(port, b"y", timeout=10) == b"y"
    assert time.monotonic() - t0 >= 1.0
    assert "Trigger limit hit" in sd.logtext()
    assert sd.state("tl.socket") == ("active", "listening")


def test_unix_socket_fifo_modes_and_remove_on_stop(sd):
    path = sd.root / "run/sk/dir/x.sock"
    fifo = sd.root / "run/sk/f.fifo"
    sd.write_unit("ux.socket", f"""
        [Socket]
        ListenStream={path}
        ListenFIFO={fifo}
        SocketMode=0600
        DirectoryMode=0711
        RemoveOnStop=yes
        Symlinks={sd.root}/run/sk/link.sock
        Builtin=echo
        """)
    sd.ctl_ok("start", "ux.socket")
    st = os.stat(path)
    assert stat.S_ISSOCK(st.st_mode) and stat.S_IMODE(st.st_mode) == 0o600
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o711
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert os.readlink(sd.root / "run/sk/link.sock") == str(path)
    with open(fifo, "wb") as f:   # a built-in socket discards what its FIFO gets
        f.write(b"into the fifo\n")
    c = socket.socket(socket.AF_UNIX)
    c.connect(str(path))
    c.sendall(b"unix\n")
    assert c.recv(10) == b"unix\n"
    c.close()
    assert "ListenStream" in sd.ctl_ok("list-sockets").stdout or str(path) in sd.ctl_ok("list-sockets").stdout
    sd.ctl_ok("stop", "ux.socket")
    assert not path.exists() and not fifo.exists() and not (sd.root / "run/sk/link.sock").exists()


def test_abstract_and_ipv6(sd):
    port = free_port()
    sd.write_unit("ab.socket", f"""
        [Socket]
        ListenStream=@superd-test-{port}
        ListenStream=[::1]:{port}
        Builtin=echo
        """)
    sd.ctl_ok("start", "ab.socket")
    c = socket.socket(socket.AF_UNIX)
    c.connect(f"\0superd-test-{port}")
    c.sendall(b"abs")
    assert c.recv(10) == b"abs"
    c.close()
    c = socket.create_connection(("::1", port), timeout=5)
    c.sendall(b"six")
    assert c.recv(10) == b"six"
    c.close()


def test_bad_settings_fail_closed(sd):
    sd.write_unit("nol.socket", "[Socket]\nAccept=yes\n")
    sd.write_unit("badacl.socket", "[Socket]\nListenStream=1234\nIPAddressDeny=300.1.1.1\n")
    sd.write_unit("badmax.socket", "[Socket]\nListenStream=1234\nMaxConnections=0\n")
    sd.write_unit("badmode.socket", "[Socket]\nListenStream=/tmp/x.sock\nSocketMode=999\n")
    sd.write_unit("baduser.socket", "[Socket]\nListenStream=/tmp/x.sock\nSocketUser=0day\n")
    for u in ("nol", "badacl", "badmax", "badmode", "baduser"):
        assert sd.prop(f"{u}.socket", "LoadState") == "bad-setting", u
        assert sd.ctl("start", f"{u}.socket").returncode != 0
    assert "lacks a Listen setting" in sd.ctl("status", "nol.socket").stdout


def test_enabled_socket_starts_with_sockets_target_and_status(inst):
    port = free_port()
    inst.write_unit("en.socket", f"""
        [Socket]
        ListenStream=127.0.0.1:{port}
        Builtin=echo
        [Install]
        WantedBy=sockets.target
        """)
    inst.start()
    inst.ctl_ok("enable", "en.socket")
    inst.stop()
    inst.start()
    inst.wait_state("en.socket", "active", "listening")
    assert tcp_talk(port, b"boot") == b"boot"
    st = inst.ctl("status", "en.socket").stdout
    assert "active (listening)" in st
    assert f"Listen: 127.0.0.1:{port} (Stream)" in st and "Builtin: echo" in st
    assert "Accepted: 1; Connected: 0; Refused: 0" in st
    ls = inst.ctl_ok("list-sockets").stdout
    assert re.search(rf"127\.0\.0\.1:{port} +en\.socket +builtin:echo +1 ", ls), ls
    assert "Before=" in inst.ctl_ok("show", "en.socket").stdout
    assert "sockets.target" in inst.prop("en.socket", "Before")


def test_accept_no_service_that_never_starts_does_not_wedge_the_socket(sd):
    port = free_port()
    sd.write_unit("nv.socket", f"""
        [Socket]
        ListenStream=127.0.0.1:{port}
        TriggerLimitIntervalSec=5s
        TriggerLimitBurst=3
        """)
    sd.write_unit("nv.service", """
        [Unit]
        ConditionPathExists=/nonexistent/superd-test
        [Service]
        ExecStart=/bin/true
        """)
    sd.ctl_ok("start", "nv.socket")
    c = socket.create_connection(("127.0.0.1", port), timeout=5)
    wait_for(lambda: "Trigger limit hit" in sd.logtext(), what="the trigger limit to brake the retries")
    assert sd.state("nv.socket")[0] == "active"
    assert sd.answers()
    c.close()

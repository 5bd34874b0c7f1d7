"""The control socket under garbage and misbehaving clients (SPEC 8)."""
import os
import resource
import socket
import struct
import threading
import time

import pytest

from conftest import wait_for

PROTO = b"superd/1"


def frame(*fields):
    payload = b"".join(f + b"\0" for f in fields)
    return struct.pack("<I", len(payload)) + payload


def connect(sd, timeout=10):
    """Connects; a full listen backlog (EAGAIN on a non-blocking connect) is retried until timeout."""
    deadline = time.monotonic() + timeout
    while True:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(timeout)
        try:
            s.connect(str(sd.control))
            return s
        except BlockingIOError:
            s.close()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def read_all(s, timeout=10):
    """Reads until the daemon closes the connection; fails if it does not."""
    s.settimeout(timeout)
    data = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            chunk = s.recv(65536)
        except ConnectionResetError:
            return data
        if not chunk:
            return data
        data += chunk
    pytest.fail("the daemon did not close the connection")


def parse_response(data):
    assert len(data) >= 4, data
    (n,) = struct.unpack("<I", data[:4])
    assert len(data) == 4 + n, "trailing bytes after the response frame"
    fields = data[4:].split(b"\0")
    assert fields[-1] == b""
    return fields[:-1]


def other_client_works(sd):
    r = sd.ctl("status", "a", timeout=10)
    assert r.returncode == 0, r
    assert "active (running)" in r.stdout


@pytest.fixture
def busy(sd):
    sd.write_unit("a", "[Service]\nExecStart=/bin/sleep 1000\n")
    sd.ctl_ok("start", "a")
    return sd


def test_valid_raw_request(busy):
    s = connect(busy)
    s.sendall(frame(PROTO, b"show", b"a.service"))
    fields = parse_response(read_all(s))
    assert fields[0] == PROTO and fields[1] == b"0"
    assert b"ActiveState=active" in fields[3]


def test_request_in_single_bytes(busy):
    s = connect(busy)
    for b in frame(PROTO, b"show", b"a"):
        s.send(bytes([b]))
        # meanwhile others are served
    other_client_works(busy)
    fields = parse_response(read_all(s))
    assert fields[1] == b"0" and b"Id=a.service" in fields[3]


GARBAGE = {
    "huge-length": struct.pack("<I", 0xFFFFFFFF) + b"x" * 16,
    "zero-length": struct.pack("<I", 0),
    "no-nul": struct.pack("<I", 5) + b"hello",
    "wrong-version": frame(b"superd/9", b"status", b"a"),
    "http": b"GET / HTTP/1.0\r\n\r\n",
    "unknown-verb": frame(PROTO, b"frobnicate", b"a"),
    "no-verb": frame(PROTO),
    "empty-fields": frame(b"", b""),
    "random": struct.pack("<I", 60) + bytes((x % 255) + 1 for x in os.urandom(60)),
    "nul-only": struct.pack("<I", 1) + b"\0",
}


@pytest.mark.parametrize("name", sorted(GARBAGE))
def test_garbage_gets_error_and_close(busy, name):
    s = connect(busy)
    try:
        s.sendall(GARBAGE[name])
    except (BrokenPipeError, ConnectionResetError):
        pass
    # another client is served while the bad connection is open or closing
    other_client_works(busy)
    data = read_all(s)
    if data:
        fields = parse_response(data)
        assert fields[0] == PROTO
        assert fields[1] != b"0"
        assert fields[2].strip() != b""         # an error message
    assert busy.daemon_pid_alive()
    other_client_works(busy)


def test_random_bytes_then_eof(busy):
    for _ in range(20):
        s = connect(busy)
        s.sendall(os.urandom(256))
        s.shutdown(socket.SHUT_WR)
        read_all(s)                              # closed, with or without an answer
        s.close()
    assert busy.daemon_pid_alive()
    other_client_works(busy)


def test_oversized_request(busy):
    s = connect(busy)
    s.sendall(struct.pack("<I", 1 << 20))
    try:
        for _ in range(32):
            s.sendall(b"A" * 8192)
    except (BrokenPipeError, ConnectionResetError):
        pass
    other_client_works(busy)
    data = read_all(s)
    if data:
        assert parse_response(data)[1] != b"0"
    assert busy.daemon_pid_alive()


def test_many_arguments(busy):
    names = [f"u{i}.service".encode() for i in range(3000)]
    s = connect(busy)
    s.sendall(frame(PROTO, b"show", *names))
    fields = parse_response(read_all(s, timeout=30))
    assert fields[0] == PROTO
    other_client_works(busy)


def test_silent_client_does_not_block_others(busy):
    silent = [connect(busy) for _ in range(5)]
    partial = connect(busy)
    partial.sendall(frame(PROTO, b"show", b"a")[:7])    # half a frame, then nothing
    for _ in range(3):
        other_client_works(busy)
    for s in silent + [partial]:
        s.close()
    other_client_works(busy)


def test_client_disconnects_while_waiting_for_job(busy):
    busy.write_unit("slow", f"""
        [Service]
        Type=oneshot
        ExecStart=/bin/sh -c 'while [ ! -e {busy.out}/go ]; do sleep 0.05; done'
        """)
    s = connect(busy)
    s.sendall(frame(PROTO, b"start", b"slow"))
    busy.wait_state("slow", "activating")
    s.close()                                    # gone before the job finishes
    other_client_works(busy)
    (busy.out / "go").write_text("")
    busy.wait_state("slow", "inactive", "dead")
    assert busy.prop("slow", "Result") == "success"
    other_client_works(busy)


def test_concurrent_clients(busy):
    errors = []

    def worker():
        for _ in range(10):
            r = busy.ctl("show", "a", "-p", "ActiveState", "--value", timeout=30)
            if r.returncode != 0 or r.stdout.strip() != "active":
                errors.append(r)

    def garbage():
        for i in range(40):
            s = connect(busy)
            try:
                s.sendall(GARBAGE[sorted(GARBAGE)[i % len(GARBAGE)]])
                s.shutdown(socket.SHUT_WR)
                read_all(s)
            except (BrokenPipeError, ConnectionResetError):
                pass
            s.close()
    threads = [threading.Thread(target=worker) for _ in range(4)] + [threading.Thread(target=garbage)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors[:3]
    assert busy.daemon_pid_alive()


def test_many_idle_connections(busy):
    """More idle connections than the daemon's connection limit: others are still served."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    n = 1100
    if hard < n + 100:
        pytest.skip("RLIMIT_NOFILE too low")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, n + 100), hard))
    conns = []
    try:
        for _ in range(n):
            conns.append(connect(busy))
        r = busy.ctl("status", "a", timeout=20)
        assert r.returncode == 0, r.stderr
    finally:
        for s in conns:
            s.close()
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    other_client_works(busy)
    assert busy.daemon_pid_alive()


def test_daemon_not_spinning_when_idle(busy):
    """Idle means idle: the loop does not wake up while nothing happens."""
    def wakeups():
        return int(busy.ctl_ok("show", "-p", "LoopWakeups", "--value").stdout.strip())
    w0 = wakeups()
    time.sleep(1.0)   # an interval to observe, not a wait for a condition
    w1 = wakeups()
    # each show is one connection: a handful of wake-ups, never hundreds
    assert w1 - w0 < 20, (w0, w1)

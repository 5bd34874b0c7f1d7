"""Client helpers for the socket-unit tests (test_sockets*.py)."""
import socket
import subprocess
import time
from pathlib import Path

HELPERS = Path(__file__).resolve().parent / "helpers"


def free_port(kind=socket.SOCK_STREAM):
    """A port that is free for both TCP and UDP on 127.0.0.1 right now."""
    while True:
        with socket.socket(socket.AF_INET, kind) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        other = socket.SOCK_DGRAM if kind == socket.SOCK_STREAM else socket.SOCK_STREAM
        try:
            with socket.socket(socket.AF_INET, other) as s:
                s.bind(("127.0.0.1", port))
            return port
        except OSError:
            continue


def tcp_talk(port, data=b"", host="127.0.0.1", shut=True, timeout=10, source=None, limit=1 << 24):
    """Connects, sends data, half-closes, reads to EOF (or limit bytes)."""
    s = socket.create_connection((host, port), timeout=timeout,
                                 source_address=(source, 0) if source else None)
    try:
        if data:
            s.sendall(data)
        if shut:
            s.shutdown(socket.SHUT_WR)
        out = b""
        while len(out) < limit:
            b = s.recv(65536)
            if not b:
                break
            out += b
        return out
    finally:
        s.close()


def udp_talk(port, data=b"x", host="127.0.0.1", timeout=5, retries=3):
    for _ in range(retries):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(timeout / retries)
            s.sendto(data, (host, port))
            try:
                return s.recvfrom(65536)[0]
            except socket.timeout:
                continue
    raise TimeoutError("no UDP answer")


def wait_listening(port, host="127.0.0.1", timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection((host, port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listening on {host}:{port}")


def build_helper(tmp, name):
    exe = Path(tmp) / name
    r = subprocess.run(["cc", "-O2", "-Wall", "-o", str(exe), str(HELPERS / f"{name}.c")],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    exe.chmod(0o755)
    return exe

"""The syslog socket (SPEC 9): logger(1), Python's SysLogHandler and a C
daemon using syslog(3) reach the journal, attributed to their unit."""
import json
import logging
import logging.handlers
import os
import shutil
import socket
import subprocess

import pytest

from conftest import wait_for


def entries(inst, *args):
    r = inst.ctl("logs", "-o", "json", *args)
    assert r.returncode == 0, r.stderr
    return [json.loads(l) for l in r.stdout.splitlines()]


def find(inst, text, *args):
    def ok():
        for e in entries(inst, *args):
            if isinstance(e["MESSAGE"], str) and text in e["MESSAGE"]:
                return e
        return None
    return wait_for(ok, what=f"{text!r} in the journal")


def test_logger_and_python(sd):
    sock = sd.rundir / "syslog"
    wait_for(sock.exists)
    if shutil.which("logger"):
        subprocess.run(["logger", "-u", str(sock), "-t", "mytag", "-p", "local0.err", "hello from logger"], check=True)
        e = find(sd, "hello from logger")
        assert (e["PRIORITY"], e["SYSLOG_FACILITY"], e["SYSLOG_IDENTIFIER"]) == ("3", "16", "mytag")
        assert e["_TRANSPORT"] == "syslog"
    h = logging.handlers.SysLogHandler(address=str(sock), facility="local1")
    log = logging.getLogger("sdtest")
    log.addHandler(h)
    log.warning("python says hi")
    h.close()
    e = find(sd, "python says hi")
    assert (e["PRIORITY"], e["SYSLOG_FACILITY"]) == ("4", "17")
    # 0 bytes, 64 KiB, invalid UTF-8 and NUL bytes: taken, never a crash
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.connect(str(sock))
    s.send(b"")
    s.send(b"<14>big: " + b"x" * (64 * 1024 - 9))
    s.send(b"<14>bin: a\xff\xfeb\x00c")
    s.close()
    wait_for(lambda: [e for e in entries(sd, "-u", "syslog") if e.get("SYSLOG_IDENTIFIER") == "bin"])
    big = [e["MESSAGE"] for e in entries(sd, "-u", "syslog") if e.get("SYSLOG_IDENTIFIER") == "big"]
    assert [len(m) for m in big] == [48 * 1024, 16 * 1024 - 9]   # split at 48 KiB, as output lines
    wait_for(lambda: [e for e in entries(sd, "-u", "syslog") if e.get("SYSLOG_IDENTIFIER") == "bin"])
    e = [e for e in entries(sd, "-u", "syslog") if e.get("SYSLOG_IDENTIFIER") == "bin"][0]
    assert e["MESSAGE"] == list(b"a\xff\xfeb\x00c")
    assert sd.answers()


def test_service_attributed_by_pid(sd):
    sock = sd.rundir / "syslog"
    wait_for(sock.exists)
    if not shutil.which("logger"):
        pytest.skip("no logger(1)")
    sd.write_unit("sl", f"""
        [Service]
        ExecStart=/bin/sh -c 'logger -u {sock} -t slt "from the unit" && exec sleep 1000'
        """)
    sd.ctl_ok("start", "sl")
    # logger runs as a child of the main process; the main pid's group owns it
    e = find(sd, "from the unit")
    assert e["_SYSTEMD_UNIT"] in ("sl.service", "syslog")
    sd.ctl_ok("stop", "sl")


CDAEMON = r"""
#include <syslog.h>
#include <unistd.h>
int main(void) {
    openlog("cdaemon", LOG_PID, LOG_LOCAL0);
    syslog(LOG_LOCAL0 | LOG_INFO, "classic daemon message %d", 42);
    closelog();
    return 0;
}
"""


def test_c_daemon_syslog3(inst, tmp_path):
    if os.path.exists("/dev/log"):
        pytest.skip("/dev/log is taken on this machine; syslog(3) only talks to /dev/log")
    if not shutil.which("cc"):
        pytest.skip("no C compiler")
    src = tmp_path / "cd.c"
    src.write_text(CDAEMON)
    exe = inst.bin / "cdaemon"
    subprocess.run(["cc", "-o", str(exe), str(src)], check=True)
    (inst.root / "etc/superd.conf").write_text("[Journal]\nSyslogSocket=/dev/log\n")
    inst.write_unit("cd", f"[Service]\nType=oneshot\nExecStart={exe}\n")
    inst.start()
    try:
        wait_for(lambda: os.path.exists("/dev/log"))
        inst.ctl_ok("start", "cd")
        e = find(inst, "classic daemon message 42")
        assert e["SYSLOG_FACILITY"] == "16" and e["PRIORITY"] == "6"
        assert e["SYSLOG_IDENTIFIER"] == "cdaemon"
    finally:
        inst.stop()
    assert not os.path.exists("/dev/log")

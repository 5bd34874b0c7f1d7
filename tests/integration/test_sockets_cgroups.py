"""Pooled per-connection cgroups ("conn-N", cgroup-unit.c) across a crash and
a daemon-reexec of superd, and a service whose name only looks like one."""
import os
import socket

from conftest import pid_alive, wait_for
from sockutil import free_port
from test_tracking import need_cgroup, restart_superd


def conn_cgroup(inst, port):
    """The cgroup the connection's script wrote for itself."""
    return inst.wait_out(f"cg-{port}", contains="\n").strip().rsplit("/", 1)[1]


def holder(inst, port):
    inst.write_script("hold", f"""
        cat /proc/self/cgroup > {inst.out}/cg-$REMOTE_PORT
        echo $$ > {inst.out}/pid-$REMOTE_PORT
        exec sleep 300
        """)
    inst.write_unit("hold.socket", f"[Socket]\nListenStream=127.0.0.1:{port}\nAccept=yes\n")
    inst.write_unit("hold@.service", f"[Service]\nExecStart={inst.bin}/hold\n")


def connect(inst, port):
    c = socket.create_connection(("127.0.0.1", port), timeout=10)
    p = c.getsockname()[1]
    return c, p, conn_cgroup(inst, p)


def test_new_connection_never_joins_a_crashed_superds_cgroup(inst):
    port = free_port()
    holder(inst, port)
    inst.start()
    need_cgroup(inst)
    inst.ctl_ok("start", "hold.socket")
    c1, p1, cg1 = connect(inst, port)
    old = int(inst.wait_out(f"pid-{p1}", contains="\n"))
    restart_superd(inst)
    inst.ctl_ok("start", "hold.socket")
    c2, p2, cg2 = connect(inst, port)
    assert cg1 != cg2, (cg1, cg2)
    new = int(inst.wait_out(f"pid-{p2}", contains="\n"))
    name = next(l.split()[0] for l in inst.ctl_ok("list-units", "--all").stdout.splitlines() if "hold@" in l)
    inst.ctl_ok("stop", name)
    wait_for(lambda: not pid_alive(new), what="the new connection's process to end")
    # stopping the new connection did not touch the one the crashed superd left
    assert pid_alive(old)
    os.kill(old, 9)
    c1.close()
    c2.close()


def test_connection_keeps_its_cgroup_across_reexec(sd):
    need_cgroup(sd)
    port = free_port()
    holder(sd, port)
    sd.ctl_ok("start", "hold.socket")
    c1, p1, cg1 = connect(sd, port)
    name = f"hold@0-127.0.0.1:{port}-127.0.0.1:{p1}.service"
    sd.wait_state(name, "active", "running")
    sd.ctl_ok("daemon-reexec")
    wait_for(lambda: sd.answers(), what="superd back after reexec")
    assert sd.prop(name, "ControlGroup").endswith("/" + cg1)
    c2, p2, cg2 = connect(sd, port)
    assert cg2 != cg1
    pid1 = int(sd.wait_out(f"pid-{p1}", contains="\n"))
    sd.ctl_ok("stop", name)
    wait_for(lambda: not pid_alive(pid1), what="the first connection's process to end")
    c1.close()
    c2.close()


def test_service_named_like_a_pool_cgroup_is_readopted(inst):
    inst.write_unit("conn-a", "[Service]\nExecStart=/bin/sleep 1000\n", enable=True)
    inst.start()
    need_cgroup(inst)
    inst.wait_state("conn-a", "active", "running")
    pid = inst.main_pid("conn-a")
    restart_superd(inst)
    inst.wait_state("conn-a", "active", "running")
    assert inst.main_pid("conn-a") == pid
    assert "Re-adopted process" in inst.logtext()

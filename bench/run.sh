#!/bin/bash
# superd's benchmark against runit, s6, supervisord and a bare C loop.
#   bench/run.sh BUILD_DIR        (what `make bench` runs)
#   bench/run.sh BUILD_DIR depbench.py   (`make bench-deps`: the same set-up
#                                 and clean-up around another bench/ script)
# Installs the peers from Debian when missing, builds the payload (stamp.c) and
# the bare loop (bareloop.c), runs bench.py in a scratch dir under /tmp, and
# kills every process it started when it ends, however it ends.
# Knobs (environment): BENCH_N=500 BENCH_KILLS=50 BENCH_IDLE=10
# BENCH_ONLY=superd,s6 BENCH_UPDATE_DOC=BENCHMARKS.md (rewrite its results
# section) BENCH_OUT=DIR (where bench-results.{md,json} go; default BUILD_DIR).
# BENCH_STARTUP_ROUNDS=3 BENCH_STATUS_RUNS=200.
set -euo pipefail
# A plain PATH: runsvdir and s6-svscan find runsv/s6-supervise through it, and
# a long PATH (pyenv shims, ...) would charge them failed execve()s.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "${1:?usage: bench/run.sh BUILD_DIR [SCRIPT.py]}" && pwd)
script=${2:-bench.py}
[ -f "$here/$script" ] || { echo "no bench/$script" >&2; exit 1; }
[ -x "$build/superd" ] && [ -x "$build/superctl" ] || { echo "no superd/superctl in $build (run make)" >&2; exit 1; }

# --- peers, from Debian -------------------------------------------------------
need=()
for pkg in runit s6 supervisor hyperfine; do
    dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
if [ ${#need[@]} -gt 0 ]; then
    echo "installing ${need[*]} from Debian" >&2
    if [ "$(id -u)" = 0 ]; then sudo=; else sudo=sudo; fi
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get install -y --no-install-recommends "${need[@]}" >&2 ||
        { $sudo apt-get update >&2 && $sudo apt-get install -y --no-install-recommends "${need[@]}" >&2; } ||
        { echo "could not install ${need[*]}" >&2; }
fi
for pkg in runit s6 supervisor; do
    dpkg -s "$pkg" >/dev/null 2>&1 || { echo "$pkg is required" >&2; exit 1; }
done
# Debian's packages start their own supervisors on install (runit's runsvdir,
# supervisord): those are not ours, we never touch them, and they do not share
# any of our directories.

# --- scratch dir, helpers -----------------------------------------------------
work=$(mktemp -d /tmp/superd-bench.XXXXXX)
chmod 755 "$work"
py=

cleanup() {
    set +e
    [ -n "$py" ] && kill -TERM "$py" 2>/dev/null && sleep 0.5 && kill -KILL "$py" 2>/dev/null
    # Every process bench.py started carries SUPERD_BENCH_TAG=$work in its
    # environment or runs an executable from $work/bin (superd's services have
    # a clean environment, but their executable is $work/bin/stamp). Kill
    # exactly those, a few rounds.
    for round in 1 2 3 4 5; do
        left=0
        for p in /proc/[0-9]*; do
            pid=${p#/proc/}
            [ "$pid" = $$ ] && continue
            exe=$(readlink "$p/exe" 2>/dev/null) || continue
            if [ "${exe#"$work"/}" != "$exe" ] ||
               tr '\0' '\n' <"$p/environ" 2>/dev/null | grep -qxF "SUPERD_BENCH_TAG=$work"; then
                kill -KILL "$pid" 2>/dev/null && left=1
            fi
        done
        [ $left = 0 ] && break
        sleep 0.2
    done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# Everything the run executes lives in $work/bin: the payload, the bare loop,
# and a snapshot of superd and superctl (a rebuild during the run does not
# change what is measured).
bins="$work/bin"
mkdir -p "$bins"
cp "$build/superd" "$build/superctl" "$bins/"
cc=${CC:-cc}
$cc -O2 -Wall -Wextra -o "$bins/stamp" "$here/stamp.c"
$cc -O2 -Wall -Wextra -o "$bins/bareloop" "$here/bareloop.c"

# 500 services: supervisord keeps pipes per child, s6-svscan/runsvdir fds.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" || true

BENCH_OUT=${BENCH_OUT:-$build} /usr/bin/python3 "$here/$script" "$bins" "$work" "$bins" &
py=$!
set +e
wait "$py"
rc=$?
py=
exit $rc

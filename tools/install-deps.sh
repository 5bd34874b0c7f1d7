#!/bin/sh
# Installs what building and testing superd needs, from Debian, when missing.
set -e
need=""
dpkg -s libcmocka-dev >/dev/null 2>&1 || need="$need libcmocka-dev"
dpkg -s python3-pytest >/dev/null 2>&1 || need="$need python3-pytest"
command -v cc >/dev/null 2>&1 || need="$need gcc"
command -v useradd >/dev/null 2>&1 || need="$need passwd"
command -v ip >/dev/null 2>&1 || need="$need iproute2"
command -v setsid >/dev/null 2>&1 || need="$need util-linux"
[ -z "$need" ] && exit 0
if [ "$(id -u)" != 0 ]; then
        echo "missing packages:$need (run as root, or install them)" >&2
        exit 1
fi
echo "installing:$need"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq || true
apt-get install -y -qq $need >/dev/null

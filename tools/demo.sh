#!/bin/sh
# make demo: a superd instance in a folder, with the example units enabled.
set -eu
build=$1
here=$(cd "$(dirname "$0")/.." && pwd)
root=${DEMO_ROOT:-/tmp/superd-demo}
ctl="$build/superctl --root $root"

if [ -S "$root/run/superd/control" ] && $ctl show >/dev/null 2>&1; then
        echo "A demo instance is already running in $root; stopping it first."
        $ctl exit >/dev/null 2>&1 || true
        sleep 1
fi
rm -rf "$root"
units="$root/etc/superd/units"
mkdir -p "$units/multi-user.target.wants"
for u in "$here"/examples/demo/*.service; do
        cp "$u" "$units/"
        ln -s "../$(basename "$u")" "$units/multi-user.target.wants/$(basename "$u")"
done

echo "Starting superd in $root ..."
"$build/superd" --root "$root"
sleep 4
$ctl list-units --all --no-pager || true
echo
for u in ticker setup crasher; do
        $ctl status --no-pager "$u" || true
        echo
done
cat <<EOT
superd is running in the background (pid $(cat "$root/run/superd/superd.pid")).
Try:
  $ctl status crasher        # watch NRestarts grow: $ctl show -p NRestarts crasher
  $ctl stop ticker; $ctl start ticker
  tail -f $root/run/superd/superd.log
Stop it with:
  $ctl exit
EOT

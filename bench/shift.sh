# Shift a 50,000-file tree to a user's subordinate range: ours vs lxc-usernsexec + chown -R,
# both run by the same unprivileged user, same run. Then what idmapped mounts allow here.
set -euo pipefail
scratch=$1 bin=$2
cp -a /etc "$scratch/etc"; mount --bind "$scratch/etc" /etc
useradd -M -s /usr/sbin/nologin -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 shiftbench
printf 'shiftbench:100000:65536\n' > /etc/subuid; cp /etc/subuid /etc/subgid
U=$(id -u shiftbench)
mkdir -p "$scratch/bin" "$scratch/home"; chmod 755 "$scratch" "$scratch/bin"
install -o root -g root -m 4755 "$bin/newuidmap" "$bin/newgidmap" "$scratch/bin/"
install -m 0755 "$bin/usernsexec" "$scratch/bin/"
chown shiftbench: "$scratch/home"
tree=$scratch/home/tree
python3 - "$tree" <<'PY'
import os, sys
root = sys.argv[1]
for d in range(500):
    p = os.path.join(root, f"d{d:03}")
    os.makedirs(p)
    for f in range(99):
        open(os.path.join(p, f"f{f:02}"), "w").close()
PY
chown -R shiftbench:shiftbench "$tree"
count=$(find "$tree" | wc -l)
as="setpriv --reuid=shiftbench --regid=shiftbench --init-groups env PATH=$scratch/bin:/usr/bin:/bin"
runs=${BENCH_RUNS_SHIFT:-5}
hyperfine --runs "$runs" --export-json "$scratch/shift.json" --prepare "chown -R shiftbench:shiftbench $tree" \
    -n "lxc-usernsexec -- chown -R" "$as lxc-usernsexec -m b:0:100000:65536 -m b:65536:$U:1 -- chown -R 0:0 $tree" \
    -n "usernsexec --shift" "$as $scratch/bin/usernsexec -m b:0:100000:65536 -m b:65536:$U:1 --shift $tree b:65536:0:1" >/dev/null
[ "$(stat -c %u:%g "$tree/d499/f98")" = "100000:100000" ] || { echo "shift benchmark: wrong result" >&2; exit 1; }
python3 - "$scratch/shift.json" "$count" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
theirs, ours = r[0]["median"], r[1]["median"]
print()
print(f"| shift a {sys.argv[2]}-entry tree into a subordinate range (unprivileged) | lxc-usernsexec + chown -R | ours | ratio ours/lxc |")
print("|---|---:|---:|---:|")
print(f"| time (median) | {theirs*1000:.0f} ms | {ours*1000:.0f} ms | {ours/theirs:.2f} |")
PY

# Idmapped mounts (mount_setattr MOUNT_ATTR_IDMAP) for an unprivileged user, tried for real.
cc -O2 -o "$scratch/bin/idmap_probe" "$3/idmap_probe.c"
src=$scratch/home/src; mkdir -p "$src"; chown shiftbench: "$src"
echo
echo "| idmapped mount of ... by an unprivileged user, in its own user+mount namespace | result |"
echo "|---|---|"
echo "| a host directory ($(findmnt -no FSTYPE -T "$src")) | $($as unshare --map-root-user --mount "$scratch/bin/idmap_probe" "$src") |"
echo "| a tmpfs it mounted in that namespace | $($as unshare --map-root-user --mount sh -c "mount -t tmpfs none $src && $scratch/bin/idmap_probe $src") |"
echo "| the same host directory, as root (for comparison) | $(unshare --mount "$scratch/bin/idmap_probe" "$src") |"
echo "| kernel | $(uname -r) |"

# userbox copy / snapshot against Debian's LXC 5.0.2 (lxc-copy, lxc-snapshot) on the same busybox
# template, same user, same run (issue 15): an overlay clone (copy -s), a dir copy of a rootfs with
# 50,000 more files, and a snapshot followed by a restore in place. No network on either side.
set -euo pipefail
scratch=$1 bin=$2
cp -a /etc "$scratch/etc"; mount --bind "$scratch/etc" /etc
mount -t tmpfs tmpfs /run; mount -t tmpfs tmpfs /home
pfx=$scratch/usr; mkdir -p "$pfx/bin"; chmod 755 "$scratch" "$pfx" "$pfx/bin"
install -o root -g root -m 4755 "$bin/newuidmap" "$bin/newgidmap" "$pfx/bin/"
install -m 0755 "$bin/userbox" "$bin/userbox-cli" "$bin/usernsexec" "$pfx/bin/"
install -D -m 0755 "$bin/userbox-join" "$pfx/libexec/userbox/userbox-join"
useradd -m -s /bin/sh -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 copybench; chmod 755 /home/copybench
printf 'copybench:2000000:1000000\n' > /etc/subuid; cp /etc/subuid /etc/subgid
mkdir -p /home/copybench/.config/lxc
printf 'lxc.idmap = u 0 2000000 65536\nlxc.idmap = g 0 2000000 65536\n' > /home/copybench/.config/lxc/default.conf
chown -R copybench: /home/copybench
cc -O2 -o "$scratch/asuser" "$(cd "$(dirname "$0")" && pwd)/asuser.c"
export ASUSER_PATH=$pfx/bin:/usr/sbin:/usr/bin:/sbin:/bin
as="$scratch/asuser copybench"
ids="--idmap 'u 0 2100000 65536' --idmap 'g 0 2100000 65536'"
(cd /home/copybench && $as sh -c "lxc-create -n lx -t busybox && lxc-create -n lxbig -t busybox" >/dev/null 2>&1)
(cd /home/copybench && $as sh -c "userbox create ub $ids && userbox create ubbig $ids" >/dev/null)
# 50,000 more files (in 50 directories) in each big rootfs, made by each container's root.
fill() { $as usernsexec -m "u:0:$1:65536" -m "g:0:$1:65536" -- sh -c 'cd "$1" && for d in $(seq 1 50); do mkdir d$d && (cd d$d && seq 1 1000 | xargs touch); done' sh "$2"; }
fill 2000000 /home/copybench/.local/share/lxc/lxbig/rootfs
fill 2100000 /home/copybench/.local/share/userbox/ubbig/rootfs
files() { $as usernsexec -m "u:0:$1:65536" -m "g:0:$1:65536" -- sh -c 'find "$1" | wc -l' sh "$2"; }
echo "files in the big rootfs: LXC $(files 2000000 /home/copybench/.local/share/lxc/lxbig/rootfs), userbox $(files 2100000 /home/copybench/.local/share/userbox/ubbig/rootfs)"
out=$scratch/out; mkdir -p "$out"; chown copybench: "$out"
runs=${BENCH_RUNS_COPY:-20}
hf() { (cd /home/copybench && $as hyperfine -N "$@" >/dev/null); }
hf --runs "$runs" --export-json "$out/clone.json" \
    --prepare "sh -c 'lxc-destroy -n lxs >/dev/null 2>&1; true'" --prepare "sh -c 'userbox destroy ubs >/dev/null 2>&1; true'" \
    -n "lxc-copy -s" "lxc-copy -n lx -N lxs -s" \
    -n "userbox copy -s" "userbox copy -s ub ubs"
# What each side made is what it should be: an overlay clone. Then the clones go (a container with
# clones on it can be neither restored nor destroyed, in LXC as in userbox).
check="LXC $(grep '^lxc.rootfs.path' /home/copybench/.local/share/lxc/lxs/config | cut -d= -f2 | cut -d: -f1), userbox $(grep '^lxc.rootfs.path' /home/copybench/.local/share/userbox/ubs/config | cut -d= -f2 | cut -d: -f1)"
$as sh -c 'lxc-destroy -n lxs; userbox destroy ubs' >/dev/null
hf --runs "${BENCH_RUNS_BIGCOPY:-3}" --export-json "$out/dircopy.json" \
    --prepare "sh -c 'lxc-destroy -n lxd >/dev/null 2>&1; true'" --prepare "sh -c 'userbox destroy ubd >/dev/null 2>&1; true'" \
    -n "lxc-copy (dir)" "lxc-copy -n lxbig -N lxd" \
    -n "userbox copy (dir)" "userbox copy ubbig ubd"
hf --runs "$runs" --export-json "$out/snapshot.json" \
    --prepare "sh -c 'lxc-snapshot -n lx -d ALL >/dev/null 2>&1; true'" --prepare "sh -c 'userbox snapshot ub -d ALL >/dev/null 2>&1; true'" \
    -n "lxc-snapshot, then -r snap0" "sh -c 'lxc-snapshot -n lx >/dev/null && lxc-snapshot -n lx -r snap0'" \
    -n "userbox snapshot, then -r snap0" "sh -c 'userbox snapshot ub >/dev/null && userbox snapshot ub -r snap0'"
big="LXC $(files 2000000 /home/copybench/.local/share/lxc/lxd/rootfs), userbox $(files 2100000 /home/copybench/.local/share/userbox/ubd/rootfs)"
python3 - "$scratch" "$check" "$big" <<'PY'
import json, sys
print()
print(f"clone storage: {sys.argv[2]}; files in the dir copies: {sys.argv[3]}")
print("| userbox vs LXC 5.0.2 (busybox, unprivileged) | LXC median | userbox median | ratio userbox/LXC |")
print("|---|---:|---:|---:|")
for f, label in [("clone", "copy -s (overlay clone)"), ("dircopy", "dir copy, 50,000 more files"),
                 ("snapshot", "snapshot, then restore in place")]:
    r = json.load(open(f"{sys.argv[1]}/out/{f}.json"))["results"]
    t, o = r[0]["median"], r[1]["median"]
    print(f"| {label} | {t*1000:.1f} ms | {o*1000:.1f} ms | {o/t:.2f} |")
PY

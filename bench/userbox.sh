# userbox against Debian's LXC 5.0.2 on the same busybox rootfs template, same user, same run:
# start-to-first-command (start detached, then attach -- true), attach latency, stop -k.
# Both networked (a veth on br0 through lxc-user-nic), both unprivileged with the same idmap.
set -euo pipefail
scratch=$1 bin=$2
cp -a /etc "$scratch/etc"; mount --bind "$scratch/etc" /etc
# A sysfs of this netns (LXC looks for bridges under /sys/class/net), with the host's cgroup
# hierarchies carried over (the limits run below needs them).
mkdir -p "$scratch/cgroup"; mount --rbind /sys/fs/cgroup "$scratch/cgroup"
mount -t tmpfs tmpfs /run; mount -t sysfs sysfs /sys; mount -t tmpfs tmpfs /home
mount --rbind "$scratch/cgroup" /sys/fs/cgroup; umount -R "$scratch/cgroup"
ip link set lo up; ip link add br0 type bridge; ip link set br0 up
pfx=$scratch/usr; mkdir -p "$pfx/bin" "$pfx/libexec/lxc"; chmod 755 "$scratch" "$pfx" "$pfx/bin" "$pfx/libexec" "$pfx/libexec/lxc"
install -o root -g root -m 4755 "$bin/newuidmap" "$bin/newgidmap" "$pfx/bin/"
install -o root -g root -m 4755 "$bin/lxc-user-nic" "$pfx/libexec/lxc/"
install -m 0755 "$bin/userbox" "$bin/userbox-cli" "$bin/usernsexec" "$pfx/bin/"
install -D -m 0755 "$bin/userbox-join" "$pfx/libexec/userbox/userbox-join"
useradd -m -s /bin/sh -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 boxbench; chmod 755 /home/boxbench
printf 'boxbench:2000000:1000000\n' > /etc/subuid; cp /etc/subuid /etc/subgid
mkdir -p /etc/lxc; echo "boxbench veth br0 10" > /etc/lxc/lxc-usernet
mkdir -p /home/boxbench/.config/lxc
cat > /home/boxbench/.config/lxc/default.conf <<CONF
lxc.idmap = u 0 2000000 65536
lxc.idmap = g 0 2000000 65536
lxc.net.0.type = veth
lxc.net.0.link = br0
lxc.net.0.flags = up
lxc.net.0.name = eth0
CONF
chown -R boxbench: /home/boxbench
source "$(cd "$(dirname "$0")" && pwd)/../tests/integration/support/user-cgroups.sh"
tag=ubbench.$$
# Whatever happens, nothing this run started or made outlives it (bench/run also gives it a PID
# namespace of its own).
cleanup() {
    set +e
    [ -x "$scratch/asuser" ] && "$scratch/asuser" boxbench sh -c 'for c in lx lx2; do lxc-stop -k -n $c; done; for c in ub ub2; do userbox stop -k $c; done' >/dev/null 2>&1
    # The monitors leave their cgroups last: wait until they are empty.
    for _ in $(seq 50); do [ -z "$(find /sys/fs/cgroup/*/ -path "*/$tag/*" -name cgroup.procs -exec cat {} + 2>/dev/null)" ] && break; sleep 0.1; done
    remove_test_cgroups
}
trap cleanup EXIT
cc -O2 -o "$scratch/asuser" "$(cd "$(dirname "$0")" && pwd)/asuser.c"
export ASUSER_PATH=$pfx/bin:/usr/sbin:/usr/bin:/sbin:/bin
as="$scratch/asuser boxbench"
(cd /home/boxbench && $as lxc-create -n lx -t busybox >/dev/null 2>&1)
(cd /home/boxbench && $as userbox create ub --idmap 'u 0 2100000 65536' --idmap 'g 0 2100000 65536' \
    --set lxc.net.0.type=veth --set lxc.net.0.link=br0 --set lxc.net.0.flags=up --set lxc.net.0.name=eth0 >/dev/null)
runs=${BENCH_RUNS_BOX:-20}
# hyperfine itself runs as the user, so no wrapper process is timed on either side.
out=$scratch/out; mkdir -p "$out"; chown boxbench: "$out"
hf() { $as hyperfine -N "$@" >/dev/null; }
hf --runs "$runs" --export-json "$out/start.json" \
    --prepare "sh -c 'lxc-stop -k -n lx >/dev/null 2>&1; userbox stop -k ub >/dev/null 2>&1; true'" \
    -n "LXC start+attach" "sh -c 'lxc-start -n lx && lxc-attach -n lx -- true'" \
    -n "userbox start+attach" "sh -c 'userbox start ub >/dev/null && userbox attach ub -- true'"
# Both must run before the attach and stop runs: a start right after a kill can find the old one
# still going (LXC's lxc-start then fails), so try until both run.
up="for i in 1 2 3 4 5 6 7 8 9 10; do lxc-info -n lx -s | grep -q RUNNING || lxc-start -n lx 2>/dev/null; userbox ls --fancy | grep -q '^ub *RUNNING' || userbox start ub >/dev/null 2>&1; lxc-info -n lx -s | grep -q RUNNING && userbox ls --fancy | grep -q '^ub *RUNNING' && break; sleep 0.1; done"
$as sh -c "$up"
hf --runs "$((runs * 5))" --warmup 3 --export-json "$out/attach.json" \
    -n "LXC attach" "lxc-attach -n lx -- true" \
    -n "userbox attach" "userbox attach ub -- true"
hf --runs "$runs" --export-json "$out/stop.json" \
    --prepare "sh -c \"$up\"" \
    -n "LXC stop -k" "lxc-stop -k -n lx" \
    -n "userbox stop -k" "userbox stop -k ub"
$as sh -c 'lxc-stop -k -n lx; userbox stop -k ub' >/dev/null 2>&1 || true

# The same with limits and hooks (issue 18): the user in per-user cgroups of every hierarchy (as the
# seeds' hosts have it), each container with v1 memory, pids and cpu limits and a no-op hook at
# every point both run, so the cgroup set-up and each hook's spawn are in the timing.
make_user_cgroups_for boxbench
limits="lxc.cgroup.memory.limit_in_bytes = 256M
lxc.cgroup.pids.max = 200
lxc.cgroup.cpu.shares = 512"
hooks=""; for h in pre-start pre-mount mount autodev start-host start stop post-stop; do hooks+="lxc.hook.$h = /bin/true"$'\n'; done
(cd /home/boxbench && $as lxc-create -n lx2 -t busybox >/dev/null 2>&1)
printf '%s\n%s' "$limits" "$hooks" >> /home/boxbench/.local/share/lxc/lx2/config
(cd /home/boxbench && $as userbox create ub2 --idmap 'u 0 2200000 65536' --idmap 'g 0 2200000 65536' \
    --set lxc.net.0.type=veth --set lxc.net.0.link=br0 --set lxc.net.0.flags=up --set lxc.net.0.name=eth0 >/dev/null)
printf '%s\n%s' "$limits" "$hooks" >> /home/boxbench/.local/share/userbox/ub2/config
# hyperfine as the user from inside those cgroups (root moves the shell there, then becomes the user).
incg() { bash -c 'for d in "$@"; do [ "$d" = -- ] && break; echo $$ > "$d/cgroup.procs"; shift; done; shift; exec "$@"' _ "${percg[@]}" -- "$@"; }
# Once first, with logs: a side that cannot start with limits here is reported, not timed; and
# both must really have the limit (read on the host while they run).
if ! incg $as sh -c 'lxc-start -n lx2 -l INFO -o "$HOME/lx2.log" && lxc-attach -n lx2 -- true' >/dev/null 2>&1; then
    echo "LXC cannot start lx2 with limits here:"; grep -E "ERROR|WARN" /home/boxbench/lx2.log | tail -8; exit 1
fi
if ! out1=$(incg $as sh -c 'userbox start ub2 && userbox attach ub2 -- true' 2>&1); then
    echo "userbox cannot start ub2 with limits here: $out1"; exit 1
fi
mem=$(printf '%s\n' "${percg[@]}" | grep -m1 /memory/ || true)
applied="LXC $(cat "$mem/lxc.payload.lx2/memory.limit_in_bytes" 2>/dev/null || echo none), userbox $(cat "$mem/lxc.payload.ub2/memory.limit_in_bytes" 2>/dev/null || echo none)"
incg $as sh -c 'lxc-stop -k -n lx2; userbox stop -k ub2' >/dev/null 2>&1 || true
incg $as hyperfine -N --runs "$runs" --export-json "$out/limits.json" \
    --prepare "sh -c 'lxc-stop -k -n lx2 >/dev/null 2>&1; userbox stop -k ub2 >/dev/null 2>&1; true'" \
    -n "LXC start+attach, limits and hooks" "sh -c 'lxc-start -n lx2 && lxc-attach -n lx2 -- true'" \
    -n "userbox start+attach, limits and hooks" "sh -c 'userbox start ub2 >/dev/null && userbox attach ub2 -- true'" >/dev/null
incg $as sh -c 'lxc-stop -k -n lx2; userbox stop -k ub2' >/dev/null 2>&1 || true
sleep 0.5
python3 - "$scratch" "$applied" <<'PY'
import json, sys
print()
print(f"memory.limit_in_bytes of the payload cgroups (256M asked): {sys.argv[2]}")
print("| userbox vs LXC 5.0.2 (busybox, veth, unprivileged) | LXC median | userbox median | ratio userbox/LXC |")
print("|---|---:|---:|---:|")
for f, label in [("start", "start -d, then attach -- true"), ("attach", "attach -- true"), ("stop", "stop -k"),
                 ("limits", "start+attach with v1 limits and 8 hooks")]:
    r = json.load(open(f"{sys.argv[1]}/out/{f}.json"))["results"]
    t, o = r[0]["median"], r[1]["median"]
    print(f"| {label} | {t*1000:.1f} ms | {o*1000:.1f} ms | {o/t:.2f} |")
PY

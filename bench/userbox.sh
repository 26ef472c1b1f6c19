# userbox against Debian's LXC 5.0.2 on the same busybox rootfs template, same user, same run:
# start-to-first-command (start detached, then attach -- true), attach latency, stop -k.
# Both networked (a veth on br0 through lxc-user-nic), both unprivileged with the same idmap.
set -euo pipefail
scratch=$1 bin=$2
cp -a /etc "$scratch/etc"; mount --bind "$scratch/etc" /etc
mount -t tmpfs tmpfs /run; mount -t sysfs sysfs /sys; mount -t tmpfs tmpfs /home
ip link set lo up; ip link add br0 type bridge; ip link set br0 up
pfx=$scratch/usr; mkdir -p "$pfx/bin" "$pfx/libexec/lxc"; chmod 755 "$scratch" "$pfx" "$pfx/bin" "$pfx/libexec" "$pfx/libexec/lxc"
install -o root -g root -m 4755 "$bin/newuidmap" "$bin/newgidmap" "$pfx/bin/"
install -o root -g root -m 4755 "$bin/lxc-user-nic" "$pfx/libexec/lxc/"
install -m 0755 "$bin/userbox" "$bin/userbox-cli" "$bin/usernsexec" "$pfx/bin/"
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
python3 - "$scratch" <<'PY'
import json, sys
print()
print("| userbox vs LXC 5.0.2 (busybox, veth, unprivileged) | LXC median | userbox median | ratio userbox/LXC |")
print("|---|---:|---:|---:|")
for f, label in [("start", "start -d, then attach -- true"), ("attach", "attach -- true"), ("stop", "stop -k")]:
    r = json.load(open(f"{sys.argv[1]}/out/{f}.json"))["results"]
    t, o = r[0]["median"], r[1]["median"]
    print(f"| {label} | {t*1000:.1f} ms | {o*1000:.1f} ms | {o/t:.2f} |")
PY

# lxc-user-nic create and delete: ours vs LXC 5.0.2's, same run, empty database and 1,000 entries.
# LXC deletes only Open vSwitch ports, so delete is measured on an OVS bridge; this kernel has no
# openvswitch module, so a veth plays the bridge and a do-nothing ovs-vsctl stub (the same one for
# both) answers. Ours does more per delete: it also removes the db line and the host veth.
set -euo pipefail
scratch=$1 bin=$2
cp -a /etc "$scratch/etc"; mount --bind "$scratch/etc" /etc
mount -t tmpfs tmpfs /run
mount -t sysfs sysfs /sys   # LXC's helper checks interfaces through /sys/class/net of this netns
ip link set lo up
ip link add br0 type bridge; ip link set br0 up
useradd -M -s /usr/sbin/nologin nicbench
mkdir -p /etc/lxc "$scratch/bin"; chmod 755 "$scratch" "$scratch/bin"
printf 'nicbench veth br0 100000\n' > /etc/lxc/lxc-usernet
install -o root -g root -m 4755 "$bin/lxc-user-nic" "$scratch/bin/"
setpriv --reuid=nicbench --regid=nicbench --init-groups unshare -U -r -n sleep 600 >/dev/null 2>&1 &
pid=$!
sleep 0.3
mkdir -p /run/lxc
: > "$scratch/empty.db"
for i in $(seq 1000); do echo "other veth br0 lo"; done > "$scratch/full.db"
reset="for l in \$(ip -o link show master br0 | cut -d: -f2 | cut -d@ -f1); do ip link del \$l; done"
as="setpriv --reuid=nicbench --regid=nicbench --init-groups"
runs=${BENCH_RUNS_NIC:-30}
for db in empty full; do
    hyperfine -N --runs "$runs" --export-json "$scratch/nic-$db.json" \
        --prepare "sh -c 'cp $scratch/$db.db /run/lxc/nics; $reset'" \
        -n "LXC lxc-user-nic create" "$as /usr/libexec/lxc/lxc-user-nic create /x c $pid veth br0 eth%d" \
        -n "our lxc-user-nic create" "$as $scratch/bin/lxc-user-nic create /x c $pid veth br0 eth%d" >/dev/null
done
ip link add ovsbr type veth peer name ovsbr-peer; ip link set ovsbr up
printf 'nicbench veth br0 100000\nnicbench veth ovsbr 100000\n' > /etc/lxc/lxc-usernet
mount -t tmpfs tmpfs /usr/local/sbin
printf '#!/bin/sh\nexit 0\n' > /usr/local/sbin/ovs-vsctl; chmod 755 /usr/local/sbin/ovs-vsctl
echo "nicbench veth ovsbr vethdel" > "$scratch/empty-del.db"
cat "$scratch/full.db" "$scratch/empty-del.db" > "$scratch/full-del.db"
recreate="ip link show vethdel >/dev/null 2>&1 || ip link add vethdel type veth peer name vethdelp"
for db in empty full; do
    hyperfine -N --runs "$runs" --export-json "$scratch/del-$db.json" \
        --prepare "sh -c 'cp $scratch/$db-del.db /run/lxc/nics; $recreate'" \
        -n "LXC lxc-user-nic delete" "$as /usr/libexec/lxc/lxc-user-nic delete /x c /proc/$pid/ns/net veth ovsbr vethdel" \
        -n "our lxc-user-nic delete" "$as $scratch/bin/lxc-user-nic delete /x c /proc/$pid/ns/net veth ovsbr vethdel" >/dev/null
done
kill $pid
python3 - "$scratch" <<'PY'
import json, sys
print()
print("| lxc-user-nic (private netns) | LXC 5.0.2 median | ours median | ratio ours/LXC |")
print("|---|---:|---:|---:|")
for kind, what in [("nic", "create, Linux bridge"), ("del", "delete, OVS port (stub ovs-vsctl)")]:
    for db, label in [("empty", "empty database"), ("full", "1,000 database entries")]:
        r = json.load(open(f"{sys.argv[1]}/{kind}-{db}.json"))["results"]
        theirs, ours = r[0]["median"], r[1]["median"]
        print(f"| {what}, {label} | {theirs*1000:.2f} ms | {ours*1000:.2f} ms | {ours/theirs:.2f} |")
PY

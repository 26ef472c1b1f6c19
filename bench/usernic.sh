# lxc-user-nic create: ours vs LXC 5.0.2's, same run, empty database and 1,000 entries.
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
kill $pid
python3 - "$scratch/nic-empty.json" "$scratch/nic-full.json" <<'PY'
import json, sys
print()
print("| lxc-user-nic create (private netns, Linux bridge) | LXC 5.0.2 median | ours median | ratio ours/LXC |")
print("|---|---:|---:|---:|")
for path, label in zip(sys.argv[1:], ["empty database", "1,000 database entries"]):
    r = json.load(open(path))["results"]
    theirs, ours = r[0]["median"], r[1]["median"]
    print(f"| {label} | {theirs*1000:.2f} ms | {ours*1000:.2f} ms | {ours/theirs:.2f} |")
PY

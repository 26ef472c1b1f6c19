# The Python API (issue 16): userbox's package against Debian's python3-lxc (LXC 5.0.2) on the
# same busybox template, same user and map, same run: Container.start and the
# attach_wait(attach_run_command, ["true"]) round trip, timed inside Python (medians).
set -euo pipefail
scratch=$1 bin=$2 here=$3
cp -a /etc "$scratch/etc"; mount --bind "$scratch/etc" /etc
mount -t tmpfs tmpfs /run; mount -t tmpfs -o mode=0755 tmpfs /home
pfx=$scratch/usr; mkdir -p "$pfx/bin" "$pfx/lib"; chmod 755 "$scratch" "$pfx" "$pfx/bin" "$pfx/lib"
install -o root -g root -m 4755 "$bin/newuidmap" "$bin/newgidmap" "$pfx/bin/"
install -m 0755 "$bin/userbox" "$bin/userbox-cli" "$bin/usernsexec" "$pfx/bin/"
install -D -m 0755 "$bin/userbox-join" "$pfx/libexec/userbox/userbox-join"
cp -a "$bin"/lib/libuserbox.so* "$pfx/lib/"; mkdir -p "$pfx/share" && cp -a "$bin/share/userbox" "$pfx/share/"; chmod -R a+rX "$pfx"
useradd -m -s /bin/sh -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 pybench; chmod 755 /home/pybench
printf 'pybench:2000000:1000000\n' > /etc/subuid; cp /etc/subuid /etc/subgid
mkdir -p /home/pybench/.config/lxc /home/pybench/.local/share/lxc
printf 'lxc.idmap = u 0 2000000 65536\nlxc.idmap = g 0 2000000 65536\n' > /home/pybench/.config/lxc/default.conf
chown -R pybench: /home/pybench
cc -O2 -o "$scratch/asuser" "$here/asuser.c"
export ASUSER_PATH=$pfx/bin:/usr/sbin:/usr/bin:/sbin:/bin
as="$scratch/asuser pybench"
$as lxc-create -n lx -t busybox >/dev/null 2>&1
$as userbox create ub --idmap 'u 0 2100000 65536' --idmap 'g 0 2100000 65536' >/dev/null
runs=${BENCH_RUNS_PYTHON:-20}
theirs=$($as /usr/bin/python3 "$here/python_api.py" lxc lx "$runs")
ours=$($as env USERBOX_LIBRARY="$pfx/lib/libuserbox.so.1" PYTHONPATH="$(cd "$here/.." && pwd)/python" /usr/bin/python3 "$here/python_api.py" userbox ub "$runs")
python3 - "$theirs" "$ours" <<'PY'
import json, sys
t, o = json.loads(sys.argv[1]), json.loads(sys.argv[2])
print()
print(f"| Python API, userbox vs python3-lxc 5.0 (LXC 5.0.2; busybox, unprivileged, medians of {t['runs']} starts, {5 * t['runs']} attaches) | python3-lxc | userbox | ratio |")
print("|---|---:|---:|---:|")
for key, label in [("start", "Container.start()"), ("attach", 'attach_wait(attach_run_command, ["true"])')]:
    print(f"| {label} | {t[key] * 1000:.1f} ms | {o[key] * 1000:.1f} ms | {o[key] / t[key]:.2f} |")
PY

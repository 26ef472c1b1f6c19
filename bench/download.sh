# userbox create -t download against Debian's LXC 5.0.2 lxc-create -t download (issue 14): the same
# Debian bookworm minbase image (built here by mmdebstrap, as t_download_debian builds it), the same
# loopback HTTPS server, the same user and map, each from its own warm cache. Network: the package
# lists for mmdebstrap come from deb.debian.org; everything else is loopback.
set -euo pipefail
scratch=$1 bin=$2 here=$3
cp -a /etc "$scratch/etc"; mount --bind "$scratch/etc" /etc
mount -t tmpfs tmpfs /run; mount -t tmpfs -o mode=0755 tmpfs /home
mkdir -p "$scratch/work"
export BIN=$bin SCRATCH=$scratch WORK=$scratch/work REPO=$(cd "$here/.." && pwd) LC_ALL=C
source "$REPO/tests/integration/lib.sh"
source "$REPO/tests/integration/support/test_ca.sh"
source "$REPO/tests/integration/support/image_server.sh"
userbox_user dlbench
test_ca $SCRATCH/ca >/dev/null; chmod 755 $SCRATCH/ca; chmod 644 $SCRATCH/ca/ca.pem
make_debian_image $SCRATCH/www 20261203_06:00 dlbench || { tail -15 "$debian_log"; exit 1; }
serve_images 8457 $SCRATCH/www
mkdir -p /home/dlbench/.config/lxc
printf 'lxc.idmap = u 0 2000000 65536\nlxc.idmap = g 0 2000000 65536\n' > /home/dlbench/.config/lxc/default.conf
echo "ca_certificate = $SCRATCH/ca/ca.pem" > /home/dlbench/.wgetrc
chown -R dlbench: /home/dlbench/.config /home/dlbench/.wgetrc
arch=$(dpkg --print-architecture)
cc -O2 -o "$scratch/asuser" "$here/asuser.c"
export ASUSER_PATH=$pfx/bin:/usr/sbin:/usr/bin:/sbin:/bin
as="$scratch/asuser dlbench"
lxc="lxc-create -n lx -t download -- --server 127.0.0.1:8457 -d debian -r bookworm -a $arch"
ours="userbox create ub -t download -- --ca $SCRATCH/ca/ca.pem --server https://127.0.0.1:8457 -d debian -r bookworm -a $arch"
# Warm both caches (the first create of each downloads).
$as sh -c "$lxc && lxc-destroy -n lx && $ours && userbox destroy ub" >/dev/null
out=$scratch/out; mkdir -p "$out"; chown dlbench: "$out"
$as hyperfine -N --runs "${BENCH_RUNS_DOWNLOAD:-5}" --export-json "$out/download.json" \
    --prepare "sh -c 'lxc-destroy -n lx >/dev/null 2>&1; true'" --prepare "sh -c 'userbox destroy ub >/dev/null 2>&1; true'" \
    -n "lxc-create -t download" "$lxc" -n "userbox create -t download" "$ours" >/dev/null
files=$(find /home/dlbench/.local/share/userbox/ub/rootfs | wc -l)
python3 - "$out/download.json" "$files" "$(du -sm $debian_rootfs | cut -f1)" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
t, o = r[0]["median"], r[1]["median"]
print()
print(f"| userbox vs LXC 5.0.2, create -t download from a warm cache (bookworm minbase, {sys.argv[3]} MiB .tar.xz, {sys.argv[2]} paths) | LXC median | userbox median | ratio userbox/LXC |")
print("|---|---:|---:|---:|")
print(f"| create -t download, warm cache | {t*1000:.0f} ms | {o*1000:.0f} ms | {o/t:.2f} |")
PY

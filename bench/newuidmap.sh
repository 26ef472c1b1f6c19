# newuidmap exec-to-exit on a fresh user namespace: ours vs shadow 4.13, same run.
set -euo pipefail
scratch=$1 bin=$2 here=$3
cp -a /etc "$scratch/etc"; mount --bind "$scratch/etc" /etc
useradd -M -s /usr/sbin/nologin -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 mapbench
printf 'mapbench:100000:65536\n' > /etc/subuid; cp /etc/subuid /etc/subgid
mkdir -p "$scratch/bin"; chmod 755 "$scratch" "$scratch/bin"
install -s -o root -g root -m 4755 "$bin/newuidmap" "$scratch/bin/newuidmap"
cc -O2 -o "$scratch/mapbench" "$here/mapbench.c"
runs=${BENCH_RUNS_MAP:-300}
"$scratch/mapbench" "$runs" "$(id -u mapbench)" "$(id -g mapbench)" 100000 65536 /usr/bin/newuidmap "$scratch/bin/newuidmap" > "$scratch/map.txt"
read -r theirs _ < <(sed -n 1p "$scratch/map.txt")
read -r ours _ < <(sed -n 2p "$scratch/map.txt")
size=$(stat -c %s "$scratch/bin/newuidmap"); theirsize=$(stat -c %s /usr/bin/newuidmap)
echo
echo "| newuidmap, exec to exit, fresh user namespace, median of $runs | shadow 4.13 | ours | ratio ours/shadow |"
echo "|---|---:|---:|---:|"
python3 -c "import sys; t,o=float(sys.argv[1]),float(sys.argv[2]); print(f'| time | {t/1000:.2f} ms | {o/1000:.2f} ms | {o/t:.2f} |')" "$theirs" "$ours"
echo "| binary size (stripped) | $theirsize B | $size B | |"

# The same call with the range served by an nsswitch `subid:` plugin (the tests' libsubid_testsrc.so,
# shadow's plugin ABI), for both: Debian's newuidmap dlopens it by name, ours by absolute path after
# its ownership checks. The plugin goes into the system library directory through an overlay that
# exists only in this mount namespace.
libdir=/usr/lib/$(gcc -print-multiarch)
mkdir -p "$scratch/libup" "$scratch/libwork"
mount -t overlay overlay -o lowerdir=$libdir,upperdir=$scratch/libup,workdir=$scratch/libwork $libdir
cc -shared -fPIC -O2 -o $libdir/libsubid_testsrc.so "$here/../tests/integration/support/libsubid_testsrc.c"
chmod 755 $libdir/libsubid_testsrc.so
printf 'u mapbench 100000 65536\ng mapbench 100000 65536\n' > /etc/subid-testsrc; chmod 644 /etc/subid-testsrc
{ grep -vi '^subid:' /etc/nsswitch.conf; echo "subid: testsrc"; } > "$scratch/nsswitch.conf"
install -m 644 "$scratch/nsswitch.conf" /etc/nsswitch.conf
: > /etc/subuid; : > /etc/subgid
"$scratch/mapbench" "$runs" "$(id -u mapbench)" "$(id -g mapbench)" 100000 65536 /usr/bin/newuidmap "$scratch/bin/newuidmap" > "$scratch/plugin.txt"
read -r theirs _ < <(sed -n 1p "$scratch/plugin.txt")
read -r ours _ < <(sed -n 2p "$scratch/plugin.txt")
python3 -c "import sys; t,o=float(sys.argv[1]),float(sys.argv[2]); print(f'| time, range from the \`subid: testsrc\` plugin | {t/1000:.2f} ms | {o/1000:.2f} ms | {o/t:.2f} |')" "$theirs" "$ours"
umount -l $libdir

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

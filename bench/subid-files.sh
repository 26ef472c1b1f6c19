# /etc/subuid with 50,000 entries: getsubids lookup and a grant, ours vs shadow 4.13.
set -euo pipefail
scratch=$1 bin=$2
cp -a /etc "$scratch/etc"; mount --bind "$scratch/etc" /etc
for d in /home /var/log /var/mail; do mount -t tmpfs tmpfs "$d"; done
useradd -M -s /usr/sbin/nologin -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 benchuser
python3 - "$scratch/subuid.50k" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(49999):
        f.write(f"user{i}:{100000 + i * 65536}:65536\n")
    f.write("benchuser:4000000000:65536\n")
PY
cp "$scratch/subuid.50k" /etc/subuid; cp "$scratch/subuid.50k" /etc/subgid
runs=${BENCH_RUNS:-30}
hyperfine -N --warmup 3 --runs "$runs" --export-json "$scratch/lookup.json" \
    -n "shadow getsubids" "/usr/bin/getsubids benchuser" \
    -n "our getsubids" "$bin/getsubids benchuser" >/dev/null
hyperfine --warmup 2 --runs "$runs" --export-json "$scratch/grant.json" \
    --prepare "cp $scratch/subuid.50k /etc/subuid; rm -f /etc/subuid-" \
    -n "shadow usermod --add-subuids" "usermod --add-subuids 4100000000-4100065535 benchuser" \
    -n "our subid grant" "$bin/subid grant benchuser --uids 4100000000-4100065535" >/dev/null
python3 - "$scratch/lookup.json" "$scratch/grant.json" <<'PY'
import json, sys
print("| benchmark (50,000-entry /etc/subuid) | shadow 4.13 median | ours median | ratio ours/shadow |")
print("|---|---:|---:|---:|")
for path, label in zip(sys.argv[1:], ["getsubids lookup", "grant (usermod --add-subuids vs subid grant)"]):
    r = json.load(open(path))["results"]
    theirs, ours = r[0]["median"], r[1]["median"]
    print(f"| {label} | {theirs*1000:.2f} ms | {ours*1000:.2f} ms | {ours/theirs:.2f} |")
PY

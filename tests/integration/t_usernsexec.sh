# usernsexec against Debian's lxc-usernsexec: same maps, same id, same file owners; exit status.
ours=$SCRATCH/bin
mkdir -p "$ours"; chmod 755 "$SCRATCH"
install -o root -g root -m 4755 "$BIN/newuidmap" "$BIN/newgidmap" "$ours/"
install -m 0755 "$BIN/usernsexec" "$ours/"
new_user erin
E=$(id -u erin) EG=$(id -g erin)
printf 'erin:100000:65536\n' > /etc/subuid; printf 'erin:200000:65536\n' > /etc/subgid
work=$SCRATCH/files; mkdir -p "$work"; chown erin:erin "$work"
cd /tmp
as() { env PATH="$ours:/usr/sbin:/usr/bin:/sbin:/bin" setpriv --reuid=erin --regid=erin --init-groups "$@"; }
show='cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups; id'

compat() {
    local name=$1; shift
    local theirs ours_out
    theirs=$(as lxc-usernsexec "$@" -- sh -c "$show" 2>/dev/null)
    ours_out=$(as "$ours/usernsexec" "$@" -- sh -c "$show" 2>/dev/null)
    same "usernsexec $name: same maps and id as lxc-usernsexec" "$theirs" "$ours_out"
}
compat "default maps"
compat "-m b:0:100000:65536" -m b:0:100000:65536
compat "-m u:0:100000:10 -m g:0:200000:10" -m u:0:100000:10 -m g:0:200000:10
compat "-m b:0:$E:1 -m b:1:100000:10" -m b:0:"$E":1 -m u:1:100000:10 -m g:1:200000:10
compat "-s with default maps" -s
compat "-s with -m" -m u:0:100000:10 -m g:0:200000:10 -s

# Files created or chowned inside are owned by the mapped host ids (lxc-test-usernsexec's matrix).
for impl in lxc-usernsexec "$ours/usernsexec"; do
    rm -f "$work"/f1 "$work"/f2
    as $impl -m u:0:"$E":1 -m g:0:"$EG":1 -m u:1:100000:10 -m g:1:200000:10 -- \
        sh -c "touch $work/f1 $work/f2 && chown 1:1 $work/f1 && chown :1 $work/f2" 2>/dev/null
    owners+=("$(stat -c '%n %u:%g' "$work/f1" "$work/f2" | sed "s|$work/||")")
done
same "chown inside gives the same host owners" "${owners[0]}" "${owners[1]}"
same "chown 1:1 inside is 100000:200000 on the host" "f1 100000:200000
f2 $E:200000" "${owners[1]}"

# The LXC documentation's chown trick.
touch "$work/trick"; chown erin:erin "$work/trick"
printf 'erin:100000:65536\n' > /etc/subgid   # the docs' user has the same subuid and subgid range
as "$ours/usernsexec" -m b:0:100000:1 -m b:$E:$E:1 -- chown 0 "$work/trick"
same "usernsexec -m b:0:100000:1 -m b:$E:$E:1 -- chown 0 FILE leaves it owned by 100000" "100000" "$(stat -c %u "$work/trick")"
printf 'erin:200000:65536\n' > /etc/subgid

# Exit status and signals.
as "$ours/usernsexec" -- sh -c 'exit 7'; same "exit status is propagated" 7 $?
as "$ours/usernsexec" -- sh -c 'kill -9 $$'; same "death by SIGKILL exits 137" 137 $?
as lxc-usernsexec -- sh -c 'kill -9 $$' 2>/dev/null; same "(lxc-usernsexec reports 0 there: documented deviation)" 0 $?
as "$ours/usernsexec" -- sh -c 'kill -TERM $$'; same "death by SIGTERM exits 143" 143 $?
out=$(as "$ours/usernsexec" -- /nonexistent 2>&1); rc=$?
same "a missing command exits 127 with a message" "127 usernsexec: cannot execute /nonexistent: No such file or directory" "$rc $out"
same "stdin and stdout pass through" "hello" "$(echo hello | as "$ours/usernsexec" -- cat)"

# Mapping failures stop (lxc-usernsexec carries on and runs the command unmapped).
out=$(as "$ours/usernsexec" -m b:0:300000:10 -- touch "$work/should-not-exist" 2>&1); rc=$?
same "a range not allocated stops with status 1" 1 "$rc"
check "and says which helper failed" grep -q "newuidmap failed" <<<"$out"
check "and the command did not run" test ! -e "$work/should-not-exist"
printf '' > /etc/subuid
out=$(as "$ours/usernsexec" -- true 2>&1); rc=$?
same "no subordinate range: a message naming the fix" "1 usernsexec: erin has no subordinate uid or gid range in /etc/subuid or /etc/subgid: ask an admin to run \`subid allocate erin\`, or give maps with -m" "$rc $out"
printf 'erin:100000:65536\n' > /etc/subuid
env PATH=/usr/bin:/bin setpriv --reuid=erin --regid=erin --init-groups "$BIN/usernsexec" -- true; rc=$?
same "non-setuid helpers beside it are skipped for privileged ones on PATH" 0 "$rc"
out=$(env PATH=/nonexistent /usr/bin/setpriv --reuid=erin --regid=erin --init-groups "$BIN/usernsexec" -- true 2>&1); rc=$?
same "no privileged helper anywhere: a clear refusal" "1 usernsexec: newuidmap not found: install it setuid root (or with file capabilities) beside usernsexec or on PATH" "$rc $out"
out=$(as "$ours/usernsexec" -m x:0:1:1 2>&1); rc=$?
same "a bad -m is a usage error" "1 usernsexec: bad map 'x:0:1:1': expected u|g|b:NSID:HOSTID:RANGE" "$rc $(head -1 <<<"$out")"
same "-h prints usage on stdout, exit 0" "0 usage:" "$(as "$ours/usernsexec" -h | head -1 | cut -d' ' -f1 | sed 's/^/0 /')"
same "a final line without newline maps the full count (lxc chops a digit)" "0 100000 65536" \
    "$(printf 'erin:100000:65536' > /etc/subuid; as "$ours/usernsexec" -- cat /proc/self/uid_map | awk '{$1=$1};1')"

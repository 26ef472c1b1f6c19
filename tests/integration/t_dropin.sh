# Real clients with our helpers first on PATH get the same maps as with shadow's.
ours=$SCRATCH/bin
mkdir -p "$ours"
install -o root -g root -m 4755 "$BIN/newuidmap" "$BIN/newgidmap" "$ours/"
broken=$SCRATCH/broken
mkdir -p "$broken"
install -m 0755 "$BIN/newuidmap" "$BIN/newgidmap" "$broken/"   # not setuid: must fail
chmod 755 "$SCRATCH"
new_user carol
printf 'carol:100000:65536\n' > /etc/subuid; printf 'carol:200000:65536\n' > /etc/subgid
cd /tmp

# client NAME COMMAND...: run as carol with PATH=ours first, then shadow's, then a non-setuid copy.
client() {
    local name=$1; shift
    local with_ours with_shadow with_broken
    with_ours=$(env PATH="$ours:/usr/sbin:/usr/bin:/sbin:/bin" setpriv --reuid=carol --regid=carol --init-groups "$@" 2>&1)
    with_shadow=$(env PATH="/usr/sbin:/usr/bin:/sbin:/bin" setpriv --reuid=carol --regid=carol --init-groups "$@" 2>&1)
    with_broken=$(env PATH="$broken:/usr/sbin:/usr/bin:/sbin:/bin" setpriv --reuid=carol --regid=carol --init-groups "$@" 2>&1)
    same "$name: same maps with ours as with shadow's" "$with_shadow" "$with_ours"
    check "$name: the maps are the subordinate ones (not a fallback)" grep -q 100000 <<<"$with_ours"
    if [ "$with_broken" = "$with_ours" ]; then not_ok "$name: control: a non-setuid copy first on PATH changes the outcome" "$with_broken"
    else ok "$name: control: a non-setuid copy first on PATH changes the outcome (so ours was the one used)"; fi
}

show='cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups; id -u; id -g'
client "unshare --map-auto --map-root-user" unshare --map-auto --map-root-user sh -c "$show"
client "unshare --map-users --map-groups" unshare --map-users=100000,0,65536 --map-groups=200000,0,65536 --setgroups=allow sh -c "$show"
client "lxc-usernsexec -m b:0:100000:1" lxc-usernsexec -m u:0:100000:65536 -m g:0:200000:65536 -- sh -c "$show"
client "lxc-usernsexec default maps" lxc-usernsexec -- sh -c "$show"

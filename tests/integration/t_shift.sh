# Tree shifting and removal: exact round trips, ACLs, capabilities, setuid bits, hard links, traps.
ours=$SCRATCH/bin
mkdir -p "$ours"; chmod 755 "$SCRATCH"
install -o root -g root -m 4755 "$BIN/newuidmap" "$BIN/newgidmap" "$ours/"
install -m 0755 "$BIN/usernsexec" "$ours/"
tree=$SCRATCH/tree
snapshot() {  # owners, modes, ACLs and capabilities of everything under $1, paths relative
    (cd "$1" && find . -printf '%p %U:%G %m %y\n' | sort
     getfacl -R -n -p . 2>/dev/null | grep -v '^# file' | sed '/^$/d'
     getcap -r -n . 2>/dev/null | sort)
}
make_tree() {
    rm -rf "$tree"; mkdir -p "$tree/etc" "$tree/usr/bin" "$tree/home/u" "$tree/tmp"
    echo x > "$tree/etc/passwd"; chown 0:0 "$tree/etc/passwd"
    echo y > "$tree/home/u/file"; chown -R 1000:1000 "$tree/home/u"
    echo z > "$tree/usr/bin/su"; chmod 4755 "$tree/usr/bin/su"
    echo w > "$tree/usr/bin/wall"; chown 0:5 "$tree/usr/bin/wall"; chmod 2755 "$tree/usr/bin/wall"
    echo p > "$tree/usr/bin/ping"; setcap cap_net_raw+ep "$tree/usr/bin/ping"
    ln "$tree/usr/bin/su" "$tree/usr/bin/su-hardlink"
    ln -s /etc/passwd "$tree/etc/abs-link"; chown -h 33:33 "$tree/etc/abs-link"
    chmod 1777 "$tree/tmp"
    echo a > "$tree/home/u/acl"; chown 1000:1000 "$tree/home/u/acl"
    setfacl -m u:1001:rw,g:1002:r "$tree/home/u/acl"; setfacl -d -m u:1003:rwx "$tree/home/u"
    echo n > "$tree/nobody"; chown 65534:65534 "$tree/nobody"
    mkfifo "$tree/fifo"; chown 7:7 "$tree/fifo"
}

# As root on the host: shift 0..65535 -> 100000.., then back; the tree must be exactly as before.
make_tree
before=$(snapshot "$tree")
out=$("$BIN/usernsexec" --shift "$tree" u:0:100000:65536 g:0:200000:65536); rc=$?
same "shift as root succeeds" 0 "$rc"
same "owners shifted" "100000:200000
101000:201000
165534:265534
100033:200033" "$(stat -c '%u:%g' "$tree/etc/passwd" "$tree/home/u/file" "$tree/nobody" "$tree/etc/abs-link")"
same "setuid and setgid bits kept" "4755 2755" "$(stat -c '%a' "$tree/usr/bin/su" "$tree/usr/bin/wall" | tr '\n' ' ' | sed 's/ $//')"
same "hard link shifted once (both names agree)" "100000:200000 100000:200000" "$(stat -c '%u:%g' "$tree/usr/bin/su" "$tree/usr/bin/su-hardlink" | tr '\n' ' ' | sed 's/ $//')"
same "symlink itself shifted, target untouched" "0:0" "$(stat -c '%u:%g' /etc/passwd)"
check "ACL entries shifted" sh -c "getfacl -n -p '$tree/home/u/acl' | grep -qx 'user:101001:rw-' && getfacl -n -p '$tree/home/u/acl' | grep -qx 'group:201002:r--'"
check "default ACL entries shifted" sh -c "getfacl -n -p '$tree/home/u' | grep -qx 'default:user:101003:rwx'"
check "file capability kept, rootid shifted" sh -c "getcap -n '$tree/usr/bin/ping' | grep -q 'cap_net_raw=ep.*rootid=100000'"
same "the fifo was shifted without being opened" "100007:200007" "$(stat -c '%u:%g' "$tree/fifo")"
again=$("$BIN/usernsexec" --shift "$tree" u:0:100000:65536 g:0:200000:65536)
same "a second run changes nothing (restartable)" "shifted 0 of 16 entries under $tree" "$again"
"$BIN/usernsexec" --shift "$tree" u:100000:0:65536 g:200000:0:65536 >/dev/null
same "shift then unshift gives back every owner, mode, ACL and capability" "$before" "$(snapshot "$tree")"

# Interrupted: half the tree already shifted by hand; a run finishes it exactly.
make_tree
"$BIN/usernsexec" --shift "$tree" u:0:100000:65536 g:0:200000:65536 >/dev/null
expected=$(snapshot "$tree")
make_tree
chown 100000:200000 "$tree/etc/passwd"; chown -R 101000:201000 "$tree/home/u"
"$BIN/usernsexec" --shift "$tree" u:0:100000:65536 g:0:200000:65536 >/dev/null
same "an interrupted shift completes to the same result" "$(echo "$expected" | grep -v acl)" "$(snapshot "$tree" | grep -v acl)"
out=$("$BIN/usernsexec" --shift "$tree" u:0:10:100 2>&1); rc=$?
same "overlapping source and target refused" "1" "$rc"

# Traps: symlinks out of the tree and a bind mount inside it.
outside=$SCRATCH/outside; mkdir -p "$outside"; echo keep > "$outside/keep"; chown 5:5 "$outside/keep"
make_tree
ln -s "$outside" "$tree/escape"; mkdir "$tree/mnt"; mount --bind "$outside" "$tree/mnt"
err=$("$BIN/usernsexec" --shift "$tree" u:0:100000:65536 g:0:200000:65536 2>&1 >/dev/null)
same "shift does not follow a symlink or enter a bind mount" "5:5" "$(stat -c '%u:%g' "$outside/keep")"
check "shift names the mount it left alone" grep -q "$tree/mnt: another filesystem" <<<"$err"
out=$("$BIN/usernsexec" --remove "$tree" 2>&1); rc=$?
same "remove refuses with a mount inside, naming it" "1 yes" "$rc $(grep -q "$tree/mnt" <<<"$out" && echo yes)"
check "and the mounted directory's content survives" test -f "$outside/keep"
umount "$tree/mnt"
"$BIN/usernsexec" --remove "$tree"; rc=$?
same "remove succeeds once unmounted" "0 gone" "$rc $(test -e "$tree" || echo gone)"
check "nothing outside the tree was removed" test -f "$outside/keep"

# Unprivileged: erin shifts a tree she made into her subordinate range, then removes it.
new_user erin
E=$(id -u erin)
printf 'erin:100000:65536\n' > /etc/subuid; printf 'erin:100000:65536\n' > /etc/subgid
home=$SCRATCH/erin; mkdir -p "$home"; chown erin:erin "$home"
as() { setpriv --reuid=erin --regid=erin --init-groups "$@"; }
as sh -c "mkdir -p $home/rootfs/etc $home/rootfs/bin && echo x > $home/rootfs/etc/hostname && ln -s /bin/sh $home/rootfs/bin/sh2"
as "$ours/usernsexec" -s --shift "$home/rootfs" b:65536:0:1 >/dev/null; rc=$?
same "erin's usernsexec -s --shift moves her files to her range's first id" "0 100000:100000 100000:100000" \
    "$rc $(stat -c '%u:%g' "$home/rootfs/etc/hostname" "$home/rootfs/bin/sh2" | tr '\n' ' ' | sed 's/ $//')"
as "$ours/usernsexec" -m b:0:100000:1 --shift "$home/rootfs" b:0:1:1 2>/dev/null; rc=$?
same "a shift to ids outside her maps fails" 1 "$rc"
as "$ours/usernsexec" -s --remove "$home/rootfs"; rc=$?
same "erin removes the shifted tree" "0 gone" "$rc $(test -e "$home/rootfs" || echo gone)"
mkdir -p "$SCRATCH/rootowned/x"
as "$ours/usernsexec" -s --remove "$SCRATCH/rootowned" 2>/dev/null; rc=$?
same "erin cannot remove a tree she does not own" "1 kept" "$rc $(test -d "$SCRATCH/rootowned/x" && echo kept)"

as mkdir -p "$home/unmappable"
out=$(as "$ours/usernsexec" -m b:0:100000:10 -s --shift "$home/unmappable" b:10:500:1 2>&1); rc=$?
same "a shift onto ids the namespace does not map fails, saying so" "1 yes" "$rc $(grep -q 'not mapped in this namespace' <<<"$out" && echo yes)"

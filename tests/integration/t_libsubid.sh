# libsubid (issue 21): our libsubid.so.4 against shadow's (Debian's libsubid4, 4.13). A C program
# (support/libsubid_calls.c) linked against each in turn makes the same calls on the same files
# and plugin; the answers must match apart from the deliberate differences README lists, each
# checked here for what ours does. Then Debian's podman, pointed at ours with LD_LIBRARY_PATH,
# runs `podman unshare` and `--userns=auto` with ranges only the plugin (through ours) knows.
libdir=/usr/lib/$(gcc -print-multiarch)
# crun needs a cgroup2-only view (this host is hybrid): mounted before any podman runs, so its
# pause process's mount namespace has it too.
mount -t cgroup2 none /sys/fs/cgroup || not_ok "cgroup2 over /sys/fs/cgroup"
mkdir -p $SCRATCH/libup $SCRATCH/libwork $SCRATCH/c $SCRATCH/lib
mount -t overlay overlay -o lowerdir=$libdir,upperdir=$SCRATCH/libup,workdir=$SCRATCH/libwork $libdir || not_ok "overlay on $libdir"
gcc -shared -fPIC -O2 -o $libdir/libsubid_testsrc.so "$REPO/tests/integration/support/libsubid_testsrc.c" || not_ok "build the test plugin"
chmod 755 $libdir/libsubid_testsrc.so
cp -a "$BIN"/lib/libsubid.so.* $SCRATCH/lib/; chmod 755 $SCRATCH $SCRATCH/lib
src=$REPO/tests/integration/support/libsubid_calls.c
# One program, linked against shadow's (ABI 4: arrays released with free) and against ours (ABI 5:
# with subid_free), both compiled with our subid.h: its declarations are shadow's ABI.
gcc -O2 -Wall -Werror -I"$REPO/libsubid" -o $SCRATCH/c/shadow "$src" $libdir/libsubid.so.4 || not_ok "build against shadow's libsubid"
gcc -O2 -Wall -Werror -DHAVE_SUBID_FREE -I"$REPO/libsubid" -o $SCRATCH/c/ours "$src" -L$SCRATCH/lib -l:libsubid.so.4 -Wl,-rpath,$SCRATCH/lib \
    || not_ok "build against ours"
check "each program loads the library it was linked against" \
    test -n "$(ldd $SCRATCH/c/ours | grep "libsubid.so.4 => $SCRATCH/lib/")" -a -n "$(ldd $SCRATCH/c/shadow | grep "libsubid.so.4 => .*$libdir\|libsubid.so.4 => /lib/")"

# The ABI: exactly the header's functions are exported, shadow's among them, soname libsubid.so.4.
header=$(grep -oE '^[a-z].* \**(subid_[a-z_]+)\(' "$REPO/libsubid/subid.h" | grep -oE 'subid_[a-z_]+' | sort | paste -sd' ')
exported=$(nm -D --defined-only $SCRATCH/lib/libsubid.so.4 | awk '$2 == "T" {print $3}' | sort | paste -sd' ')
same "exported symbols are the header's functions" "$header" "$exported"
missing=$(comm -23 <(nm -D --defined-only $libdir/libsubid.so.4 | awk '$2 == "T" {print $3}' | sort) <(tr ' ' '\n' <<<"$exported"))
same "every function shadow's libsubid.so.4 exports is exported" "" "$missing"
same "soname" "libsubid.so.4" "$(readelf -d $SCRATCH/lib/libsubid.so.4 | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')"
check "libsubid.so.5 is the same library" test "$(readlink -f $SCRATCH/lib/libsubid.so.5)" = "$(readlink -f $SCRATCH/lib/libsubid.so.4)"

# calls IMPL CMD...: each command in a process of its own (shadow's reuse path returns with the
# file still locked, so its next call in the same process fails), answers on stdout.
calls() { local impl=$1; shift; for c in "$@"; do $SCRATCH/c/$impl "$c" 2>>$WORK/$impl.err; done; }
both() { local name=$1; shift; same "$name" "$(calls shadow "$@")" "$(calls ours "$@")"; }

new_user carol; new_user dave; new_user erin; new_user frank
groupadd -g 4242 grp4242; new_user -g grp4242 -N hal
C=$(id -u carol) H=$(id -u hal)
grep -v '^subid:' /etc/nsswitch.conf > $WORK/nsswitch.orig
sources() { { cat $WORK/nsswitch.orig; [ -n "$1" ] && echo "subid: $1"; } > /etc/nsswitch.conf; chmod 644 /etc/nsswitch.conf; }
sources files
printf 'carol:100000:65536\n%s:200000:1000\ndave:300000:65536\n%s:400000:10\n' $C $H > /etc/subuid
printf 'carol:100000:65536\n%s:200000:1000\ndave:300000:65536\n%s:400000:10\n4242:500000:10\n' $C $H > /etc/subgid
both "ranges by name, both kinds" ranges:u:carol ranges:g:carol ranges:u:dave ranges:g:dave
both "ranges by uid in decimal" ranges:u:$C ranges:g:$C
both "a user without ranges: 0" ranges:u:frank ranges:g:frank ranges:u:nosuchuser
both "owners of ids held by name, by uid, by nobody" owners:u:100005 owners:u:200999 owners:u:250000 owners:g:300000 owners:g:365535 owners:g:365536
both "a numeric subuid owner matches the user" ranges:u:hal
out=$(calls ours ranges:g:hal ranges:g:grp4242)
# Deliberate (README): a subgid owner is a user, matched by name or uid, as shadow 4.17+ and our
# newgidmap do; shadow 4.13 looks the name up as a group.
same "ours, subgids by the user's uid (shadow 4.17+), not by a group's gid" "ranges:g:hal -> 1 400000+10|ranges:g:grp4242 -> 0" "$(paste -sd'|' <<<"$out")"
same "shadow 4.13 (for the record): the group's gid instead" "ranges:g:hal -> 0|ranges:g:grp4242 -> 1 500000+10" "$(calls shadow ranges:g:hal ranges:g:grp4242 | paste -sd'|')"
# And newgidmap agrees with the library: hal's subgid entry is owned by hal's uid.
install -o root -g root -m 4755 "$BIN/newgidmap" $SCRATCH/c/newgidmap
t=$(new_target hal grp4242); setpriv --reuid=hal --regid=grp4242 --init-groups $SCRATCH/c/newgidmap $t 0 400000 10 2>$WORK/err; rc=$?
same "our newgidmap accepts hal's uid-owned subgid range, as the library lists it ($(cat $WORK/err))" "0 0 400000 10" "$rc $(xargs < /proc/$t/gid_map)"
kill $t
printf 'ghost:600000:10\n' >> /etc/subuid
both "an owner that is no user fails the owners query (-1)" owners:u:600001
mv /etc/subuid $WORK/subuid.keep
both "no /etc/subuid: -1 for ranges and owners" ranges:u:carol owners:u:100000
mv $WORK/subuid.keep /etc/subuid

# Grants and ungrants on the same files, compared as files afterwards.
grants() {
    local impl=$1; shift
    printf 'carol:100000:65536\ndave:165536:65536\n' > /etc/subuid; printf 'carol:100000:65536\n' > /etc/subgid
    calls $impl "$@"; echo "subuid: $(paste -sd' ' /etc/subuid) subgid: $(paste -sd' ' /etc/subgid)"
}
same "grant then ungrant: the same answers and the same files" \
    "$(grants shadow grant:u:erin:100000:65536:0 grant:u:carol:100000:1000:1 grant:g:erin:100000:10:0 ungrant:u:dave:165546:10 ungrant:u:carol:100000:16)" \
    "$(grants ours grant:u:erin:100000:65536:0 grant:u:carol:100000:1000:1 grant:g:erin:100000:10:0 ungrant:u:dave:165546:10 ungrant:u:carol:100000:16)"
# Deliberate differences in grants (README, each a shadow 4.13 defect).
printf 'carol:100000:65536\ndave:300000:65536\n' > /etc/subuid
same "ours fills the first hole at or above SUB_UID_MIN (shadow 4.13 appends after the last range)" \
    "grant:u:erin:0:65536:0 -> true 165536+65536" "$(calls ours grant:u:erin:0:65536:0)"
: > /etc/subuid
same "a start below SUB_UID_MIN is raised to it: never ids 0-65535 (shadow 4.13 grants from 0)" \
    "grant:u:erin:0:10:0 -> true 100000+10" "$(calls ours grant:u:erin:0:10:0)"
printf 'carol:100000:65536\n' > /etc/subuid
same "ungrant of a range the owner does not hold is false, as the header documents (4.13: true)" \
    "ungrant:u:carol:900000:10 -> false" "$(calls ours ungrant:u:carol:900000:10)"
same "reuse without a large enough range grants a new one (4.13: fails, file left locked)" \
    "grant:u:carol:0:100000:1 -> true 165536+100000" "$(calls ours grant:u:carol:0:100000:1)"
same "a second reuse finds it" "grant:u:carol:0:100000:1 -> true 165536+100000" "$(calls ours grant:u:carol:0:100000:1)"
out=$(setpriv --reuid=carol --regid=carol --init-groups $SCRATCH/c/ours grant:u:carol:0:10:0 2>&1)
check "a grant without the right to write the files is false, saying why ($out)" \
    test -n "$(grep -- '-> false' <<<"$out")" -a -n "$(grep 'libsubid-calls: ' <<<"$out")"

# A plugin as the source, and several sources.
cat > /etc/subid-testsrc <<EOT
u erin 600000 65536
g erin 600000 65536
u frank 700000 10
error dave
EOT
chmod 644 /etc/subid-testsrc
printf 'carol:100000:65536\n' > /etc/subuid; cp /etc/subuid /etc/subgid
sources testsrc
both "subid: testsrc: the plugin's ranges and owners" ranges:u:erin ranges:g:erin ranges:u:frank owners:u:600001 owners:u:700009 owners:u:100000
both "a failing source is -1" ranges:u:dave
both "grants and ungrants are refused (false): the source is not ours to write" grant:u:frank:0:10:0 ungrant:u:erin:600000:10
check "ours says why" grep -q "cannot write" $WORK/ours.err
same "deliberate: a user the plugin does not know has no ranges, 0, as with the files (shadow 4.13: -1)" \
    "ranges:u:carol -> 0" "$(calls ours ranges:u:carol)"
echo noowners >> /etc/subid-testsrc
both "a plugin without find_subid_owners (as SSSD's): -1" owners:u:600001
sources "files testsrc"
same "files then testsrc: ours answers from both sources in order (shadow 4.13 uses the first word only)" \
    "ranges:u:carol -> 1 100000+65536|ranges:u:erin -> 1 600000+65536" "$(calls ours ranges:u:carol ranges:u:erin | paste -sd'|')"
same "shadow 4.13 with the same line: files only" "ranges:u:erin -> 0" "$(calls shadow ranges:u:erin)"
sed -i '/noowners/d' /etc/subid-testsrc

# Debian's podman (linked against libsubid.so.4) pointed at ours: erin's ranges exist only in the
# plugin, so with `subid: files testsrc` only ours finds them (shadow 4.13 reads the files alone).
ours=$SCRATCH/bin; mkdir -p $ours; chmod 755 $ours
install -o root -g root -m 4755 "$BIN/newuidmap" "$BIN/newgidmap" $ours/
for h in newuidmap newgidmap; do [ -e /usr/bin/$h ] && mount --bind /bin/false /usr/bin/$h; done
u=$(id -u erin)
rundir=$SCRATCH/run-erin; mkdir -p /home/erin $rundir; chown erin: /home/erin $rundir; chmod 700 $rundir
aserin() {
    setpriv --reuid=erin --regid=erin --init-groups env -i HOME=/home/erin USER=erin LOGNAME=erin XDG_RUNTIME_DIR=$rundir \
        TMPDIR=$rundir PATH=$ours:/usr/sbin:/usr/bin:/sbin:/bin "$@"
}
P="podman --cgroup-manager=cgroupfs --events-backend=file"
maps() { tr -s ' ' | sed 's/^ //' | tr '\n' ';'; }
if command -v podman >/dev/null; then
    out=$(aserin env LD_LIBRARY_PATH=$SCRATCH/lib $P unshare cat /proc/self/uid_map /proc/self/gid_map 2>$WORK/err | maps)
    same "podman unshare with our libsubid: the plugin's ranges ($(tail -1 $WORK/err))" "0 $u 1;1 600000 65536;0 $u 1;1 600000 65536;" "$out"
    aserin $P system migrate >/dev/null 2>&1
    out=$(aserin $P unshare cat /proc/self/uid_map 2>/dev/null | maps)
    same "control: with shadow's libsubid podman finds none (single mapping)" "0 $u 1;" "$out"
    aserin $P system migrate >/dev/null 2>&1
    # --userns=auto: podman carves the container's ids out of the ranges libsubid gave it.
    mkdir -p $SCRATCH/rootfs/bin $SCRATCH/rootfs/etc
    cp /bin/busybox $SCRATCH/rootfs/bin/; for c in sh cat sleep; do ln -s busybox $SCRATCH/rootfs/bin/$c; done
    echo 'root:x:0:0::/:/bin/sh' > $SCRATCH/rootfs/etc/passwd; echo 'root:x:0:' > $SCRATCH/rootfs/etc/group
    tar -C $SCRATCH/rootfs -cf $SCRATCH/bb.tar . && chmod 644 $SCRATCH/bb.tar
    L="env LD_LIBRARY_PATH=$SCRATCH/lib"
    aserin $L $P import $SCRATCH/bb.tar localhost/bb >/dev/null 2>$WORK/err || not_ok "podman import" "$(tail -2 $WORK/err)"
    aserin $L $P run -d --name auto1 --cgroups=disabled --network=none --userns=auto localhost/bb sleep 60 >/dev/null 2>$WORK/err
    pid=$(aserin $L $P inspect --format '{{.State.Pid}}' auto1 2>/dev/null)
    same "podman run --userns=auto: the container's ids on the host come from the plugin's range ($(tail -1 $WORK/err))" \
        "0 600000 1024;" "$(maps < /proc/${pid:-0}/uid_map)"
    aserin $L $P rm -f -t 0 auto1 >/dev/null 2>&1
    aserin $P system migrate >/dev/null 2>&1
    out=$(aserin $P run --rm --cgroups=disabled --network=none --userns=auto localhost/bb true 2>&1); rc=$?
    check "control: with shadow's libsubid --userns=auto finds no ids ($(tail -1 <<<"$out"))" test "$rc" != 0
    aserin $P system migrate >/dev/null 2>&1
else
    not_ok "podman is not installed (make test installs it)"
fi
umount -l $libdir

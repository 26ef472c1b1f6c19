# Copies and overlay clones (lxc-copy; issue 15), as an unprivileged user: a dir copy keeps every
# kind of file metadata; overlay clones stack (seed post 8's base -> web -> mysite); a container
# with clones on top cannot be destroyed; an interrupted copy leaves nothing usable.
userbox_user olga
# Runs a command inside the container's user namespace on the host's view of its files.
inside() { as usernsexec -m u:0:2000000:65536 -m g:0:2000000:65536 -- "$@"; }

ub create base >/dev/null || not_ok "create base"
# Metadata a copy must keep: a user xattr, an ACL, a file capability, a hard link, a hole, owners.
inside sh -c "cd $box/base/rootfs && echo data > meta && setfattr -n user.note -v kept meta && setfacl -m u:1000:rw meta \
    && cp bin/busybox pingish && setcap cap_net_raw+ep pingish && ln meta meta.link && truncate -s 10M sparse && chown 1000:1000 sparse"
meta() { inside sh -c "cd $1 && stat -c '%n %u:%g %a %h' meta sparse && getfattr -n user.note --only-values meta && echo && getfacl -cn meta 2>/dev/null | grep ^user:1000 && getcap pingish | sed 's/.* //' && du -k sparse | cut -f1"; }
orig=$(meta $box/base/rootfs)
check "the source has the metadata ($(tr '\n' ' ' <<<"$orig"))" grep -q "cap_net_raw=ep" <<<"$orig"

out=$(ub copy base plain 2>&1); rc=$?
same "a dir copy ($out)" 0 "$rc"
same "keeps owners, modes, hard links, xattrs, ACLs, file capabilities and holes" "$orig" "$(meta $box/plain/rootfs)"
same "and gets its own hostname" "lxc.uts.name = plain" "$(grep '^lxc.uts.name' $box/plain/config)"
same "its rootfs is its own" "lxc.rootfs.path = dir:$box/plain/rootfs" "$(grep '^lxc.rootfs.path' $box/plain/config)"
ub start base >/dev/null && ub start plain >/dev/null || { not_ok "base and its copy start together"; tail -3 $box/plain/userbox.log; }
ub attach plain -- sh -c 'echo copy > /only-in-copy'; ub attach base -- sh -c 'echo source > /only-in-source'
same "both running: the copy's changes stay in the copy, the source's in the source" "base plain|absent absent" \
    "$(ub attach base -- hostname) $(ub attach plain -- hostname)|$(ub attach base -- sh -c 'test -e /only-in-copy && echo present || echo absent') $(ub attach plain -- sh -c 'test -e /only-in-source && echo present || echo absent')"
ub stop -k base; ub stop -k plain
inside rm -f $box/plain/rootfs/only-in-copy $box/base/rootfs/only-in-source

out=$(ub copy -s base web 2>&1); rc=$?
same "an overlay clone of base ($out)" 0 "$rc"
same "its rootfs is an overlay on base's" "lxc.rootfs.path = overlay:$box/base/rootfs:$box/web/overlay/delta" "$(grep '^lxc.rootfs.path' $box/web/config)"
out=$(ub copy -s web mysite 2>&1); rc=$?
same "an overlay clone of the overlay clone ($out)" 0 "$rc"
same "stacks on both layers" "lxc.rootfs.path = overlay:$box/web/overlay/delta:$box/base/rootfs:$box/mysite/overlay/delta" \
    "$(grep '^lxc.rootfs.path' $box/mysite/config)"
ub start mysite >/dev/null || { not_ok "mysite starts"; tail -5 $box/mysite/userbox.log; }
same "mysite starts, with its own hostname" "mysite" "$(ub attach mysite -- hostname)"
same "and sees base's files" "data" "$(ub attach mysite -- cat /meta)"
ub attach mysite -- sh -c 'echo mine > /etc/motd; rm /meta; mkdir -p /srv/x && echo y > /srv/x/f'
same "its changes land in its own layer" "mine" "$(inside cat $box/mysite/overlay/delta/etc/motd)"
check "and never reach web or base" test ! -e $box/base/rootfs/etc/motd -a ! -e $box/web/overlay/delta/etc/motd -a -e $box/base/rootfs/meta
same "files keep the container's ids on the host (upper layer)" "2000000:2000000" "$(stat -c %u:%g $box/mysite/overlay/delta/etc/motd)"
ub stop -k mysite

out=$(ub destroy base 2>&1); rc=$?
check "destroying base is refused while clones stand on it, naming them ($out)" \
    test "$rc" = 1 -a -n "$(grep -E 'base has overlay clones on top of it: web' <<<"$out")"
out=$(ub destroy web 2>&1)
check "so is web, which has mysite ($out)" grep -q "web has overlay clones on top of it: mysite" <<<"$out"
ub destroy mysite && ub destroy web >/dev/null; rc=$?
same "once the clones are gone, the origin goes" "0 0 0" "$rc $(ub destroy base >/dev/null; echo $?) $(ls $box | grep -c '^base$')"
check "destroying an overlay clone left the layers below it alone" test -d $box/plain/rootfs

# An interrupted copy: killed once it is under way, it leaves nothing ls shows, and the next copy
# to that name finishes.
inside sh -c "mkdir $box/plain/rootfs/many && cd $box/plain/rootfs/many && seq 1 20000 | xargs touch"
ub copy plain c1 >/dev/null 2>&1 & cp_pid=$!
for _ in $(seq 200); do [ -d $box/.c1.partial/rootfs/many ] && break; sleep 0.01; done
pkill -KILL -f "cp -a --sparse=always -- $box/plain/rootfs"; kill -9 $cp_pid 2>/dev/null; wait $cp_pid 2>/dev/null
check "the copy was killed while copying" test -d $box/.c1.partial
check "a copy killed midway is not a container ($(ls $box | xargs))" test ! -e $box/c1 -a -z "$(ub ls | grep '^c1$')"
out=$(ub copy plain c1 2>&1); rc=$?
same "copying again to that name works ($out)" "0 c1 20000" "$rc $(ls $box | grep '^c1$') $(ls $box/c1/rootfs/many | wc -l)"
check "and leaves no partial directory" test -z "$(ls -a $box | grep partial)"

# Snapshots (lxc-snapshot): change a file, restore, the file is back, bytes and owner.
inside sh -c "echo original > $box/plain/rootfs/etc/motd && chown 1000:1000 $box/plain/rootfs/etc/motd"
echo "before the upgrade" > $WORK/comment; chmod 644 $WORK/comment
same "snapshot of a dir container (with a comment)" "snap0" "$(ub snapshot plain -c $WORK/comment)"
inside sh -c "echo changed > $box/plain/rootfs/etc/motd && chown 0:0 $box/plain/rootfs/etc/motd"
list=$(ub snapshot plain -L -C)
check "listed as lxc-snapshot lists it, with its comment ($list)" \
    grep -qzE "^snap0 \($box/plain/snaps\) [0-9]{4}:[0-9]{2}:[0-9]{2} [0-9:]{8}.before the upgrade" <<<"$list"
out=$(ub destroy plain 2>&1)
check "a container with snapshots is not destroyed ($out)" grep -q "plain has snapshots: snap0" <<<"$out"
ub snapshot plain -r snap0; rc=$?
same "restore into the container itself: the file is back, bytes and owner" "0 original 2001000:2001000" \
    "$rc $(cat $box/plain/rootfs/etc/motd) $(stat -c %u:%g $box/plain/rootfs/etc/motd)"
same "and its snapshots stay" "snap0" "$(ub snapshot plain -L | cut -d' ' -f1)"
ub snapshot plain -r snap0 restored >/dev/null; rc=$?
same "restore to a new name" "0 original lxc.uts.name = restored" "$rc $(cat $box/restored/rootfs/etc/motd) $(grep '^lxc.uts.name' $box/restored/config)"
ub start restored >/dev/null || tail -3 $box/restored/userbox.log
same "which starts" "original" "$(ub attach restored -- cat /etc/motd)"
ub stop -k restored

# An overlay container's snapshot copies its upper layer only.
ub copy -s plain ov >/dev/null
inside sh -c "mkdir -p $box/ov/overlay/delta/root && echo v1 > $box/ov/overlay/delta/root/state"
same "snapshot of an overlay container" "snap0" "$(ub snapshot ov)"
check "it holds a copy of the upper layer over the same lower" grep -q "^lxc.rootfs.path = overlay:$box/plain/rootfs:$box/ov/snaps/snap0/overlay/delta$" $box/ov/snaps/snap0/config
inside sh -c "echo v2 > $box/ov/overlay/delta/root/state"
ub snapshot ov -r snap0
same "restored: the upper layer's file is back" "v1" "$(inside cat $box/ov/overlay/delta/root/state)"
ub start ov >/dev/null || tail -3 $box/ov/userbox.log
same "and the container starts with it" "v1" "$(ub attach ov -- cat /root/state)"
ub stop -k ov
ub snapshot ov -d ALL; ub snapshot plain -d snap0
same "snapshots removed (-d ALL, -d snap0)" "No snapshots No snapshots" "$(ub snapshot ov -L) $(ub snapshot plain -L)"

# rename (lxc-rename): paths and hostname follow; an origin with clones stays put; a renamed clone
# stays recorded in its origin.
ub rename restored renamed; rc=$?
same "rename: directory, rootfs path and hostname follow" "0 lxc.rootfs.path = dir:$box/renamed/rootfs lxc.uts.name = renamed" \
    "$rc $(grep '^lxc.rootfs.path' $box/renamed/config) $(grep '^lxc.uts.name' $box/renamed/config)"
ub start renamed >/dev/null || tail -3 $box/renamed/userbox.log
same "and it starts under its new name" "renamed original" "$(ub attach renamed -- hostname) $(ub attach renamed -- cat /etc/motd)"
ub stop -k renamed
out=$(ub rename plain other 2>&1)
check "an origin with a clone on it is not renamed ($out)" grep -q "plain has overlay clones on top of it: ov" <<<"$out"
ub rename ov ov2; rc=$?
same "a clone is renamed, its layers with it" "0 lxc.rootfs.path = overlay:$box/plain/rootfs:$box/ov2/overlay/delta" "$rc $(grep '^lxc.rootfs.path' $box/ov2/config)"
out=$(ub destroy plain 2>&1)
check "and its origin knows it by its new name ($out)" grep -q "plain has overlay clones on top of it: ov2" <<<"$out"
ub start ov2 >/dev/null || tail -3 $box/ov2/userbox.log
same "the renamed clone starts" "v1" "$(ub attach ov2 -- cat /root/state)"
ub stop -k ov2

# A snapshot killed midway is not listed, and the next one takes its number cleanly.
ub snapshot plain >/dev/null 2>&1 & sn_pid=$!
for _ in $(seq 200); do [ -d $box/plain/snaps/.snap0.partial/rootfs/many ] && break; sleep 0.01; done
pkill -KILL -f "cp -a --sparse=always -- $box/plain/rootfs"; kill -9 $sn_pid 2>/dev/null; wait $sn_pid 2>/dev/null
check "the snapshot was killed while copying" test -d $box/plain/snaps/.snap0.partial
same "a killed snapshot is not listed" "No snapshots" "$(ub snapshot plain -L)"
same "the next snapshot is snap0, whole" "snap0 20000" "$(ub snapshot plain) $(ls $box/plain/snaps/snap0/rootfs/many | wc -l)"
check "and no partial one is left" test -z "$(ls -a $box/plain/snaps | grep partial)"
ub snapshot plain -d ALL

# -m bind=SRC:DEST[:ro]: host directories bound into the copy.
shared=$SCRATCH/shared; mkdir -p $shared; echo "from the host" > $shared/note; chmod -R a+rX $SCRATCH
ub copy plain bound -m bind=$shared:/srv/shared:ro >/dev/null; rc=$?
same "copy -m adds the bind as an lxc.mount.entry" "0 lxc.mount.entry = $shared srv/shared none bind,ro,create=dir 0 0" \
    "$rc $(grep "^lxc.mount.entry = $shared" $box/bound/config)"
ub start bound >/dev/null || tail -3 $box/bound/userbox.log
same "the copy sees the host directory, read-only" "from the host|ro" \
    "$(ub attach bound -- cat /srv/shared/note)|$(ub attach bound -- awk '$2 == "/srv/shared" {split($4, o, ","); print o[1]}' /proc/mounts)"
ub stop -k bound
out=$(ub copy plain badbind -m bind=relative:/x 2>&1); rc=$?
check "a malformed -m is refused before anything is made ($out)" test "$rc" != 0 -a ! -e $box/badbind -a -z "$(ls -a $box | grep badbind)"

# /etc/hostname follows the new name (LXC writes it without a newline), in dir copies and overlay
# clones alike; -K keeps it; a symlinked /etc/hostname is not followed.
same "the source's /etc/hostname" "plain" "$(cat $box/plain/rootfs/etc/hostname)"
same "a dir copy's /etc/hostname is its name" "bound" "$(cat $box/bound/rootfs/etc/hostname)"
same "an overlay clone's too, in its own layer" "ov2|plain" "$(inside cat $box/ov2/overlay/delta/etc/hostname)|$(cat $box/plain/rootfs/etc/hostname)"
ub copy -K plain kept >/dev/null
same "-K keeps it" "plain lxc.uts.name = plain" "$(cat $box/kept/rootfs/etc/hostname) $(grep '^lxc.uts.name' $box/kept/config)"
ub destroy kept
echo "host file" > $SCRATCH/victim; chown olga $SCRATCH/victim
inside sh -c "rm $box/bound/rootfs/etc/hostname && ln -s $SCRATCH/victim $box/bound/rootfs/etc/hostname"
ub copy bound linked >/dev/null; rc=$?
same "a symlinked /etc/hostname is left alone, not followed" "0 host file" "$rc $(cat $SCRATCH/victim)"
ub destroy linked

# lxc.hook.clone: LXC's arguments (NAME lxc clone, then the words after --) and variables, inside
# the container's user namespace with the new rootfs mounted; a failing one leaves nothing.
cat > $SCRATCH/clonehook <<'HOOK'
#!/bin/sh
echo "args=$* src=$LXC_SRC_NAME name=$LXC_NAME uid=$(id -u) rootfs=$LXC_ROOTFS_MOUNT" > "$LXC_ROOTFS_MOUNT/clone.log"
[ -z "$FAIL_CLONE" ]
HOOK
chmod 755 $SCRATCH/clonehook
echo "lxc.hook.clone = $SCRATCH/clonehook" >> $box/ov2/config
ub copy -s ov2 hooked -- one two >/dev/null; rc=$?
same "the clone hook ran in the overlay clone's mounted rootfs, as root inside" \
    "0 args=hooked lxc clone one two src=ov2 name=hooked uid=0 rootfs=$box/.hooked.partial/rootfs" \
    "$rc $(inside cat $box/hooked/overlay/delta/clone.log)"
check "and ran only there" test ! -e $box/ov2/overlay/delta/clone.log
out=$(as env FAIL_CLONE=1 userbox copy ov2 failing 2>&1); rc=$?
check "a failing clone hook fails the copy, naming it ($out)" test "$rc" != 0 -a -n "$(grep "lxc.hook.clone $SCRATCH/clonehook" <<<"$out")"
check "and leaves no container and no partial directory" test ! -e $box/failing -a -z "$(ls -a $box | grep partial)"

# A dir copy of an overlay container copies the merged view and stands on nothing.
ub copy -B dir ov2 flat >/dev/null; rc=$?
same "a dir copy of an overlay clone" "0 lxc.rootfs.path = dir:$box/flat/rootfs" "$rc $(grep '^lxc.rootfs.path' $box/flat/config)"
same "holds the lower's and the upper's files" "v1 original 20000" \
    "$(inside cat $box/flat/rootfs/root/state) $(cat $box/flat/rootfs/etc/motd) $(ls $box/flat/rootfs/many | wc -l)"
check "and is no dependent of its source" test ! -e $box/flat/lxc_rdepends -a -z "$(grep flat $box/ov2/lxc_snapshots 2>/dev/null)"
ub start flat >/dev/null || tail -3 $box/flat/userbox.log
same "it starts" "flat v1" "$(ub attach flat -- hostname) $(ub attach flat -- cat /root/state)"
ub stop -k flat; ub destroy flat

# -e: an ephemeral overlay clone, started at once and destroyed when it stops; with a command it
# runs that and shuts down; -D keeps it.
out=$(ub copy -e plain eph -- sh -c 'hostname; exit 3'); rc=$?
check "copy -e with a command runs it in the copy and returns its status ($out)" test "$rc" = 3 -a -n "$(grep -x eph <<<"$out")"
check "then the copy is gone" test ! -e $box/eph -a -z "$(ub ls | grep eph)"
out=$(ub copy -e plain 2>&1); rc=$?
name=$(sed -n 's/^Created \(plain_[A-Za-z0-9]\{6\}\) as clone of plain$/\1/p' <<<"$out")
check "copy -e without a name makes one up and starts it ($out)" test "$rc" = 0 -a -n "$name" -a "$(ub ls -f -F name,state | grep -c "^$name *RUNNING")" = 1
same "its config says lxc.ephemeral" "lxc.ephemeral = 1" "$(grep '^lxc.ephemeral' $box/$name/config)"
ub stop "$name"
check "stopped, it is destroyed" test ! -e "$box/$name" -a -z "$(grep "$name" $box/plain/lxc_snapshots)"
ub copy -e -D plain keep >/dev/null; ub stop keep
check "-D keeps it after the stop" test -d $box/keep -a -z "$(grep ephemeral $box/keep/config)"
ub destroy keep

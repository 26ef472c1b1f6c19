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

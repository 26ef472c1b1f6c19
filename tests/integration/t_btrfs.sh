# The btrfs backend (issue 15), unprivileged, on a btrfs image on a loop device this test makes
# and removes: a container on a subvolume, copies as snapshots (copy-on-write) and as full copies
# into new subvolumes, snapshots and restore, and removal with and without user_subvol_rm_allowed.
userbox_user bea
inside() { as usernsexec -m u:0:2000000:65536 -m g:0:2000000:65536 -- "$@"; }
img=$SCRATCH/btrfs.img; mnt=/home/bea/pool
truncate -s 400M $img && mkfs.btrfs -q $img >/dev/null || not_ok "mkfs.btrfs"
mkdir -p $mnt && mount -o loop $img $mnt || not_ok "mount the btrfs image"
loopdev=$(findmnt -n -o SOURCE $mnt)
cleanup_btrfs() { umount $mnt 2>/dev/null; [ -n "$loopdev" ] && losetup -d "$loopdev" 2>/dev/null; rm -f $img; }
trap cleanup_btrfs EXIT
chown bea:bea $mnt; chmod 755 $mnt
lx=$mnt/containers
b() { local c=$1; shift; as userbox $c -P $lx "$@"; }
subvol() { [ "$(stat -c %i "$1")" = 256 ] && btrfs subvolume show "$1" >/dev/null 2>&1; }

out=$(ub create -B btrfs onhome 2>&1); rc=$?
check "-B btrfs where the containers directory is not on btrfs is refused, saying so ($out)" \
    test "$rc" != 0 -a -n "$(grep 'is not on a btrfs filesystem' <<<"$out")" -a ! -e $box/onhome
b create -B btrfs base >/dev/null; rc=$?
same "create -B btrfs: the rootfs is a subvolume" "0 lxc.rootfs.path = btrfs:$lx/base/rootfs" "$rc $(grep '^lxc.rootfs.path' $lx/base/config)"
check "a real subvolume, owned by the container's root" test "$(subvol $lx/base/rootfs && stat -c %u:%g $lx/base/rootfs)" = 2000000:2000000
inside sh -c "cd $lx/base/rootfs && echo data > meta && setfattr -n user.note -v kept meta && ln meta meta.link && chown 1000:1000 meta"
b start base >/dev/null || tail -3 $lx/base/userbox.log
same "it starts" "base data" "$(b attach base -- hostname) $(b attach base -- cat /meta)"
b stop -k base

# A btrfs container copies as a snapshot: at once, copy-on-write.
b copy base snap1 >/dev/null; rc=$?
same "copy of a btrfs container is a btrfs snapshot" "0 lxc.rootfs.path = btrfs:$lx/snap1/rootfs" "$rc $(grep '^lxc.rootfs.path' $lx/snap1/config)"
check "its rootfs is a subvolume" subvol $lx/snap1/rootfs
same "a snapshot of base's" "$(btrfs subvolume show $lx/base/rootfs | awk '/^[[:space:]]*UUID:/ {print $2}')" \
    "$(btrfs subvolume show $lx/snap1/rootfs | awk '/Parent UUID:/ {print $3}')"
same "owners, xattrs and hard links kept; its own /etc/hostname" "1000:1000 2 kept snap1" \
    "$(stat -c '%u:%g %h' $lx/snap1/rootfs/meta | sed 's/^2001000:2001000/1000:1000/') $(getfattr -n user.note --only-values $lx/snap1/rootfs/meta) $(cat $lx/snap1/rootfs/etc/hostname)"
b start base >/dev/null && b start snap1 >/dev/null || { not_ok "base and its snapshot copy start together"; tail -3 $lx/snap1/userbox.log; }
b attach snap1 -- sh -c 'echo changed > /meta; echo new > /root/only-here'
b attach base -- sh -c 'echo base-changed > /etc/motd'
same "both running: changes in the copy stay there" "data|absent" "$(b attach base -- cat /meta)|$(b attach base -- sh -c 'test -e /root/only-here && echo present || echo absent')"
same "and changes in the source do not reach the copy" "changed absent" "$(b attach snap1 -- cat /meta) $(b attach snap1 -- sh -c 'test -e /etc/motd && echo present || echo absent')"
b stop -k snap1; b stop -k base

# A dir container copied with -B btrfs fills a new subvolume; a btrfs one copied with -B dir is a plain directory.
b create plain >/dev/null
b copy -B btrfs plain intovol >/dev/null; rc=$?
check "copy -B btrfs of a dir container: a new subvolume ($rc)" subvol $lx/intovol/rootfs
same "whose top keeps the source's owner and mode" "$(stat -c '%u:%g %a' $lx/plain/rootfs)" "$(stat -c '%u:%g %a' $lx/intovol/rootfs)"
b copy -B dir base flat >/dev/null; rc=$?
same "copy -B dir of a btrfs container: a directory" "0 lxc.rootfs.path = dir:$lx/flat/rootfs 1" \
    "$rc $(grep '^lxc.rootfs.path' $lx/flat/config) $(subvol $lx/flat/rootfs; echo $?)"
out=$(b copy -s -B btrfs plain nosnap 2>&1); rc=$?
check "-s -B btrfs of a dir container is refused, saying why ($out)" test "$rc" != 0 -a -n "$(grep 'snapshots a btrfs container' <<<"$out")" -a ! -e $lx/nosnap
b copy -s base ov2 >/dev/null; rc=$?
same "-s of a btrfs container is a btrfs snapshot too (as lxc-copy)" "0 lxc.rootfs.path = btrfs:$lx/ov2/rootfs 0" "$rc $(grep '^lxc.rootfs.path' $lx/ov2/config) $(subvol $lx/ov2/rootfs; echo $?)"
b copy -B overlay base ov >/dev/null; rc=$?
same "-B overlay: an overlay clone over the btrfs rootfs" "0 lxc.rootfs.path = overlay:$lx/base/rootfs:$lx/ov/overlay/delta" "$rc $(grep '^lxc.rootfs.path' $lx/ov/config)"
b destroy ov2 >/dev/null; b destroy ov >/dev/null

# Snapshots of a btrfs container are btrfs snapshots; restore brings the file back.
inside sh -c "echo original > $lx/snap1/rootfs/etc/motd && chown 1000:1000 $lx/snap1/rootfs/etc/motd"
same "lxc-snapshot of a btrfs container" "snap0" "$(b snapshot snap1)"
check "is a subvolume" subvol $lx/snap1/snaps/snap0/rootfs
inside sh -c "echo later > $lx/snap1/rootfs/etc/motd && chown 0:0 $lx/snap1/rootfs/etc/motd"
b snapshot snap1 -r snap0; rc=$?
same "restore in place: the file is back, bytes and owner; the rootfs a subvolume again" "0 original 2001000:2001000 0" \
    "$rc $(cat $lx/snap1/rootfs/etc/motd) $(stat -c %u:%g $lx/snap1/rootfs/etc/motd) $(subvol $lx/snap1/rootfs; echo $?)"
b snapshot snap1 -r snap0 fromsnap >/dev/null; rc=$?
b start fromsnap >/dev/null || tail -3 $lx/fromsnap/userbox.log
same "restore to a new name starts" "0 fromsnap original" "$rc $(b attach fromsnap -- hostname) $(b attach fromsnap -- cat /etc/motd)"
b stop -k fromsnap

# Removal: without user_subvol_rm_allowed subvolumes are emptied and removed with rmdir; where
# even that fails, the message names the mount option.
for c in fromsnap flat intovol plain; do b destroy $c >/dev/null || not_ok "destroy $c"; done
b snapshot snap1 -d ALL
b destroy snap1 >/dev/null; rc=$?
check "destroy of btrfs containers and snapshots without the mount option ($rc)" test "$rc" = 0 -a ! -e $lx/snap1 -a ! -e $lx/fromsnap
same "no subvolume is left behind but base's" "containers/base/rootfs" "$(btrfs subvolume list -o $mnt | awk '{print $NF}' | xargs)"
inside sh -c "mkdir $lx/base/rootfs/stuck && touch $lx/base/rootfs/stuck/file"; chattr +i $lx/base/rootfs/stuck/file
out=$(b destroy base 2>&1); rc=$?
check "a subvolume that cannot be emptied: the error names user_subvol_rm_allowed ($out)" \
    test "$rc" != 0 -a -n "$(grep -- '-o user_subvol_rm_allowed' <<<"$out")"
chattr -i $lx/base/rootfs/stuck/file
mount -o remount,user_subvol_rm_allowed $mnt
b destroy base >/dev/null; rc=$?
check "with user_subvol_rm_allowed the subvolume is deleted at once" test "$rc" = 0 -a ! -e $lx/base -a -z "$(btrfs subvolume list -o $mnt)"

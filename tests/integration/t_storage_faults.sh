# Faults in copies, snapshots and restores (issue 15): each killed with SIGKILL (the command and
# every process it started) at random moments, and each on a full filesystem. Whatever moment it
# stops at, `ls` lists no half container, a snapshot list no half snapshot, a container being
# restored is whole (old or new), and a rerun or destroy cleans up.
userbox_user fay
inside() { as usernsexec -m u:0:2000000:65536 -m g:0:2000000:65536 -- "$@"; }
ub create base >/dev/null || not_ok "create base"
inside sh -c "mkdir $box/base/rootfs/many && cd $box/base/rootfs/many && seq 1 6000 | xargs touch && echo v1 > $box/base/rootfs/etc/motd"
want=$(inside sh -c "find $box/base/rootfs | wc -l")
count() { inside sh -c "find $1 | wc -l"; }
# killed CMD...: runs CMD as the user in a session of its own, kills the whole session with SIGKILL
# after a random 0-400 ms; prints how long it waited.
killed() {
    local ms=$((RANDOM % 400))
    (cd /home/fay && exec setsid setpriv --reuid=fay --regid=fay --init-groups env -i HOME=/home/fay PATH="$pfx/bin:/usr/sbin:/usr/bin:/sbin:/bin" "$@") >/dev/null 2>&1 &
    local pid=$!
    sleep "$(printf '0.%03d' $ms)"
    kill -KILL -- -$pid 2>/dev/null; pkill -KILL -s $pid 2>/dev/null; wait $pid 2>/dev/null
    echo $ms
}

bad=""; moments=""
for i in 1 2 3 4 5 6 7 8; do
    moments+="$(killed userbox copy base c$i) "
    if ub ls | grep -qx "c$i"; then
        # Listed: it must be whole (config, every file) and start.
        [ "$(count $box/c$i/rootfs)" = "$want" ] && grep -q "^lxc.uts.name = c$i" $box/c$i/config || bad+="c$i(listed but partial) "
    fi
    ub ls | grep -q partial && bad+="c$i(partial listed) "
done
same "copies killed at random moments ($moments ms): none listed unless whole" "" "$bad"
bad=""
for i in 1 2 3 4 5 6 7 8; do
    if ! ub ls | grep -qx "c$i"; then ub copy base c$i >/dev/null || bad+="c$i(rerun failed) "; fi
    [ "$(count $box/c$i/rootfs)" = "$want" ] || bad+="c$i(rerun partial) "
done
same "a rerun of each finishes it" "" "$bad"
check "and no partial directory is left" test -z "$(ls -a $box | grep partial)"
ub start c3 >/dev/null || tail -3 $box/c3/userbox.log
same "a rerun copy starts" "c3 v1" "$(ub attach c3 -- hostname) $(ub attach c3 -- cat /etc/motd)"
ub stop -k c3
for i in 1 2 3 4 5 6 7 8; do ub destroy c$i >/dev/null || not_ok "destroy c$i"; done

bad=""; moments=""
for i in 1 2 3 4 5 6; do
    moments+="$(killed userbox snapshot base) "
    for s in $(ub snapshot base -L | awk '/^snap/ {print $1}'); do
        [ "$(count $box/base/snaps/$s/rootfs)" = "$want" ] && [ -s $box/base/snaps/$s/ts ] || bad+="$s(listed but partial) "
    done
done
same "snapshots killed at random moments ($moments ms): none listed unless whole" "" "$bad"
n=$(ub snapshot base -L | grep -c '^snap'); next=$(ub snapshot base)
same "the next snapshot completes with the next number" "snap$n $want" "$next $(count $box/base/snaps/$next/rootfs)"
check "no partial snapshot is left" test -z "$(ls -a $box/base/snaps | grep partial)"

# Restores killed at random moments: the container is whole each time (its old or its new rootfs).
inside sh -c "echo v2 > $box/base/rootfs/etc/motd"
bad=""; moments=""
for i in 1 2 3 4 5 6; do
    moments+="$(killed userbox snapshot base -r $next) "
    motd=$(cat $box/base/rootfs/etc/motd 2>/dev/null)
    [ -d $box/base/rootfs ] || motd=missing
    case "$motd" in v1|v2) ;; *) if [ ! -e $box/base/.restore/old-rootfs ]; then bad+="($motd, nothing to roll back) "; fi ;; esac
    ub snapshot base -r $next >/dev/null || bad+="(rerun failed) "
    same_motd=$(cat $box/base/rootfs/etc/motd); [ "$same_motd" = v1 ] || bad+="(rerun gave $same_motd) "
    inside sh -c "echo v2 > $box/base/rootfs/etc/motd"
done
same "restores killed at random moments ($moments ms): a rerun restores whole" "" "$bad"
same "the restored container has every file" "$want" "$(count $box/base/rootfs)"
check "and nothing set aside is left" test ! -e $box/base/.restore
# The one moment at which a kill leaves no rootfs in place, made by hand: the old rootfs set
# aside, the new one not yet moved in. The next start (or restore, or destroy) puts it back.
fayid=$(id -u fay); fgid=$(id -g fay)
as usernsexec -m u:0:2000000:65536 -m u:65536:$fayid:1 -m g:0:2000000:65536 -m g:65536:$fgid:1 -- sh -c "mkdir -p $box/base/.restore/restoring && mv -T $box/base/rootfs $box/base/.restore/old-rootfs && cp -a $box/base/snaps/$next/rootfs $box/base/.restore/restoring/rootfs"
check "(the state made: no rootfs in place, the old one set aside)" test ! -e $box/base/rootfs -a -d $box/base/.restore/old-rootfs
ub start base >/dev/null || tail -3 $box/base/userbox.log
same "a container whose restore was killed mid-swap starts as it was before" "v2 $want" "$(ub attach base -- cat /etc/motd) $(count $box/base/rootfs)"
ub stop -k base
ub snapshot base -d ALL

# A full filesystem: the copy and the snapshot fail with the reason, leave nothing, and work once
# there is room.
small=/home/fay/small
mkdir -p $small && mount -t tmpfs -o size=24m,mode=755 tmpfs $small && chown fay:fay $small
s() { local c=$1; shift; as userbox $c -P $small/lx "$@"; }
s create tiny >/dev/null || not_ok "create on the small filesystem"
as sh -c "head -c \$(( \$(stat -f -c '%a*%S' $small) - 1024*1024 )) /dev/zero > $small/filler" 2>/dev/null
out=$(s copy tiny tiny2 2>&1); rc=$?
check "a copy on a full filesystem fails, saying so ($out)" test "$rc" != 0 -a -n "$(grep -i 'no space' <<<"$out")"
check "and leaves nothing" test ! -e $small/lx/tiny2 -a -z "$(ls -a $small/lx | grep partial)"
out=$(s snapshot tiny 2>&1); rc=$?
check "a snapshot on a full filesystem fails, saying so ($out)" test "$rc" != 0 -a -n "$(grep -i 'no space' <<<"$out")"
same "and none is listed or left" "No snapshots|" "$(s snapshot tiny -L)|$(ls -A $small/lx/tiny/snaps 2>/dev/null)"
rm -f $small/filler
same "with room again both work" "0 snap0" "$(s copy tiny tiny2 >/dev/null; echo $?) $(s snapshot tiny)"
s snapshot tiny -d ALL; s destroy tiny2 >/dev/null; s destroy tiny >/dev/null
umount $small

# Every LXC hook at its point with LXC's arguments and environment: one recorder script set as
# every hook of a busybox container with a veth, run by LXC 5.0.2 (Debian's lxc-start) and by
# userbox; the two records, with paths, pids, fds and veth names named, must be the same. Both
# hook versions (lxc.hook.version 0: NAME lxc TYPE arguments; 1: LXC_HOOK_* variables).
private_network
if [ ! -x /usr/bin/lxc-start ] || [ ! -x /bin/busybox ]; then
    not_ok "Debian's lxc and busybox-static are needed (make deps installs them)"; return 0
fi
mount -t tmpfs tmpfs /run
mount -t sysfs sysfs /sys
ip link set lo up
ip link add lxcbr0 type bridge; ip link set lxcbr0 up
pfx=$(userbox_prefix)
useradd -m -s /bin/sh -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 hk; chmod 755 /home/hk
u=$(id -u hk)
echo "hk:400000:65536" > /etc/subuid; echo "hk:400000:65536" > /etc/subgid
mkdir -p /etc/lxc; echo "hk veth lxcbr0 10" > /etc/lxc/lxc-usernet
mkdir -p /home/hk/.config/lxc
printf 'lxc.idmap = u 0 400000 65536\nlxc.idmap = g 0 400000 65536\n' > /home/hk/.config/lxc/default.conf
chown -R hk: /home/hk
as() { (cd /home/hk && setpriv --reuid=hk --regid=hk --init-groups env -i HOME=/home/hk USER=hk PATH="$pfx/bin:/usr/sbin:/usr/bin:/sbin:/bin" "$@"); }

# The recorder: argv, every LXC_* variable, and what each namespace path it is given points to.
hooks=$SCRATCH/hooks; mkdir -p "$hooks"; chmod 755 "$hooks"
cat > "$hooks/rec" <<'H'
#!/bin/sh
log=$(dirname "$0")/log
{
    echo "== ${LXC_HOOK_TYPE:-$3} argv: $*"
    env | grep '^LXC_' | sort
    for a in "$@"; do case $a in *:/proc/*) echo "arg ${a%%:*} -> $(readlink "${a#*:}" | cut -d: -f1)";; esac; done
    for v in LXC_USER_NS LXC_MNT_NS LXC_PID_NS LXC_UTS_NS LXC_IPC_NS LXC_NET_NS LXC_CGROUP_NS; do
        eval p=\${$v:-}; [ -n "$p" ] && echo "env $v -> $(readlink "$p" | cut -d: -f1)"
    done
} >> "$log"
exit 0
H
chmod 755 "$hooks/rec"; : > "$hooks/log"; chmod 666 "$hooks/log"

conf() { # VERSION: every hook, the recorder
    for h in pre-start pre-mount mount autodev start-host start stop post-stop; do echo "lxc.hook.$h = $hooks/rec"; done
    echo "lxc.hook.version = $1"
    echo "lxc.net.0.type = veth"; echo "lxc.net.0.link = lxcbr0"; echo "lxc.net.0.flags = up"; echo "lxc.net.0.name = eth0"
    echo "lxc.net.0.script.up = $hooks/rec"; echo "lxc.net.0.script.down = $hooks/rec"
}


# Names the parts that differ by runtime and run: pids, fds, veth names, paths (LXC mounts the
# rootfs at lxc.rootfs.mount, userbox onto itself), and userbox's always-kept console log.
normal() { # ROOTFS CONFIG ROOTFS_MOUNT NAME
    sed -E -e "s|LXC_ROOTFS_MOUNT=$3$|LXC_ROOTFS_MOUNT=ROOTFS_MOUNT|; s|$1|ROOTFS|g; s|$2|CONFIG|g; s|$hooks|HOOKS|g" \
        -e "s/( |=)$4( |$)/\1NAME\2/g" \
        -e "s|/proc/[0-9]+/fd/[0-9]+|/proc/MONITOR/fd/N|g; s/LXC_PID=[0-9]+/LXC_PID=PID/" \
        -e "s/veth${u}_[0-9a-zA-Z]{4}/HOSTVETH/g" -e '/^LXC_CONSOLE_LOGPATH=/d'
}
# The container's own record (the start hook runs inside) comes after the host's.
records() { cat "$hooks/log" "$1$hooks/log"; }
inside() { # ROOTFS: the recorder at the same path inside, writable by the container's root
    mkdir -p "$1$hooks"; cp "$hooks/rec" "$1$hooks/"; : > "$1$hooks/log"; chmod 666 "$1$hooks/log"
    chown -R 400000:400000 "$1$SCRATCH"
}
lxcdir=/home/hk/.local/share/lxc box=/home/hk/.local/share/userbox
for v in 0 1; do
    : > "$hooks/log"
    as lxc-create -n h$v -t busybox >/dev/null 2>&1 || not_ok "lxc-create h$v"
    conf $v >> $lxcdir/h$v/config; inside $lxcdir/h$v/rootfs
    as lxc-start -n h$v -o /home/hk/lxc.log || { not_ok "lxc-start h$v"; tail -20 /home/hk/lxc.log; }
    as lxc-stop -n h$v -k
    theirs=$(records $lxcdir/h$v/rootfs | normal $lxcdir/h$v/rootfs $lxcdir/h$v/config /usr/lib/x86_64-linux-gnu/lxc/rootfs h$v)

    : > "$hooks/log"
    as userbox create b$v >/dev/null || not_ok "userbox create b$v"
    conf $v >> $box/b$v/config; inside $box/b$v/rootfs
    as userbox start b$v || { not_ok "userbox start b$v"; tail -20 $box/b$v/userbox.log; }
    as userbox stop -k b$v
    for _ in $(seq 50); do grep -q '^== post-stop' "$hooks/log" && break; sleep 0.1; done
    ours=$(records $box/b$v/rootfs | normal $box/b$v/rootfs $box/b$v/config $box/b$v/rootfs b$v)
    same "version $v: LXC 5.0.2 ran every hook once, in its order" \
        "pre-start up pre-mount mount autodev start-host down stop post-stop start" "$(grep '^== ' <<<"$theirs" | cut -d' ' -f2 | xargs)"
    same "version $v: userbox's hooks, arguments and LXC_* environment are LXC's" "$theirs" "$ours"
    [ "$theirs" = "$ours" ] && [ -n "${VERBOSE:-}" ] && echo "$ours" | sed 's/^/#   /'
    [ "$theirs" = "$ours" ] || diff <(echo "$theirs") <(echo "$ours") | sed 's/^/#   /'
    check "version $v: LXC_CONSOLE_LOGPATH names the console log userbox keeps" grep -q "^LXC_CONSOLE_LOGPATH=$box/b$v/console.log$" "$hooks/log"
done

# What the in-container hooks are for, several per point, in order: mount and autodev see the
# rootfs at LXC_ROOTFS_MOUNT before the pivot (autodev: the empty /dev tmpfs), start runs inside.
cat > "$hooks/mk" <<'H'
#!/bin/sh
# mk FILE (then LXC's NAME lxc TYPE): this hook's type into the container's FILE, its order on the host.
echo "$4" >> "$LXC_ROOTFS_MOUNT/$1"; echo "$4:$1" >> "$(dirname "$0")/order"
H
chmod 755 "$hooks/mk"; : > "$hooks/order"; chmod 666 "$hooks/order"
as userbox create m1 >/dev/null
cat >> $box/m1/config <<C
lxc.hook.mount = $hooks/mk root/first
lxc.hook.mount = $hooks/mk root/second
lxc.hook.autodev = $hooks/mk dev/made-by-autodev
lxc.hook.autodev = sh -c 'ls "\$LXC_ROOTFS_MOUNT/dev" > "\$LXC_ROOTFS_MOUNT/root/dev-at-autodev"' --
C
as userbox start m1 || tail -5 $box/m1/userbox.log
same "two mount hooks ran in order, then the autodev hooks" "mount:root/first mount:root/second autodev:dev/made-by-autodev" \
    "$(xargs < "$hooks/order")"
same "a mount hook writes into the rootfs through LXC_ROOTFS_MOUNT" "mount" "$(as userbox attach m1 -- cat /root/first)"
same "the autodev hook's file is in the container's /dev" "autodev" "$(as userbox attach m1 -- cat /dev/made-by-autodev)"
same "autodev saw /dev mounted but not yet filled (only its own file)" "made-by-autodev" "$(as userbox attach m1 -- cat /root/dev-at-autodev | xargs)"
check "and /dev was filled after it" test "$(as userbox attach m1 -- sh -c 'test -c /dev/null && test -e /dev/pts/ptmx && echo yes')" = yes
as userbox stop -k m1

# A failing hook at each point aborts the start with its name and status, and leaves nothing.
fails() { # KEY VALUE
    as userbox create f >/dev/null 2>&1
    { conf 0 | grep '^lxc.net'; echo "$1 = $2"; } >> $box/f/config
    out=$(as userbox start f 2>&1); rc=$?
    state=$(as userbox ls --fancy -F NAME,STATE 2>/dev/null | awk '$1 == "f" {print $2}')
    left=$(find /sys/fs/cgroup -name 'lxc.payload.f*' 2>/dev/null | head -1)
    as userbox destroy f >/dev/null 2>&1
    echo "$rc|$state|${left:-none}|$out"
}
for point in pre-start pre-mount mount autodev start-host start; do
    r=$(fails lxc.hook.$point "sh -c 'exit 7' --")
    check "a failing $point hook aborts the start: STOPPED, no cgroup left, the hook named (${r#*|*|*|})" \
        grep -qE "^1\|STOPPED\|none\|.*lxc.hook.$point sh -c 'exit 7' -- failed with status 7" <<<"$r"
done
r=$(fails lxc.net.0.script.up "sh -c 'exit 7' --")
check "so does a failing net up script (${r#*|*|*|})" grep -qE "^1\|STOPPED\|none\|.*lxc.net.0.script.up sh -c 'exit 7' -- failed with status 7" <<<"$r"

# A start right after a stop waits for the old monitor's stop hooks instead of racing its clean-up
# (which would remove the new monitor's files): the new pre-start hook must see the old post-stop
# hook's mark.
marks=/home/hk/marks; mkdir -p $marks; chown hk: $marks
as userbox create s1 >/dev/null
cat >> $box/s1/config <<C
lxc.hook.post-stop = sh -c 'sleep 1; touch $marks/old-done' --
lxc.hook.pre-start = sh -c 'if [ -e $marks/old-done ]; then echo after-old-monitor; else echo first; fi >> $marks/order' --
C
as userbox start s1 >/dev/null
as userbox attach s1 -- kill -USR2 1
for _ in $(seq 50); do [ "$(as userbox ls --fancy -F name,state | awk '$1 == "s1" {print $2}')" = STOPPED ] && break; sleep 0.1; done
out=$(as userbox start s1 2>&1); rc=$?
same "a start while the old monitor runs its post-stop hook waits for it ($out)" "0 first after-old-monitor" "$rc $(xargs < $marks/order)"
as userbox stop -k s1

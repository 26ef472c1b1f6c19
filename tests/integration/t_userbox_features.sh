# userbox's configuration at work: hooks, environment, capabilities, seccomp, mount entries, the
# console log, rootfs from a directory and from a tarball, delegated cgroups.
private_network
mount -t tmpfs tmpfs /run
ip link set lo up
userbox_user anna

hooks=$SCRATCH/hooks; mkdir -p "$hooks" /srv/shared; chmod 777 "$hooks"; echo "from the host" > /srv/shared/note
cat > "$hooks/host-hook" <<'H'
#!/bin/sh
echo "$3 name=$1 section=$2 LXC_NAME=$LXC_NAME rootfs=$LXC_ROOTFS_PATH pid=${LXC_PID:-none} target=${LXC_TARGET:-none}" >> "$(dirname "$0")/log"
H
chmod 755 "$hooks/host-hook"
printf '2\ndenylist\n[all]\nmkdir errno 1\n' > "$hooks/policy"; chmod 644 "$hooks/policy"
ub create f1 --set "lxc.hook.pre-start=$hooks/host-hook" --set "lxc.hook.post-stop=$hooks/host-hook" \
    --set "lxc.hook.start=sh -c 'echo started-inside > /root/start-hook' --" --set lxc.environment=GREETING=hello \
    --set "lxc.cap.drop=sys_time net_raw" --set "lxc.seccomp.profile=$hooks/policy" \
    --set "lxc.mount.entry=/srv/shared srv/shared none bind,ro,create=dir 0 0" >/dev/null
same "a container with hooks, environment, caps, seccomp and a mount entry is created" 0 $?
ub start f1 >/dev/null; rc=$?
same "and starts" 0 "$rc"
[ "$rc" = 0 ] || tail -5 "$box/f1/userbox.log"
check "pre-start ran on the host as LXC runs hooks (NAME lxc TYPE, LXC_* variables)" \
    grep -q "^pre-start name=f1 section=lxc LXC_NAME=f1 rootfs=$box/f1/rootfs pid=none" "$hooks/log"
same "the start hook ran inside the container" started-inside "$(ub attach f1 -- cat /root/start-hook)"
same "lxc.environment reaches init and attach, with container=lxc" "hello lxc" \
    "$(ub attach f1 -- sh -c 'tr "\0" "\n" < /proc/1/environ | grep -q "^GREETING=hello$" && echo $GREETING $container')"
bnd=$(ub attach f1 -- grep CapBnd /proc/1/status | awk '{print $2}')
check "sys_time (25) and net_raw (13) are gone from init's bounding set ($bnd)" \
    test "$(( (0x$bnd >> 25) & 1 ))$(( (0x$bnd >> 13) & 1 ))$(( (0x$bnd >> 21) & 1 ))" = "001"
out=$(ub attach f1 -- mkdir /tmp/denied 2>&1); rc=$?
check "the seccomp policy (mkdir errno 1) holds in attached processes ($out)" test "$rc" != 0 -a -n "$(grep -i 'not permitted' <<<"$out")"
same "and init runs under it" "2" "$(ub attach f1 -- awk '/^Seccomp:/ {print $2}' /proc/1/status)"
same "the bind mount entry shows the host directory, read-only" "from the host|ro" \
    "$(ub attach f1 -- cat /srv/shared/note)|$(ub attach f1 -- awk '$2 == "/srv/shared" {split($4, o, ","); print o[1]}' /proc/mounts)"
check "the console log holds busybox init's prompt" grep -q "Please press Enter to activate this console" "$box/f1/console.log"
ub stop -k f1
for _ in $(seq 50); do grep -q '^post-stop' "$hooks/log" && break; sleep 0.1; done
check "post-stop ran on the host with LXC_TARGET=stop" grep -q "^post-stop name=f1 section=lxc LXC_NAME=f1 .* target=stop" "$hooks/log"

# Rootfs from a directory of the user's and from a tarball with owners of its own.
mkdir -p /home/anna/mydir/bin /home/anna/mydir/sbin /home/anna/mydir/etc
cp /bin/busybox /home/anna/mydir/bin/; ln -s busybox /home/anna/mydir/bin/sh; ln -s ../bin/busybox /home/anna/mydir/sbin/init
chown -R anna: /home/anna/mydir
ub create d1 -t /home/anna/mydir --set "lxc.init.cmd=/bin/sh -c 'sleep 1000'" >/dev/null; rc=$?
same "create from a directory: its files belong to the container's root on the host" "0 2000000:2000000" \
    "$rc $(stat -c %u:%g $box/d1/rootfs/bin/busybox)"
ub start d1 >/dev/null || tail -3 "$box/d1/userbox.log"; same "and it starts" "uid=0 gid=0" "$(ub attach d1 -- /bin/busybox id | grep -o 'uid=0\|gid=0' | tr '\n' ' ' | sed 's/ $//')"
ub stop -k d1
tarroot=$SCRATCH/tarroot; mkdir -p "$tarroot/bin" "$tarroot/home/user"
cp /bin/busybox "$tarroot/bin/"; ln -s busybox "$tarroot/bin/sh"; echo x > "$tarroot/home/user/file"
chown -R 1000:1000 "$tarroot/home/user"
tar -C "$tarroot" -czf "$SCRATCH/rootfs.tar.gz" . && chmod 644 "$SCRATCH/rootfs.tar.gz"
ub create t1 -t "$SCRATCH/rootfs.tar.gz" >/dev/null; rc=$?
same "create from a tarball keeps its owners, mapped (1000 -> host 2001000)" "0 2001000 2000000" \
    "$rc $(stat -c %u $box/t1/rootfs/home/user/file) $(stat -c %u $box/t1/rootfs/bin/busybox)"

# Cgroups: without delegation a visible warning; with `userbox admin delegate` a cgroup of its own.
ub start f1 >/dev/null
check "without a writable or delegated cgroup the log warns that there are no limits" grep -q "no cgroup you may write .*without limits of its own" "$box/f1/userbox.log"
ub stop -k f1
out=$(as userbox admin delegate anna 2>&1); rc=$?
check "admin delegate is root's ($out)" test "$rc" = 1 -a -n "$(grep 'must run as root' <<<"$out")"
made=$("$pfx/bin/userbox" admin delegate anna); rc=$?
trap 'for d in $(awk "\$9 == \"cgroup\" || \$9 == \"cgroup2\" {print \$5}" /proc/self/mountinfo); do rmdir "$d/userbox/anna/lxc.payload.f1" "$d/userbox/anna/lxc.monitor.f1" "$d/userbox/anna/lxc.pivot" "$d/userbox/anna" "$d/userbox" 2>/dev/null; done' EXIT
pids_dir=$(grep -o '/[^ ]*pids/userbox/anna' <<<"$made" | head -1)
same "root delegates a subtree in each hierarchy, owned by anna" "0 anna" "$rc $(stat -c %U "$pids_dir")"
ub start f1 >/dev/null
init=$(awk '/^init /{print $2}' "$box/f1/state")
check "the container's init lives in lxc.payload.f1 below anna's delegated pids cgroup" grep -qx "$init" "$pids_dir/lxc.payload.f1/cgroup.procs"
ub stop -k f1
for _ in $(seq 50); do [ -d "$pids_dir/lxc.payload.f1" ] || break; sleep 0.1; done
check "and its cgroups are removed when it stops" test ! -d "$pids_dir/lxc.payload.f1" -a ! -d "$pids_dir/lxc.monitor.f1"
true

# Found trying it as a new user (issue 18): a broken config does not block destroy; lxc-create's
# -f carries an LXC config file over; attach and stop of a missing container say it is missing.
ub create broken >/dev/null
echo "lxc.no.such.key = 1" >> "$box/broken/config"
out=$(ub start broken 2>&1); rc=$?
check "a config with an unknown key does not start, and says which key ($out)" test "$rc" = 1 -a -n "$(grep -F 'unsupported config key "lxc.no.such.key"' <<<"$out")"
rootfs_owner=$(stat -c %u "$box/broken/rootfs")
out=$(ub destroy broken 2>&1); rc=$?
same "but destroy removes it, rootfs owned by the container's root included (owner was $rootfs_owner)" "0 gone" \
    "$rc $([ -e "$box/broken" ] || echo gone)"
cat > "$SCRATCH/lxc.conf" <<'C'
# an LXC user's config file
lxc.idmap = u 0 2100000 65536
lxc.idmap = g 0 2100000 65536
lxc.rootfs.path = dir:/var/lib/lxc/elsewhere/rootfs
lxc.environment = FROMFILE=yes
lxc.uts.name = fromfile
C
chmod 644 "$SCRATCH/lxc.conf"
ub create -f "$SCRATCH/lxc.conf" fromfile >/dev/null; rc=$?
same "create -f FILE merges an LXC config file" 0 "$rc"
same "its idmap is the container's, its rootfs path is not (the rootfs is the container's own)" \
    "2100000:2100000 0" "$(stat -c %u:%g "$box/fromfile/rootfs") $(grep -c '/var/lib/lxc/elsewhere' "$box/fromfile/config")"
ub start fromfile >/dev/null
same "and its other keys apply (environment, hostname)" "yes fromfile" \
    "$(ub attach fromfile -- /bin/sh -c 'echo $FROMFILE $(hostname)' 2>&1)"
ub stop -k fromfile; ub destroy fromfile >/dev/null
out=$(ub attach nosuchbox -- true 2>&1); rc=$?
same "attach of a missing container says it does not exist" "1 yes" "$rc $(grep -q 'container nosuchbox does not exist' <<<"$out" && echo yes)"
out=$(ub stop nosuchbox 2>&1); rc=$?
same "stop of a missing container says so too" "1 yes" "$rc $(grep -q 'container nosuchbox does not exist' <<<"$out" && echo yes)"

# LSM keys (issue 18): this kernel runs no AppArmor or SELinux: unconfined starts, a profile is
# refused naming the key and the missing LSM.
ub create lsm1 --set lxc.apparmor.profile=unconfined --set lxc.apparmor.allow_incomplete=1 >/dev/null
ub start lsm1 >/dev/null; rc=$?
same "lxc.apparmor.profile = unconfined starts on a host without AppArmor" "0 RUNNING" "$rc $(ub info lsm1 | awk '/^State:/ {print $2}')"
ub stop -k lsm1; ub destroy lsm1 >/dev/null
ub create lsm2 --set lxc.apparmor.profile=generated >/dev/null
out=$(ub start lsm2 2>&1); rc=$?
same "lxc.apparmor.profile = generated is refused there, naming the key and the LSM" "1 yes" \
    "$rc $(grep -q 'lxc.apparmor.profile = generated needs AppArmor, which this kernel does not run' <<<"$out" && echo yes)"
ub destroy lsm2 >/dev/null

# userbox wait (lxc-wait).
ub create w1 >/dev/null; ub start w1 >/dev/null
ub wait w1 RUNNING -t 5; rc1=$?
out=$(ub wait w1 STOPPED -t 0.3 2>&1); rc2=$?
ub stop -k w1
ub wait w1 'RUNNING|STOPPED' -t 5; rc3=$?
ub wait w1 STOPPED -t 5; rc4=$?
same "wait: RUNNING reached, STOPPED times out (status 1, saying so), the set and STOPPED after stop" "0 1 0 0 yes" \
    "$rc1 $rc2 $rc3 $rc4 $(grep -q 'w1 is still RUNNING' <<<"$out" && echo yes)"
ub wait w1 FLYING >/dev/null 2>&1; rc=$?
same "wait with an unknown state is a usage error" 64 "$rc"
ub destroy w1 >/dev/null

# Autostart (lxc-autostart) and lxc-ls's columns (issue 18). A pre-start hook records each start.
cat > "$hooks/order-hook" <<'H'
#!/bin/sh
echo "$1" >> "$(dirname "$0")/order"
H
chmod 755 "$hooks/order-hook"; rm -f "$hooks/order"
mk() { local n=$1; shift; ub create "$n" --set "lxc.hook.pre-start=$hooks/order-hook" "$@" >/dev/null; }
mk as1 --set lxc.start.auto=1 --set lxc.start.order=10 --set lxc.start.delay=1
mk as2 --set lxc.start.auto=1 --set lxc.start.order=20
mk as3 --set lxc.start.auto=1 --set lxc.group=web
mk as4 --set lxc.start.order=99
same "autostart -L lists the ungrouped autostart containers, highest order first, with their delays" "as2 0 as1 1" \
    "$(ub autostart -L | tr '\n' ' ' | sed 's/ $//')"
ub autostart >/dev/null; rc=$?
same "autostart starts them in that order, and only them" "0 as2 as1" "$rc $(tr '\n' ' ' < "$hooks/order" | sed 's/ $//')"
same "ls --fancy has lxc-ls's columns: as3 is in group web, autostart, stopped" "STOPPED 1 web true" \
    "$(ub ls --fancy | awk '$1 == "as3" {print $2, $3, $4, $7}')"
same "ls -F picks columns" "NAME AUTOSTART as4 0" "$(ub ls --fancy -F name,autostart | awk 'NR == 1 || $1 == "as4"' | tr '\n' ' ' | tr -s ' ' | sed 's/ $//')"
ub autostart -g web >/dev/null
same "autostart -g web starts the group's" "as2 as1 as3" "$(tr '\n' ' ' < "$hooks/order" | sed 's/ $//')"
ub autostart -a -k >/dev/null; rc=$?
same "autostart -a -k kills every autostart container; as4 was never started" "0 STOPPED STOPPED STOPPED STOPPED" \
    "$rc $(for c in as1 as2 as3 as4; do ub ls --fancy | awk -v c=$c '$1 == c {printf "%s ", $2}'; done | sed 's/ $//')"
for c in as1 as2 as3 as4; do ub destroy "$c" >/dev/null; done

# lxc.hook.destroy (issue 18): on the host, `HOOK NAME lxc destroy` with LXC_*, before removal; a
# failing one stops the destroy.
rm -f "$hooks/log"   # the hook, as anna, makes it anew
ub create dh1 --set "lxc.hook.destroy=$hooks/host-hook" >/dev/null
ub destroy dh1 >/dev/null; rc=$?
same "the destroy hook runs once with LXC's arguments and environment" \
    "0 destroy name=dh1 section=lxc LXC_NAME=dh1 rootfs=$box/dh1/rootfs pid=none target=none" "$rc $(cat "$hooks/log")"
ub create dh2 --set "lxc.hook.destroy=/bin/false" >/dev/null
out=$(ub destroy dh2 2>&1); rc=$?
same "a failing destroy hook stops the destroy, and says so" "1 kept yes" \
    "$rc $([ -d "$box/dh2/rootfs" ] && echo kept) $(grep -q 'lxc.hook.destroy /bin/false failed with status 1' <<<"$out" && echo yes)"
sed -i '/lxc.hook.destroy/d' "$box/dh2/config"; ub destroy dh2 >/dev/null
same "without it the container goes" gone "$([ -e "$box/dh2" ] || echo gone)"

# userbox on a host with per-user cgroups (issue 18): each container in lxc.payload.NAME and its
# monitor in lxc.monitor.NAME below the user's own cgroup in every hierarchy; limits written before
# init runs and enforced; freeze; lxc-info's numbers; clean-up after stop and after a killed
# monitor. First on this host's layout (v1 controllers plus a cgroup2 without them), then on a
# cgroup2-only view (cgroup2 mounted over /sys/fs/cgroup in this test's mount namespace).
#
# Which limits each layout exercises: v1 — memory (a hog is OOM-killed at the limit), pids (a fork
# loop is bounded), cpu.shares, devices (skipped with a warning), the v1 freezer. cgroup2 — only
# the core files (cgroup.max.descendants enforced) and cgroup.freeze: this kernel binds memory,
# pids, cpu and io to v1, so its cgroup2 root offers none of them to delegate.
private_network
mount -t tmpfs tmpfs /run
ip link set lo up
userbox_user anna
tag=ubtest.$$

source "$REPO/tests/integration/support/user-cgroups.sh"
make_user_cgroups() { make_user_cgroups_for anna; }
trap 'for c in c1 c2 c3; do ub stop -k $c >/dev/null 2>&1; done; sleep 0.3; remove_test_cgroups' EXIT
# anna's commands from inside her cgroups (root moves the shell, then becomes anna).
incg() {
    bash -c 'for d in "$@"; do [ "$d" = -- ] && break; echo $$ > "$d/cgroup.procs"; shift; done; shift; cd /home/anna
             exec setpriv --reuid=anna --regid=anna --init-groups env -i HOME=/home/anna USER=anna PATH="'"$pfx"'/bin:/usr/bin:/bin" "$@"' \
        _ "${percg[@]}" -- "$@"
}
ub() { incg userbox "$@"; }
monitor_of() { awk '/^monitor /{print $2}' "$box/$1/state"; }
init_of() { awk '/^init /{print $2}' "$box/$1/state"; }
in_all() { # NAME KIND PID: PID is in every hierarchy's lxc.KIND.NAME
    [ ${#percg[@]} -gt 0 ] && [ -n "$3" ] || return 1
    local d; for d in "${percg[@]}"; do grep -qx "$3" "$d/lxc.$2.$1/cgroup.procs" || { echo "missing in $d/lxc.$2.$1"; return 1; }; done
}
none_left() { [ ${#percg[@]} -gt 0 ] || { echo "no per-user cgroups"; return; }; local d; for d in "${percg[@]}"; do ls -d "$d"/lxc.payload.$1* "$d"/lxc.monitor.$1* 2>/dev/null; done; }

make_user_cgroups
same "a writable per-user cgroup in every hierarchy ($(hierarchies | wc -l))" "$(hierarchies | wc -l)" "${#percg[@]}"
v1mem=$(printf '%s\n' "${percg[@]}" | grep /memory/)
v1pids=$(printf '%s\n' "${percg[@]}" | grep /pids/)

ub create c1 --set lxc.cgroup.memory.limit_in_bytes=48M --set lxc.cgroup.pids.max=24 --set lxc.cgroup.cpu.shares=512 \
    --set "lxc.cgroup.devices.deny=c 1:3 rwm" >/dev/null
ub create c2 >/dev/null
ub start c1 >/dev/null; rc1=$?; ub start c2 >/dev/null; rc2=$?
same "two containers start from the per-user cgroups" "0 0" "$rc1 $rc2"
[ "$rc1" = 0 ] || tail -5 "$box/c1/userbox.log"
check "c1's init is in lxc.payload.c1 in every hierarchy" in_all c1 payload "$(init_of c1)"
check "c2's init is in lxc.payload.c2 in every hierarchy" in_all c2 payload "$(init_of c2)"
check "each monitor is in its lxc.monitor.NAME" in_all c1 monitor "$(monitor_of c1)"
check "the two never share a cgroup" test "$(cat "$v1pids/lxc.payload.c1/cgroup.procs" | grep -cx "$(init_of c2)")" = 0
same "limits are written (memory, pids, cpu.shares)" "50331648 24 512" \
    "$(cat "$v1mem/lxc.payload.c1/memory.limit_in_bytes") $(cat "$v1pids/lxc.payload.c1/pids.max") $(cat "$(printf '%s\n' "${percg[@]}" | grep '/cpu/')/lxc.payload.c1/cpu.shares")"
check "device rules are skipped with one warning in the log" grep -q "device rules skipped (lxc.cgroup.devices.deny)" "$box/c1/userbox.log"
out=$(ub attach c1 -- cat /proc/self/cgroup)
same "inside, attach sees its cgroups as the root of the container's cgroup namespace" "" "$(grep -v ':/$' <<<"$out")"
same "init too" "" "$(ub attach c1 -- cat /proc/1/cgroup | grep -v ':/$')"

# Limits enforced: a 200 MB buffer against 48 MB (this host has no swap), a fork loop against 24.
out=$(ub attach c1 -- dd if=/dev/zero of=/dev/null bs=200M count=1 2>&1); rc=$?
check "a memory hog is killed at the limit (status $rc)" test "$rc" != 0
check "the limit was hit and never passed ($(cat "$v1mem/lxc.payload.c1/memory.failcnt") failures)" \
    test "$(cat "$v1mem/lxc.payload.c1/memory.failcnt")" -gt 0 -a "$(cat "$v1mem/lxc.payload.c1/memory.max_usage_in_bytes")" -le 50331648
ub attach c1 -- sh -c 'for i in $(seq 60); do sleep 30 & done 2>/dev/null; sleep 0.3; exit 0' >/dev/null 2>&1
check "pids.max bounds a fork loop (at most 24, refusals counted)" \
    test "$(cat "$v1pids/lxc.payload.c1/pids.current")" -le 24 -a "$(awk '{print $2}' "$v1pids/lxc.payload.c1/pids.events")" -gt 0
ub attach c1 -- killall sleep >/dev/null 2>&1

# Freeze: a counter stops and goes on.
ub attach c1 -- sh -c 'i=0; while :; do i=$((i+1)); echo $i > /root/n.t; mv /root/n.t /root/n; done' >/dev/null 2>&1 &
sleep 0.5
ub freeze c1; rc=$?
a=$(cat "$box/c1/rootfs/root/n"); sleep 0.5; b=$(cat "$box/c1/rootfs/root/n")
same "freeze stops the counter ($a, $b)" "0 $a" "$rc ${b:-none}"
same "ls and info say FROZEN; wait FROZEN returns at once" "FROZEN FROZEN 0" \
    "$(ub ls --fancy -F name,state | awk '$1 == "c1" {print $2}') $(ub info c1 | awk '/^State:/ {print $2}') $(ub wait c1 FROZEN -t 1; echo $?)"
ub unfreeze c1; rc=$?; sleep 0.3
c=$(cat "$box/c1/rootfs/root/n")
check "unfreeze resumes it ($b -> $c)" test "$rc" = 0 -a "$c" -gt "$b"
same "and it is RUNNING (THAWED) again" "RUNNING 0" "$(ub info c1 | awk '/^State:/ {print $2}') $(ub wait c1 THAWED -t 1; echo $?)"
# The same through libuserbox's C ABI, under valgrind memcheck (t_capi.sh has the rest of it).
mkdir -p $pfx/lib && cp -a $BIN/lib/libuserbox.so* $pfx/lib/ && strip --strip-debug $pfx/lib/libuserbox.so.1.0.0 && chmod -R a+rX $pfx/lib
cc -I$BIN/include -o $SCRATCH/capi_test $REPO/tests/integration/support/capi_test.c -L$pfx/lib -luserbox -Wl,-rpath,$pfx/lib
chmod 755 $SCRATCH/capi_test
out=$(incg valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite $SCRATCH/capi_test --freeze c1 2>&1); rc=$?
same "userbox_freeze/unfreeze from C: FROZEN, then RUNNING; memcheck clean" "0|0" "$rc|$(grep -c '^not ok' <<<"$out")"
[ "$rc" = 0 ] || sed 's/^/# /' <<<"$out" | head -20
info=$(ub info c1)
check "info shows CPU, memory and pids use as lxc-info does" test -n "$(grep '^CPU use: .* seconds' <<<"$info")" -a -n "$(grep '^Memory use: .*iB' <<<"$info")" -a -n "$(grep '^Pids:' <<<"$info")"

# A limit this layout cannot apply is an error that names the key and the key to use.
ub create c3 --set lxc.cgroup2.memory.max=64M >/dev/null
out=$(ub start c3 2>&1); rc=$?
check "lxc.cgroup2.memory.max on a hybrid host: refused, pointing to the v1 key ($out)" \
    test "$rc" = 1 -a -n "$(grep -F 'lxc.cgroup2.memory.max: needs the memory controller on cgroup2; this host binds memory to v1' <<<"$out" | grep -F 'use lxc.cgroup.memory.limit_in_bytes')"
sed -i 's/^lxc.cgroup2.memory.max.*/lxc.cgroup.memory.limit_in_bytes = lots/' "$box/c3/config"
out=$(ub start c3 2>&1); rc=$?
check "a value the kernel refuses names key, value and reason ($out)" test "$rc" = 1 -a -n "$(grep -F 'lxc.cgroup.memory.limit_in_bytes = lots: the kernel refused it' <<<"$out")"
ub ls >/dev/null
same "a failed start leaves no cgroup once ls has run" "" "$(none_left c3)"

# Stop removes them; a killed monitor's are removed by the next ls.
ub stop -k c1
for _ in $(seq 50); do [ -z "$(none_left c1)" ] && break; sleep 0.1; done
same "stop removes lxc.payload.c1 and lxc.monitor.c1 everywhere" "" "$(none_left c1)"
kill -9 "$(monitor_of c2)"
for _ in $(seq 50); do kill -0 "$(init_of c2)" 2>/dev/null || break; sleep 0.1; done
same "with its monitor killed the container is gone" "STOPPED" "$(ub info c2 | awk '/^State:/ {print $2}')"
ub ls >/dev/null
same "and the next ls removes the cgroups the monitor left" "" "$(none_left c2)"

# cgroup2-only: the same placement, freeze through cgroup.freeze, and the errors for v1 keys.
remove_test_cgroups
mount -t cgroup2 none /sys/fs/cgroup
make_user_cgroups
same "cgroup2-only view: one hierarchy" "1 /sys/fs/cgroup" "${#percg[@]} $(hierarchies)"
sed -i '/^lxc.cgroup/d' "$box/c1/config"
echo "lxc.cgroup2.cgroup.max.descendants = 0" >> "$box/c1/config"
ub start c1 >/dev/null; rc1=$?; ub start c2 >/dev/null; rc2=$?
same "both start" "0 0" "$rc1 $rc2"
[ "$rc1" = 0 ] || tail -5 "$box/c1/userbox.log"
check "each in its own cgroup2 child" in_all c1 payload "$(init_of c1)"
check "c2 too" in_all c2 payload "$(init_of c2)"
same "inside: 0::/" "0::/" "$(ub attach c1 -- grep '^0::' /proc/self/cgroup)"
check "cgroup.max.descendants = 0 is enforced (no child cgroup can be made)" \
    test -n "$(setpriv --reuid=anna --regid=anna --init-groups mkdir "${percg[0]}/lxc.payload.c1/sub" 2>&1 | grep -i 'resource temporarily unavailable')"
ub attach c1 -- sh -c 'i=0; while :; do i=$((i+1)); echo $i > /root/n.t; mv /root/n.t /root/n; done' >/dev/null 2>&1 &
sleep 0.5; ub freeze c1; rc=$?
a=$(cat "$box/c1/rootfs/root/n"); sleep 0.5; b=$(cat "$box/c1/rootfs/root/n")
same "cgroup.freeze stops the counter ($a, $b)" "0 $a 1" "$rc ${b:-none} $(awk '/^frozen/ {print $2}' "${percg[0]}/lxc.payload.c1/cgroup.events")"
ub unfreeze c1; sleep 0.3; c=$(cat "$box/c1/rootfs/root/n")
check "and unfreeze resumes it ($b -> $c)" test "$c" -gt "$b"
sed -i 's/^lxc.cgroup.*/lxc.cgroup.memory.limit_in_bytes = 64M/' "$box/c3/config"
out=$(ub start c3 2>&1); rc=$?
check "a v1 key on a cgroup2-only host: refused, pointing to lxc.cgroup2 ($out)" \
    test "$rc" = 1 -a -n "$(grep -F 'lxc.cgroup.memory.limit_in_bytes: needs the v1 memory controller; this host is cgroup2-only: use lxc.cgroup2.memory.max' <<<"$out")"
for c in c1 c2; do ub stop -k $c; done
for _ in $(seq 50); do [ -z "$(none_left c1)$(none_left c2)" ] && break; sleep 0.1; done
same "stop removes both" "" "$(none_left c1)$(none_left c2)"

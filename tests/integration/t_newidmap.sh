# newuidmap/newgidmap: ours against Debian's shadow 4.13, same caller, same arguments, fresh targets.
ours=$SCRATCH/bin
mkdir -p "$ours"
install -o root -g root -m 4755 "$BIN/newuidmap" "$BIN/newgidmap" "$ours/"
chmod 755 "$SCRATCH"

new_user alice
new_user bob
new_user -o -u "$(id -u alice)" -g "$(id -g alice)" -N alice2
groupadd -g 45000 devs
usermod -a -G devs alice
A=$(id -u alice) G=$(id -g alice)
cat > /etc/subuid <<EOT
alice:100000:65536
alice:10000:1000
alice:300000:10
alice:300010:10
$A:200000:100
alice2:400000:10
bob:500000:65536
# alice:600000:10 is commented out
EOT
cp /etc/subuid /etc/subgid

as() { local user=$1; shift; setpriv --reuid="$user" --regid="$user" --init-groups "$@"; }
state() { echo "uid_map:$(tr -s ' ' < /proc/$1/uid_map)|gid_map:$(tr -s ' ' < /proc/$1/gid_map)|setgroups:$(cat /proc/$1/setgroups)"; }

# mapcase NAME MODE HELPER CALLER[:GROUP] ARGS...   (PID in ARGS is replaced by a fresh target)
# MODE: same = status, maps and stderr as shadow; accept = same, and ours must succeed with a map;
# result = status and maps as shadow (message differs on purpose)
mapcase() {
    local name=$1 mode=$2 helper=$3 who=$4; shift 4
    local user=${who%%:*} group=${who#*:}; [ "$group" = "$who" ] && group=""
    local results=()
    for impl in /usr/bin "$ours"; do
        local t; t=$(new_target "$user" "$group")
        local args=("${@//PID/$t}")
        local err rc
        if [ -n "$group" ]; then err=$(setpriv --reuid="$user" --regid="$group" --init-groups "$impl/$helper" "${args[@]}" 2>&1 >/dev/null); rc=$?
        else err=$(as "$user" "$impl/$helper" "${args[@]}" 2>&1 >/dev/null); rc=$?; fi
        # Our refusals add what the caller does own (issue 7); shadow's text is the part before.
        [ "$impl" = "$ours" ] && err=$(sed -E 's/ not allowed: .*/ not allowed/' <<<"$err")
        results+=("status:$rc|$(state "$t")|stderr:$(mask_pid "$err" "$t")")
        kill "$t" 2>/dev/null
    done
    if [ "$mode" = accept ]; then
        # Accepted cases must also be accepted, not merely refused alike by both.
        local file=uid_map; [ "$helper" = newgidmap ] && file=gid_map
        local mine=${results[1]#*$file:}; mine=${mine%%|*}
        check "$helper $name: accepted (status 0, $file written: '$mine')" \
            test "${results[1]%%|*}" = "status:0" -a -n "$mine"
    fi
    if [ "$mode" = same ] || [ "$mode" = accept ]; then
        same "$helper $name: same as shadow" "${results[0]}" "${results[1]}"
    else
        same "$helper $name: same status and maps as shadow" "${results[0]%%|stderr:*}" "${results[1]%%|stderr:*}"
        echo "#   shadow said: ${results[0]#*|stderr:}"
        echo "#   we say:      ${results[1]#*|stderr:}"
    fi
}

# Accepted.
mapcase "whole range" accept newuidmap alice PID 0 100000 65536
mapcase "own uid" accept newuidmap alice PID 0 "$A" 1
mapcase "own uid and range" accept newuidmap alice PID 0 "$A" 1 1 100000 65535
mapcase "chained entries" accept newuidmap alice PID 0 300000 20
mapcase "entry owned by numeric uid" accept newuidmap alice PID 0 200000 100
mapcase "entry of another name with the same uid" accept newuidmap alice PID 0 400000 10
mapcase "hex and octal numbers" accept newuidmap alice PID 0 0x186a0 010
mapcase "part of a range" accept newuidmap alice PID 1000 110000 5
mapcase "whole range" accept newgidmap alice PID 0 100000 65536
mapcase "own gid (setgroups deny)" accept newgidmap alice PID 0 "$G" 1
mapcase "own gid and range (setgroups stays allow)" accept newgidmap alice PID 0 "$G" 1 1 100000 65535
mapcase "340 extents" accept newuidmap alice PID $(for i in $(seq 0 339); do echo "$i $((10000 + i)) 1"; done)
mapcase "a map of 4096 bytes or more" result newuidmap alice PID $(for i in $(seq 0 339); do echo "$i $((100000 + i)) 1"; done)

# Refused.
mapcase "another user's range" same newuidmap alice PID 0 500000 10
mapcase "one id too many" same newuidmap alice PID 0 100000 65537
mapcase "count 0" same newuidmap alice PID 0 100000 0
mapcase "host root" same newuidmap alice PID 0 0 1
mapcase "commented-out range" same newuidmap alice PID 0 600000 10
mapcase "uid self-map is not a gid" same newgidmap alice PID 0 "$A" 2
mapcase "supplementary group's gid" same newgidmap alice PID 0 45000 1
mapcase "overflow upper" same newuidmap alice PID 4294967295 100000 1
mapcase "overflow lower" same newuidmap alice PID 0 4294967295 1
mapcase "overflow sum" same newuidmap alice PID 4294967294 100000 2
mapcase "negative count" same newuidmap alice PID 0 100000 -1
mapcase "not a number" result newuidmap alice PID 0 abc 1
mapcase "two arguments" result newuidmap alice PID 0 100000
mapcase "four arguments" result newuidmap alice PID 0 100000 1 5
mapcase "no triples" same newuidmap alice PID
mapcase "overlapping inside" result newuidmap alice PID 0 100000 10 5 100020 10
mapcase "overlapping outside" result newuidmap alice PID 0 100000 10 100 100005 10
mapcase "341 extents" result newuidmap alice PID $(for i in $(seq 0 340); do echo "$i $((100000 + i)) 1"; done)
mapcase "primary group not the user's" same newuidmap alice:devs PID 0 100000 10

# A refusal names what the caller owns, or that they own nothing and who can fix it.
t=$(new_target alice)
err=$(as alice "$ours/newuidmap" "$t" 0 500000 10 2>&1)
same "a refused range says what alice owns" \
    "newuidmap: uid range [0-10) -> [500000-500010) not allowed: alice owns $(awk -F: -v u=alice -v id="$A" '$1==u || $1==id {printf "%s%d-%d", sep, $2, $2+$3-1; sep=", "}' /etc/subuid) in /etc/subuid" "$err"
kill "$t"
new_user carol; sed -i "/^carol:/d" /etc/subgid  # useradd gave her a range
t=$(new_target carol)
err=$(as carol "$ours/newgidmap" "$t" 0 700000 10 2>&1)
same "a user without ranges is told who can fix it" \
    "newgidmap: gid range [0-10) -> [700000-700010) not allowed: carol has no subordinate gids in /etc/subgid: ask an admin to run \`subid allocate carol\`" "$err"
kill "$t"

# Targets that are not the caller's.
b=$(new_target bob)
for impl in /usr/bin "$ours"; do
    err=$(as alice "$impl/newuidmap" "$b" 0 100000 10 2>&1); rc=$?
    results_other+=("$rc $(mask_pid "$err" "$b")")
done
same "another user's process refused like shadow" "${results_other[0]}" "${results_other[1]}"
same "and its map stays empty" "" "$(cat /proc/$b/uid_map)"
kill "$b"
for impl in /usr/bin "$ours"; do err=$(as alice "$impl/newuidmap" 1 0 100000 10 2>&1); results_pid1+=("$? $err"); done
same "PID 1 refused like shadow" "${results_pid1[0]}" "${results_pid1[1]}"
dead=$(new_target alice); kill "$dead"
for _ in $(seq 100); do [ -e "/proc/$dead" ] || break; sleep 0.02; done
for impl in /usr/bin "$ours"; do err=$(as alice "$impl/newuidmap" "$dead" 0 100000 10 2>&1); results_dead+=("$? $(mask_pid "$err" "$dead")"); done
same "a dead PID refused like shadow" "${results_dead[0]}" "${results_dead[1]}"
t=$(new_target alice)
as alice "$ours/newuidmap" "$t" 0 100000 10
err=$(as alice "$ours/newuidmap" "$t" 0 100000 10 2>&1); rc=$?
same "a second write fails with the kernel's EPERM" "1 newuidmap: write to uid_map failed: Operation not permitted" "$rc $err"
kill "$t"

# Deliberate deviations.
err=$(as alice "$ours/newuidmap" 0 0 100000 10 2>&1); rc=$?
same "pid 0 is a usage error (4.17+)" "1 usage:" "$rc ${err%% *}"
err=$(as alice "$ours/newuidmap" -1 0 100000 10 2>&1); rc=$?
same "pid -1 is a usage error (4.17+)" "1 usage:" "$rc ${err%% *}"
mv /etc/subuid /etc/subuid.away
t=$(new_target alice)
err=$(as alice "$ours/newuidmap" "$t" 0 "$A" 1 2>&1); rc=$?
same "missing /etc/subuid is named (4.13 exits 1 silently)" "1 newuidmap: cannot open /etc/subuid: No such file or directory" "$rc $err"
kill "$t"; mv /etc/subuid.away /etc/subuid

# fd:N (shadow 4.14+): a /proc/PID directory fd or a pidfd of the target.
t=$(new_target alice)
as alice bash -c "exec 5</proc/$t; exec '$ours/newuidmap' fd:5 0 100000 10"; rc=$?
same "fd:N with a /proc/PID directory" "0 uid_map: 0 100000 10" "$rc $(echo "uid_map:$(tr -s ' ' < /proc/$t/uid_map)")"
kill "$t"
t=$(new_target alice)
as alice bash -c "exec 5</etc; exec '$ours/newuidmap' fd:5 0 100000 10" 2>/dev/null; rc=$?
same "fd:N that is not on procfs is refused" "1 " "$rc $(cat /proc/$t/uid_map)"
as alice bash -c "exec 5</proc; exec '$ours/newuidmap' fd:5 0 100000 10" 2>/dev/null; rc=$?
same "fd:N of /proc itself is refused" 1 "$rc"
as alice "$ours/newuidmap" fd:9 0 100000 10 2>/dev/null; rc=$?
same "fd:N that is not open is a usage error" 1 "$rc"
kill "$t"
t=$(new_target alice)
python3 - "$t" "$ours/newuidmap" "$(id -u alice)" <<'PY'
import os, sys
pid, helper, uid = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
fd = os.pidfd_open(pid)
os.set_inheritable(fd, True)
os.setgid(os.getgid()); os.setgroups([]); os.setresgid(*(os.stat(f"/proc/{pid}").st_gid,)*3); os.setresuid(uid, uid, uid)
os.execv(helper, [helper, f"fd:{fd}", "0", "100000", "7"])
PY
same "fd:N with a pidfd" "uid_map: 0 100000 7" "uid_map:$(tr -s ' ' < /proc/$t/uid_map)"
kill "$t"

# GRANT_AUX_GROUP_SUBIDS: a caller running with another primary group may map its subuids.
echo "GRANT_AUX_GROUP_SUBIDS yes" >> /etc/login.defs
mapcase "GRANT_AUX_GROUP_SUBIDS with primary group devs" same newuidmap alice:devs PID 0 100000 10
mapcase "GRANT_AUX_GROUP_SUBIDS self-maps the real gid" same newgidmap alice:devs PID 0 45000 1
sed -i '/^GRANT_AUX_GROUP_SUBIDS/d' /etc/login.defs

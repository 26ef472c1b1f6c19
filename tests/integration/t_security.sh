# Security regressions: attacks on this class of tool replayed against our binaries (the CVE
# cases of newuidmap and lxc-user-nic live in t_newidmap.sh, t_usernic.sh and t_hostile.sh; this
# file holds the general ones). README's Security section maps each attack to its test.
private_network
helper_sandbox
mkdir -p /etc/lxc; printf 'alice veth br0 5\nbob veth br0 5\n' > /etc/lxc/lxc-usernet
umap() { tr -s ' ' < /proc/$1/uid_map | sed 's/^ //'; }

# A symlink to another user's netns, handed to delete: opened as the caller, so refused, and with
# the same words as a missing file (CVE-2018-6556 / CVE-2022-47952 through a link).
cb=$(container bob)
ln -s /proc/$cb/ns/net $WORK/bobs-netns
a=$(as alice "$ours/lxc-user-nic" delete /x c $WORK/bobs-netns veth br0 veth0 2>&1); rc=$?
b=$(as alice "$ours/lxc-user-nic" delete /x c $WORK/nothing-here veth br0 veth0 2>&1)
same "lxc-user-nic delete through a symlink to another user's netns: refused like a missing path" \
    "1 ${b//$WORK\/nothing-here/P}" "$rc ${a//$WORK\/bobs-netns/P}"
t=$(new_target alice)
out=$(as alice "$ours/newuidmap" "../$t" 0 100000 10 2>&1); rc=$?
same "newuidmap takes no path for a pid (../PID is a usage error)" "1 " "$rc $(umap "$t")"
kill "$t"

# Hostile environment for lxc-user-nic: PATH, IFS, LD_*, SWIFT_* and huge values change nothing;
# its one stdout line is the only output.
ca=$(container alice)
mkdir -p $WORK/evil; printf '#!/bin/sh\ntouch $WORK/evil/ran\n' > $WORK/evil/ip; chmod 755 $WORK/evil/ip; cp $WORK/evil/ip $WORK/evil/ovs-vsctl
huge=$(head -c 100000 /dev/zero | tr '\0' 'A')
out=$(as alice env -i PATH=$WORK/evil IFS=x LD_PRELOAD=$WORK/evil/x.so LD_LIBRARY_PATH=$WORK/evil SWIFT_DEBUG_HELP=YES \
      SWIFT_BACKTRACE=enable=yes BIG="$huge" "$ours/lxc-user-nic" create /x c "$ca" veth br0 eth0 2>"$WORK/err"); rc=$?
same "lxc-user-nic under a hostile environment: one line out, nothing on stderr, nothing of the environment run" \
    "0 1  absent" "$rc $(grep -c . <<<"$out") $(cat "$WORK/err") $([ -e $WORK/evil/ran ] && echo ran || echo absent)"

# Closed stdout at exec: the database must not become fd 1 and receive the output line.
as alice "$ours/lxc-user-nic" create /x c "$ca" veth br0 eth1 >&- 2>/dev/null; rc=$?
check "lxc-user-nic with stdout closed: the nic database holds only well-formed lines (rc $rc)" \
    sh -c "! grep -v -E '^[a-z]+ veth br0 veth[0-9]+_[0-9a-zA-Z]{4}\$' /run/lxc/nics"

# A read-only /run: a clear failure, and no veth left behind.
before=$(ip -o link | grep -c veth)
mount -o remount,ro /run
out=$(as alice "$ours/lxc-user-nic" create /x c "$ca" veth br0 eth2 2>&1); rc=$?
mount -o remount,rw /run
same "lxc-user-nic with /run/lxc/nics read-only: refused, no veth left" "1 $before" "$rc $(ip -o link | grep -c veth)"
check "and it says why ($out)" grep -qi 'read-only' <<<"$out"

# Low RLIMIT_NOFILE: a clean refusal or success, never a partial map.
for n in 4 5 6 8; do
    t=$(new_target alice)
    out=$(as alice bash -c "ulimit -n $n; exec '$ours/newuidmap' $t 0 100000 10" 2>&1); rc=$?
    check "newuidmap with RLIMIT_NOFILE $n: the map whole, or none and a message (rc $rc, map '$(umap "$t")', $out)" \
        test "$rc $(umap "$t")" = "0 0 100000 10" -o \( "$rc" != 0 -a -z "$(umap "$t")" -a -n "$out" \)
    kill "$t"
done

# subid grant on a full filesystem, with RLIMIT_FSIZE low, under signals, and killed at random
# moments: /etc/subuid is always the old file or the new one, never torn, never lost.
valid() { "$BIN/subid" check >/dev/null 2>&1 && grep -q '^alice:100000:65536$' /etc/subuid && grep -q '^bob:200000:65536$' /etc/subuid; }
small=$SCRATCH/small; mkdir -p "$small"; mount -t tmpfs -o size=64m tmpfs "$small"
cp -a /etc/. "$small/"; mount --bind "$small" /etc
head -c 100000000 /dev/zero > "$small/filler" 2>/dev/null   # until the filesystem is full,
truncate -s -4096 "$small/filler"                              # but for one page: the lock gets it
cp /etc/subuid "$WORK/subuid.before"
out=$("$BIN/subid" grant alice --uids 300000-300999 2>&1); rc=$?
same "subid grant on a full filesystem fails and leaves /etc/subuid as it was" "1 same" \
    "$rc $(cmp -s /etc/subuid "$WORK/subuid.before" && echo same)"
check "and says so ($out)" grep -qi 'no space' <<<"$out"
check "and leaves no lock and no temporary file behind" sh -c "! ls /etc/subuid.lock /etc/subuid.cio* 2>/dev/null | grep -q ."
rm -f "$small/filler"
out=$(bash -c "ulimit -f 0; exec '$BIN/subid' grant alice --uids 300000-300999" 2>&1); rc=$?
same "subid grant with RLIMIT_FSIZE 0: fails, /etc/subuid intact, no lock left" "fail same nolock" \
    "$([ $rc != 0 ] && echo fail) $(cmp -s /etc/subuid "$WORK/subuid.before" && echo same) $([ -e /etc/subuid.lock ] || echo nolock)"
umount /etc
torn=0
for i in $(seq 40); do
    "$BIN/subid" grant bob --uids $((400000 + i * 10))-$((400000 + i * 10 + 4)) >/dev/null 2>&1 &
    p=$!; sleep "0.00$((RANDOM % 9))"; kill -9 "$p" 2>/dev/null; wait "$p" 2>/dev/null
    valid || torn=$((torn + 1))
done
same "40 kills -9 at random moments of subid grant: the file is never torn or lost" 0 "$torn"
"$BIN/subid" grant alice --uids 500000-500009 >/dev/null 2>&1; rc=$?
same "and a later grant takes over any stale lock and succeeds" 0 "$rc"
sig_torn=0
for i in $(seq 20); do
    "$BIN/subid" grant bob --uids $((600000 + i * 10))-$((600000 + i * 10 + 4)) >/dev/null 2>&1 &
    p=$!; for s in INT TERM HUP; do kill -s $s "$p" 2>/dev/null; done; wait "$p" 2>/dev/null
    valid && [ ! -e /etc/subuid.lock ] || sig_torn=$((sig_torn + 1))
done
same "SIGINT/TERM/HUP during subid grant: file intact and lock removed every time" 0 "$sig_torn"

# Memory errors: the helpers under valgrind on real cases (root runs them here, so no setuid).
# make test installs valgrind; without it this block fails rather than passing unseen.
if ! command -v valgrind >/dev/null; then
    not_ok "valgrind is installed (make test installs it): the memory checks below need it"
else
    # Stripped copies, as `make install` puts them: valgrind 3.19 cannot read this toolchain's DWARF 5.
    vgbin=$SCRATCH/vg; mkdir -p "$vgbin"
    for b in newuidmap newgidmap getsubids subid lxc-user-nic; do strip -o "$vgbin/$b" "$BIN/$b"; done
    vg() { local b=$1; shift; valgrind -q --error-exitcode=99 --leak-check=no "$vgbin/$b" "$@" >/dev/null 2>>"$WORK/vg.log"; echo $?; }
    echo "root:900000:65536" >> /etc/subuid; echo "root:900000:65536" >> /etc/subgid
    unshare -U sleep 60 >/dev/null 2>&1 & t=$!; sleep 0.2
    same "valgrind: newuidmap maps a namespace with no invalid memory access" 0 "$(vg newuidmap "$t" 0 900000 10)"
    same "valgrind: newgidmap too" 0 "$(vg newgidmap "$t" 0 900000 10)"
    kill "$t"
    same "valgrind: getsubids" 0 "$(vg getsubids alice)"
    same "valgrind: subid grant and revoke" "0 0" "$(vg subid grant alice --uids 700000-700009) $(vg subid revoke alice --uids 700000-700009)"
    echo "root veth br0 5" >> /etc/lxc/lxc-usernet
    same "valgrind: lxc-user-nic create" 0 "$(vg lxc-user-nic create /x c "$ca" veth br0 eth9)"
    grep -q . "$WORK/vg.log" && sed 's/^/#   /' "$WORK/vg.log" | head -20
fi
kill "$ca" "$cb" 2>/dev/null
true

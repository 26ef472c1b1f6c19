# lxc-user-nic (work in progress, not installed): create/delete round trips, quotas, CVE checks,
# in a private network namespace with a bridge and a tmpfs /run.
private_network
mount -t tmpfs tmpfs /run
ours=$SCRATCH/bin; mkdir -p "$ours"; chmod 755 "$SCRATCH"
install -o root -g root -m 4755 "$BIN/lxc-user-nic" "$ours/"
ip link set lo up
ip link add br0 type bridge; ip link set br0 mtu 1400 up
ip link add br1 type bridge; ip link set br1 up
groupadd nicusers
new_user alice; new_user bob; new_user carol
usermod -a -G nicusers bob; usermod -a -G nicusers carol
mkdir -p /etc/lxc
printf 'alice veth br0 1\n@nicusers veth br0 2\n' > /etc/lxc/lxc-usernet
nic() { local u=$1; shift; setpriv --reuid="$u" --regid="$u" --init-groups "$ours/lxc-user-nic" "$@"; }

ca=$(container alice)
out=$(nic alice create /x c1 "$ca" veth br0 eth0 2>"$WORK/err"); rc=$?
same "create succeeds with one stdout line and nothing on stderr" "0 " "$rc $(cat "$WORK/err")"
check "output is CONTAINER_IF:INDEX:HOST_VETH:INDEX" grep -qE "^eth0:[0-9]+:veth$(id -u alice)_[0-9a-zA-Z]{4}:[0-9]+$" <<<"$out"
host=$(cut -d: -f3 <<<"$out")
info=$(ip -d -o link show "$host")
check "host end on br0" grep -q 'master br0' <<<"$info"
check "host end has the bridge MTU" grep -q 'mtu 1400' <<<"$info"
check "host MAC starts with fe" grep -q 'link/ether fe:' <<<"$info"
check "host end is up" grep -q ',UP' <<<"$info"
check "container end is eth0 inside the container's netns, with the bridge MTU" grep -q 'mtu 1400' <<<"$(nsenter --net=/proc/$ca/ns/net ip -o link show eth0)"
same "the nic database records it" "alice veth br0 $host" "$(cat /run/lxc/nics)"
same "the database and its directory are root's (LXC gives them the first caller's group)" "600 0:0 755 0:0" \
    "$(stat -c '%a %u:%g' /run/lxc/nics) $(stat -c '%a %u:%g' /run/lxc)"
out2=$(nic alice create /x c1 "$ca" veth br0 eth1 2>&1); rc=$?
same "over quota: refused, nothing added" "1 1 1" "$rc $(grep -c . /run/lxc/nics) $(ip -o link show master br0 | grep -c veth)"
check "the refusal says quota reached" grep -q "quota reached" <<<"$out2"

cb=$(container bob)
out=$(nic bob create /x c1 "$cb" veth br0 eth0 2>&1); rc=$?
same "bob gets the @nicusers quota" 0 "$rc"
cc=$(container carol)
nic carol create /x c1 "$cc" veth br0 eth0 >/dev/null 2>&1; rc1=$?
nic carol create /x c1 "$cc" veth br0 eth1 >/dev/null 2>&1; rc2=$?
same "group quota is shared: carol gets the group's second nic, not a third" "0 1" "$rc1 $rc2"
out=$(nic alice create /x c1 "$cb" veth br0 eth5 2>&1); rc=$?
# Exit status 3 for this one refusal (LXC: 1; liblxc only tells zero from non-zero): the retryable one.
same "another user's pid refused (CVE-2017-5985), with the retry status 3" "3 yes" "$rc $(grep -q 'may not modify netns' <<<"$out" && echo yes)"
out=$(nic alice create /x c1 1 veth br0 eth5 2>&1); rc=$?
same "pid 1 refused (status 3: its netns cannot be opened as the caller)" 3 "$rc"
out=$(nic alice create /x c1 "$ca" veth br1 eth5 2>&1); rc=$?
same "a bridge without a quota line is refused" "1 yes" "$rc $(grep -q 'no line for them' <<<"$out" && echo yes)"
for bad in "eth0:1" "a/b" "waytoolongname123"; do
    nic alice create /x c1 "$ca" veth br0 "$bad" >/dev/null 2>&1; same "nic name '$bad' refused" 1 $?
done
nic alice create /x c1 abc veth br0 eth0 >/dev/null 2>"$WORK/err"; same "a bad pid: LXC's message" "1 lxc-user-nic: Could not read pid: abc" "$? $(cat "$WORK/err")"
nic alice create /x c1 >/dev/null 2>"$WORK/err"; same "wrong argument count: usage on stderr, exit 1" "1 Description:" "$? $(head -1 "$WORK/err")"

# Stale entries are pruned and the file rewritten whole: alice's container dies, her nic goes.
kill "$ca"; for _ in $(seq 50); do ip link show "$host" >/dev/null 2>&1 || break; sleep 0.05; done
ca2=$(container alice)
out=$(nic alice create /x c2 "$ca2" veth br0 eth0 2>&1); rc=$?
same "after the old nic vanished, alice may create again" 0 "$rc"
same "and every live line survived the rewrite (bob's, carol's, alice's new one; the stale one gone)" "2 1 0" \
    "$(grep -c '^@nicusers' /run/lxc/nics) $(grep -c '^alice' /run/lxc/nics) $(grep -c "$host" /run/lxc/nics)"

# delete: only a recorded nic of the caller's, through a real netns file.
host2=$(cut -d: -f3 <<<"$out")
out=$(nic bob delete /x c1 /proc/$cb/ns/net veth br0 "$host2" 2>&1); rc=$?
same "bob may not delete alice's nic (CVE-2026-39402)" "1 yes" "$rc $(grep -q 'not allowed' <<<"$out" && echo yes)"
a=$(nic alice delete /x c1 /etc/shadow veth br0 "$host2" 2>&1); b=$(nic alice delete /x c1 /nonexistent veth br0 "$host2" 2>&1)
same "a root-only file and a missing one give the same message (CVE-2022-47952)" "${a//\/etc\/shadow/P}" "${b//\/nonexistent/P}"
out=$(nic alice delete /x c1 /proc/self/ns/net veth br0 "$host2" 2>&1); rc=$?
same "the host's netns is refused" "1 yes" "$rc $(grep -q 'not privileged' <<<"$out" && echo yes)"
nic alice delete /x c2 /proc/$ca2/ns/net veth br0 "$host2"; rc=$?
same "alice deletes her nic" "0 gone gone" "$rc $(ip link show "$host2" >/dev/null 2>&1 || echo gone) $(grep -q "$host2" /run/lxc/nics || echo gone)"

# 20 parallel creates by one user never exceed the quota.
printf 'alice veth br0 3\n' > /etc/lxc/lxc-usernet
: > /run/lxc/nics
ca3=$(container alice)
pids=(); for i in $(seq 20); do nic alice create /x c3 "$ca3" veth br0 "e$i" >"$WORK/p$i" 2>&1 & pids+=($!); done
ok_count=0; for i in $(seq 20); do wait "${pids[$((i-1))]}" && ok_count=$((ok_count + 1)); done
same "20 parallel creates with quota 3: exactly 3 succeed" "3 3 3" \
    "$ok_count $(grep -c . /run/lxc/nics) $(nsenter --net=/proc/$ca3/ns/net ip -o link | grep -c ' e[0-9]')"

# A rename that fails (alice's process, but in a netns she does not own) leaves nothing behind.
printf 'alice veth br0 5\n' > /etc/lxc/lxc-usernet
before_db=$(cat /run/lxc/nics); before_links=$(ip -o link | grep -c veth)
unshare --net sleep 120 & rootns=$!
sleep 0.2
nsenter --net=/proc/$rootns/ns/net setpriv --reuid=alice --regid=alice --init-groups sleep 120 & stranger=$!
sleep 0.2
out=$(nic alice create /x c4 "$stranger" veth br0 eth0 2>&1); rc=$?
same "a peer that cannot be renamed as the caller fails the create" "1 yes" "$rc $(grep -q 'renaming' <<<"$out" && echo yes)"
same "and leaves neither a database line nor a veth" "$before_db|$before_links" "$(cat /run/lxc/nics)|$(ip -o link | grep -c veth)"
kill "$stranger" "$rootns"

# The target exits mid-call: lxc-user-nic has opened its netns and waits for the database lock
# while the process dies. Either outcome is fine (the nic is made in a netns kept alive by our fd,
# or a clear refusal); what must not happen is a veth left on the host or a quota slot used for good.
printf 'alice veth br0 1\n' > /etc/lxc/lxc-usernet
: > /run/lxc/nics
before_links=$(ip -o link | grep -c veth)
# (perl is essential in Debian; struct flock for x86_64: type, whence, start, len, pid)
perl -e 'use Fcntl; open(my $f, "+<", "/run/lxc/nics") or die; fcntl($f, F_SETLKW, pack("s s x4 q q i x4", F_WRLCK, SEEK_SET, 0, 0, 0)) or die;
         open(my $m, ">", $ARGV[0]); close($m); select(undef, undef, undef, 1.5)' "$WORK/locked" &
locker=$!
for _ in $(seq 50); do [ -e "$WORK/locked" ] && break; sleep 0.05; done
dying=$(container alice)
nic alice create /x c5 "$dying" veth br0 eth0 >"$WORK/mid.out" 2>&1 & midcall=$!
sleep 0.4; kill "$dying"; wait "$dying" 2>/dev/null
wait "$locker"; same "the database was locked while the target died" "0 yes" "$? $([ -e "$WORK/locked" ] && echo yes)"
wait "$midcall"; rc=$?
check "create for a process that died mid-call exits 0 or 1 (got $rc: $(cat "$WORK/mid.out"))" test "$rc" -le 1
for _ in $(seq 100); do [ "$(ip -o link | grep -c veth)" = "$before_links" ] && break; sleep 0.05; done
same "no veth is left on the host once its netns is gone" "$before_links" "$(ip -o link | grep -c veth)"
ca6=$(container alice)
out=$(nic alice create /x c6 "$ca6" veth br0 eth0 2>&1); rc=$?
same "the dead container's slot is free again for quota 1 (its line was stale)" "0 1" "$rc $(grep -c . /run/lxc/nics)"
dead=$(container alice); kill "$dead"; wait "$dead" 2>/dev/null
out=$(nic alice create /x c7 "$dead" veth br0 eth0 2>&1); rc=$?
same "a pid that already exited is refused (status 3)" "3 yes" "$rc $(grep -q 'may not modify netns' <<<"$out" && echo yes)"

# Open vSwitch: a link that is not a Linux bridge is an OVS bridge (LXC's rule), attached with
# ovs-vsctl found only in LXC's fixed directories. This kernel has neither the openvswitch nor the dummy
# module, so veth ends play the OVS bridges and a stub
# stands in for ovs-vsctl: it knows bridge "ovsbr", records each call with its uids and environment,
# and prints on stdout to prove its output does not reach ours.
ip link add ovsbr type veth peer name ovsbr-peer; ip link set ovsbr mtu 1450 up
ip link add ovsbad type veth peer name ovsbad-peer; ip link set ovsbad up
printf 'alice veth ovsbr 2\nbob veth ovsbr 1\nalice veth ovsbad 1\n' > /etc/lxc/lxc-usernet
: > /run/lxc/nics
mount -t tmpfs tmpfs /usr/local/sbin
ca7=$(container alice); cb7=$(container bob)
before_links=$(ip -o link | grep -c veth)
out=$(nic alice create /x c8 "$ca7" veth ovsbr eth0 2>&1); rc=$?
same "no ovs-vsctl: a clear refusal" "1 yes" "$rc $(grep -q 'not a Linux bridge and ovs-vsctl was not found' <<<"$out" && echo yes)"
same "and nothing is left behind" "$before_links 0" "$(ip -o link | grep -c veth) $(grep -c . /run/lxc/nics)"
cat > /usr/local/sbin/ovs-vsctl <<'STUB'
#!/bin/bash -p
echo "$* ruid=$(id -ru) euid=$(id -u) env=$(env | grep -v -e '^PWD=' -e '^SHLVL=' -e '^_=' | tr '\n' ' ')" >> /run/ovs-calls
echo "stub chatter on stdout"
for a; do bridge=$port; port=$a; done
case "$*" in *add-port\ ovsbr\ *|*del-port\ ovsbr\ *) exit 0 ;; esac
echo "ovs-vsctl: no bridge named $bridge" >&2; exit 1
STUB
chmod 755 /usr/local/sbin/ovs-vsctl
out=$(nic alice create /x c8 "$ca7" veth ovsbr eth0 2>"$WORK/err"); rc=$?
same "OVS create: one stdout line, nothing on stderr" "0 1 " "$rc $(grep -c . <<<"$out") $(cat "$WORK/err")"
ovshost=$(cut -d: -f3 <<<"$out")
# Fully root (real uid too, since issue 20: the caller cannot signal the helper or its child).
same "ovs-vsctl was asked to add the port, as root for the caller, with only PATH set" \
    "--timeout=10 -- add-port ovsbr $ovshost ruid=0 euid=0 env=PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin " \
    "$(cat /run/ovs-calls)"
check "the host end is up with the OVS bridge's MTU" grep -q 'mtu 1450.*state UP\|,UP.*mtu 1450' <<<"$(ip -o link show "$ovshost")"
same "the database records it" "alice veth ovsbr $ovshost" "$(cat /run/lxc/nics)"
: > /run/ovs-calls
before_links=$(ip -o link | grep -c veth)
out=$(nic alice create /x c8 "$ca7" veth ovsbad eth1 2>&1); rc=$?
same "ovs-vsctl refusing the port fails the create with its message" "1 yes" "$rc $(grep -q 'no bridge named ovsbad' <<<"$out" && echo yes)"
same "and leaves neither a veth nor a database line" "$before_links 1" "$(ip -o link | grep -c veth) $(grep -c . /run/lxc/nics)"
out=$(nic bob delete /x c8 /proc/$cb7/ns/net veth ovsbr "$ovshost" 2>&1); rc=$?
same "bob may not remove alice's OVS port (CVE-2026-39402, LXC's lxc-test-usernic-2)" "1 yes 0" \
    "$rc $(grep -q 'not allowed' <<<"$out" && echo yes) $(grep -c "del-port ovsbr" /run/ovs-calls)"
nic alice delete /x c8 /proc/$ca7/ns/net veth ovsbr "$ovshost"; rc=$?
same "alice removes her port as LXC does: del-port called; the veth and its line stay while its netns lives" "0 1 1 present" \
    "$rc $(grep -c "del-port ovsbr $ovshost" /run/ovs-calls) $(grep -c "$ovshost" /run/lxc/nics) $(ip link show "$ovshost" >/dev/null 2>&1 && echo present)"
kill "$ca7"; for _ in $(seq 100); do ip link show "$ovshost" >/dev/null 2>&1 || break; sleep 0.05; done
ca8=$(container alice)
nic alice create /x c9 "$ca8" veth ovsbr eth0 >/dev/null; rc=$?
same "once the container is gone its line is pruned at the next create" "0 0 1" "$rc $(grep -c "$ovshost" /run/lxc/nics) $(grep -c . /run/lxc/nics)"
kill "$ca8" "$cb7" "$ca6" 2>/dev/null
true

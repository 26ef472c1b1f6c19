# Drop-in with Debian's LXC: an unprivileged busybox container with veth networking is started
# with LXC's own lxc-user-nic, then with ours bind-mounted over /usr/libexec/lxc/lxc-user-nic; the
# resulting links must be the same. Private network namespace with its own sysfs (LXC looks for
# bridges under /sys/class/net, which shows the netns that mounted it), tmpfs /run.
private_network
lxc_nic=/usr/libexec/lxc/lxc-user-nic
if [ ! -x "$lxc_nic" ] || [ ! -x /bin/busybox ]; then
    not_ok "Debian's lxc and busybox-static are needed (make deps installs them)"; return 0
fi
mount -t tmpfs tmpfs /run
mount -t sysfs sysfs /sys
ip link set lo up
ip link add lxcbr0 type bridge; ip link set lxcbr0 mtu 1400 up
new_user lxcu
u=$(id -u lxcu)
mkdir -p /home/lxcu/.config/lxc; usermod -d /home/lxcu lxcu 2>/dev/null
echo "lxcu:400000:65536" > /etc/subuid; echo "lxcu:400000:65536" > /etc/subgid
mkdir -p /etc/lxc; echo "lxcu veth lxcbr0 2" > /etc/lxc/lxc-usernet
cat > /home/lxcu/.config/lxc/default.conf <<CONF
lxc.idmap = u 0 400000 65536
lxc.idmap = g 0 400000 65536
lxc.net.0.type = veth
lxc.net.0.link = lxcbr0
lxc.net.0.flags = up
lxc.net.0.name = eth0
CONF
chown -R lxcu: /home/lxcu
as() { (cd /home/lxcu && setpriv --reuid=lxcu --regid=lxcu --init-groups env -i HOME=/home/lxcu USER=lxcu PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@"); }
for c in c1 c2 c3; do as lxc-create -n $c -t busybox >/dev/null 2>&1 || not_ok "lxc-create $c"; done

# What a started container's networking looks like, with the random parts named.
links_of() {
    local pid host
    pid=$(as lxc-info -n "$1" -pH)
    host=$(as lxc-info -n "$1" | awk '/^Link:/ {print $2}')
    [ -n "$pid" ] && [ -n "$host" ] || { echo "not running"; return; }
    sed -E "s/$host/HOSTVETH/g; s/veth${u}_[0-9a-zA-Z]{4}/HOSTVETH/g" <<<"host name: $(grep -cE "^veth${u}_[0-9a-zA-Z]{4}$" <<<"$host") of veth${u}_XXXX
host link: $(ip -d -o link show "$host" | grep -oE 'mtu [0-9]+|state [A-Z]+|master [a-z0-9]+|link/ether fe|veth ' | tr '\n' ' ')
container links: $(nsenter --net=/proc/$pid/ns/net ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | tr '\n' ' ')
container eth0: $(nsenter --net=/proc/$pid/ns/net ip -d -o link show eth0 | grep -oE 'mtu [0-9]+|state [A-Z]+|veth ' | tr '\n' ' ')
nic database: $(grep "$host" /run/lxc/nics)"
}

as lxc-start -n c1 -l INFO -o /home/lxcu/lxc.log; rc=$?
theirs=$(links_of c1)
same "LXC's own lxc-user-nic starts c1" 0 "$rc"
check "its result is what we compare against: veth on lxcbr0, up, bridge MTU, fe: MAC, eth0 inside" \
    grep -qzE 'host link: mtu 1400 master lxcbr0 state UP link/ether fe .*veth.*container links: lo eth0 .container eth0: mtu 1400 state UP' <<<"$theirs"
as lxc-stop -n c1 -k

ours=$SCRATCH/bin; mkdir -p "$ours"
install -o root -g root -m 4755 "$BIN/lxc-user-nic" "$ours/"
mount --bind "$ours/lxc-user-nic" "$lxc_nic"
same "our lxc-user-nic is the one at LXC's path" "$(sha256sum < "$BIN/lxc-user-nic")" "$(sha256sum < "$lxc_nic")"
as lxc-start -n c1 -l INFO -o /home/lxcu/lxc.log; rc=$?
mine=$(links_of c1)
same "with ours bind-mounted over LXC's, c1 starts" 0 "$rc"
same "and its links are the same as with LXC's own" "$theirs" "$mine"
check "LXC read our one-line answer (the host veth shows in lxc-info)" grep -q '^host name: 1 of' <<<"$mine"
same "c1's init answers inside the container" "0" "$(as lxc-attach -n c1 -- /bin/true; echo $?)"
as lxc-start -n c2 -l INFO -o /home/lxcu/lxc.log; rc2=$?
as lxc-start -n c3 -l INFO -o /home/lxcu/lxc.log 2>/dev/null; rc3=$?
same "quota 2: c2 starts, c3 is refused" "0 1" "$rc2 $rc3"
check "LXC logs our refusal for c3" grep -q 'quota reached' /home/lxcu/lxc.log
same "the database holds c1's and c2's nics, the stale line of the first c1 pruned" 2 "$(grep -c . /run/lxc/nics)"
for c in c1 c2 c3; do as lxc-stop -n $c -k >/dev/null 2>&1; done
true

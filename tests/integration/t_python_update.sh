# The seeds' update loop through the Python package (issue 16): a networked container with an
# address and one without; the command runs only where there is an address, and what the loop
# started is stopped again. Private network namespace, a bridge, lxc-usernet.
private_network
mount -t tmpfs tmpfs /run
mount -t sysfs sysfs /sys
ip link set lo up
ip link add br0 type bridge; ip link set br0 up
userbox_user uma
mkdir -p /etc/lxc; echo "uma veth br0 4" > /etc/lxc/lxc-usernet
mkdir -p $pfx/lib && cp -a $BIN/lib/libuserbox.so* $pfx/lib/ && chmod -R a+rX $pfx/lib
ub create withip --set lxc.net.0.type=veth --set lxc.net.0.link=br0 --set lxc.net.0.flags=up \
    --set lxc.net.0.name=eth0 --set lxc.net.0.ipv4.address=10.0.3.41/24 >/dev/null
ub create noip >/dev/null
py() { as env USERBOX_LIBRARY=$pfx/lib/libuserbox.so.1 PYTHONPATH=$REPO/python python3 "$@"; }
out=$(py $REPO/tests/integration/support/python/update_loop.py sh -c 'touch /updated' 2>&1); rc=$?
same "the loop runs the command where there is an address and skips the rest" \
    "0|noip: no address, skipped|withip: ran, status 0" "$rc|$(paste -sd'|' <<<"$out")"
check "the command ran inside withip only" test -e $box/withip/rootfs/updated -a ! -e $box/noip/rootfs/updated
same "what the loop started it stopped again" "STOPPED STOPPED" \
    "$(py -c 'import userbox as lxc; print(" ".join(c.state for c in lxc.list_containers(as_object=True)))')"
same "get_ips: the address its interface has; by family and interface (as python3-lxc)" \
    "('10.0.3.41',)|()|('10.0.3.41',)|()|()" "$(py -c '
import userbox as lxc
c = lxc.Container("withip"); c.start()
print("|".join(str(x) for x in (c.get_ips(timeout=5), c.get_ips(family="inet6"), c.get_ips(interface="eth0"),
      c.get_ips(interface="eth9"), lxc.Container("noip").get_ips())))
c.stop()')"

# --- the same loop through Debian's python3-lxc (LXC 5.0.2, its own lxc-user-nic), same network
if ! /usr/bin/python3 -c 'import lxc' 2>/dev/null; then not_ok "Debian's python3-lxc is needed (make deps installs it)"; return 0; fi
mkdir -p /home/uma/.config/lxc /home/uma/.local/share/lxc $WORK/lxcscripts
printf 'lxc.idmap = u 0 2000000 65536\nlxc.idmap = g 0 2000000 65536\n' > /home/uma/.config/lxc/default.conf
chown -R uma: /home/uma/.config /home/uma/.local
for n in withip noip; do as lxc-create -n $n -t busybox >/dev/null 2>&1 || not_ok "lxc-create $n"; done
printf 'lxc.net.0.type = veth\nlxc.net.0.link = br0\nlxc.net.0.flags = up\nlxc.net.0.name = eth0\nlxc.net.0.ipv4.address = 10.0.3.42/24\n' \
    >> /home/uma/.local/share/lxc/withip/config
sed 's/^import userbox as lxc$/import lxc/' $REPO/tests/integration/support/python/update_loop.py > $WORK/lxcscripts/update_loop.py
chmod -R a+rX $WORK
theirs=$(as /usr/bin/python3 $WORK/lxcscripts/update_loop.py sh -c 'touch /updated' 2>&1); rc=$?
same "python3-lxc's update loop prints the same" "0|$(paste -sd'|' <<<"$out")" "$rc|$(paste -sd'|' <<<"$theirs")"
check "and ran the command in its withip only" test -e /home/uma/.local/share/lxc/withip/rootfs/updated -a ! -e /home/uma/.local/share/lxc/noip/rootfs/updated

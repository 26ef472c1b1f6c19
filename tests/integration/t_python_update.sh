# The seeds' update loop through the Python package (issue 16): a networked container with an
# address and one without; the command runs only where there is an address, and what the loop
# started is stopped again. Private network namespace, a bridge, lxc-usernet.
private_network
mount -t tmpfs tmpfs /run
mount -t sysfs sysfs /sys
ip link set lo up
ip link add br0 type bridge; ip link set br0 up
userbox_user uma
mkdir -p /etc/lxc; echo "uma veth br0 2" > /etc/lxc/lxc-usernet
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

# The Netlink module against the real kernel, in a private network namespace with a bridge.
nl=$BIN/test-support/netlink-check
unshare --net bash -c '
nl=$1
ip link add br-test type bridge && ip link set br-test mtu 1400 && ip link set br-test up
unshare --net sleep 60 & peer=$!
sleep 0.2
out=$("$nl" veth vethtest0 eth7 /proc/$peer/ns/net br-test 2>&1) && echo "ok - veth pair created over rtnetlink" || echo "not ok - veth pair created: $out"
info=$(ip -d -o link show vethtest0)
grep -q "master br-test" <<<"$info" && echo "ok - host end attached to the bridge" || echo "not ok - host end attached to the bridge: $info"
grep -q "mtu 1400" <<<"$info" && echo "ok - host end has the bridge MTU" || echo "not ok - bridge MTU: $info"
grep -q "link/ether fe:12:34:56:78:9a" <<<"$info" && echo "ok - host MAC set at creation" || echo "not ok - host MAC: $info"
grep -q "state UP\|,UP" <<<"$info" && echo "ok - host end is up" || echo "not ok - host end up: $info"
inside=$(nsenter --net=/proc/$peer/ns/net ip -o link show eth7 2>&1)
grep -q "eth7" <<<"$inside" && grep -q "mtu 1400" <<<"$inside" && echo "ok - peer is in the target namespace under its name, with the MTU" || echo "not ok - peer in target namespace: $inside"
ip link show eth7 >/dev/null 2>&1 && echo "not ok - peer also visible here" || echo "ok - peer never appears in our namespace"
shown=$("$nl" show br-test) ; [ "$shown" = "br-test mtu 1400 master 0 kind bridge up 1" ] && echo "ok - link reply decoded" || echo "not ok - link reply decoded: $shown"
out=$("$nl" veth vethtest0 eth8 /proc/$peer/ns/net 2>&1); [ $? != 0 ] && grep -q "File exists" <<<"$out" && echo "ok - an existing name gives EEXIST with the kernel message" || echo "not ok - EEXIST: $out"
"$nl" delete vethtest0 >/dev/null && ! ip link show vethtest0 >/dev/null 2>&1 && echo "ok - deleted (and its peer with it)" || echo "not ok - delete"
nsenter --net=/proc/$peer/ns/net ip link show eth7 >/dev/null 2>&1 && echo "not ok - peer gone too" || echo "ok - peer gone too"
kill $peer
' check "$nl"

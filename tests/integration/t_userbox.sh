# userbox end to end, the seeds' scenario: root sets up users anna and elsa (ranges
# anna:2000000:1000000, elsa:3000000:1000000), a bridge with no uplink and lxc-usernet; each user
# runs two networked containers with idmaps inside their range. Private network and mount
# namespaces; our helpers installed setuid into a scratch prefix.
private_network
mount -t tmpfs tmpfs /run
mount -t sysfs sysfs /sys
ip link set lo up
ip link add br0 type bridge; ip link set br0 up
pfx=$(userbox_prefix)
for u in anna elsa; do useradd -m -s /bin/sh -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 "$u"; chmod 755 "/home/$u"; done
printf 'anna:2000000:1000000\nelsa:3000000:1000000\n' > /etc/subuid; cp /etc/subuid /etc/subgid
mkdir -p /etc/lxc; printf 'anna veth br0 2\nelsa veth br0 2\n' > /etc/lxc/lxc-usernet
as() { local u=$1; shift; (cd "/home/$u" && setpriv --reuid="$u" --regid="$u" --init-groups env -i HOME="/home/$u" USER="$u" PATH="$pfx/bin:/usr/sbin:/usr/bin:/sbin:/bin" "$@"); }
ub() { local u=$1; shift; as "$u" userbox "$@"; }
net() { echo --set lxc.net.0.type=veth --set lxc.net.0.link=br0 --set lxc.net.0.flags=up --set lxc.net.0.name=eth0 --set "lxc.net.0.ipv4.address=$1/24"; }
make_box() {  # make_box USER NAME HOSTBASE IP
    ub "$1" create "$2" --idmap "u 0 $3 65536" --idmap "g 0 $3 65536" $(net "$4") >/dev/null
}
ok_all=0
make_box anna c1 2000000 10.0.3.11 || ok_all=1
make_box anna c2 2100000 10.0.3.12 || ok_all=1
make_box elsa c1 3000000 10.0.3.21 || ok_all=1
make_box elsa c2 3100000 10.0.3.22 || ok_all=1
same "anna and elsa each create two containers inside their ranges" 0 "$ok_all"
same "the rootfs is owned on the host by the container's root" "2000000:2000000 3100000:3100000" \
    "$(stat -c %u:%g /home/anna/.local/share/userbox/c1/rootfs) $(stat -c %u:%g /home/elsa/.local/share/userbox/c2/rootfs)"
for u in anna elsa; do for c in c1 c2; do
    ub "$u" start "$c" >/dev/null || { not_ok "$u starts $c" "$(tail -3 /home/$u/.local/share/userbox/$c/userbox.log)"; }
done; done
same "all four run" "RUNNING RUNNING RUNNING RUNNING" \
    "$(for u in anna elsa; do for c in c1 c2; do ub "$u" ls --fancy | awk -v c=$c '$1 == c {printf "%s ", $2}'; done; done | sed 's/ $//')"
host_uids=$(ps -eo uid= | sort -u | tr -d ' ')
for id in 2000000 2100000 3000000 3100000; do
    check "host ps shows container processes under uid $id" grep -qx "$id" <<<"$host_uids"
done
ub elsa attach -u 1000 c1 -- sleep 300 &
for _ in $(seq 50); do ps -eo uid=,comm= | grep -q '3001000 *sleep' && break; sleep 0.1; done
check "a uid-1000 process of elsa's first container runs as host uid 3001000" grep -q '3001000 *sleep' <(ps -eo uid=,comm=)
ub anna attach c1 -- touch /root/made-by-root
ub elsa attach -u 1000 c1 -- touch /home/user/made-by-1000
same "files written inside are owned on the host by the mapped ids" "2000000 3001000" \
    "$(stat -c %u /home/anna/.local/share/userbox/c1/rootfs/root/made-by-root) $(stat -c %u /home/elsa/.local/share/userbox/c1/rootfs/home/user/made-by-1000)"
same "each container has its veth on the bridge" 4 "$(ip -o link show master br0 | grep -c veth)"
same "containers reach each other over the bridge (anna's c1 pings elsa's c2)" 0 \
    "$(ub anna attach c1 -- ping -c 1 -W 3 10.0.3.22 >/dev/null 2>&1; echo $?)"
same "inside, the container is root with its own hostname" "uid=0(root) gid=0(root) c2" \
    "$(ub elsa attach c2 -- id) $(ub elsa attach c2 -- hostname)"

make_box anna c3 2200000 10.0.3.13
out=$(ub anna start c3 2>&1); rc=$?
same "anna's third networked container is refused (anna veth br0 2)" 1 "$rc"
check "with a message that says why: $out" grep -q "lxc-user-nic refused lxc.net.0 on br0: .*quota" <<<"$out"
same "and nothing of it runs" STOPPED "$(ub anna ls --fancy | awk '$1 == "c3" {print $2}')"

out=$(ub anna create stolen --idmap 'u 0 3000000 65536' --idmap 'g 0 3000000 65536' 2>&1); rc=$?
same "anna cannot use elsa's range" "1 userbox: lxc.idmap u 0 3000000 65536 is not yours: anna owns 2000000-2999999 in /etc/subuid" "$rc $out"
out=$(ub anna attach -P /home/elsa/.local/share/userbox c1 -- true 2>&1); rc=$?
check "anna cannot attach to elsa's container ($out)" test "$rc" = 1 -a -n "$(grep 'not allowed to enter container c1' <<<"$out")"
out=$(ub anna stop -P /home/elsa/.local/share/userbox -k c1 2>&1); rc=$?
check "anna cannot stop elsa's container ($out)" test "$rc" = 1 -a -n "$(grep 'not allowed to stop container c1' <<<"$out")"
same "and elsa's container still runs" RUNNING "$(ub elsa ls --fancy | awk '$1 == "c1" {print $2}')"

# Config errors are named with their line; stop, clean shutdown, destroy.
echo "lxc.network.type = veth" >> /home/anna/.local/share/userbox/c3/config
out=$(ub anna config check c3 2>&1); rc=$?
check "config check names an unknown key with its line ($out)" grep -q 'config line [0-9]*: unsupported config key "lxc.network.type"' <<<"$out"
ub anna stop c2; rc=$?
same "a clean stop (lxc.signal.halt SIGUSR2 to busybox init) ends c2" "0 STOPPED" "$rc $(ub anna ls --fancy | awk '$1 == "c2" {print $2}')"
ub anna stop -k c1
# The kernel removes a dead netns's veths in the background: give it a moment.
for _ in $(seq 100); do [ "$(ip -o link show master br0 | grep -c veth)" = 2 ] && break; sleep 0.05; done
same "stop -k ends c1 and its veth goes with it (elsa's two remain)" "STOPPED 2" "$(ub anna ls --fancy | awk '$1 == "c1" {print $2}') $(ip -o link show master br0 | grep -c veth)"
ub anna destroy c1 >/dev/null; rc=$?
same "destroy removes the rootfs owned by subordinate ids" "0 gone" "$rc $([ -e /home/anna/.local/share/userbox/c1 ] || echo gone)"
for c in c1 c2; do ub elsa stop -k "$c"; done
true

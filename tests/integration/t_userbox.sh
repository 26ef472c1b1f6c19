# userbox end to end: the seeds' scenario. Root sets up; users anna and elsa run containers.
if [ -z "${IN_NETNS:-}" ]; then
    exec unshare --net env IN_NETNS=1 bash -c "cd '$WORK'; source '$REPO/tests/integration/lib.sh'; source '$REPO/tests/integration/t_userbox.sh'"
fi
mount -t tmpfs tmpfs /run
mount -t sysfs sysfs /sys
ip link set lo up
ip link add br0 type bridge; ip link set br0 up
pfx=$SCRATCH/usr; mkdir -p "$pfx/bin" "$pfx/libexec/lxc"; chmod 755 "$SCRATCH" "$pfx" "$pfx/bin" "$pfx/libexec" "$pfx/libexec/lxc"
install -o root -g root -m 4755 "$BIN/newuidmap" "$BIN/newgidmap" "$pfx/bin/"
install -o root -g root -m 4755 "$BIN/lxc-user-nic" "$pfx/libexec/lxc/"
install -m 0755 "$BIN/userbox" "$BIN/usernsexec" "$pfx/bin/"
for u in anna elsa; do
    useradd -m -s /bin/sh -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 "$u"; chmod 755 "/home/$u"
done
printf 'anna:2000000:1000000\nelsa:3000000:1000000\n' > /etc/subuid; cp /etc/subuid /etc/subgid
mkdir -p /etc/lxc; printf 'anna veth br0 2\nelsa veth br0 2\n' > /etc/lxc/lxc-usernet
as() { local u=$1; shift; (cd "/home/$u" && setpriv --reuid="$u" --regid="$u" --init-groups env -i HOME="/home/$u" USER="$u" PATH="$pfx/bin:/usr/sbin:/usr/bin:/sbin:/bin" "$@"); }
ub() { local u=$1; shift; as "$u" userbox "$@"; }

ub anna create c1 --idmap 'u 0 2000000 65536' --idmap 'g 0 2000000 65536' \
    --set lxc.net.0.type=veth --set lxc.net.0.link=br0 --set lxc.net.0.flags=up --set lxc.net.0.name=eth0 --set lxc.net.0.ipv4.address=10.0.3.11/24
same "anna creates c1" 0 $?
ub anna start c1; rc=$?
same "anna starts c1" 0 "$rc"
[ "$rc" = 0 ] || cat /home/anna/.local/share/userbox/c1/userbox.log
ub anna ls --fancy
ub anna attach c1 -- id
ub anna attach c1 -- ip addr
ub anna stop -k c1
ub anna destroy c1

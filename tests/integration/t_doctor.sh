# subid doctor: a healthy setup, then each cause injected on its own (and undone), each with its
# diagnosis and exit status. Own network namespace for the bridge; sysctls and mounts are faked
# inside this test's mount namespace only.
private_network
ip link add br0 type bridge
new_user -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 elsa
new_user -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 anna
E=$(id -u elsa)
printf 'anna:2000000:65536\nelsa:3000000:65536\n' > /etc/subuid; cp /etc/subuid /etc/subgid
mkdir -p /etc/lxc; echo "elsa veth br0 2" > /etc/lxc/lxc-usernet
helpers=$SCRATCH/helpers; mkdir -p "$helpers"; chmod 755 "$SCRATCH"
install -o root -g root -m 4755 "$BIN/newuidmap" "$BIN/newgidmap" "$helpers/"
# A delegated cgroup, as `userbox admin delegate` or systemd would make it: a real (empty) cgroup
# in the unified hierarchy, removed when this test ends.
cg=$(awk '$9 == "cgroup2" {print $5; exit}' /proc/self/mountinfo)/subid-doctor-test-$$
mkdir "$cg" && chown elsa: "$cg"
trap 'rmdir "$cg" 2>/dev/null' EXIT
export PATH="$helpers:$PATH"
doctor() { env PATH="${DOCTOR_PATH:-$PATH}" "$BIN/subid" doctor elsa --json 2>&1; }
diagnose() {  # diagnose NAME EXPECTED_CAUSE
    local out rc; out=$(doctor); rc=$?
    local got; got=$(grep -o '"cause":"[a-z-]*"' <<<"$out" | cut -d'"' -f4 | tr '\n' ' ')
    same "$1: exit 1 and exactly that diagnosis" "1 $2 " "$rc $got"
}

out=$("$BIN/subid" doctor elsa); rc=$?
same "healthy: exit 0, nothing to fix" "0 elsa can run unprivileged containers here: nothing to fix" "$rc $out"

sed -i '/^elsa:/d' /etc/subuid
diagnose "no subordinate uids" no-subuid
check "the fix is subid allocate" grep -q '"fix":"subid allocate elsa"' <(doctor)
echo "elsa:3000000:65536" >> /etc/subuid
sed -i 's/^elsa:3000000:65536$/elsa:3000000:1000/' /etc/subgid
diagnose "too few subordinate gids" small-subgid
check "the fix names a free range to grant" grep -q '"fix":"subid grant elsa --gids 100000-165535"' <(doctor)
sed -i 's/^elsa:3000000:1000$/elsa:3000000:65536/' /etc/subgid
echo "anna:3060000:10000" >> /etc/subuid
diagnose "overlap with another owner" subuid-overlap
sed -i '/^anna:3060000/d' /etc/subuid
useradd -M -u 3000123 -K UID_MAX=4000000 -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 bob
diagnose "a real user's uid inside the range" subuid-covers-real-id
userdel bob
DOCTOR_PATH=/nonexistent diagnose "helpers not on PATH" "helper-missing helper-missing"
plain=$SCRATCH/plain; mkdir -p "$plain"; install -m 0755 "$BIN/newuidmap" "$BIN/newgidmap" "$plain/"
DOCTOR_PATH="$plain:$PATH" diagnose "helpers neither setuid nor with file caps" "helper-unprivileged helper-unprivileged"
setcap cap_setuid+ep "$plain/newuidmap"; setcap cap_setgid+ep "$plain/newgidmap"
out=$(DOCTOR_PATH="$plain:$PATH" doctor); rc=$?
same "file capabilities are enough" "0" "$rc"
mount --bind "$helpers" "$helpers"; mount -o remount,bind,nosuid "$helpers"
diagnose "helpers on a nosuid mount" "helper-nosuid helper-nosuid"
check "the finding names the mount" grep -q "lies on $helpers, mounted nosuid" <(doctor)
umount "$helpers"
echo 0 > "$WORK/zero"; mount --bind "$WORK/zero" /proc/sys/user/max_user_namespaces
diagnose "user namespaces disabled (user.max_user_namespaces)" userns-disabled
umount /proc/sys/user/max_user_namespaces
mount -t tmpfs tmpfs /proc/sys/kernel   # Debian's and Ubuntu's knobs, which this kernel lacks
echo 0 > /proc/sys/kernel/unprivileged_userns_clone
diagnose "kernel.unprivileged_userns_clone is 0" userns-unprivileged-disabled
echo 1 > /proc/sys/kernel/unprivileged_userns_clone; echo 1 > /proc/sys/kernel/apparmor_restrict_unprivileged_userns
diagnose "AppArmor restricts user namespaces" userns-apparmor
umount /proc/sys/kernel
: > /etc/lxc/lxc-usernet
diagnose "no lxc-usernet line" no-usernet
echo "elsa veth br9 2" > /etc/lxc/lxc-usernet
diagnose "the lxc-usernet bridge does not exist" no-bridge
echo "elsa veth br0 2" > /etc/lxc/lxc-usernet
install -m 0755 /usr/libexec/lxc/lxc-user-nic "$WORK/plain-nic"; mount --bind "$WORK/plain-nic" /usr/libexec/lxc/lxc-user-nic
diagnose "lxc-user-nic not setuid" usernic-unprivileged
umount /usr/libexec/lxc/lxc-user-nic
chown root: "$cg"
diagnose "no delegated cgroup" no-cgroup
chown elsa: "$cg"
out=$(doctor); rc=$?
same "every cause undone: healthy again (JSON with a real boolean)" '0 {"user":"elsa","ok":true,"findings":[]}' "$rc $out"
rmdir "$cg"

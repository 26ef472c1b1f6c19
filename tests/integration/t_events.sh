# Syslog lines (authpriv) for every audited event, caught by a listener on /dev/log. This machine
# has no /dev/log; an overlay on /dev inside this test's mount namespace gives us one without
# touching the host's /dev. (Audit records are the same events rendered for libaudit; the kernel
# here has audit disabled, so their content is checked by the unit tests through Audit.recorder.)
mkdir -p "$WORK/devup" "$WORK/devwork"
mount -t overlay overlay -o "lowerdir=/dev,upperdir=$WORK/devup,workdir=$WORK/devwork" /dev
log=$WORK/syslog; : > "$log"
perl -MIO::Socket::UNIX -MSocket -e '
    my $s = IO::Socket::UNIX->new(Type => SOCK_DGRAM, Local => "/dev/log") or die "listen: $!";
    chmod 0666, "/dev/log"; open(my $f, ">>", $ARGV[0]) or die; $f->autoflush(1);
    while (1) { my $m; $s->recv($m, 8192); print $f "$m\n"; }' "$log" &
listener=$!
for _ in $(seq 50); do [ -S /dev/log ] && break; sleep 0.05; done
logged() { sleep 0.2; grep -F -- "$1" "$log"; }

ours=$SCRATCH/bin; mkdir -p "$ours"; chmod 755 "$SCRATCH"
install -o root -g root -m 4755 "$BIN/newuidmap" "$BIN/newgidmap" "$BIN/lxc-user-nic" "$ours/"
printf '' > /etc/subuid; printf '' > /etc/subgid
new_user -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 elsa
E=$(id -u elsa)

"$BIN/subid" grant elsa --uids 3000000-3999999 >/dev/null
check "subid grant: authpriv.info line naming user, uid and range" \
    grep -q "^<86>.* subid\[[0-9]*\]: add-subuid-range for elsa (uid $E): /etc/subuid 3000000-3999999 (1000000)" <(logged "add-subuid-range for elsa")
"$BIN/subid" revoke elsa --uids 3500000-3999999 >/dev/null
check "subid revoke: a del-subuid-range line" grep -q "del-subuid-range for elsa (uid $E): /etc/subuid 3500000-3999999 (500000)" <(logged "del-subuid")
"$BIN/subid" allocate elsa >/dev/null
check "subid allocate: only the kind it created (gids) is logged" \
    test "$(logged 'add-subgid-range for elsa' | wc -l) $(logged 'add-subuid-range for elsa' | wc -l)" = "1 1"

setpriv --reuid=elsa --regid=elsa --init-groups unshare -U sleep 60 & t=$!; sleep 0.2
setpriv --reuid=elsa --regid=elsa --init-groups "$ours/newuidmap" "$t" 0 2000000 10 2>/dev/null
check "newuidmap refusal: authpriv.warning with the reason" \
    grep -q "^<84>.* newuidmap\[[0-9]*\]: refused map-uids for elsa (uid $E): uid range \[0-10) -> \[2000000-2000010) not allowed: elsa owns 3000000-3499999 in /etc/subuid" <(logged "refused map-uids")
setpriv --reuid=elsa --regid=elsa --init-groups "$ours/newgidmap" "$t" 0 1 1 2>/dev/null
check "newgidmap refusal too" grep -q "newgidmap\[[0-9]*\]: refused map-gids for elsa" <(logged "refused map-gids")
setpriv --reuid=elsa --regid=elsa --init-groups "$ours/newuidmap" "$t" 0 3000000 10
check "a successful map logs nothing" test -z "$(logged 'map-uids for elsa' | grep -v 'not allowed')"
kill "$t"
setpriv --reuid=elsa --regid=elsa --init-groups "$ours/lxc-user-nic" create /x c 1 veth br0 eth0 >/dev/null 2>&1
check "lxc-user-nic refusal: a create-nic line" grep -q "lxc-user-nic\[[0-9]*\]: refused create-nic for elsa (uid $E): User elsa may not modify netns for pid 1" <(logged "create-nic")

module=$SCRATCH/pam_subid.so; install -m 0644 "$BIN/pam_subid.so" "$module"
printf 'auth required pam_permit.so\naccount required pam_permit.so\nsession required %s\n' "$module" > /etc/pam.d/subid-test
new_user -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 anna
pamtester subid-test anna open_session >/dev/null 2>&1
check "pam_subid: its allocation logged through pam_syslog (the host program's ident, the module named)" \
    grep -q "pamtester: pam_subid(subid-test:session): add-subuid-range for anna" <(logged "for anna")
new_user -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 olaf
mv /etc/subuid /etc/subuid.good; mkdir /etc/subuid
pamtester subid-test olaf open_session >/dev/null 2>&1
rmdir /etc/subuid; mv /etc/subuid.good /etc/subuid
check "pam_subid: a range it could not give is logged as an error, the session still opened" \
    grep -q "^<83>.*pam_subid(subid-test:session): no subordinate ranges for olaf: " <(logged "olaf")
check "and recorded as a failed change (authpriv.warning)" grep -q "^<84>.*failed add-subid-range for olaf (uid $(id -u olaf))" <(logged "olaf")
kill "$listener"

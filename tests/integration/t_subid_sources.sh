# nsswitch `subid:` sources (issue 21): a test plugin (support/libsubid_testsrc.c, shadow's plugin
# ABI) serving ranges from /etc/subid-testsrc, loaded by our newuidmap/newgidmap/getsubids and by
# Debian's (shadow 4.13) with the same nsswitch.conf: same answers, apart from what README lists.
# The plugin is installed into the system library directory through an overlay that exists only
# in this test's mount namespace.
ours=$SCRATCH/bin; mkdir -p "$ours"; chmod 755 "$SCRATCH"
install -o root -g root -m 4755 "$BIN/newuidmap" "$BIN/newgidmap" "$ours/"
install -m 755 "$BIN/getsubids" "$BIN/usernsexec" "$BIN/subid" "$ours/"
libdir=/usr/lib/$(gcc -print-multiarch)
mkdir -p $SCRATCH/libup $SCRATCH/libwork
mount -t overlay overlay -o lowerdir=$libdir,upperdir=$SCRATCH/libup,workdir=$SCRATCH/libwork $libdir || not_ok "overlay on $libdir"
gcc -shared -fPIC -O2 -o $libdir/libsubid_testsrc.so "$REPO/tests/integration/support/libsubid_testsrc.c" || not_ok "build the test plugin"
chmod 755 $libdir/libsubid_testsrc.so

new_user carol; new_user dave; new_user erin
C=$(id -u carol) CG=$(id -g carol)
cat > /etc/subid-testsrc <<EOT
u carol 300000 65536
g carol 300000 65536
u erin 500000 100
g erin 500000 100
error dave
EOT
chmod 644 /etc/subid-testsrc
# carol has a range in the files too, which the plugin alone does not know.
printf 'carol:700000:65536\ndave:800000:65536\n' > /etc/subuid; cp /etc/subuid /etc/subgid
cp /etc/nsswitch.conf $WORK/nsswitch.orig
sources() { { grep -vi '^subid:' $WORK/nsswitch.orig; [ -n "$1" ] && echo "subid: $1"; } > /etc/nsswitch.conf; chmod 644 /etc/nsswitch.conf; }
as() { local user=$1; shift; setpriv --reuid="$user" --regid="$user" --init-groups "$@"; }
maps() { echo "$(tr -s ' ' < /proc/$1/uid_map | xargs)|$(tr -s ' ' < /proc/$1/gid_map | xargs)"; }
# both HELPER USER ARGS...: the status and the map with Debian's and with ours, fresh targets each.
both() {
    local helper=$1 user=$2; shift 2; local out=""
    for impl in /usr/bin "$ours"; do
        local t; t=$(new_target "$user"); local args=("${@//PID/$t}")
        as "$user" "$impl/$helper" "${args[@]}" >/dev/null 2>&1; out+="$?:$(maps $t)#"
        kill "$t" 2>/dev/null
    done
    echo "$out"
}
differential() { local name=$1; shift; local r; r=$(both "$@"); local a=${r%%#*} b=${r#*#}; same "$name (Debian # ours: $r)" "$a" "${b%#}"; }

sources testsrc
differential "a range only the plugin knows is accepted" newuidmap carol PID 0 300000 65536
differential "newgidmap too" newgidmap carol PID 0 300000 65536
differential "a range only the files know is refused (the plugin is the only source)" newuidmap carol PID 0 700000 65536
differential "a range larger than the plugin's is refused" newuidmap carol PID 0 300000 65537
differential "the caller's own uid needs no range" newuidmap carol PID 0 $C 1
differential "the plugin's error is a refusal" newuidmap dave PID 0 800000 10
same "getsubids lists the plugin's ranges as Debian's does" "$(/usr/bin/getsubids carol 2>&1; echo $?)" "$($ours/getsubids carol 2>&1; echo $?)"
same "getsubids -g too" "$(/usr/bin/getsubids -g erin 2>&1; echo $?)" "$($ours/getsubids -g erin 2>&1; echo $?)"
out=$($ours/getsubids dave 2>&1); rc=$?
check "getsubids: a failing source is an error that names it ($out)" test "$rc" = 1 -a -n "$(grep 'subid source testsrc failed' <<<"$out")"
t=$(new_target dave); out=$(as dave $ours/newuidmap $t 0 800000 10 2>&1); rc=$?
check "newuidmap names the failing source ($out)" test "$rc" = 1 -a -n "$(grep 'subid source testsrc failed' <<<"$out")"
kill $t

# Several sources in order (beyond shadow): the first that grants a range authorises it.
sources "files testsrc"
t=$(new_target carol); as carol $ours/newuidmap $t 0 700000 65536 65536 300000 65536; rc=$?
same "files then testsrc: one map with a range from each" "0 0 700000 65536 65536 300000 65536" "$rc $(tr -s ' ' < /proc/$t/uid_map | xargs)"
kill $t
same "getsubids lists both sources' ranges, files first" "0: carol 700000 65536|1: carol 300000 65536" "$($ours/getsubids carol | paste -sd'|')"
t=$(new_target dave); as dave $ours/newuidmap $t 0 800000 10; rc=$?
same "a range the files grant is accepted before the failing source is asked" "0" "$rc"
kill $t
sources "testsrc files"
t=$(new_target dave); out=$(as dave $ours/newuidmap $t 0 800000 10 2>&1); rc=$?
check "asked first, the failing source refuses (fail closed, no fallback to files) ($out)" test "$rc" = 1
kill $t

# The other readers: subid list shows which source grants each range; usernsexec's default maps
# come from the plugin when only it has the caller's ranges.
sources "files testsrc"
list=$($ours/subid list carol | awk 'NR > 1 {print $1, $3, $6}' | paste -sd'|')
same "subid list USER: each range with its source" "uid 700000 files|gid 700000 files|uid 300000 testsrc|gid 300000 testsrc" "$list"
sources testsrc
out=$(cd /tmp && as erin $ours/usernsexec -- sh -c 'cat /proc/self/uid_map' 2>&1); rc=$?
same "usernsexec maps a caller whose only ranges come from the plugin" "0 0 500000 100" "$rc $(xargs <<<"$out")"
out=$(cd /tmp && as dave $ours/usernsexec -- true 2>&1); rc=$?
check "and refuses, naming it, when the source fails ($out)" test "$rc" != 0 -a -n "$(grep 'subid source testsrc failed' <<<"$out")"

# Writes where the ranges live elsewhere: subid grant/allocate and pam_subid say the source is
# read-only (shadow 4.13's useradd exits 0 and writes nothing; later shadow fails obscurely).
sources testsrc; new_user frank
before=$(md5sum /etc/subuid /etc/subgid)
out=$($ours/subid allocate frank 2>&1); rc=$?
check "subid allocate with only a module as source: refused, saying why ($out)" test "$rc" = 1 -a -n "$(grep 'cannot write' <<<"$out")"
out=$($ours/subid grant frank --uids 900000-900009 2>&1); rc=$?
check "subid grant too ($out)" test "$rc" = 1 -a -n "$(grep 'cannot write' <<<"$out")"
same "and the files are untouched" "$before" "$(md5sum /etc/subuid /etc/subgid)"
install -o root -g root -m 0644 "$BIN/pam_subid.so" $SCRATCH/pam_subid.so
printf 'auth required pam_permit.so\naccount required pam_permit.so\nsession required %s required_ranges\n' $SCRATCH/pam_subid.so > /etc/pam.d/subid-src
pamtester subid-src frank open_session close_session >/dev/null 2>$WORK/pam.err; rc=$?
check "pam_subid with required_ranges fails the session of a user the module has no ranges for ($(tr '\n' ' ' < $WORK/pam.err))" test "$rc" != 0
check "writing nothing" test "$before" = "$(md5sum /etc/subuid /etc/subgid)"
pamtester subid-src erin open_session close_session >/dev/null 2>&1; rc=$?
same "a user the module has ranges for: the session opens, nothing written" "0 $before" "$rc $(md5sum /etc/subuid /etc/subgid)"
sources "files testsrc"
pamtester subid-src erin open_session close_session >/dev/null 2>&1; rc=$?
same "with files too: a user the module covers gets no local ranges on top" "0 " "$rc $(grep '^erin:' /etc/subuid)"
$ours/subid allocate frank >/dev/null; rc=$?
check "and subid allocate writes to the files" test "$rc" = 0 -a -n "$(grep '^frank:' /etc/subuid)"

# subid check and doctor know where the helpers look.
sources testsrc
out=$($ours/subid check 2>&1); rc=$?
check "check: with only a module, the files are said to be unread by the helpers ($out)" \
    test -n "$(grep '/etc/subuid: not read by the helpers: the subid: line of /etc/nsswitch.conf names testsrc only' <<<"$out")"
causes() { $ours/subid doctor "$1" --json | python3 -c 'import json,sys; print(" ".join(sorted(f["cause"] for f in json.load(sys.stdin)["findings"] if "sub" in f["cause"])))'; }
same "doctor: erin's 100 ids from the plugin are too few for a full map" "small-subgid small-subuid" "$(causes erin)"
same "doctor: carol's ranges from the plugin are enough (the files are not read)" "" "$(causes carol)"
same "doctor: frank has none from the plugin" "no-subgid no-subuid" "$(causes frank)"
same "doctor: dave's source fails, said as such" "subid-source-failed subid-source-failed" "$(causes dave)"
chmod 666 /etc/nsswitch.conf
out=$($ours/subid check 2>&1); rc=$?
check "check: an nsswitch.conf the helpers refuse is an error ($out)" test "$rc" = 1 -a -n "$(grep 'error: /etc/nsswitch.conf: .* refuse every map' <<<"$out")"
same "doctor says so too" "subid-sources-unusable" "$($ours/subid doctor carol --json | python3 -c 'import json,sys; print(" ".join(f["cause"] for f in json.load(sys.stdin)["findings"] if "sources" in f["cause"]))')"
chmod 644 /etc/nsswitch.conf
sources "files testsrc"
same "doctor with files and the plugin: frank's local ranges count" "" "$(causes frank)"

# Hostile set-ups: each refused by the setuid helpers.
sources testsrc; chmod 664 /etc/nsswitch.conf
t=$(new_target carol); out=$(as carol $ours/newuidmap $t 0 300000 10 2>&1); rc=$?
check "a group-writable nsswitch.conf is refused ($out)" test "$rc" = 1 -a -n "$(grep 'nsswitch.conf is not trusted' <<<"$out")"
kill $t; chmod 644 /etc/nsswitch.conf
sources "../../../tmp/evil"
t=$(new_target carol); out=$(as carol $ours/newuidmap $t 0 300000 10 2>&1); rc=$?
check "a module name with ../ is refused ($out)" test "$rc" = 1 -a -n "$(grep 'is not a module name' <<<"$out")"
kill $t
# A fake plugin that grants everything, where LD_LIBRARY_PATH and LD_PRELOAD point.
mkdir -p $SCRATCH/evil; chmod 755 $SCRATCH/evil
cat > $SCRATCH/evil/fake.c <<'C'
#include <stdbool.h>
#include <stdlib.h>
int shadow_subid_has_range(const char *o, unsigned long s, unsigned long c, int t, bool *r) { *r = true; return 0; }
int shadow_subid_list_owner_ranges(const char *o, int t, void **r, int *n) { *r = 0; *n = 0; return 1; }
int shadow_subid_find_subid_owners(unsigned long id, int t, void **u, int *n) { return 3; }
void shadow_subid_free(void *p) { free(p); }
C
gcc -shared -fPIC -o $SCRATCH/evil/libsubid_evil.so $SCRATCH/evil/fake.c && chmod 755 $SCRATCH/evil/libsubid_evil.so
cp $SCRATCH/evil/libsubid_evil.so $SCRATCH/evil/libsubid_testsrc.so
sources testsrc
t=$(new_target carol); out=$(as carol env LD_LIBRARY_PATH=$SCRATCH/evil LD_PRELOAD=$SCRATCH/evil/libsubid_evil.so $ours/newuidmap $t 0 900000 10 2>&1); rc=$?
check "LD_LIBRARY_PATH and LD_PRELOAD do not bring in a fake plugin ($rc: $out)" test "$rc" = 1 -a -z "$(cat /proc/$t/uid_map)"
kill $t
sources evil
t=$(new_target carol); out=$(as carol env LD_LIBRARY_PATH=$SCRATCH/evil $ours/newuidmap $t 0 900000 10 2>&1); rc=$?
check "a module only LD_LIBRARY_PATH has is not found ($out)" test "$rc" = 1 -a -n "$(grep 'libsubid_evil.so is not in' <<<"$out")"
kill $t
sources testsrc; chmod 666 $libdir/libsubid_testsrc.so
t=$(new_target carol); out=$(as carol $ours/newuidmap $t 0 300000 10 2>&1); rc=$?
check "a world-writable plugin is refused ($out)" test "$rc" = 1 -a -n "$(grep 'is not trusted' <<<"$out")"
kill $t; chmod 755 $libdir/libsubid_testsrc.so

# A source that never answers: refused after the timeout, naming it.
echo "hang erin" >> /etc/subid-testsrc
t=$(new_target erin); out=$(as erin $ours/newuidmap $t 0 500000 10 2>&1); rc=$?
check "a plugin that hangs is a refusal naming it ($out)" test "$rc" = 1 -a -n "$(grep 'subid source testsrc did not answer' <<<"$out")" -a -z "$(cat /proc/$t/uid_map)"
kill $t
cp $WORK/nsswitch.orig /etc/nsswitch.conf
umount -l $libdir

# shadow 4.20's login.defs options (issue 21) in `subid allocate` and pam_subid:
# SUB_UID_DETERMINISTIC / SUB_GID_DETERMINISTIC (and UNSAFE_..._WRAP) and SUB_*_STORE_BY_UID.
# The expected ranges are written out from login.defs(5)'s formula,
#   start = SUB_UID_MIN + (UID - UID_MIN) * SUB_UID_COUNT,   end = start + SUB_UID_COUNT - 1,
# and its examples, not computed by our code.
defs() {  # defs KEY=VALUE...: login.defs with these settings (and UID_MIN 1000) replacing any others
    cp $WORK/login.defs.orig /etc/login.defs
    for kv in UID_MIN=1000 "$@"; do sed -i "/^${kv%%=*}[[:space:]]/d" /etc/login.defs; echo "${kv%%=*} ${kv#*=}" >> /etc/login.defs; done
}
cp /etc/login.defs $WORK/login.defs.orig
plain_user() { useradd -M -s /usr/sbin/nologin -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 "$@"; }
# uXXXX is the account with uid XXXX (the machine's own, when it has one, as it may for 1000).
for u in 999 1000 1001 1002 1100 3415 3416; do
    name=$(getent passwd $u | cut -d: -f1)
    if [ -z "$name" ]; then plain_user -u $u u$u; else usermod -l u$u "$name"; fi
done
: > /etc/subuid; : > /etc/subgid

# login.defs(5)'s table, with its defaults (SUB_UID_MIN 100000, SUB_UID_COUNT 65536, UID_MIN 1000).
defs SUB_UID_DETERMINISTIC=yes SUB_GID_DETERMINISTIC=yes
for u in 1002 1000 1100 1001; do $BIN/subid allocate u$u >/dev/null 2>$WORK/err || not_ok "allocate u$u" "$(cat $WORK/err)"; done
same "the documented examples (UID 1000, 1001, 1002, 1100), in any order of allocation" \
    "u1000:100000:65536 u1001:165536:65536 u1002:231072:65536 u1100:6653600:65536" "$(sort /etc/subuid | paste -sd' ')"
same "subgids from the user's uid by the same formula" "$(sort /etc/subuid)" "$(sort /etc/subgid)"
before=$(md5sum /etc/subuid)
$BIN/subid allocate u1001 >/dev/null
same "a second allocate keeps the range" "$before" "$(md5sum /etc/subuid)"

# Its high-density example: SUB_UID_COUNT 4096, SUB_UID_MIN 100000, SUB_UID_MAX 10000000.
: > /etc/subuid; : > /etc/subgid
defs SUB_UID_DETERMINISTIC=yes SUB_UID_COUNT=4096 SUB_UID_MIN=100000 SUB_UID_MAX=10000000
$BIN/subid allocate --uids-only u3415 >/dev/null 2>$WORK/err
# 100000 + (3415 - 1000) * 4096 = 9991840; it ends at 9995935 <= 10000000.
same "the last uid that fits" "u3415:9991840:4096" "$(cat /etc/subuid)"
out=$($BIN/subid allocate --uids-only u3416 2>&1); rc=$?
# 100000 + 2416 * 4096 = 9995936, ending at 10000031 > SUB_UID_MAX: a hard error, as documented.
check "the next one ends past SUB_UID_MAX: refused, naming the settings ($out)" test "$rc" = 1 -a -n "$(grep 'SUB_UID_MAX' <<<"$out")"
same "and nothing written" "u3415:9991840:4096" "$(cat /etc/subuid)"

# UNSAFE_SUB_UID_DETERMINISTIC_WRAP, login.defs(5)'s example: MIN 100000, MAX 200000, COUNT 65536
# (one slot): UID 1001 wraps onto UID 1000's range. We refuse the overlap (README); alone, it wraps.
: > /etc/subuid
defs SUB_UID_DETERMINISTIC=yes UNSAFE_SUB_UID_DETERMINISTIC_WRAP=yes SUB_UID_MIN=100000 SUB_UID_MAX=200000 SUB_UID_COUNT=65536
$BIN/subid allocate --uids-only u1001 >/dev/null 2>$WORK/err
same "wrap: UID 1001 takes slot (1001-1000) mod 1 = 0" "u1001:100000:65536" "$(cat /etc/subuid)"
out=$($BIN/subid allocate --uids-only u1000 2>&1); rc=$?
check "wrap onto another owner's range: refused, not shared ($out)" test "$rc" = 1 -a -n "$(grep 'overlaps u1001' <<<"$out")"
defs SUB_UID_DETERMINISTIC=yes SUB_UID_MIN=100000 SUB_UID_MAX=200000 SUB_UID_COUNT=65536
: > /etc/subuid
out=$($BIN/subid allocate --uids-only u1001 2>&1); rc=$?
check "without WRAP the same uid is refused ($out)" test "$rc" = 1 -a -z "$(cat /etc/subuid)"

# Below UID_MIN: no formula range.
defs SUB_UID_DETERMINISTIC=yes
out=$($BIN/subid allocate --uids-only u999 2>&1); rc=$?
check "a uid below UID_MIN is refused, saying so ($out)" test "$rc" = 1 -a -n "$(grep 'below UID_MIN' <<<"$out")"
# A range holding an account's id cannot move: refused (the CVE-2024-56433 class).
: > /etc/subuid
plain_user -u 166000 directoryuser
out=$($BIN/subid allocate --uids-only u1001 2>&1); rc=$?
check "a deterministic range holding an account's uid is refused ($out)" test "$rc" = 1 -a -n "$(grep 'belongs to an account' <<<"$out")"
userdel directoryuser

# SUB_UID_STORE_BY_UID / SUB_GID_STORE_BY_UID: the owner field is the uid, for both files.
: > /etc/subuid; : > /etc/subgid
defs SUB_UID_STORE_BY_UID=yes SUB_GID_STORE_BY_UID=yes SUB_UID_MIN=100000 SUB_GID_MIN=100000
$BIN/subid allocate u1002 >/dev/null
same "STORE_BY_UID: first fit, owner written as the uid" "1002:100000:65536 1002:100000:65536" "$(cat /etc/subuid) $(cat /etc/subgid)"
before=$(md5sum /etc/subuid /etc/subgid)
$BIN/subid allocate u1002 >/dev/null
same "the numeric entry counts as the user's: nothing added" "$before" "$(md5sum /etc/subuid /etc/subgid)"
same "getsubids finds it by name" "0: u1002 100000 65536" "$($BIN/getsubids u1002)"
defs SUB_UID_DETERMINISTIC=yes SUB_UID_STORE_BY_UID=yes
: > /etc/subuid
$BIN/subid allocate --uids-only u1100 >/dev/null
same "both at once: the deterministic range under the uid" "1100:6653600:65536" "$(cat /etc/subuid)"

# pam_subid follows the same settings at first login.
module=$SCRATCH/pam_subid.so
install -o root -g root -m 0644 "$BIN/pam_subid.so" "$module"
printf 'auth required pam_permit.so\naccount required pam_permit.so\nsession required %s\n' "$module" > /etc/pam.d/subid-det
: > /etc/subuid; : > /etc/subgid
defs SUB_UID_DETERMINISTIC=yes SUB_GID_DETERMINISTIC=yes SUB_GID_STORE_BY_UID=yes
pamtester subid-det u1002 open_session close_session >/dev/null 2>$WORK/err
same "pam_subid: the deterministic ranges, the subgid owner as uid" "u1002:231072:65536 1002:231072:65536" "$(cat /etc/subuid) $(cat /etc/subgid)"

# pam_subid with pamtester against a scratch PAM service: ranges at first session, never blocking.
module=$SCRATCH/pam_subid.so
install -o root -g root -m 0644 "$BIN/pam_subid.so" "$module"
service() {  # service NAME ARGS...
    printf 'auth required pam_permit.so\naccount required pam_permit.so\nsession required %s %s\n' "$module" "${*:2}" > "/etc/pam.d/$1"
}
service subid-test debug
service subid-strict required_ranges
printf 'root:1000000:65536\n' > /etc/subuid; cp /etc/subuid /etc/subgid
cat >> /etc/login.defs <<'DEFS'
SUB_UID_MIN 2000000
SUB_UID_MAX 2999999
SUB_UID_COUNT 10000
SUB_GID_MIN 2000000
SUB_GID_MAX 2999999
SUB_GID_COUNT 10000
DEFS
# Accounts made without ranges, as directory (LDAP/SSSD) users arrive.
plain_user() { useradd -M -s /usr/sbin/nologin -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 "$@"; }
session() { pamtester "$1" "$2" open_session close_session >/dev/null 2>"$WORK/pam.err"; }
plain_user newbie
session subid-test newbie; rc=$?
same "first session succeeds" 0 "$rc"
same "and gives newbie a uid and a gid range from SUB_*_MIN with SUB_*_COUNT" "newbie:2000000:10000 newbie:2000000:10000" \
    "$(grep '^newbie:' /etc/subuid) $(grep '^newbie:' /etc/subgid)"
before=$(sha256sum /etc/subuid /etc/subgid)
session subid-test newbie
same "a later session keeps the same range and writes nothing" "$before" "$(sha256sum /etc/subuid /etc/subgid)"
plain_user ranged; printf 'ranged:2500000:500\n' >> /etc/subuid
before=$(sha256sum /etc/subuid)
session subid-test ranged
same "a user with a uid range keeps it untouched, and gets only the missing gid range" "$before 1" \
    "$(sha256sum /etc/subuid) $(grep -c '^ranged:' /etc/subgid)"
plain_user -r sysacct
session subid-test sysacct; rc=$?
same "a system account is skipped" "0 0" "$rc $(grep -c '^sysacct:' /etc/subuid)"
session subid-test root; rc=$?
same "root is skipped" "0 1" "$rc $(grep -c '^root:' /etc/subuid)"
service subid-count "count=70000 min=2200000"
plain_user big
session subid-count big
same "module arguments override login.defs" "big:2200000:70000" "$(grep '^big:' /etc/subuid)"

# 20 first sessions at once: 20 distinct ranges, no overlap, no lost line.
for i in $(seq 20); do plain_user "p$i"; done
pids=(); for i in $(seq 20); do session subid-test "p$i" & pids+=($!); done
fails=0; for p in "${pids[@]}"; do wait "$p" || fails=$((fails + 1)); done
same "20 parallel first sessions all succeed" 0 "$fails"
same "each of the 20 has exactly one uid and one gid range" "20 20" \
    "$(grep -cE '^p[0-9]+:' /etc/subuid) $(grep -cE '^p[0-9]+:' /etc/subgid)"
same "and no two ranges anywhere overlap (subid check)" 0 "$("$BIN/subid" check >/dev/null 2>&1; echo $?)"

# A broken /etc/subuid must not block a login, unless the admin asked for that.
plain_user unlucky
mv /etc/subuid /etc/subuid.good; mkdir /etc/subuid
session subid-test unlucky; rc=$?
same "with /etc/subuid unusable the session still opens" 0 "$rc"
session subid-strict unlucky; rc=$?
check "with required_ranges it fails the session (pamtester: $(tr '\n' ' ' < "$WORK/pam.err"))" test "$rc" != 0
rmdir /etc/subuid; mv /etc/subuid.good /etc/subuid
service subid-typo "count=lots"
plain_user typo
session subid-typo typo; rc=$?
same "a malformed argument is ignored, not fatal" "0 typo:" "$rc $(grep -o '^typo:' /etc/subuid)"
session subid-test nosuchuser; rc=$?
check "an unknown user is PAM's business, not ours (no range written)" test "$(grep -c '^nosuchuser:' /etc/subuid)" = 0

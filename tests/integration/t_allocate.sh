# subid allocate picks the range shadow's useradd picks, on the same files and login.defs.

# allocate_case NAME SUBUID SUBGID [LOGIN.DEFS SETTINGS...]
allocate_case() {
    local name=$1 subuid=$2 subgid=$3; shift 3
    restore_accounts
    for setting in "$@"; do
        key=${setting%% *}
        sed -i "/^$key[[:space:]]/d" /etc/login.defs
        echo "$setting" >> /etc/login.defs
    done
    put /etc/subuid "$subuid"; put /etc/subgid "$subgid"
    save_case=$WORK/case; mkdir -p "$save_case"; cp -p /etc/subuid /etc/subgid /etc/login.defs "$save_case/"

    # Shadow: useradd allocates while creating the user.
    useradd -M -s /usr/sbin/nologin newu >/dev/null 2>"$WORK/useradd.err"; local theirs_rc=$?
    local theirs_uid theirs_gid
    theirs_uid=$(grep '^newu:' /etc/subuid 2>/dev/null)
    theirs_gid=$(grep '^newu:' /etc/subgid 2>/dev/null)

    # Ours: the same user created with no files to allocate from, then `subid allocate`.
    restore_accounts
    cp -p "$save_case/login.defs" /etc/login.defs
    rm -f /etc/subuid /etc/subgid
    useradd -M -s /usr/sbin/nologin newu >/dev/null
    cp -p "$save_case/subuid" "$save_case/subgid" /etc/
    "$BIN/subid" allocate newu >"$WORK/ours.out" 2>"$WORK/ours.err"; local ours_rc=$?
    local ours_uid ours_gid
    ours_uid=$(grep '^newu:' /etc/subuid)
    ours_gid=$(grep '^newu:' /etc/subgid)

    if [ "$theirs_rc" = 0 ]; then
        same "allocate $name: subuid range as useradd" "$theirs_uid" "$ours_uid"
        same "allocate $name: subgid range as useradd" "$theirs_gid" "$ours_gid"
        same "allocate $name: subid exits 0" 0 "$ours_rc"
    else
        same "allocate $name: refused like useradd (rc $theirs_rc: $(head -1 "$WORK/useradd.err"))" "1 no-range no-range" \
            "$ours_rc ${ours_uid:-no-range} ${ours_gid:-no-range}"
        check "allocate $name: files untouched on refusal" cmp -s /etc/subuid "$save_case/subuid"
    fi
    restore_accounts
}

save_accounts
allocate_case "empty files" "" ""
allocate_case "after root" "root:110000:10000
" "" "SUB_UID_COUNT 10000" "SUB_GID_COUNT 10000"
allocate_case "first hole" "a:100000:10000
b:115000:10000
c:130000:70000
" "a:100000:65536
" "SUB_UID_COUNT 10000"
allocate_case "ends exactly at max" "root:100000:599990001
" "" "SUB_UID_COUNT 10000" "SUB_GID_COUNT 10000"
allocate_case "entries above max" "root:100000:599990001
# comment
root:600100001:10000
" "" "SUB_UID_COUNT 10000" "SUB_GID_COUNT 10000"
allocate_case "entry below min" "root:90000:5000
" "root:90000:5000
"
allocate_case "duplicates and comments (upstream 66)" "root:100000:5000
# c
root:90000:5000
root:100000:5000
" "" "SUB_UID_COUNT 10000" "SUB_GID_COUNT 10000"
allocate_case "malformed lines ignored" "root::5000
root:100000:
:100000:10000
root:100000a:10
x:200000:10
" "root:100000:10000a
"
allocate_case "unsorted file" "z:300000:65536
a:100000:65536
m:165536:10
" "z:100000:65536
"
allocate_case "custom min and max" "a:500000:1000
" "" "SUB_UID_MIN 500000" "SUB_UID_MAX 700000" "SUB_GID_MIN 200000" "SUB_GID_MAX 300000" "SUB_UID_COUNT 1000" "SUB_GID_COUNT 1000"
allocate_case "commented-out entry still blocks" "#old:100000:65536
" ""
allocate_case "exhausted" "a:100000:600000000
" "" "SUB_UID_COUNT 10000" "SUB_GID_COUNT 10000"

# A user who already holds ranges keeps them (as newusers skips a kind the user has).
restore_accounts
new_user holder
printf 'holder:300000:65536\n' > /etc/subuid; : > /etc/subgid
"$BIN/subid" allocate holder >/dev/null
same "allocate keeps an existing subuid range" "holder:300000:65536" "$(grep '^holder:' /etc/subuid)"
same "allocate adds the missing subgid range" "holder:100000:65536" "$(grep '^holder:' /etc/subgid)"
"$BIN/subid" allocate nosuchuser >/dev/null 2>"$WORK/err"; rc=$?
same "allocate for an unknown user fails with a clear message" "1 subid: user 'nosuchuser' does not exist" "$rc $(cat "$WORK/err")"

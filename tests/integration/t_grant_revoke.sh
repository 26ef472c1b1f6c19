# subid grant/revoke produce the same files as usermod --add-subuids/--del-subuids (and gids).
new_user foo
new_user bar
save_accounts

# edit_case NAME INITIAL "OP RANGE"...  (OP is grant|revoke; uids and gids both)
edit_case() {
    local name=$1 initial=$2; shift 2
    restore_accounts
    put /etc/subuid "$initial"; put /etc/subgid "$initial"
    chmod 0640 /etc/subuid; chown 0:42 /etc/subuid
    local step
    for step in "$@"; do
        local op=${step%% *} range=${step#* }
        if [ "$op" = grant ]; then usermod -v "$range" -w "$range" foo; else usermod -V "$range" -W "$range" foo; fi
    done
    local theirs_uid theirs_gid theirs_backup theirs_stat
    theirs_uid=$(cat /etc/subuid); theirs_gid=$(cat /etc/subgid)
    theirs_backup=$(cat /etc/subuid- 2>/dev/null || echo "<no backup>")
    theirs_stat=$(stat -c '%a %u:%g' /etc/subuid)

    restore_accounts
    put /etc/subuid "$initial"; put /etc/subgid "$initial"
    chmod 0640 /etc/subuid; chown 0:42 /etc/subuid
    for step in "$@"; do
        local op=${step%% *} range=${step#* }
        "$BIN/subid" "$op" foo --uids "$range" --gids "$range" >/dev/null || echo "# subid $op $range failed"
    done
    same "$name: /etc/subuid as usermod" "$theirs_uid" "$(cat /etc/subuid)"
    same "$name: /etc/subgid as usermod" "$theirs_gid" "$(cat /etc/subgid)"
    same "$name: backup /etc/subuid- as usermod" "$theirs_backup" "$(cat /etc/subuid- 2>/dev/null || echo "<no backup>")"
    same "$name: mode and owner as usermod" "$theirs_stat" "$(stat -c '%a %u:%g' /etc/subuid)"
    check "$name: no lock or temporary file left" test -z "$(ls /etc | grep -E '^sub[ug]id\.(lock|cio|[0-9])')"
}

edit_case "grant into empty files" "" "grant 100000-165535"
edit_case "grant after a comment, file without final newline" "# keep
root:100000:65536" "grant 165536-231071"
edit_case "grant already covered" "foo:100000:10000
" "grant 100005-100100"
edit_case "grant covered across two entries" "foo:100000:10
foo:100010:10
" "grant 100005-100019"
edit_case "grant overlapping own range" "foo:100000:10000
" "grant 99990-100010"
edit_case "revoke all" "foo:100000:10000
" "revoke 100000-109999"
edit_case "revoke head" "foo:100000:10000
" "revoke 90000-100999"
edit_case "revoke tail" "foo:100000:10000
" "revoke 105000-120000"
edit_case "revoke middle (tail appended)" "foo:100000:10000
# c
bar:300000:10
" "revoke 100100-100199"
edit_case "revoke outside (no change)" "foo:100000:10000
" "revoke 1-2"
edit_case "revoke duplicates, others kept" "foo:100000:10
# x
foo:100000:10
root:100000:10
bar:100000:10
" "revoke 100000-100009"
edit_case "sequence (upstream 21-36 style)" "foo:100000:10000
" "revoke 100000-100000" "revoke 100005-100005" "grant 1-2" "grant 1-1"
edit_case "malformed lines kept verbatim" "foo: 100000:10
bad line
foo:0x30000:16
" "revoke 100000-100004" "grant 500000-500009"

# Deliberate deviations (README).
restore_accounts
uid=$(id -u foo)
printf 'bar:100000:65536\n' > /etc/subuid; cp /etc/subuid "$WORK/before"
"$BIN/subid" grant foo --uids 165000-170000 >/dev/null 2>"$WORK/err"; rc=$?
same "grant refuses a range overlapping another owner (usermod allows it)" 1 "$rc"
check "refusal names the other owner" grep -q "overlaps bar's 100000-165535" "$WORK/err"
check "refused grant leaves the file untouched" cmp -s /etc/subuid "$WORK/before"
check "refused grant leaves no backup" test ! -e /etc/subuid-

printf 'foo:100000:10\n' > /etc/subuid; printf 'bar:100005:10\n' > /etc/subgid
cp /etc/subuid "$WORK/uid-before"
"$BIN/subid" grant foo --uids 200000-200009 --gids 100000-100009 >/dev/null 2>&1; rc=$?
same "a refusal in /etc/subgid fails the whole grant" 1 "$rc"
check "and leaves /etc/subuid untouched" cmp -s /etc/subuid "$WORK/uid-before"

printf '%s:100000:65536\nfoo:300000:10\n' "$uid" > /etc/subuid
cp /etc/subuid /etc/subgid
usermod -V 100000-165535 foo
same "usermod 4.13 leaves the uid-owned entry" "$uid:100000:65536" "$(head -1 /etc/subuid)"
printf '%s:100000:65536\nfoo:300000:10\n' "$uid" > /etc/subuid
"$BIN/subid" revoke foo --uids 100000-165535 >/dev/null
same "subid revoke also cuts entries owned by the user's uid" "foo:300000:10" "$(cat /etc/subuid)"

printf 'gone:100000:10\n' > /etc/subuid
"$BIN/subid" revoke gone --uids 100000-100009 >/dev/null
same "revoke works for an owner that no longer exists" "" "$(cat /etc/subuid)"

for bad in 10-5 5 0x10-0x20 -5-10 4294967295-4294967295 "5 -10"; do
    "$BIN/subid" grant foo "--uids=$bad" >/dev/null 2>"$WORK/err"; rc=$?
    same "grant refuses range '$bad' with a usage error" "64 yes" "$rc $(grep -q "invalid range '$bad'" "$WORK/err" && echo yes)"
done

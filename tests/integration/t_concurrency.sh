# 50 parallel `subid grant` processes and shadow's usermod on the same files lose no entry.
new_user foo
new_user bar
printf '# shared file\nroot:100000:65536\n' > /etc/subuid
: > /etc/subgid
pids=()
for i in $(seq 0 49); do
    start=$((1000000 + i * 1000))
    "$BIN/subid" grant foo --uids "$start-$((start + 99))" >/dev/null 2>"$WORK/grant.$i.err" &
    pids+=($!)
    if [ $((i % 10)) = 5 ]; then
        s=$((5000000 + i * 1000))
        usermod -v "$s-$((s + 9))" bar 2>"$WORK/usermod.$i.err" &
        pids+=($!)
    fi
done
failed=0
for p in "${pids[@]}"; do wait "$p" || failed=$((failed + 1)); done
same "every grant and usermod succeeded" 0 "$failed"
[ "$failed" = 0 ] || cat "$WORK"/*.err | sed 's/^/#   /'
same "all 50 foo entries present" 50 "$(grep -c '^foo:' /etc/subuid)"
same "all 5 usermod entries present" 5 "$(grep -c '^bar:' /etc/subuid)"
same "no entry duplicated" "$(wc -l < /etc/subuid)" "$(sort -u /etc/subuid | wc -l)"
same "the first lines survived" "# shared file
root:100000:65536" "$(head -2 /etc/subuid)"
for i in $(seq 0 49); do
    start=$((1000000 + i * 1000))
    grep -qx "foo:$start:100" /etc/subuid || not_ok "entry $i present" "missing foo:$start:100"
done
check "no lock, pid or temporary file left" test -z "$(ls /etc | grep -E '^sub[ug]id\.|^\.pwd\.lock\.')"
"$BIN/subid" check >/dev/null; same "the result passes subid check" 0 $?

# getsubids: ours against Debian's shadow 4.13 on the same files, same arguments.
new_user foo
uid=$(id -u foo)
new_user -o -u "$uid" -N -g "$(id -g foo)" foo2
new_user bar
[ "$(getent group foo | cut -d: -f3)" = "$uid" ] || echo "# note: group foo's gid differs from uid $uid"

lines=(
    "foo:100000:65536" "# a comment" "$uid:200000:10" "foo2:300000:5" "bar:400000:10" " foo:500000:1"
    "foo:0x1000:50" "foo:010:60" "foo:+7:70" "foo: 400000:40" "foo:1000000:0" "foo:700000:90:extra" "FOO:1:1"
    "0$uid:9:9" "foo:900000:100 " "nosuch:1:1" "12345:5:5" "+nis" "foo:800000" "foo::100" ":1:2" ""
)
printf '%s\n' "${lines[@]}" > /etc/subuid
printf '%s\n' "${lines[@]}" | sed 's/^bar:400000/bar:450000/' > /etc/subgid

queries=("foo" "foo2" "bar" "$uid" "nosuch" "12345" "FOO" "" "-h" "-g foo" "-g bar" "-g nosuch" "-g" "foo extra args"
         "-g foo extra" "-x" "-- foo")
for q in "${queries[@]}"; do
    run_capture theirs /usr/bin/getsubids $q
    run_capture ours "$BIN/getsubids" $q
    same "getsubids ${q:-<no argument>} matches shadow" "${theirs//\/usr\/bin\/getsubids/getsubids}" "$ours"
done

# A last line without a newline is read (4.13 behaviour; 4.19+ rejects the whole file).
printf 'foo:1:2\nfoo:3:4' > /etc/subuid
run_capture theirs /usr/bin/getsubids foo
run_capture ours "$BIN/getsubids" foo
same "file without final newline matches shadow" "$theirs" "$ours"

# A symlinked /etc/subuid is refused by both (O_NOFOLLOW).
mv /etc/subuid /etc/subuid.real && ln -s /etc/subuid.real /etc/subuid
run_capture theirs /usr/bin/getsubids foo
run_capture ours "$BIN/getsubids" foo
same "symlinked /etc/subuid refused like shadow" "$theirs" "$ours"
rm /etc/subuid && mv /etc/subuid.real /etc/subuid

# Missing file.
rm /etc/subgid
run_capture theirs /usr/bin/getsubids -g foo
run_capture ours "$BIN/getsubids" -g foo
same "missing /etc/subgid matches shadow" "$theirs" "$ours"

# Deliberate deviations (README): negative and past-32-bit numbers are not ranges at all.
printf 'foo:-1:80\nfoo:5000000000:10\nfoo:4294967295:2\nfoo:5:5\n' > /etc/subuid
theirs=$(/usr/bin/getsubids foo)
ours=$("$BIN/getsubids" foo)
same "shadow 4.13 lists the wrapped -1 range (documented deviation)" "0: foo 18446744073709551615 80" "$(echo "$theirs" | head -1)"
same "ours lists only the valid range" "0: foo 5 5" "$ours"

# -g looks the user up as a user (4.13 looks up a group of that name: nobody's group is nogroup).
printf 'nobody:200000:10\n65534:210000:10\n' > /etc/subgid
same "getsubids -g nobody lists the uid-owned entry too" "0: nobody 200000 10
1: nobody 210000 10" "$("$BIN/getsubids" -g nobody)"
same "shadow 4.13 misses it (documented deviation)" "0: nobody 200000 10" "$(/usr/bin/getsubids -g nobody)"

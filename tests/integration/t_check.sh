# subid check: finds what is wrong, exits 1 on errors, --json parses.
new_user anna
new_user bob
new_user -u 150000 carl
groupadd -g 420000 builders
printf 'anna:100000:65536\nbob:165536:65536\n' > /etc/subuid
printf 'anna:100000:65536\nbob:165536:65536\n' > /etc/subgid
"$BIN/subid" check >"$WORK/out"; rc=$?
same "anna's range covering carl's uid 150000 is an error" 1 "$rc"
check "message names carl and the CVE class" grep -q "covers the id of carl (150000).*CVE-2024-56433" "$WORK/out"

printf 'anna:300000:65536\nbob:330000:65536\nghost:700000:10\nbad:-1:5\n+nis\ndave:4294967200:96\n' > /etc/subuid
printf 'anna:400000:65536\n' > /etc/subgid
"$BIN/subid" check --json >"$WORK/json"; rc=$?
same "check --json exits 1 on errors" 1 "$rc"
check "check --json is valid JSON" python3 -m json.tool "$WORK/json" >/dev/null
codes=$(python3 -c 'import json,sys; print(" ".join(str(f["line"]) + ":" + f["code"] for f in json.load(open(sys.argv[1]))["findings"]))' "$WORK/json")
same "findings: overlap, unknown owner, malformed, nis, past 32 bits, covered group" \
    "2:overlap 3:unknown-owner 4:malformed 5:nis-line 6:past-32-bit-limit 6:unknown-owner 1:covers-real-ids" "$codes"

printf 'anna:300000:65536\nanna:300000:10\n' > /etc/subuid; printf 'anna:300000:65536\n' > /etc/subgid
"$BIN/subid" check >/dev/null; same "warnings alone exit 0" 0 $?
"$BIN/subid" check --strict >/dev/null; same "--strict fails on warnings" 1 $?

# list
printf 'anna:300000:65536\n%s:400000:10\nbob:500000:1\n' "$(id -u anna)" > /etc/subuid
same "list anna includes her uid-owned entry" "KIND  OWNER  FIRST   LAST    COUNT
uid   anna   300000  365535  65536
uid   $(id -u anna)   400000  400009  10
gid   anna   300000  365535  65536" "$("$BIN/subid" list anna)"
check "list --json is valid JSON" sh -c "'$BIN/subid' list --json | python3 -m json.tool >/dev/null"

# make install: modes, static Swift stdlib, full RELRO; the environment scrub in setuid binaries.
dest=$SCRATCH/dest
make -s -C "$REPO" install DESTDIR="$dest" PREFIX=/usr >"$WORK/install.log" 2>&1
same "make install succeeds" 0 $?
same "subid and getsubids installed 0755" "755 0:0
755 0:0" "$(stat -c '%a %u:%g' "$dest/usr/bin/subid" "$dest/usr/bin/getsubids")"
same "setuid helpers installed root 4755, lxc-user-nic where liblxc looks (PREFIX/libexec/lxc)" "4755 0:0
4755 0:0
4755 0:0" "$(stat -c "%a %u:%g" "$dest/usr/bin/newuidmap" "$dest/usr/bin/newgidmap" "$dest/usr/libexec/lxc/lxc-user-nic")"
pamdir=$(pkg-config --variable=libdir pam)/security
same "pam_subid.so installed 0644 into the distribution's PAM directory, exporting only PAM's entry points" \
    "644 0:0 pam_sm_close_session pam_sm_open_session" \
    "$(stat -c '%a %u:%g' "$dest$pamdir/pam_subid.so") $(nm -D --defined-only "$dest$pamdir/pam_subid.so" | awk '$2 ~ /^[A-Z]$/ {print $3}' | sort | tr '\n' ' ' | sed 's/ $//')"
check "pam_subid.so loads no Swift shared library" sh -c "! ldd '$dest$pamdir/pam_subid.so' | grep -q libswift"
lib=$dest/usr/lib/subid-toolkit
same "libsubid.so.4 (and .5) and subid.h installed beside, not over, the distribution's libsubid" \
    "644 libsubid.so.4.0.0 libsubid.so.4.0.0 present" \
    "$(stat -c %a $lib/libsubid.so.4.0.0) $(readlink $lib/libsubid.so.4) $(readlink $lib/libsubid.so.5) $(test -f $dest/usr/include/subid-toolkit/subid.h && echo present)"
check "libsubid.so.4 loads no Swift shared library" sh -c "! ldd '$lib/libsubid.so.4' | grep -q libswift"
same "usernsexec and userbox installed 0755, userbox-cli and userbox-join in libexec/userbox" "755 0:0 755 0:0 755 0:0 755 0:0" \
    "$(stat -c '%a %u:%g' "$dest/usr/bin/usernsexec") $(stat -c '%a %u:%g' "$dest/usr/bin/userbox") $(stat -c '%a %u:%g' "$dest/usr/libexec/userbox/userbox-cli") $(stat -c '%a %u:%g' "$dest/usr/libexec/userbox/userbox-join")"
check "userbox-join is static (no shared library to load on each attach)" sh -c "file '$dest/usr/libexec/userbox/userbox-join' | grep -q 'statically linked'"
# symbols FILE: nm's list, which must not be empty: a negative grep on an unreadable or stripped
# binary would otherwise pass for the wrong reason.
symbols() { local out; out=$(nm "$1" 2>/dev/null) && [ -n "$out" ] && printf '%s\n' "$out" || echo "NO-SYMBOLS-READ"; }
if symbols "$BIN/userbox" | grep -q 'FoundationEssentials\|ArgumentParser\|NO-SYMBOLS-READ'; then
    not_ok "userbox (the start/attach path) links no Foundation or ArgumentParser"
else ok "userbox (the start/attach path) links no Foundation or ArgumentParser"; fi
for b in getsubids subid newuidmap newgidmap lxc-user-nic; do
    if ldd "$BIN/$b" | grep -q libswift; then not_ok "$b links no Swift shared library" "$(ldd "$BIN/$b")"
    else ok "$b links no Swift shared library"; fi
done
for b in getsubids newuidmap newgidmap lxc-user-nic; do
    relro=$(readelf -lW "$BIN/$b" | grep -c GNU_RELRO); now=$(readelf -dW "$BIN/$b" | grep -cE 'BIND_NOW|FLAGS_1.*NOW')
    same "$b has full RELRO" "1 yes" "$relro $([ "$now" -ge 1 ] && echo yes)"
    if symbols "$BIN/$b" | grep -q 'FoundationEssentials\|ArgumentParser\|NO-SYMBOLS-READ'; then not_ok "$b links no Foundation or ArgumentParser"
    else ok "$b links no Foundation or ArgumentParser"; fi
done

# A setuid Swift binary must not obey SWIFT_* variables (Swift 6.3.1 would print its runtime help).
# The installed setuid helpers are Embedded Swift (no runtime to obey), so the probe is getsubids,
# which carries the runtime and the same start-up code, made setuid in the scratch directory.
new_user mallory
cp "$BIN/getsubids" "$SCRATCH/probe" && chown root:root "$SCRATCH/probe" && chmod 4755 "$SCRATCH/probe"
plain=$(setpriv --reuid=mallory --regid=mallory --init-groups env -i "$SCRATCH/probe" -h 2>&1; echo "status $?")
hostile=$(setpriv --reuid=mallory --regid=mallory --init-groups env -i SWIFT_DEBUG_HELP=YES SWIFT_DETERMINISTIC_HASHING=1 \
      LD_PRELOAD=/nonexistent.so "$SCRATCH/probe" -h 2>&1; echo "status $?")
same "setuid Swift binary ignores SWIFT_DEBUG_HELP and LD_PRELOAD (same output and status)" "$plain" "$hostile"
check "control: the probe printed its usage" grep -qi 'usage' <<<"$plain"
for b in newuidmap newgidmap lxc-user-nic userbox; do
    if symbols "$BIN/$b" | grep -q 'swift_conformsToProtocol\|swift_getTypeByMangledName\|NO-SYMBOLS-READ'; then
        not_ok "$b is the Embedded Swift build (no runtime type metadata)"
    else ok "$b is the Embedded Swift build (no runtime type metadata)"; fi
done
check "control: getsubids does carry the runtime (so the check above can fail)" sh -c "nm '$BIN/getsubids' | grep -q swift_conformsToProtocol"
out=$(env -i SWIFT_DEBUG_HELP=YES "$BIN/getsubids" -h 2>&1 | head -1)
check "control: a non-setuid run does obey SWIFT_DEBUG_HELP (so the check above can fail)" \
    sh -c "env -i SWIFT_DEBUG_HELP=YES '$BIN/getsubids' -h 2>&1 | grep -qi 'swift runtime\|SWIFT_'"

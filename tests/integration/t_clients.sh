# The real clients that exec newuidmap/newgidmap on every start, run as a user with ours first on
# PATH and Debian's copies replaced (in this test's mount namespace) by a program that fails, so a
# map can only have come from ours: podman, buildah, rootlesskit and util-linux unshare.
ours=$SCRATCH/bin; mkdir -p "$ours"; chmod 755 "$SCRATCH" "$ours"
install -o root -g root -m 4755 "$BIN/newuidmap" "$BIN/newgidmap" "$ours/"
install -m 0755 "$BIN/getsubids" "$ours/"
for h in newuidmap newgidmap; do [ -e /usr/bin/$h ] && mount --bind /bin/false /usr/bin/$h; done
new_user -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 alice
printf 'alice:100000:65536\n' > /etc/subuid; cp /etc/subuid /etc/subgid
u=$(id -u alice)
# The runtime directory in the scratch tree: /run is the machine's (podman keeps its pause
# process's pid there, which a later run would try to join).
rundir=$SCRATCH/run-alice
mkdir -p /home/alice "$rundir"; chown alice:alice /home/alice "$rundir"; chmod 700 "$rundir"
asalice() {
    setpriv --reuid=alice --regid=alice --init-groups env -i HOME=/home/alice USER=alice LOGNAME=alice \
        XDG_RUNTIME_DIR=$rundir TMPDIR=$rundir PATH=$ours:/usr/sbin:/usr/bin:/sbin:/bin "$@"
}
maps() { tr -s ' ' | sed 's/^ //' | tr '\n' ';'; }
full="0 $u 1;1 100000 65536;"
check "Debian's newuidmap is out of the way here" sh -c "! /usr/bin/newuidmap"
for client in podman buildah rootlesskit; do
    command -v $client >/dev/null || { not_ok "$client is not installed (make test installs it)"; continue; }
done
if command -v podman >/dev/null; then
    out=$(asalice podman --cgroup-manager=cgroupfs unshare cat /proc/self/uid_map /proc/self/gid_map 2>"$WORK/err" | maps)
    same "podman unshare: uid and gid maps written by ours ($(tail -2 "$WORK/err" | tr '\n' ' '))" "$full$full" "$out"
    # podman's pause process holds the namespace: stop it with the test
    asalice podman system migrate >/dev/null 2>&1
fi
if command -v buildah >/dev/null; then
    out=$(asalice buildah unshare cat /proc/self/uid_map /proc/self/gid_map 2>"$WORK/err" | maps)
    same "buildah unshare: uid and gid maps written by ours ($(tail -2 "$WORK/err" | tr '\n' ' '))" "$full$full" "$out"
fi
if command -v rootlesskit >/dev/null; then
    out=$(asalice rootlesskit --net=host --disable-host-loopback cat /proc/self/uid_map /proc/self/gid_map 2>"$WORK/err" | maps)
    same "rootlesskit: uid and gid maps written by ours ($(tail -2 "$WORK/err" | tr '\n' ' '))" "$full$full" "$out"
fi
out=$(asalice unshare --map-auto --map-root-user cat /proc/self/uid_map 2>"$WORK/err" | maps)
same "unshare --map-auto --map-root-user: maps written by ours" "0 $u 1;1 100000 65535;" "$out"
# And the control: with ours out of the way too, the same client fails, so the checks above mean something.
mount --bind /bin/false "$ours/newuidmap"
out=$(asalice unshare --map-auto --map-root-user cat /proc/self/uid_map 2>&1); rc=$?
check "control: without a working newuidmap, unshare --map-auto fails (rc $rc)" test "$rc" != 0
umount "$ours/newuidmap"

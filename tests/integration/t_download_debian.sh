# userbox create -t download of a real distribution (issue 14): a Debian bookworm minbase image
# built here by mmdebstrap --mode=unshare on our newuidmap/newgidmap, served over HTTPS on
# loopback; the container runs it (os-release, apt-get as root), its files belong to the
# container's ids. Then the differential: LXC 5.0.2's own lxc-download template, run by lxc-create
# against the same server and image, unpacks the same rootfs (paths, types, modes, owners relative
# to the map, contents, xattrs).
source "$REPO/tests/integration/support/test_ca.sh"
source "$REPO/tests/integration/support/image_server.sh"
userbox_user mona
arch=$(dpkg --print-architecture)
test_ca $SCRATCH/ca; chmod 755 $SCRATCH/ca; chmod 644 $SCRATCH/ca/ca.pem
web=$SCRATCH/www
if ! make_debian_image $web 20261203_06:00 mona; then
    not_ok "mmdebstrap --mode=unshare on our helpers built the image" "$(tail -15 $debian_log)"; return 0
fi
ok "mmdebstrap --mode=unshare built bookworm minbase with our newuidmap/newgidmap ($(du -m $debian_rootfs | cut -f1) MiB, Debian's helpers hidden)"
serve_images 8456 $web

out=$(ub create deb -t download -- -d debian -r bookworm -a $arch --ca $SCRATCH/ca/ca.pem --server https://127.0.0.1:8456 2>&1); rc=$?
same "create -t download of bookworm ($(tail -1 <<<"$out"))" 0 "$rc"
check "the image's create-message is printed" grep -q "You just created a Debian bookworm minbase container" <<<"$out"
ub start deb >/dev/null 2>$WORK/err || not_ok "start deb" "$(cat $WORK/err; tail -5 $box/deb/userbox.log)"
same "attach -- cat /etc/os-release says bookworm" "VERSION_CODENAME=bookworm" "$(ub attach deb -- grep CODENAME /etc/os-release)"
out=$(ub attach deb -- sh -c 'id -u; apt-get --version | head -1' 2>&1)
check "apt-get --version runs as root inside ($(tr '\n' ' ' <<<"$out"))" grep -qz '^0.apt 2\.' <<<"$out"
same "owners on the host are the container's ids (root 2000000, group mail 2000008, _apt's cache dir)" \
    "2000000 2000008 $((2000000 + $(awk -F: '$1 == "_apt" {print $3}' $box/deb/rootfs/etc/passwd)))" \
    "$(stat -c %u $box/deb/rootfs/usr/bin/apt-get) $(stat -c %g $box/deb/rootfs/var/mail) $(stat -c %u $box/deb/rootfs/var/cache/apt/archives/partial)"
check "no device node unpacked (the image's excludes-user)" test -z "$(find $box/deb/rootfs/dev -type c -o -type b)"
ub stop -k deb >/dev/null 2>&1

# --- the differential: LXC 5.0.2's lxc-download, the same server, image and map
if [ ! -x /usr/share/lxc/templates/lxc-download ]; then not_ok "Debian's lxc is needed (make deps installs it)"; return 0; fi
mkdir -p /home/mona/.config/lxc
printf 'lxc.idmap = u 0 2000000 65536\nlxc.idmap = g 0 2000000 65536\n' > /home/mona/.config/lxc/default.conf
echo "ca_certificate = $SCRATCH/ca/ca.pem" > /home/mona/.wgetrc
chown -R mona: /home/mona/.config /home/mona/.wgetrc
same "userbox maps the same range (u 0 2000000 65536)" "lxc.idmap = u 0 2000000 65536" "$(grep -m1 '^lxc.idmap = u' $box/deb/config)"
out=$(as lxc-create -n deb -t download -- --server 127.0.0.1:8456 -d debian -r bookworm -a $arch 2>&1); rc=$?
same "LXC's lxc-create -t download of the same image ($(tail -1 <<<"$out"))" 0 "$rc"
lxcroot=/home/mona/.local/share/lxc/deb/rootfs
# One line per path: type, mode, owners relative to the map, size, link target; then contents.
# Relative paths, sorted.
tree_of() {
    (cd "$1" && find . -printf '%p|%y|%m|%U|%G|%s|%l\n' | awk -F'|' -v OFS='|' '{ $4 -= 2000000; $5 -= 2000000; print }' | LC_ALL=C sort
     find . -type f -print0 | xargs -0 sha256sum | LC_ALL=C sort -k2)
}
xattrs_of() { (cd "$1" && getfattr -R -P -d -m - --absolute-names . 2>/dev/null); }
tree_of $box/deb/rootfs > $WORK/ours; tree_of $lxcroot > $WORK/theirs
check "there is something to compare ($(grep -c '|' $WORK/ours) paths)" test "$(grep -c '|' $WORK/ours)" -gt 5000
d=$(diff $WORK/theirs $WORK/ours)
same "same rootfs as LXC's: paths, types, modes, owners relative to the map, contents" "" "$d"
# xattrs: the image's are kept (the file capability lands with the container's root as its
# rootid); LXC 5.0.2's tar runs without --xattrs and drops them: a documented difference.
same "xattrs kept: the image's file capability and user.* attribute on /usr/local/bin/probe" \
    "# file: ./usr/local/bin/probe|security.capability=0sAQAAAwAgAAAAAAAAAAAAAAAAAACAhB4A|user.origin=\"mmdebstrap\"" \
    "$(xattrs_of $box/deb/rootfs | paste -sd'|' | sed 's/|$//')"
same "the capability is the container's root's, not the host's" "/usr/local/bin/probe cap_net_raw=ep [rootid=2000000]" \
    "$(cd $box/deb/rootfs && getcap -n usr/local/bin/probe | sed 's,^,/,')"
same "LXC 5.0.2 drops them (the difference README records)" "" "$(xattrs_of $lxcroot)"

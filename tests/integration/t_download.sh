# userbox create -t download (issue 14): a busybox image the test builds, served over HTTPS on
# loopback with a test CA in both protocols (LXC's index, simplestreams); the container starts,
# its files belong to the container's ids, the image's metadata is applied; the cache.
source "$REPO/tests/integration/support/test_ca.sh"
source "$REPO/tests/integration/support/image_server.sh"
userbox_user dora
arch=$(dpkg --print-architecture)
test_ca $SCRATCH/ca; chmod 755 $SCRATCH/ca; chmod 644 $SCRATCH/ca/ca.pem
lxcweb=$SCRATCH/www-lxc; ssweb=$SCRATCH/www-ss
make_busybox_image $lxcweb 20261202_12:00
mkdir -p $ssweb && cp -a $lxcweb/images $lxcweb/streams $ssweb/   # simplestreams only: no meta/1.0
serve_images 8453 $lxcweb; serve_images 8454 $ssweb
opts="-d busybox -r 1.36 -a $arch --ca $SCRATCH/ca/ca.pem"

out=$(ub create bb -t download -- $opts --server https://127.0.0.1:8453 2>&1); rc=$?
same "create -t download from LXC's index ($(tail -2 <<<"$out" | tr '\n' ' '))" 0 "$rc"
check "it says what it checked (sha256 against SHA256SUMS)" grep -q "rootfs.tar.xz: sha256 .* matches the server's" <<<"$out"
check "and prints the image's create-message" grep -q "You just created a BusyBox test container" <<<"$out"
ub start bb >/dev/null 2>$WORK/err || not_ok "start bb" "$(cat $WORK/err; tail -5 $box/bb/userbox.log)"
same "the container runs the image (os-release)" "VERSION_CODENAME=20261202_12:00" "$(ub attach bb -- grep CODENAME /etc/os-release)"
same "templates filled in: /etc/hostname and /etc/hosts name the container" "bb|127.0.1.1 bb" \
    "$(ub attach bb -- cat /etc/hostname)|$(ub attach bb -- grep 127.0.1.1 /etc/hosts)"
same "owners on the host are the container's ids (root 2000000, user 2001000)" "2000000 2001000" \
    "$(stat -c %u $box/bb/rootfs/etc/passwd) $(stat -c %u $box/bb/rootfs/home/user)"
check "excludes-user honoured: no device nodes unpacked" test ! -e $box/bb/rootfs/dev/zero
same "config: the distribution's, with our common.conf/userns.conf included, then the container's" \
    "lxc.include = $pfx/share/userbox/config/common.conf|lxc.uts.name = bb" \
    "$(grep -m1 '^lxc.include' $box/bb/config)|$(grep '^lxc.uts.name' $box/bb/config)"
ub stop -k bb >/dev/null 2>&1
# Found by the C API's test: a copy or snapshot of a container whose config includes
# LXC_TEMPLATE_CONFIG/common.conf (every image's) must read the include too.
out=$(ub copy -s bb bbclone 2>&1 && ub snapshot bb 2>&1); rc=$?
check "an image's container can be cloned and snapshotted ($(tail -1 <<<"$out"))" test "$rc" = 0 -a -f $box/bbclone/config
ub destroy bbclone >/dev/null 2>&1; ub snapshot bb -d ALL >/dev/null 2>&1

cache=/home/dora/.cache/userbox/download/busybox/1.36/$arch/default
check "the image is cached as a complete entry, its rootfs recompressed as zstd" test -f $cache/entry -a -f $cache/rootfs.tar.zst -a ! -e $cache/rootfs.tar.xz
kill %1 2>/dev/null; sleep 0.2
out=$(ub create bb2 -t download -- $opts --server https://127.0.0.1:8453 2>&1); rc=$?
check "a second create uses the cache, not the server (which is down now) ($(tail -1 <<<"$out"))" \
    test "$rc" = 0 -a -n "$(grep 'Using image from local cache' <<<"$out")"

out=$(ub create down -t download -- $opts --server https://127.0.0.1:8453 --flush-cache 2>&1); rc=$?
check "server down and nothing cached: refused, saying so ($(tail -1 <<<"$out"))" \
    test "$rc" = 1 -a -n "$(grep -i 'connect' <<<"$out")" -a ! -e $box/down -a ! -e $cache/entry
out=$(ub create ss -t download -- $opts --server https://127.0.0.1:8454 --flush-cache 2>&1); rc=$?
same "simplestreams: create with the index's sha256 and size ($(tail -2 <<<"$out" | tr '\n' ' '))" 0 "$rc"
check "it used simplestreams' checksums" grep -q "rootfs.tar.xz: sha256 .* matches the server's" <<<"$out"
ub start ss >/dev/null 2>&1 && same "and it runs" "ss" "$(ub attach ss -- hostname)"
ub stop -k ss >/dev/null 2>&1

# A tampered rootfs: the published sha256 no longer matches; nothing cached, no container.
tampered=$ssweb/images/busybox/1.36/$arch/default/20261202_12:00/rootfs.tar.xz
cp $tampered $WORK/rootfs.good
printf 'x' | dd of=$tampered bs=1 seek=1000 conv=notrunc status=none
out=$(ub create bad -t download -- $opts --server https://127.0.0.1:8454 --flush-cache 2>&1); rc=$?
check "a tampered rootfs (same size) is refused: its sha256 is not the published one ($(tail -1 <<<"$out"))" \
    test "$rc" = 1 -a -n "$(grep 'rootfs.tar.xz: sha256 .* where the server publishes' <<<"$out")"
check "no container and no cache entry left" test ! -e $box/bad -a ! -e $cache/entry
cp $WORK/rootfs.good $tampered; printf 'x' >> $tampered
out=$(ub create bad -t download -- $opts --server https://127.0.0.1:8454 2>&1); rc=$?
check "a rootfs longer than the index says is cut off at that size and refused ($(tail -1 <<<"$out"))" \
    test "$rc" = 1 -a -n "$(grep 'larger than' <<<"$out")" -a ! -e $box/bad
cp $WORK/rootfs.good $tampered
out=$(ub create bad -t download -- -d busybox -r 1.36 -a $arch --server https://127.0.0.1:8454 --flush-cache 2>&1); rc=$?
check "without the test CA the server's certificate is refused ($(tail -1 <<<"$out"))" test "$rc" = 1 -a -n "$(grep -i certificate <<<"$out")"
out=$(ub create bad -t download -- -d nosuch -r 1 -a $arch --ca $SCRATCH/ca/ca.pem --server https://127.0.0.1:8454 2>&1); rc=$?
check "an image the server does not have: refused, listing what it has ($(tail -1 <<<"$out"))" test "$rc" = 1 -a -n "$(grep 'no image nosuch/1' <<<"$out")"
out=$(ub create bad -t download -- -r 1.36 2>&1); rc=$?
check "a missing -d is an error saying so ($out)" test "$rc" = 1 -a -n "$(grep 'no distribution (-d) given' <<<"$out")"

# simplestreams with a squashfs rootfs only: unsquashfs as the container's root, the same excludes,
# xattrs kept; the cache keeps the squashfs as it is.
sqweb=$SCRATCH/www-sq; rel=images/busybox/1.36/$arch/default/20261202_12:00; src=$SCRATCH/image-src.20261202_12:00/rootfs
mkdir -p $sqweb/$rel $sqweb/streams/v1
setfattr -n user.origin -v squashfs $src/etc/os-release
mksquashfs $src $sqweb/$rel/root.squashfs -noappend -quiet -comp xz >/dev/null
cp $lxcweb/$rel/meta.tar.xz $sqweb/$rel/
item() { printf '"%s":{"ftype":"%s","path":"%s","sha256":"%s","size":%s}' $1 $1 $rel/$2 $(sha256sum < $sqweb/$rel/$2 | cut -d' ' -f1) $(stat -c %s $sqweb/$rel/$2); }
printf '{"format":"index:1.0","index":{"images":{"datatype":"image-downloads","path":"streams/v1/images.json","format":"products:1.0","products":["busybox:1.36:%s:default"]}}}\n' $arch > $sqweb/streams/v1/index.json
printf '{"format":"products:1.0","products":{"busybox:1.36:%s:default":{"arch":"%s","os":"BusyBox","release":"1.36","variant":"default","versions":{"20261202_12:00":{"items":{%s,%s}}}}}}\n' \
    $arch $arch "$(item squashfs root.squashfs)" "$(item lxc.tar.xz meta.tar.xz)" > $sqweb/streams/v1/images.json
chmod -R a+rX $sqweb; serve_images 8458 $sqweb
out=$(ub create sq -t download -- $opts --server https://127.0.0.1:8458 --flush-cache 2>&1); rc=$?
same "simplestreams with only a squashfs rootfs: created ($(tail -1 <<<"$out"))" 0 "$rc"
check "its sha256 checked, the squashfs cached as it is" test -n "$(grep 'rootfs.squashfs: sha256 .* matches' <<<"$out")" -a -f $cache/rootfs.squashfs
same "owners are the container's ids, no device node, the xattr kept" "2000000 2001000 none squashfs" \
    "$(stat -c %u $box/sq/rootfs/etc/passwd) $(stat -c %u $box/sq/rootfs/home/user) $(find $box/sq/rootfs/dev -type c | wc -l | sed 's/^0$/none/') $(getfattr --absolute-names --only-values -n user.origin $box/sq/rootfs/etc/os-release 2>&1)"
ub start sq >/dev/null 2>&1 && same "and it runs" "sq" "$(ub attach sq -- hostname)"
ub stop -k sq >/dev/null 2>&1

# Without zstd the cache keeps the .xz as downloaded, and creates unpack that.
mount --bind /dev/null /usr/bin/zstd
out=$(ub create noz -t download -- $opts --server https://127.0.0.1:8454 --flush-cache 2>&1); rc=$?
check "without zstd: cached as downloaded, saying how to get faster creates ($(grep 'cached as' <<<"$out"))" \
    test "$rc" = 0 -a -f $cache/rootfs.tar.xz -a ! -e $cache/rootfs.tar.zst -a -n "$(grep 'install zstd' <<<"$out")"
umount /usr/bin/zstd
out=$(ub create noz2 -t download -- $opts --server https://127.0.0.1:8454 2>&1); rc=$?
same "and a .xz entry is used as it is, zstd or not" "0 2000000" "$rc $(stat -c %u $box/noz2/rootfs/etc/passwd 2>&1)"
kill %2 2>/dev/null

# userbox create -t download (issue 14) when things go wrong: Ctrl-C mid-download, the server
# going down mid-transfer, a truncated file, a full disk during the unpack, a tar bomb, bad
# signatures, and hostile tarballs. Each is refused or stopped with a message; nothing is cached,
# no half container is left, nothing is written outside the new rootfs. Also: userbox images,
# the prompts on a terminal, and the expiry rule.
source "$REPO/tests/integration/support/test_ca.sh"
source "$REPO/tests/integration/support/image_server.sh"
userbox_user faye
arch=$(dpkg --print-architecture)
test_ca $SCRATCH/ca; chmod 755 $SCRATCH/ca; chmod 644 $SCRATCH/ca/ca.pem
web=$SCRATCH/www
make_busybox_image $web 20261201_00:00
serve_images 8455 $web
server="--ca $SCRATCH/ca/ca.pem --server https://127.0.0.1:8455"
opts="-d busybox -r 1.36 -a $arch $server"
cache=/home/faye/.cache/userbox/download/busybox/1.36/$arch/default
nothing_left() {  # NAME: no container, no cache entry, no staging file
    test ! -e $box/$1 -a ! -e $cache/entry && [ -z "$(find $cache.partial -type f 2>/dev/null)" ]
}

# --- userbox images: the server's table, the cache, flush
out=$(ub images $server 2>&1)
same "userbox images prints lxc-download --list's table" "DIST	RELEASE	ARCH	VARIANT	BUILD|busybox	1.36	$arch	default	20261201_00:00" \
    "$(grep -E '^(DIST|busybox)' <<<"$out" | paste -sd'|')"
same "filtered by -d (nothing of another dist)" "" "$(ub images $server -d debian 2>&1 | grep -v -e ^--- -e ^DIST)"

# --- prompts: only on a terminal (script(1) gives one)
out=$(printf 'busybox\n1.36\n%s\n' $arch | as script -qec "userbox create tty -t download -- $server" /dev/null 2>&1)
check "on a terminal a missing -d/-r/-a is asked for, after the server's list ($(tail -1 <<<"$out" | tr -d '\r'))" \
    test -n "$(grep 'Distribution:' <<<"$out")" -a -n "$(grep 'Architecture:' <<<"$out")" -a -f $box/tty/config
out=$(ub create notty -t download -- $server </dev/null 2>&1); rc=$?
check "not on a terminal it is an error ($out)" test "$rc" = 1 -a -n "$(grep 'no distribution (-d) given' <<<"$out")"
out=$(ub images --cached 2>&1)
check "images --cached lists the entry with its build and expiry ($(grep ^busybox <<<"$out"))" \
    grep -q "^busybox	1.36	$arch	default	20261201_00:00	20.*(in 1 h)" <<<"$out"
out=$(ub images --flush -d busybox 2>&1)
check "images --flush -d busybox removes it ($out)" test ! -e $cache -a -n "$(grep "flushed busybox/1.36/$arch/default" <<<"$out")"
ub destroy tty >/dev/null 2>&1

# --- Ctrl-C mid-download: the server sends half the rootfs, then stalls
echo "slow rootfs.tar.xz" > $web/.faults
ub create cc -t download -- $opts > $WORK/cc.out 2>&1 &
for _ in $(seq 100); do [ -n "$(find $cache.partial -name rootfs.tar.xz -size +1k 2>/dev/null)" ] && break; sleep 0.1; done
check "the download is under way (a partial file in staging)" test -n "$(find $cache.partial -name rootfs.tar.xz 2>/dev/null)"
pkill -INT -u faye -x userbox-cli; wait $!; rc=$?
same "Ctrl-C stops it: exit 130 ($(tail -1 $WORK/cc.out))" 130 "$rc"
check "it says so and that nothing was cached" grep -q "interrupted (Interrupt); nothing was cached" $WORK/cc.out
check "no container, no cache entry, no partial file" nothing_left cc

# --- the server goes down mid-transfer; a truncated file
echo "drop rootfs.tar.xz" > $web/.faults
out=$(ub create dd -t download -- $opts 2>&1); rc=$?
check "a connection closed mid-transfer is refused ($(tail -1 <<<"$out"))" test "$rc" = 1 -a -n "$(grep 'rootfs.tar.xz: .*transfer closed' <<<"$out")"
check "nothing left" nothing_left dd
echo "truncate meta.tar.xz" > $web/.faults
out=$(ub create tt -t download -- $opts 2>&1); rc=$?
check "a file shorter than announced is refused ($(tail -1 <<<"$out"))" test "$rc" = 1 -a -n "$(grep 'meta.tar.xz: ' <<<"$out")"
check "nothing left" nothing_left tt
rm $web/.faults

# --- signatures (--keyring): good, made by another key, missing
export GNUPGHOME=$SCRATCH/gnupg; mkdir -m 700 $GNUPGHOME
gpg --batch -q --passphrase '' --quick-gen-key "Image Signer <images@test>" ed25519 sign never 2>/dev/null
gpg --batch -q --passphrase '' --quick-gen-key "Someone Else <else@test>" ed25519 sign never 2>/dev/null
gpg --batch -q --export "images@test" > $SCRATCH/keyring.gpg; chmod 644 $SCRATCH/keyring.gpg
img=$web/images/busybox/1.36/$arch/default/20261201_00:00
for f in rootfs.tar.xz meta.tar.xz; do gpg --batch -q -u images@test --armor --detach-sign -o $img/$f.asc $img/$f; done
chmod a+r $img/*.asc
out=$(ub create sig -t download -- $opts --keyring $SCRATCH/keyring.gpg 2>&1); rc=$?
check "with --keyring, good signatures are checked and named ($(grep -m1 'Good signature' <<<"$out"))" \
    test "$rc" = 0 -a "$(grep -c 'Good signature from "Image Signer' <<<"$out")" = 2
ub destroy sig >/dev/null 2>&1
gpg --batch -q --yes -u else@test --armor --detach-sign -o $img/rootfs.tar.xz.asc $img/rootfs.tar.xz
out=$(ub create sig -t download -- $opts --keyring $SCRATCH/keyring.gpg --flush-cache 2>&1); rc=$?
check "a signature by another key is refused ($(tail -1 <<<"$out"))" \
    test "$rc" = 1 -a -n "$(grep 'rootfs.tar.xz: signature check failed' <<<"$out")"
check "nothing left" nothing_left sig
rm $img/rootfs.tar.xz.asc
out=$(ub create sig -t download -- $opts --keyring $SCRATCH/keyring.gpg 2>&1); rc=$?
check "a missing signature is refused when a keyring is given ($(tail -1 <<<"$out"))" \
    test "$rc" = 1 -a -n "$(grep 'publishes no signature' <<<"$out")"
check "nothing left" nothing_left sig

# --- expiry: an expired entry is refreshed only when the index has a newer build
IMAGE_EXPIRY_SECONDS=-60 make_busybox_image $web 20261201_00:00
out=$(ub create e1 -t download -- $opts 2>&1)
check "an image whose expiry has passed is cached ($(tail -1 <<<"$out"))" test -f $cache/entry
out=$(ub create e2 -t download -- $opts 2>&1); rc=$?
check "next create: expired, the index asked, same build: not downloaded again" \
    test "$rc" = 0 -a -n "$(grep 'The cache is already up to date' <<<"$out")" -a -z "$(grep 'Downloading the rootfs' <<<"$out")"
make_busybox_image $web 20261202_00:00
out=$(ub create e3 -t download -- $opts 2>&1); rc=$?
check "a newer build in the index is downloaded" test "$rc" = 0 -a -n "$(grep 'Downloading the rootfs' <<<"$out")"
same "and used" "VERSION_CODENAME=20261202_00:00" "$(grep CODENAME $box/e3/rootfs/etc/os-release 2>&1)"
out=$(ub create e4 -t download -- $opts 2>&1)
check "an unexpired entry is used without asking the server" grep -q 'Using image from local cache' <<<"$out"
for c in e1 e2 e3 e4; do ub destroy $c >/dev/null 2>&1; done

# --- a damaged entry (same size, other bytes): detected by its recorded sha256, fetched again
printf 'x' | dd of=$cache/rootfs.tar.zst bs=1 seek=2000 conv=notrunc status=none
out=$(ub create d1 -t download -- $opts 2>&1); rc=$?
check "a damaged cache entry is detected and fetched again ($(grep -m1 damaged <<<"$out" | cut -c1-60)...)" \
    test "$rc" = 0 -a -n "$(grep 'cached rootfs is damaged' <<<"$out")" -a -n "$(grep 'Downloading the rootfs' <<<"$out")"
same "and the new entry is intact: the next create uses it" "Using image from local cache (using the cached build 20261202_00:00)" \
    "$(ub create d2 -t download -- $opts 2>&1 | grep 'Using image')"
ub destroy d1 >/dev/null 2>&1; ub destroy d2 >/dev/null 2>&1

# --- hostile tarballs: nothing outside the rootfs; a failed unpack leaves no container
hostile() {  # CASE: publishes it as dist h-CASE, creates from it
    local case=$1 target=/tmp/ubh-$1-$$
    python3 "$REPO/tests/integration/support/hostile_tar.py" $case $SCRATCH/h-$case.tar.xz $target
    publish_image $web h-$case 1 20261201_00:00 $SCRATCH/h-$case.tar.xz "" "hostile"
    out=$(ub create h-$case -t download -- -d h-$case -r 1 -a $arch $server 2>&1); rc=$?
    if [ "$rc" = 0 ]; then result="created"; else result="refused: $(tail -1 <<<"$out" | cut -c1-240)"; fi
    check "hostile $case: nothing at $target ($result)" test ! -e $target -a ! -L $target
    [ "$rc" = 0 ] || check "hostile $case: refused, no container left" test ! -e $box/h-$case
    rm -f $target
}
for case in absolute dotdot symlink symlink-rel dot-link hardlink device setuid; do hostile $case; done
same "the hard links did not reach /etc/passwd (link count, contents)" "1 root:x:0:0" \
    "$(stat -c %h /etc/passwd) $(head -1 /etc/passwd | cut -d: -f1-4)"
check "no setuid file of an unmapped id anywhere under the containers" test -z "$(find $box -perm -4000 2>/dev/null)"
same "no file of the container's ids outside the containers" "" \
    "$(find /tmp /var/tmp /dev/shm /home /run -xdev -uid +1999999 -uid -3000001 ! -path "$box/*" 2>/dev/null | head -5)"

# --- a tar bomb and a full disk, on a 48 MiB filesystem for the containers
small=/home/faye/small; mkdir $small; mount -t tmpfs -o size=48m tmpfs $small; chown faye: $small
python3 "$REPO/tests/integration/support/hostile_tar.py" many-files $SCRATCH/h-many.tar.xz /tmp/unused
publish_image $web h-many 1 20261201_00:00 $SCRATCH/h-many.tar.xz "" "many"
out=$(ub create -P $small full -t download -- -d h-many -r 1 -a $arch $server 2>&1); rc=$?
check "a disk that fills during the unpack stops the create ($(tail -1 <<<"$out" | cut -c1-200))" \
    test "$rc" = 1 -a -n "$(grep -i 'No space left on device' <<<"$out")"
same "no half container: the filesystem is empty again" "" "$(ls -A $small)"
IMAGE_BOMB_MIB=256 python3 "$REPO/tests/integration/support/hostile_tar.py" bomb $SCRATCH/h-bomb.tar.xz /tmp/unused
publish_image $web h-bomb 1 20261201_00:00 $SCRATCH/h-bomb.tar.xz "" "bomb"
out=$(ub create -P $small bomb -t download -- -d h-bomb -r 1 -a $arch $server 2>&1); rc=$?
check "a tar bomb is refused before unpacking: it unpacks to more than the space left ($(tail -1 <<<"$out"))" \
    test "$rc" = 1 -a -n "$(grep 'unpacks to 256 MiB but .* MiB free' <<<"$out")"
same "nothing written" "" "$(ls -A $small)"
umount $small
kill %1 2>/dev/null

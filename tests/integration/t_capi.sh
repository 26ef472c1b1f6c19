# libuserbox's C ABI (issue 16): the test program, C, built against the staged header and
# library, runs the seeds' C example (create from the download template on the loopback image
# server, start, state, pid, shutdown, destroy) and every other call with its error paths, under
# valgrind memcheck; the library exports exactly the header's functions.
source "$REPO/tests/integration/support/test_ca.sh"
source "$REPO/tests/integration/support/image_server.sh"
userbox_user cora
arch=$(dpkg --print-architecture)
test_ca $SCRATCH/ca; chmod 755 $SCRATCH/ca; chmod 644 $SCRATCH/ca/ca.pem
make_busybox_image $SCRATCH/www 20261203_07:00
serve_images 8459 $SCRATCH/www
# Installed as `make install` installs it: stripped (valgrind cannot read the toolchain's DWARF 5).
mkdir -p $pfx/lib && cp -a $BIN/lib/libuserbox.so* $pfx/lib/ && strip --strip-debug $pfx/lib/libuserbox.so.1.0.0 && chmod -R a+rX $pfx/lib

exported=$(nm -D --defined-only $pfx/lib/libuserbox.so.1 | awk '$3 ~ /^userbox_/ {print $3}' | sed 's/@@USERBOX_1$//' | sort)
declared=$(grep -oE '\buserbox_[a-z_]+\(' $BIN/include/userbox.h | tr -d '(' | sort -u)
same "the library exports exactly the header's functions ($(wc -l <<<"$declared"))" "$declared" "$exported"
same "each in version USERBOX_1" "" "$(nm -D --defined-only $pfx/lib/libuserbox.so.1 | awk '$3 ~ /^userbox_/ {print $3}' | grep -v '@@USERBOX_1$')"
same "its soname is versioned" "libuserbox.so.1" "$(readelf -d $pfx/lib/libuserbox.so.1 | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')"

cc -Wall -Wextra -Werror -I$BIN/include -o $SCRATCH/capi_test $REPO/tests/integration/support/capi_test.c \
    -L$pfx/lib -luserbox -Wl,-rpath,$pfx/lib 2>$WORK/cc.err
check "the test program compiles against userbox.h with -Wall -Wextra -Werror ($(head -1 $WORK/cc.err))" test -x $SCRATCH/capi_test -a ! -s $WORK/cc.err
chmod 755 $SCRATCH/capi_test
# The helper behind a wrapper that notes each use, to show the library spawns it.
mv $pfx/libexec/userbox/userbox-join $pfx/libexec/userbox/userbox-join.real
printf '#!/bin/sh\necho used >> %s/join.log\nexec %s "$@"\n' $WORK $pfx/libexec/userbox/userbox-join.real > $pfx/libexec/userbox/userbox-join
chmod 755 $pfx/libexec/userbox/userbox-join; touch $WORK/join.log; chmod 666 $WORK/join.log; chmod 755 $WORK
as valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --log-file=/home/cora/valgrind.log \
    $SCRATCH/capi_test apicontainer -d busybox -r 1.36 -a $arch --ca $SCRATCH/ca/ca.pem --server https://127.0.0.1:8459; rc=$?
same "every call behaves, and memcheck finds no error and no definite leak" 0 "$rc"
[ "$rc" = 0 ] || grep -A12 -E 'Invalid|uninitialised|definitely lost|ERROR SUMMARY' /home/cora/valgrind.log | head -60 | sed 's/^/# /'
check "each attach spawned the userbox-join helper ($(wc -l <$WORK/join.log) times)" test "$(wc -l <$WORK/join.log)" -ge 10
mv $pfx/libexec/userbox/userbox-join.real $pfx/libexec/userbox/userbox-join

# Without userbox-join installed, the library forks the caller to join (the fallback).
ub create nohelper >/dev/null && echo "lxc.environment = EDITED=yes" >>$box/nohelper/config && ub start nohelper >/dev/null
mv $pfx/libexec/userbox/userbox-join $SCRATCH/userbox-join.away
as valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --log-file=/home/cora/valgrind2.log \
    $SCRATCH/capi_test --attach-only nohelper; rc=$?
same "without the helper: every attach call behaves the same, memcheck clean" 0 "$rc"
[ "$rc" = 0 ] || grep -A12 -E 'Invalid|uninitialised|definitely lost|ERROR SUMMARY' /home/cora/valgrind2.log | head -40 | sed 's/^/# /'
mv $SCRATCH/userbox-join.away $pfx/libexec/userbox/userbox-join
ub stop -k nohelper >/dev/null; ub destroy nohelper >/dev/null

# The Python package `userbox` (issue 16, first part) over libuserbox: the seeds' scripts with
# only the import line (`import userbox as lxc`) and the image server changed: the lifecycle
# script, and print_hostname, which runs a Python function inside a container.
source "$REPO/tests/integration/support/test_ca.sh"
source "$REPO/tests/integration/support/image_server.sh"
userbox_user pia
arch=$(dpkg --print-architecture)
test_ca $SCRATCH/ca; chmod 755 $SCRATCH/ca; chmod 644 $SCRATCH/ca/ca.pem
make_busybox_image $SCRATCH/www 20261203_08:00
serve_images 8460 $SCRATCH/www
mkdir -p $pfx/lib && cp -a $BIN/lib/libuserbox.so* $pfx/lib/ && chmod -R a+rX $pfx/lib
py() { as env USERBOX_LIBRARY=$pfx/lib/libuserbox.so.1 PYTHONPATH=$REPO/python python3 "$@"; }
scripts=$REPO/tests/integration/support/python

out=$(py $scripts/api_lifecycle.py --ca $SCRATCH/ca/ca.pem --server https://127.0.0.1:8460 2>&1); rc=$?
same "the seeds' lifecycle script runs unchanged but for the import" \
    "0|Container state: RUNNING|Container state: STOPPED|destroyed: True" \
    "$rc|$(grep -m1 'Container state' <<<"$out")|$(grep 'Container state' <<<"$out" | tail -1)|$(grep destroyed <<<"$out")"
check "it printed an init pid ($(grep PID <<<"$out"))" grep -qE '^Container PID: [0-9]+$' <<<"$out"

ub create hn >/dev/null && ub start hn >/dev/null
out=$(py $scripts/print_hostname.py hn 2>&1); rc=$?
same "print_hostname: the host's name, then the container's from inside, the function's return as exit code" \
    "0|$(hostname)|hn|exit code 5" "$rc|$(paste -sd'|' <<<"$out")"
ub stop -k hn >/dev/null 2>&1

out=$(py -c 'import userbox as lxc; lxc.Container("nosuch").start()' 2>&1); rc=$?
check "a failure raises userbox.Error with the runtime's message ($(tail -1 <<<"$out"))" \
    test "$rc" = 1 -a -n "$(grep 'userbox.Error: start nosuch: .*nosuch does not exist' <<<"$out")"
same "config items: set (refusing a bad value), save, read back by a new object" "refused|SIGUSR1" "$(py -c '
import userbox as lxc
c = lxc.Container("hn")
try:
    c.set_config_item("lxc.signal.halt", "SIGNOTHING"); print("taken")
except lxc.Error:
    print("refused")
c.set_config_item("lxc.signal.halt", "SIGUSR1"); c.save_config()
print(lxc.Container("hn").get_config_item("lxc.signal.halt"))' | paste -sd'|')"
out=$(py $scripts/clones.py --ca $SCRATCH/ca/ca.pem --server https://127.0.0.1:8460 2>&1); rc=$?
same "the seeds' clone script: mysite an overlay clone of web, itself of base" \
    "0|base: dir, 1 layer(s)|web: overlay, 2 layer(s)|mysite: overlay, 3 layer(s)|mysite sees web's change: True|snapshots of base: snap0" \
    "$rc|$(paste -sd'|' <<<"$out")"
ours_clones=$out
ub start hn >/dev/null
out=$(py $scripts/attach_options.py hn 2>&1); rc=$?
same "attach options: cwd, uid/gid, stdin/stdout files, environment policies, signals, a function's cwd" \
    "0|/etc 1000 1000 clear fed 4|keep env: 0|clear env: 1|function cwd: 0|signal: 15|kill: 9|not running: raises" \
    "$rc|$(paste -sd'|' <<<"$out")"
ours_options=$out
ub stop -k hn >/dev/null 2>&1
same "list_containers names the containers" "('base', 'hn', 'mysite', 'web')" "$(py -c 'import userbox as lxc; print(lxc.list_containers())')"

# --- the same scripts against Debian's python3-lxc with LXC 5.0.2 (only the import line differs,
# and the server option: lxc-download takes a host and trusts the test CA through wget's config)
if ! /usr/bin/python3 -c 'import lxc' 2>/dev/null; then not_ok "Debian's python3-lxc is needed (make deps installs it)"; return 0; fi
# (liblxc's API does not create its containers directory, lxc-create does: made here.)
mkdir -p /home/pia/.config/lxc /home/pia/.local/share/lxc $WORK/lxcscripts
printf 'lxc.idmap = u 0 2000000 65536\nlxc.idmap = g 0 2000000 65536\n' > /home/pia/.config/lxc/default.conf
echo "ca_certificate = $SCRATCH/ca/ca.pem" > /home/pia/.wgetrc
chown -R pia: /home/pia/.config /home/pia/.local /home/pia/.wgetrc
for s in api_lifecycle print_hostname clones attach_options; do sed 's/^import userbox as lxc$/import lxc/' $scripts/$s.py > $WORK/lxcscripts/$s.py; done
chmod -R a+rX $WORK
normal() { sed -E 's/^Container PID: [0-9]+$/Container PID: N/'; }
ours=$(py $scripts/api_lifecycle.py --ca $SCRATCH/ca/ca.pem --server https://127.0.0.1:8460 2>&1 | normal)
theirs=$(as /usr/bin/python3 $WORK/lxcscripts/api_lifecycle.py --server 127.0.0.1:8460 2>&1 | normal)
same "python3-lxc prints the same for the lifecycle script" "$theirs" "$ours"
as lxc-create -n hn -t download -- --server 127.0.0.1:8460 -d busybox -r 1.36 -a $arch >/dev/null 2>&1 \
    && as lxc-start -n hn -o /home/pia/lxc.log || not_ok "lxc-create/start hn" "$(tail -5 /home/pia/lxc.log)"
theirs=$(as /usr/bin/python3 $WORK/lxcscripts/print_hostname.py hn 2>&1)
ub start hn >/dev/null
ours=$(py $scripts/print_hostname.py hn 2>&1)
same "and the same for print_hostname (host, container, exit code)" "$theirs" "$ours"
as lxc-stop -k -n hn >/dev/null 2>&1; ub stop -k hn >/dev/null 2>&1
as lxc-start -n hn -o /home/pia/lxc.log || not_ok "lxc-start hn" "$(tail -5 /home/pia/lxc.log)"
theirs=$(as /usr/bin/python3 $WORK/lxcscripts/attach_options.py hn 2>&1)
same "and the same for the attach options (python3-lxc returns -1 where we raise: the last line)" \
    "$(sed '$d' <<<"$theirs")" "$(sed '$d' <<<"$ours_options")"
as lxc-stop -k -n hn >/dev/null 2>&1
# The clone script: the same but for one line. LXC's snapshot clone of an overlay container copies
# its upper layer into the new one (mysite: 2 layers, web's delta copied); ours stacks it (3: web's
# delta is a lower layer, shared): README's differences.
theirs=$(as /usr/bin/python3 $WORK/lxcscripts/clones.py --server 127.0.0.1:8460 2>&1)
same "python3-lxc prints the same for the clone script, mysite's layers aside" \
    "$(grep -v '^mysite: ' <<<"$theirs")" "$(grep -v '^mysite: ' <<<"$ours_clones")"
same "LXC's mysite copies web's delta (2 layers)" "mysite: overlay, 2 layer(s)" "$(grep '^mysite: ' <<<"$theirs")"

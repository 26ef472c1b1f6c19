# The console and ttys (lxc-console, lxc.tty.max, start -F), driven through tmux as a person at a
# terminal would: log in on tty1, escape out with Ctrl-a q, the container keeps running.
pfx=$(userbox_prefix)
useradd -m -s /bin/sh -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 cora; chmod 755 /home/cora
useradd -m -s /bin/sh -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 dave
printf 'cora:2000000:1000000\ndave:3000000:1000000\n' > /etc/subuid; cp /etc/subuid /etc/subgid
runas() { local u=$1; shift; (cd /home/$u && setpriv --reuid=$u --regid=$u --init-groups env -i HOME=/home/$u USER=$u TERM=xterm PATH="$pfx/bin:/usr/sbin:/usr/bin:/sbin:/bin" "$@"); }
ub() { runas cora userbox "$@"; }
if ! command -v tmux >/dev/null; then not_ok "tmux is needed (make deps installs it)"; return 0; fi
tm() { tmux -S "$SCRATCH/tmux" "$@"; }
# A pane running CMD as cora, 100x30, that stays after CMD ends and says how it ended.
pane() { tm new-session -d -s "$1" -x 100 -y 30 "$(declare -f runas); pfx=$pfx; runas cora $2; echo PANE-EXIT=\$?; sleep 600"; }
screen() { tm capture-pane -p -t "$1"; }
# Waits (up to 10 s) until pane $1 shows text matching $2.
await() { for _ in $(seq 100); do screen "$1" | grep -qE "$2" && return 0; sleep 0.1; done; return 1; }

ub create k1 >/dev/null && ub start k1 >/dev/null || { not_ok "k1 starts"; tail "$box/k1/userbox.log"; }
box=/home/cora/.local/share/userbox
same "the busybox template gives the container one tty (lxc.tty.max = 1)" "1" "$(sed -n 's/^lxc.tty.max = //p' $box/k1/config)"
same "/dev/tty1 is a pty slave of the container's own devpts, owned by its root" "136 0" \
    "$(printf '%d' 0x$(ub attach k1 -- stat -c '%t' /dev/tty1)) $(ub attach k1 -- stat -c %u /dev/tty1)"

pane t1 "userbox console k1 -t 1"
check "console -t 1 connects with lxc-console's banner" await t1 "Type <Ctrl\+a q> to exit the console"
check "tty1's getty asks for a login" await t1 "login:"
tm send-keys -t t1 root Enter
check "root logs in on tty1 (the template's root has no password)" await t1 "~ #"
tm send-keys -t t1 'echo "I am $(id -u) on $(tty), $(stty size)"' Enter
check "the shell runs on /dev/tty1, with the terminal's window size (30 rows, 100 columns)" await t1 "I am 0 on /dev/tty1, 30 100"
out=$(ub console k1 -t 1 </dev/null 2>&1); rc=$?
check "a second connection to tty1 is refused while the first holds it ($out)" test "$rc" = 1 -a -n "$(grep 'tty 1 is busy' <<<"$out")"
tm send-keys -t t1 C-a q
check "Ctrl-a q leaves the console: the client exits 0" await t1 "PANE-EXIT=0"
same "and the container keeps running" "RUNNING" "$(ub ls --fancy -F name,state | awk '$1 == "k1" {print $2}')"
tm kill-session -t t1

pane t2 "userbox console k1 -t 1"
await t2 "Connected to tty 1"
tm send-keys -t t2 'echo still-logged-in-$((6*7))' Enter
check "reconnecting finds the same login session on tty1" await t2 "still-logged-in-42"
tm send-keys -t t2 C-a C-a 'echo after-escape-$((2*3))' Enter
check "Ctrl-a Ctrl-a sends one Ctrl-a (the shell sees it, the client stays)" await t2 "after-escape-6"
tm send-keys -t t2 C-a q; await t2 "PANE-EXIT=0"; tm kill-session -t t2

out=$(ub console k1 -t 5 </dev/null 2>&1)
check "a tty beyond lxc.tty.max is refused by name ($out)" grep -q "there is no tty 5 (lxc.tty.max = 1)" <<<"$out"
chmod 755 /home/cora/.local /home/cora/.local/share $box $box/k1
out=$(runas dave userbox console -P $box k1 </dev/null 2>&1); rc=$?
check "another user cannot reach the console, even with the directories open ($out)" \
    test "$rc" = 1 -a -n "$(grep -E 'console.sock.*Permission denied|only the container.s owner' <<<"$out")"
out=$(ub console nosuch </dev/null 2>&1)
check "a container that does not exist is named ($out)" grep -q "nosuch" <<<"$out"

pane t3 "userbox console k1"
check "console (tty 0) connects to the container's console" await t3 "Connected to tty 0"
tm send-keys -t t3 Enter
tm send-keys -t t3 'echo on-the-console-$((6*7)) $(tty)' Enter
check "busybox init's askfirst shell answers on /dev/console" await t3 "on-the-console-42 /dev/console"
check "what the console printed went to console.log too" grep -q "on-the-console-42" $box/k1/console.log
tm send-keys -t t3 C-a q; await t3 "PANE-EXIT=0"; tm kill-session -t t3
ub stop -k k1

# start -F: the console on the terminal from the first line, until the container stops.
ub create k2 >/dev/null
pane t4 "userbox start -F k2"
check "start -F shows the console from the first line (busybox init's prompt)" await t4 "Please press Enter to activate this console"
same "the container runs" "RUNNING" "$(ub ls --fancy -F name,state | awk '$1 == "k2" {print $2}')"
tm send-keys -t t4 Enter
tm send-keys -t t4 'echo in-the-foreground; poweroff' Enter
check "poweroff inside stops the container, and start -F returns (0)" await t4 "PANE-EXIT=0"
check "saying the console closed" await t4 "console closed"
same "the container is stopped" "STOPPED" "$(ub ls --fancy -F name,state | awk '$1 == "k2" {print $2}')"
tm kill-session -t t4
pane t5 "userbox start -F k2"
await t5 "Please press Enter"
tm send-keys -t t5 C-a q
if await t5 "detached from k2.s console; it keeps running"; then ok "Ctrl-a q detaches start -F, saying so"
else not_ok "Ctrl-a q detaches start -F, saying so" "$(screen t5)"; fi
same "and the container runs on" "RUNNING" "$(ub ls --fancy -F name,state | awk '$1 == "k2" {print $2}')"
ub stop -k k2
check "its console socket goes with it" test ! -e $box/k2/console.sock
tm kill-server 2>/dev/null
true

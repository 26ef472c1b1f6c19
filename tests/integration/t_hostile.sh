# newuidmap/newgidmap under hostile conditions, and installed with file capabilities instead of setuid.
ours=$SCRATCH/bin
mkdir -p "$ours"
install -o root -g root -m 4755 "$BIN/newuidmap" "$BIN/newgidmap" "$ours/"
chmod 755 "$SCRATCH"
new_user dave
D=$(id -u dave)
printf 'dave:100000:65536\n' > /etc/subuid; cp /etc/subuid /etc/subgid
as() { setpriv --reuid=dave --regid=dave --init-groups "$@"; }
umap() { awk '{$1=$1};1' "/proc/$1/uid_map"; }

t=$(new_target dave)
out=$(as env -i SWIFT_DEBUG_HELP=YES SWIFT_DETERMINISTIC_HASHING=1 SWIFT_BACKTRACE=enable=yes,swift-backtrace=/tmp/evil \
      LIBDISPATCH_LOG=stderr LD_PRELOAD=/tmp/evil.so LD_LIBRARY_PATH=/tmp PATH=/tmp IFS=x HOME=/nonexistent \
      "$ours/newuidmap" "$t" 0 100000 10 2>&1); rc=$?
same "hostile environment: map written, nothing printed" "0||0 100000 10" "$rc|$out|$(umap "$t")"
kill "$t"

t=$(new_target dave)
huge=$(head -c 100000 /dev/zero | tr '\0' 'A')
out=$(as env -i BIG="$huge" python3 -c 'import os,sys; os.execv(sys.argv[1], ["\x1b]0;pwned\x07" + "A" * 100000] + sys.argv[2:])' \
      "$ours/newuidmap" "$t" 0 100000 70000 2>&1); rc=$?
same "huge, escape-laden argv[0] and environment: the program name stays newuidmap" \
    "1|newuidmap: uid range [0-70000) -> [100000-170000) not allowed: dave owns 100000-165535 in /etc/subuid" "$rc|$out"
kill "$t"

cat > "$WORK/noargv.c" <<'C'
#include <unistd.h>
int main(int argc, char **argv) { char *envp[] = { 0 }; char *none[] = { 0 }; execve(argv[1], none, envp); return 127; }
C
cc -o "$WORK/noargv" "$WORK/noargv.c"
out=$(as "$WORK/noargv" "$ours/newuidmap" 2>&1); rc=$?
same "no argv at all: usage, exit 1" "1 usage:" "$rc ${out%% *}"

t=$(new_target dave)
as "$ours/newuidmap" "$t" 0 100000 10 <&- >&- 2>&-; rc=$?
same "stdin, stdout and stderr closed: the map is still written" "0 0 100000 10" "$rc $(umap "$t")"
kill "$t"
# A PID reused between parsing and opening cannot be hit: the /proc directory is opened once and
# every access is relative to it; a target that exits after the open is never replaced.
t=$(new_target dave)
as bash -c "exec 7</proc/$t; kill $t; sleep 0.3; exec '$ours/newuidmap' fd:7 0 100000 10" 2>"$WORK/err"; rc=$?
same "target exited after its /proc directory was opened: refused, with the reason" "1 yes" \
    "$rc $(grep -q 'newuidmap: ' "$WORK/err" && echo yes)"

# File capabilities instead of setuid (shadow's second install mode).
fcaps=$SCRATCH/fcaps
mkdir -p "$fcaps"
install -m 0755 "$BIN/newuidmap" "$BIN/newgidmap" "$fcaps/"
setcap cap_setuid+ep "$fcaps/newuidmap"; setcap cap_setgid+ep "$fcaps/newgidmap"
t=$(new_target dave)
as "$fcaps/newuidmap" "$t" 0 "$D" 1 1 100000 65535; rc1=$?
as "$fcaps/newgidmap" "$t" 0 100000 65536; rc2=$?
same "file-capability install maps uids and gids" "0 0 0 $D 1 1 100000 65535" "$rc1 $rc2 $(umap "$t" | tr '\n' ' ' | sed 's/ $//')"
kill "$t"
t=$(new_target dave)
as "$fcaps/newuidmap" "$t" 0 500000 10 2>/dev/null; rc=$?
same "file-capability install refuses what setuid refuses" "1 " "$rc $(umap "$t")"
kill "$t"
t=$(new_target dave)
out=$(as env -i SWIFT_DEBUG_HELP=YES "$fcaps/newuidmap" "$t" 0 100000 10 2>&1); rc=$?
same "file-capability install ignores SWIFT_* too (AT_SECURE)" "0|" "$rc|$out"
kill "$t"

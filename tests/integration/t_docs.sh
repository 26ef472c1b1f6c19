# Man pages and completions as `make install` lays them out: every page renders, and names every
# option its tool's usage names; the completions load in bash and complete subcommands.
dest=$SCRATCH/docs-dest
make -s -C "$REPO" install DESTDIR="$dest" PREFIX=/usr >"$WORK/install.log" 2>&1
same "make install succeeds" 0 $?
man1=$dest/usr/share/man/man1 man8=$dest/usr/share/man/man8
same "a page for every tool and the PAM module, in shadow's and LXC's sections" \
    "getsubids.1 lxc-user-nic.1 newgidmap.1 newuidmap.1 userbox.1 usernsexec.1 pam_subid.8 subid.8" \
    "$(cd "$man1" && ls | tr '\n' ' ')$(cd "$man8" && ls | tr '\n' ' ' | sed 's/ $//')"
render() { MANWIDTH=100 man -l "$1" 2>"$WORK/man.err"; }
for page in "$man1"/* "$man8"/*; do
    name=$(basename "$page")
    text=$(render "$page"); rc=$?
    # man-db quiets groff; groff itself, all warnings on, must have nothing to say.
    groff -mandoc -ww -z -Tutf8 "$page" 2>>"$WORK/man.err"
    check "man -l $name renders, and groff -ww has no warning ($(head -c 200 "$WORK/man.err"))" \
        test "$rc" = 0 -a -n "$text" -a ! -s "$WORK/man.err"
    printf '%s\n' "$text" >"$WORK/$name.txt"
done
for page in "$man1"/* "$man8"/*; do
    name=$(basename "$page")
    check "$name documents its exit statuses (or a PAM module its return values)" grep -qiE 'exit status|return values' "$WORK/$name.txt"
done
# options USAGE-TEXT: every -x and --long-option the text names, one a line.
options() { grep -oE '(^|[][ (|,])--?[a-zA-Z][a-zA-Z0-9_-]*' | sed -E 's/^[][ (|,]//' | sort -u; }
# names PAGE WORD...: the words the rendered page does not contain (empty when it has them all).
missing() { local page=$1 w out=""; shift; for w in "$@"; do grep -qF -- "$w" "$WORK/$page.txt" || out+="$w "; done; echo "$out"; }
same "getsubids(1) names every option of its usage" "" \
    "$(missing getsubids.1 $("$BIN/getsubids" -h 2>&1 | options))"
for tool in newuidmap newgidmap; do
    same "$tool(1) names the target forms of its usage (fd:N) and the triples" "" \
        "$(missing $tool.1 fd: lowerid count $("$BIN/$tool" 2>&1 | options))"
done
same "lxc-user-nic(1) names both commands of its usage and every exit status" "" \
    "$(missing lxc-user-nic.1 create delete "EXIT STATUS" 3 $("$BIN/lxc-user-nic" 2>&1 | options))"
same "usernsexec(1) names every option of its usage" "" "$(missing usernsexec.1 $("$BIN/usernsexec" -h 2>&1 | options))"
keys=$(grep -oE 'case "[a-z_]+"' "$REPO/Sources/PamSubID/SessionOptions.swift" | grep -oE '"[a-z_]+"' | tr -d '"' | sort -u)
check "the key list of pam_subid's arguments was read ($(echo $keys))" test "$(wc -w <<<"$keys")" -ge 5
same "pam_subid(8) names every module argument it accepts" "" "$(missing pam_subid.8 $keys)"
# The argument-parser CLIs: every subcommand's options, from its own --help.
for sub in list grant revoke allocate check doctor; do
    opts=$("$BIN/subid" $sub --help 2>&1 | options | grep -v '^-h$')
    check "subid $sub --help names options (so the next check has something to look for)" test -n "$opts"
    same "subid(8) names every option of subid $sub" "" "$(missing subid.8 $sub $opts)"
done
for sub in create copy rename snapshot start attach stop console freeze unfreeze wait ls info destroy autostart "config check" "admin delegate"; do
    opts=$("$BIN/userbox-cli" $sub --help 2>&1 | options)
    check "userbox $sub --help names options" test -n "$opts"
    same "userbox(1) names every option of userbox $sub" "" "$(missing userbox.1 ${sub##* } $(grep -v '^-h$' <<<"$opts"))"
done
# Completions: installed where each shell looks, and bash's complete subcommands.
comp=$dest/usr/share/bash-completion/completions
same "completions installed for bash, zsh and fish" "subid userbox _subid _userbox subid.fish userbox.fish" \
    "$(ls "$comp" | tr '\n' ' ')$(ls "$dest/usr/share/zsh/site-functions" | tr '\n' ' ')$(ls "$dest/usr/share/fish/vendor_completions.d" | tr '\n' ' ' | sed 's/ $//')"
for cmd in subid userbox; do
    out=$(bash -c "source '$comp/$cmd' && complete -p $cmd" 2>&1); rc=$?
    check "the bash completion of $cmd loads and registers itself ($out)" test "$rc" = 0 -a -n "$(grep -F " $cmd" <<<"$out")"
done
# Run bash's completion function as bash would on "subid gr<TAB>" and "userbox de<TAB>".
complete_words() {  # complete_words FILE WORD... : COMPREPLY for the last word
    bash -c 'source "$1"; shift; fn=$(complete -p "$1" | sed -E "s/.*-F ([^ ]+) .*/\1/")
             COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
             "$fn" "$1" "${COMP_WORDS[-1]}" "${COMP_WORDS[-2]}"; printf "%s\n" "${COMPREPLY[@]}"' _ "$@" 2>/dev/null | sort -u | tr '\n' ' '
}
PATH=$BIN:$PATH
same "bash completes subid gr to grant" "grant " "$(complete_words "$comp/subid" subid gr)"
ln -sf "$BIN/userbox-cli" "$SCRATCH/userbox"
PATH=$SCRATCH:$PATH
same "bash completes userbox de to destroy" "destroy " "$(complete_words "$comp/userbox" userbox de)"

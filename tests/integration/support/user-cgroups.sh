# Per-user cgroups as the seeds' hosts have them, made below the caller's own cgroup in every
# hierarchy (so nothing the caller did not make is touched): OWN/$tag/user/USER, owned by USER,
# cpuset filled at each level. Shared by t_cgroups.sh and bench/userbox.sh; both set $tag first.

# The caller's own cgroup in the hierarchy mounted at $1.
own_cgroup() {
    local mp=$1 path ctrl
    if [ "$(stat -f -c %T "$mp")" = cgroup2fs ]; then path=$(awk -F: '$1 == 0 {print $3}' /proc/self/cgroup)
    else
        ctrl=$(awk -v m="$mp" '$5 == m {for (i = 7; i <= NF; i++) if ($i == "-") {print $(i + 3); exit}}' /proc/self/mountinfo \
            | tr ',' '\n' | grep -v -x -e rw -e ro -e xattr -e noprefix -e clone_children | paste -sd,)
        path=$(awk -F: -v c="$ctrl" '$2 == c {print $3}' /proc/self/cgroup)
    fi
    echo "$mp${path%/}"
}
hierarchies() { awk '{for (i = 7; i <= NF; i++) if ($i == "-") { if ($(i + 1) == "cgroup" || $(i + 1) == "cgroup2") print $5; break }}' /proc/self/mountinfo | while read -r mp; do [ -d "$mp" ] && [ "$(stat -f -c %T "$mp")" != tmpfs ] && echo "$mp"; done; }

# make_user_cgroups_for USER: fills the array percg with the cgroups made.
percg=()
make_user_cgroups_for() {
    percg=()
    local mp own d user=$1
    for mp in $(hierarchies); do
        own=$(own_cgroup "$mp"); d=$own/$tag/user/$user
        mkdir -p "$d" || continue
        for f in cpuset.cpus cpuset.mems; do
            [ -e "$own/$tag/$f" ] || continue
            cat "$own/$f" > "$own/$tag/$f"; cat "$own/$f" > "$own/$tag/user/$f"; cat "$own/$f" > "$d/$f"
        done
        chown "$user": "$d"; for f in cgroup.procs tasks cgroup.subtree_control cgroup.threads; do [ -e "$d/$f" ] && chown "$user": "$d/$f"; done
        percg+=("$d")
    done
}
remove_test_cgroups() {
    local mp
    for mp in $(hierarchies); do [ -d "$(own_cgroup "$mp")/$tag" ] && find "$(own_cgroup "$mp")/$tag" -depth -type d -exec rmdir {} + 2>/dev/null; done
    true
}

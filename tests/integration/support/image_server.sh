# make_busybox_image WWW BUILD: a busybox "distribution" image in both layouts an image server
# publishes, built here (nothing downloaded): LXC's meta/1.0/index-user + rootfs.tar.xz,
# meta.tar.xz and SHA256SUMS under images/busybox/1.36/amd64/default/BUILD/, and simplestreams'
# streams/v1/index.json + images.json pointing at the same files.
# IMAGE_EXPIRY_SECONDS: the image's expiry, from now (default 3600).
make_busybox_image() {
    local www=$1 build=$2 arch; arch=$(dpkg --print-architecture)
    local rel=images/busybox/1.36/$arch/default/$build dir=$1/images/busybox/1.36/$arch/default/$build
    local src=$SCRATCH/image-src.$build
    rm -rf "$src"; mkdir -p "$src/rootfs" "$src/meta" "$dir" "$www/meta/1.0" "$www/streams/v1"
    ( cd "$src/rootfs"
      mkdir -p bin sbin usr/bin usr/sbin etc/init.d root tmp proc sys dev home/user var/log run
      cp /bin/busybox bin/
      for a in $(/bin/busybox --list-full); do [ "$a" = bin/busybox ] || ln -sf /bin/busybox "$a"; done
      printf '::sysinit:/etc/init.d/rcS\n::askfirst:-/bin/sh\n::shutdown:/bin/umount -a -r\n' > etc/inittab
      printf '#!/bin/sh\n:\n' > etc/init.d/rcS; chmod 755 etc/init.d/rcS
      printf 'root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/home/user:/bin/sh\n' > etc/passwd
      printf 'root:x:0:\nuser:x:1000:\n' > etc/group
      printf 'NAME="BusyBox test image"\nVERSION_CODENAME=%s\n' "$build" > etc/os-release
      echo LXC_NAME > etc/hostname; printf '127.0.0.1 localhost\n127.0.1.1 LXC_NAME\n' > etc/hosts
      chown 1000:1000 home/user; chmod 1777 tmp; chmod 700 root
      mknod dev/null c 1 3; mknod dev/zero c 1 5 )
    tar -C "$src/rootfs" --numeric-owner -cJf "$src/rootfs.tar.xz" .
    publish_image "$www" busybox 1.36 "$build" "$src/rootfs.tar.xz" './dev/null ./dev/zero' \
        "You just created a BusyBox test container (build $build)." 'lxc.signal.halt = SIGUSR2'
    local rsha rsize msha msize
    rsha=$(sha256sum < "$dir/rootfs.tar.xz" | cut -d' ' -f1); rsize=$(stat -c %s "$dir/rootfs.tar.xz")
    msha=$(sha256sum < "$dir/meta.tar.xz" | cut -d' ' -f1); msize=$(stat -c %s "$dir/meta.tar.xz")
    printf '{"format":"index:1.0","index":{"images":{"datatype":"image-downloads","path":"streams/v1/images.json","format":"products:1.0","products":["busybox:1.36:%s:default"]}}}\n' "$arch" > "$www/streams/v1/index.json"
    printf '{"format":"products:1.0","products":{"busybox:1.36:%s:default":{"arch":"%s","os":"BusyBox","release":"1.36","variant":"default","versions":{"%s":{"items":{"root.tar.xz":{"ftype":"root.tar.xz","path":"%s/rootfs.tar.xz","sha256":"%s","size":%s},"meta.tar.xz":{"ftype":"lxc.tar.xz","path":"%s/meta.tar.xz","sha256":"%s","size":%s}}}}}}}\n' \
        "$arch" "$arch" "$build" "$rel" "$rsha" "$rsize" "$rel" "$msha" "$msize" > "$www/streams/v1/images.json"
    chmod -R a+rX "$www"
}

# publish_image WWW DIST RELEASE BUILD ROOTFS.tar.xz 'EXCLUDES' MESSAGE [CONFIG-LINE]: an image in
# LXC's layout: the rootfs, a meta.tar.xz as distrobuilder writes it (config/config-user,
# excludes-user, templates, create-message, expiry), SHA256SUMS, and its line in
# meta/1.0/index-user (replacing the release's earlier build).
publish_image() {
    local www=$1 dist=$2 release=$3 build=$4 rootfs=$5 excludes=$6 message=$7 extra=${8:-} arch
    arch=$(dpkg --print-architecture)
    local rel=images/$dist/$release/$arch/default/$build
    local dir=$www/$rel meta=$SCRATCH/image-meta.$dist.$build
    rm -rf "$meta"; mkdir -p "$meta" "$dir" "$www/meta/1.0"
    cp "$rootfs" "$dir/rootfs.tar.xz"
    ( cd "$meta"
      printf 'lxc.include = LXC_TEMPLATE_CONFIG/common.conf\nlxc.include = LXC_TEMPLATE_CONFIG/userns.conf\nlxc.arch = linux64\n' > config-user
      [ -z "$extra" ] || echo "$extra" >> config-user
      printf 'lxc.include = LXC_TEMPLATE_CONFIG/common.conf\nlxc.arch = linux64\n' > config
      for e in $excludes; do echo "$e"; done > excludes-user
      printf '/etc/hostname\n/etc/hosts\n' > templates
      echo "$message" > create-message
      echo $(( $(date +%s) + ${IMAGE_EXPIRY_SECONDS:-3600} )) > expiry )
    tar -C "$meta" -cJf "$dir/meta.tar.xz" .
    ( cd "$dir" && sha256sum rootfs.tar.xz meta.tar.xz > SHA256SUMS )
    touch "$www/meta/1.0/index-user"
    grep -v "^$dist;$release;" "$www/meta/1.0/index-user" > "$www/meta/1.0/index-user.new" || true
    echo "$dist;$release;$arch;default;$build;/$rel/" >> "$www/meta/1.0/index-user.new"
    mv "$www/meta/1.0/index-user.new" "$www/meta/1.0/index-user"
    chmod -R a+rX "$www"
}

# serve_images PORT DIR: the loopback HTTPS server (test CA in $SCRATCH/ca) on DIR; its log in
# $WORK/server.PORT. Needs test_ca $SCRATCH/ca first.
serve_images() {
    python3 "$REPO/tests/integration/support/https_server.py" $2 $SCRATCH/ca/server.pem $SCRATCH/ca/server.key $1 > $WORK/server.$1 2>&1 &
    for _ in $(seq 50); do grep -q ready $WORK/server.$1 2>/dev/null && return; sleep 0.1; done
    not_ok "server on port $1 did not start" "$(cat $WORK/server.$1)"
}

# make_debian_image WWW BUILD USER: a Debian bookworm minbase image built by USER with
# `mmdebstrap --mode=unshare`, a real client of the helpers: Debian's own newuidmap/newgidmap are
# hidden (/dev/null bound over them), so the user namespace is mapped by ours in $pfx/bin. The .debs
# are kept in .build/images between runs (`--skip=download/empty`: apt fetches only what changed);
# the package lists still come from deb.debian.org. minbase has no init: the image's config starts
# `sleep infinity` as the container's init. /usr/local/bin/probe carries xattrs (a file capability,
# a user.* attribute) as images with ping do. Sets $debian_rootfs (the built tarball) and $debian_log.
make_debian_image() {
    local www=$1 build=$2 user=$3 debs=$REPO/.build/images/debian-bookworm-debs
    local home; home=$(getent passwd "$user" | cut -d: -f6)
    mkdir -p "$debs" "$home/debs"; cp -a "$debs/." "$home/debs/"; chown -R "$user:" "$home/debs"
    for h in /usr/bin/newuidmap /usr/bin/newgidmap; do [ -e $h ] && mount --bind /dev/null $h; done
    debian_log=$WORK/mmdebstrap.log
    as mmdebstrap --mode=unshare --variant=minbase --format=tar --skip=download/empty \
        --setup-hook='mkdir -p "$1"/var/cache/apt/archives/' \
        --setup-hook="sync-in $home/debs /var/cache/apt/archives/" \
        --customize-hook="sync-out /var/cache/apt/archives $home/debs" \
        --customize-hook='rm -f "$1"/var/cache/apt/archives/*.deb' \
        --customize-hook='cp "$1"/usr/bin/true "$1"/usr/local/bin/probe && setcap cap_net_raw+ep "$1"/usr/local/bin/probe' \
        --customize-hook='setfattr -n user.origin -v mmdebstrap "$1"/usr/local/bin/probe' \
        bookworm "$home/rootfs.tar" > "$debian_log" 2>&1 || { debian_rootfs=; return 1; }
    for h in /usr/bin/newuidmap /usr/bin/newgidmap; do umount $h 2>/dev/null; done
    cp -a "$home/debs/." "$debs/"
    xz -T0 -1 "$home/rootfs.tar"; debian_rootfs=$home/rootfs.tar.xz
    publish_image "$www" debian bookworm "$build" "$debian_rootfs" \
        "$(tar -tvJf "$debian_rootfs" | awk '$1 ~ /^[cb]/ {print $6}' | tr '\n' ' ')" \
        "You just created a Debian bookworm minbase container (build $build)." \
        'lxc.init.cmd = /usr/bin/sleep infinity'
}

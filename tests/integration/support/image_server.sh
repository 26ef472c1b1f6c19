# make_busybox_image WWW BUILD: a busybox "distribution" image in both layouts an image server
# publishes, built here (nothing downloaded): LXC's meta/1.0/index-user + rootfs.tar.xz,
# meta.tar.xz and SHA256SUMS under images/busybox/1.36/amd64/default/BUILD/, and simplestreams'
# streams/v1/index.json + images.json pointing at the same files.
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
    tar -C "$src/rootfs" --numeric-owner -cJf "$dir/rootfs.tar.xz" .
    ( cd "$src/meta"
      printf 'lxc.include = LXC_TEMPLATE_CONFIG/common.conf\nlxc.include = LXC_TEMPLATE_CONFIG/userns.conf\nlxc.arch = linux64\nlxc.signal.halt = SIGUSR2\n' > config-user
      printf 'lxc.include = LXC_TEMPLATE_CONFIG/common.conf\nlxc.arch = linux64\n' > config
      printf './dev/null\n./dev/zero\n' > excludes-user
      printf '/etc/hostname\n/etc/hosts\n' > templates
      echo "You just created a BusyBox test container (build $build)." > create-message
      echo $(( $(date +%s) + ${IMAGE_EXPIRY_SECONDS:-3600} )) > expiry )
    tar -C "$src/meta" -cJf "$dir/meta.tar.xz" .
    ( cd "$dir" && sha256sum rootfs.tar.xz meta.tar.xz > SHA256SUMS )
    echo "busybox;1.36;$arch;default;$build;/$rel/" > "$www/meta/1.0/index-user"
    local rsha rsize msha msize
    rsha=$(sha256sum < "$dir/rootfs.tar.xz" | cut -d' ' -f1); rsize=$(stat -c %s "$dir/rootfs.tar.xz")
    msha=$(sha256sum < "$dir/meta.tar.xz" | cut -d' ' -f1); msize=$(stat -c %s "$dir/meta.tar.xz")
    printf '{"format":"index:1.0","index":{"images":{"datatype":"image-downloads","path":"streams/v1/images.json","format":"products:1.0","products":["busybox:1.36:%s:default"]}}}\n' "$arch" > "$www/streams/v1/index.json"
    printf '{"format":"products:1.0","products":{"busybox:1.36:%s:default":{"arch":"%s","os":"BusyBox","release":"1.36","variant":"default","versions":{"%s":{"items":{"root.tar.xz":{"ftype":"root.tar.xz","path":"%s/rootfs.tar.xz","sha256":"%s","size":%s},"meta.tar.xz":{"ftype":"lxc.tar.xz","path":"%s/meta.tar.xz","sha256":"%s","size":%s}}}}}}}\n' \
        "$arch" "$arch" "$build" "$rel" "$rsha" "$rsize" "$rel" "$msha" "$msize" > "$www/streams/v1/images.json"
    chmod -R a+rX "$www"
}

#!/usr/bin/python3
# The seeds' clone example, adapted in the import line and the image server: a base container
# from the download template, web as an overlay clone of it, mysite as an overlay clone of web;
# what web's root wrote is what mysite sees. Prints the layers of each rootfs.
import sys
import userbox as lxc

base = lxc.Container("base")
if not base.defined:
    base.create("download", lxc.LXC_CREATE_QUIET, ("-d", "busybox", "-r", "1.36", "-a", "amd64") + tuple(sys.argv[1:]))
web = base.clone("web", bdevtype="overlayfs", flags=lxc.LXC_CLONE_SNAPSHOT)
web.start()
web.attach_wait(lxc.attach_run_command, ["sh", "-c", "echo web > /etc/role"])
if not web.shutdown(3):
    web.stop()
mysite = web.clone("mysite", bdevtype="overlayfs", flags=lxc.LXC_CLONE_SNAPSHOT)
for c in (base, web, mysite):
    # liblxc gives an overlay's path as LOWER[:LOWER...]:UPPER (the storage type taken off)
    layers = c.get_config_item("lxc.rootfs.path").split(":")
    print("%s: %s, %d layer(s)" % (c.name, "overlay" if len(layers) > 1 else "dir", len(layers)))
mysite.start()
status = mysite.attach_wait(lxc.attach_run_command, ["grep", "-qx", "web", "/etc/role"])
print("mysite sees web's change: %s" % (status == 0))
mysite.stop()
print("snapshots of base: %s" % (base.snapshot(), base.snapshot_list()[0][0])[1])

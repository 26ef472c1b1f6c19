#!/usr/bin/python3
# The seeds' first API script, adapted in the import line and the image server only: create a
# container from the download template, start it, print its state and init pid, shut it down
# (stop if it will not), destroy it. Server options come from the command line.
import sys
import userbox as lxc

server = sys.argv[1:]
c = lxc.Container("apicontainer")
if c.defined:
    print("Container already exists", file=sys.stderr)
    sys.exit(1)
if not c.create("download", lxc.LXC_CREATE_QUIET, ("-d", "busybox", "-r", "1.36", "-a", "amd64") + tuple(server)):
    print("Failed to create the container rootfs", file=sys.stderr)
    sys.exit(1)
if not c.start():
    print("Failed to start the container", file=sys.stderr)
    sys.exit(1)
print("Container state: %s" % c.state)
print("Container PID: %s" % c.init_pid)
if not c.shutdown(3):
    print("Failed to cleanly shutdown the container, forcing.")
    if not c.stop():
        print("Failed to kill the container", file=sys.stderr)
        sys.exit(1)
print("Container state: %s" % c.state)
if not c.destroy():
    print("Failed to destroy the container.", file=sys.stderr)
    sys.exit(1)
print("destroyed: %s" % (not c.defined))

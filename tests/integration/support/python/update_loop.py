#!/usr/bin/python3
# The seeds' update loop, adapted in the import line and in what it runs (the seed runs apt-get
# update and dist-upgrade; the busybox test image has no apt, so the command comes from argv):
# every container is started if it is not running, the command runs in each that has an
# address, and what the loop started it shuts down again.
import sys
import userbox as lxc

command = sys.argv[1:]
for container in lxc.list_containers(as_object=True):
    started = False
    if not container.running:
        if not container.start():
            continue
        started = True
    if not container.state == "RUNNING":
        continue
    if not container.get_ips(timeout=5):
        print("%s: no address, skipped" % container.name)
    else:
        status = container.attach_wait(lxc.attach_run_command, command)
        print("%s: ran, status %d" % (container.name, status >> 8))
    if started:
        if not container.shutdown(3):
            container.stop()

#!/usr/bin/python3
# The seeds' print_hostname example, adapted in the import line: a Python function run on the
# host, then inside a running container with attach_wait; its return value is the exit code.
import socket
import sys
import userbox as lxc


def print_hostname():
    print(socket.gethostname())
    sys.stdout.flush()
    return 5


print_hostname()
c = lxc.Container(sys.argv[1])
status = c.attach_wait(print_hostname)
print("exit code %d" % (status >> 8))

"""hostile_tar.py CASE OUT.tar.xz TARGET: a rootfs tarball that tries to write outside the
directory it is unpacked in. TARGET is a host path (in a world-writable directory) the archive
aims at; the test checks it never appears. Every archive also holds a sane etc/os-release.
  absolute    a member named with TARGET's absolute path
  dotdot      ../../../../../../../../TARGET
  symlink     a symlink to TARGET's directory, then a file through it
  symlink-rel the same with a relative ../../.. target
  dot-link    "." itself replaced by a symlink to TARGET's directory, then a file through it
  hardlink    a hard link to /etc/passwd, then data written to the link's name
  device      a block device node (8,0) not in the excludes
  setuid      a setuid-root-shell-like file owned by uid 4000000 (unmapped)
  bomb        IMAGE_BOMB_MIB (256) MiB of zeros in one member (xz: ~40 KiB a 256 MiB)
  many-files  20000 small files (20 MiB of tar, 80 MiB on a 4 KiB-block filesystem)"""
import io, os, sys, tarfile

case, out, target = sys.argv[1], sys.argv[2], sys.argv[3]
tdir, tname = os.path.dirname(target), os.path.basename(target)

def regular(tar, name, data=b"pwned\n", mode=0o644, uid=0):
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.uid, info.gid = len(data), mode, uid, uid
    tar.addfile(info, io.BytesIO(data))

def special(tar, name, kind, linkname="", mode=0o777, major=0, minor=0):
    info = tarfile.TarInfo(name)
    info.type, info.linkname, info.mode = kind, linkname, mode
    info.devmajor, info.devminor = major, minor
    tar.addfile(info)

class Zeros(io.RawIOBase):
    def __init__(self, n): self.left = n
    def readable(self): return True
    def readinto(self, b):
        n = min(len(b), self.left); b[:n] = bytes(n); self.left -= n; return n

with tarfile.open(out, "w:xz", format=tarfile.GNU_FORMAT, preset=0) as tar:
    for d in ("./etc", "./dev", "./tmp"):
        special(tar, d, tarfile.DIRTYPE, mode=0o755)
    regular(tar, "./etc/os-release", b"NAME=hostile\n")
    if case == "absolute":
        regular(tar, target)
    elif case == "dotdot":
        regular(tar, "../../../../../../../.." + target)
    elif case == "symlink":
        special(tar, "./out", tarfile.SYMTYPE, linkname=tdir)
        regular(tar, "./out/" + tname)
    elif case == "symlink-rel":
        special(tar, "./out", tarfile.SYMTYPE, linkname="../../../../../../../.." + tdir)
        regular(tar, "./out/" + tname)
    elif case == "dot-link":
        special(tar, ".", tarfile.SYMTYPE, linkname=tdir)
        regular(tar, "./" + tname)
    elif case == "hardlink":
        special(tar, "./passwd-link", tarfile.LNKTYPE, linkname="/etc/passwd")
        special(tar, "./up-link", tarfile.LNKTYPE, linkname="../../../../../../../../etc/passwd")
        regular(tar, "./passwd-link", b"root::0:0::/:/bin/sh\n")
    elif case == "device":
        special(tar, "./dev/sda", tarfile.BLKTYPE, mode=0o666, major=8, minor=0)
    elif case == "setuid":
        regular(tar, "./suid-shell", b"#!/bin/sh\n", mode=0o4755, uid=4000000)
    elif case == "bomb":
        info = tarfile.TarInfo("./zeros")
        info.size = int(os.environ.get("IMAGE_BOMB_MIB", "256")) << 20
        tar.addfile(info, io.BufferedReader(Zeros(info.size)))
    elif case == "many-files":
        special(tar, "./many", tarfile.DIRTYPE, mode=0o755)
        for i in range(20000):
            regular(tar, "./many/f%05d" % i, b"x" * 100)
    else:
        sys.exit("unknown case " + case)

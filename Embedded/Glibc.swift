// Stand-in for the toolchain's Glibc overlay in Embedded Swift: the same C headers, plus what the
// overlay adds and the sources use: errno (a C macro the importer cannot see), the S_IF* file
// types as mode_t, and open and fcntl (variadic in C, so unavailable to Swift without a shim).
@_exported import SwiftGlibc
import CLinux

public var errno: Int32 {
    get { __errno_location().pointee }
    set { __errno_location().pointee = newValue }
}

public var S_IFMT: mode_t { mode_t(0o170000) }
public var S_IFREG: mode_t { mode_t(0o100000) }
public var S_IFDIR: mode_t { mode_t(0o040000) }
public var S_IFLNK: mode_t { mode_t(0o120000) }
public var S_ISUID: mode_t { mode_t(0o4000) }
public var S_ISGID: mode_t { mode_t(0o2000) }

public func fcntl(_ fd: Int32, _ command: Int32) -> Int32 { clinux_fcntl(fd, command, nil) }

public func fcntl(_ fd: Int32, _ command: Int32, _ argument: UnsafeMutableRawPointer) -> Int32 {
    clinux_fcntl(fd, command, argument)
}

public func fcntl(_ fd: Int32, _ command: Int32, _ value: Int32) -> Int32 { clinux_fcntl_int(fd, command, value) }

public func open(_ path: UnsafePointer<CChar>, _ flags: Int32) -> Int32 { clinux_open(path, flags, 0) }

public func open(_ path: UnsafePointer<CChar>, _ flags: Int32, _ mode: mode_t) -> Int32 { clinux_open(path, flags, mode) }

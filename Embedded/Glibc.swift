// Stand-in for the toolchain's Glibc overlay in Embedded Swift: the same C headers, and errno,
// which C declares as a macro the importer cannot see.
@_exported import SwiftGlibc

public var errno: Int32 {
    get { __errno_location().pointee }
    set { __errno_location().pointee = newValue }
}

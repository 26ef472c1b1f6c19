import Glibc

@inline(__always)
func Glibc_write(_ fd: Int32, _ pointer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    Glibc.write(fd, pointer, count)
}

import Glibc
import Runtime

// libuserbox's C ABI (capi/userbox.h) over Runtime. Nothing Swift crosses it: handles are
// opaque pointers to a retained `Handle`, strings are malloc'd C strings, errors a -1 or NULL
// return plus a per-thread message (userbox_last_error).

/// What a `userbox_container *` points at.
final class Handle {
    let container: Container
    /// C copies of the name and lxcpath, alive as long as the handle (their getters return them).
    let name: UnsafeMutablePointer<CChar>
    let lxcpath: UnsafeMutablePointer<CChar>

    /// The config's lines as set_config_item/clear_config_item left them, until save_config
    /// writes them (nil: not read yet; reads come from here once edited, as liblxc's do).
    var lines: [String]?

    init(_ container: Container) {
        self.container = container
        name = strdup(container.name)
        lxcpath = strdup(container.paths.lxcpath)
    }

    deinit {
        free(name)
        free(lxcpath)
    }

    static func from(_ pointer: OpaquePointer?) -> Handle? {
        guard let pointer else { return nil }
        return Unmanaged<Handle>.fromOpaque(UnsafeRawPointer(pointer)).takeUnretainedValue()
    }
}

/// The calling thread's last error message (a malloc'd C string, replaced by the next failure).
enum LastError {
    static let key: pthread_key_t = {
        var key = pthread_key_t()
        // The destructor frees a thread's message when the thread ends.
        pthread_key_create(&key) { free($0) }
        return key
    }()

    static func set(_ message: String) {
        free(pthread_getspecific(key))
        pthread_setspecific(key, strdup(message))
    }

    static func clear() {
        free(pthread_getspecific(key))
        pthread_setspecific(key, nil)
    }

    static var current: UnsafePointer<CChar>? {
        pthread_getspecific(key).map { UnsafePointer($0.assumingMemoryBound(to: CChar.self)) }
    }
}

/// Runs a call: 0, or -1 with the thread's error set from what it threw.
func status<E: Error & CustomStringConvertible>(_ body: () throws(E) -> Void) -> Int32 {
    do {
        try body()
        return 0
    } catch {
        LastError.set(error.description)
        return -1
    }
}

/// Runs a call that can fail in more than one way (a Runtime error, a download error, a bad
/// argument): 0, or -1 with the thread's error set from what it threw.
func outcome(_ body: () throws -> Void) -> Int32 {
    do {
        try body()
        return 0
    } catch {
        LastError.set((error as? any CustomStringConvertible)?.description ?? "\(error)")
        return -1
    }
}

/// A failure that is not a Runtime error (bad arguments to a C call).
struct CallError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A NULL-terminated C string array as Swift strings (nil: empty).
func strings(_ array: UnsafePointer<UnsafeMutablePointer<CChar>?>?) -> [String] {
    guard let array else { return [] }
    var out: [String] = []
    var i = 0
    while let item = array[i] {
        out.append(String(cString: item))
        i += 1
    }
    return out
}

/// A malloc'd NULL-terminated array of malloc'd C strings, for userbox_free_list.
func cList(_ items: [String]) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> {
    // malloc, not Swift's allocator: the caller's userbox_free_list frees it with free().
    let size = MemoryLayout<UnsafeMutablePointer<CChar>?>.stride * (items.count + 1)
    let list = malloc(size)!.bindMemory(to: UnsafeMutablePointer<CChar>?.self, capacity: items.count + 1)
    for (i, item) in items.enumerated() { list[i] = strdup(item) }
    list[items.count] = nil
    return list
}

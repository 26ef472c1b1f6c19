import FoundationEssentials

/// simplestreams (Incus, older LXD): `streams/v1/index.json` names the products file
/// (`streams/v1/images.json`, format `products:1.0`), which lists each product
/// (`debian:bookworm:amd64:default`) with its versions (build serials) and each version's items:
/// path, sha256 and size per file.
public enum SimpleStreams {
    public static let indexPath = "streams/v1/index.json"

    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case notJSON(String)
        case noImagesStream

        public var description: String {
            switch self {
            case .notJSON(let reason): "not a simplestreams file: \(reason)"
            case .noImagesStream: "the simplestreams index lists no image-downloads stream"
            }
        }
    }

    struct Index: Decodable {
        struct Stream: Decodable {
            let datatype: String?
            let path: String
            let format: String?
        }
        let index: [String: Stream]
    }

    struct Products: Decodable {
        struct Item: Decodable {
            let ftype: String?
            let path: String
            let sha256: String?
            let size: UInt64?
        }
        struct Version: Decodable { let items: [String: Item] }
        struct Product: Decodable {
            let arch: String?
            let os: String?
            let release: String?
            let variant: String?
            let versions: [String: Version]?
        }
        let products: [String: Product]
    }

    /// The path of the image-downloads products file the index names.
    public static func productsPath(fromIndex data: [UInt8]) throws(ParseError) -> String {
        let index: Index
        do { index = try JSONDecoder().decode(Index.self, from: Data(data)) } catch { throw .notJSON("\(error)") }
        let streams = index.index.values.filter { $0.datatype == "image-downloads" || $0.format == "products:1.0" }
        guard let stream = streams.sorted(by: { $0.path < $1.path }).first, LXCIndex.isSafeRelativePath(stream.path) else {
            throw .noImagesStream
        }
        return stream.path
    }

    /// One record per product: its newest version (serials sort as text, `YYYYMMDD_HH:MM`), with
    /// the files we can use. The dist is the product key's first field (lower case, as LXC's index
    /// names it); arch, release and variant come from the product, else from the key.
    public static func records(fromProducts data: [UInt8]) throws(ParseError) -> [ImageRecord] {
        let products: Products
        do { products = try JSONDecoder().decode(Products.self, from: Data(data)) } catch { throw .notJSON("\(error)") }
        var records: [ImageRecord] = []
        for (key, product) in products.products {
            let parts = key.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard parts.count >= 4, let versions = product.versions,
                  let (serial, version) = versions.max(by: { $0.key < $1.key }).map({ ($0.key, $0.value) }) else { continue }
            let files = version.items.compactMap { name, item -> ImageFile? in
                guard LXCIndex.isSafeRelativePath(item.path), let role = role(of: name, ftype: item.ftype) else { return nil }
                return ImageFile(role: role, path: item.path, sha256: item.sha256?.lowercased(), size: item.size)
            }.sorted { $0.path < $1.path }
            let directory = files.first.map { String($0.path.split(separator: "/").dropLast().joined(separator: "/")) } ?? ""
            records.append(ImageRecord(
                dist: parts[0].lowercased(), release: product.release ?? parts[1], arch: product.arch ?? parts[2],
                variant: product.variant ?? parts[3], build: serial, path: directory, files: files))
        }
        return records.sorted { ($0.dist, $0.release, $0.arch, $0.variant) < ($1.dist, $1.release, $1.arch, $1.variant) }
    }

    static func role(of name: String, ftype: String?) -> ImageFile.Role? {
        switch ftype ?? name {
        case "root.tar.xz": .rootfsTarball
        case "squashfs", "root.squashfs": .rootfsSquashfs
        case "incus.tar.xz", "lxd.tar.xz": .incusMetadata
        case "lxc.tar.xz", "meta.tar.xz": .lxcMetadata
        default: nil
        }
    }
}

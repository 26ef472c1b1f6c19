/// The JSON the tools print with `--json`: real booleans and numbers; object keys keep their
/// order, so output is stable for scripts.
public indirect enum JSON: Equatable, Sendable {
    case string(String)
    case number(Int64)
    case bool(Bool)
    case null
    case array([JSON])
    case object([Member])

    public struct Member: Equatable, Sendable {
        public let key: String
        public let value: JSON
        public init(_ key: String, _ value: JSON) {
            self.key = key
            self.value = value
        }
    }

    public static func object(_ pairs: KeyValuePairs<String, JSON>) -> JSON { .object(pairs.map { Member($0.key, $0.value) }) }

    public var text: String {
        switch self {
        case .string(let s): JSON.quote(s)
        case .number(let n): String(n)
        case .bool(let b): b ? "true" : "false"
        case .null: "null"
        case .array(let items): "[" + items.map(\.text).joined(separator: ",") + "]"
        case .object(let members): "{" + members.map { JSON.quote($0.key) + ":" + $0.value.text }.joined(separator: ",") + "}"
        }
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

public import ArgumentParser
public import IDModel
import SubID

/// `FIRST-LAST`, inclusive, as usermod -v/-V/-w/-W take it (`RangeArgument`'s grammar): parsed
/// once, by argument-parser, so a bad range is a usage error naming the option.
extension IDRange: ExpressibleByArgument {
    public init?(argument: String) {
        guard let range = try? RangeArgument.parse(argument) else { return nil }
        self = range
    }

    public var defaultValueDescription: String { "\(start)-\(UInt64(start) + UInt64(count) - 1)" }

    /// For `@Option(transform:)`: the same grammar, with shadow-style reasons in the usage error
    /// (`invalid range '10-5': expected FIRST-LAST, ...`) instead of argument-parser's bare
    /// "is invalid".
    public static func parsingArgument(_ text: String) throws -> IDRange {
        do { return try RangeArgument.parse(text) } catch { throw ValidationError(error.description) }
    }
}

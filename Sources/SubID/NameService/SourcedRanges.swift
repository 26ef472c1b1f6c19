public import IDModel

/// A range and the `subid:` source that grants it (`subid list` shows which).
public struct SourcedRange: Equatable, Sendable {
    public let range: IDRange
    public let source: SubIDSource

    public init(range: IDRange, source: SubIDSource) {
        self.range = range
        self.source = source
    }
}

/// One owner's ranges from every source, for the readers that check or use a caller's own
/// ranges (usernsexec's default maps, userbox's idmap check, `subid list USER`).
public enum SubIDSources {
    /// The owner's ranges in source order: `file`'s entries for `files`, the module's answer for a
    /// module (a module that does not know the owner adds none). A source's failure is the error.
    public static func ranges(of identity: OwnerIdentity, kind: IDKind, sources: [SubIDSource], file: SubIDFile?)
        -> Result<[SourcedRange], SubIDSourceError> {
        var found: [SourcedRange] = []
        for source in sources {
            switch source {
            case .files:
                found += (file?.ranges(of: identity) ?? []).map { SourcedRange(range: $0, source: .files) }
            case .module(let name):
                let plugin: SubIDPlugin
                switch SubIDPlugin.load(name) {
                case .success(let p): plugin = p
                case .failure(let error): return .failure(error)
                }
                switch plugin.ranges(owner: identity.name, kind: kind) {
                case .success(let ranges): found += (ranges ?? []).map { SourcedRange(range: $0, source: source) }
                case .failure(let error): return .failure(error)
                }
            }
        }
        return .success(found)
    }

    /// The owner's ranges as a file of their lines only, for checks written against a file.
    public static func file(of ranges: [SourcedRange], owner: String) -> SubIDFile {
        SubIDFile(parsing: ranges.map { "\(owner):\($0.range.start):\($0.range.count)\n" }.joined())
    }

    /// The owner's ranges from this machine's sources as such a file: the files alone when
    /// nsswitch names no module (no plugin is loaded then).
    public static func ownerFile(_ identity: OwnerIdentity, kind: IDKind, file: SubIDFile?) -> Result<SubIDFile?, SubIDSourceError> {
        let sources: [SubIDSource]
        switch NameServiceSwitch.subidSources() {
        case .success(let s): sources = s
        case .failure(let error): return .failure(error)
        }
        if sources == [.files] { return .success(file) }
        return ranges(of: identity, kind: kind, sources: sources, file: file).map { SubIDSources.file(of: $0, owner: identity.name) }
    }
}

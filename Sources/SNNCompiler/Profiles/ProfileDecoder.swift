/// Turns a parsed TOML document into a validated `ChipProfile`, or throws the first problem.
///
/// Checks run in this order: unknown tables and keys (in file order), missing tables, each field
/// in schema order (presence, type, range), the `estimated` lists, then rules relating two fields.
struct ProfileDecoder {
    let document: TOMLDocument
    /// The name `[chip] name` must have (the file name without `.toml`), if any.
    var expectedName: String?
    var file: String { document.file }

    func decode() throws(ProfileError) -> ChipProfile {
        try checkKnownNames()
        try checkTablesPresent()
        var profile = ChipProfile(
            name: try identifier(.chipName),
            description: try text(.chipDescription),
            kind: try choice(.chipKind, as: ChipProfile.Kind.self),
            cores: ChipProfile.Cores(
                count: try integer(.coreCount),
                neuronsPerCore: try integer(.neuronsPerCore),
                synapseMemoryBytesPerCore: try integer(.synapseMemoryBytesPerCore),
                fanInPerCore: try integer(.fanInPerCore),
                fanOutPerCore: try integer(.fanOutPerCore),
                maxFanInPerNeuron: try optionalInteger(.maxFanInPerNeuron),
                maxFanOutPerNeuron: try optionalInteger(.maxFanOutPerNeuron),
                mapping: try optionalChoice(.mapping, as: ChipProfile.Mapping.self) ?? .split,
                kernelMemoryPerCore: try optionalIntegerList(.kernelMemoryPerCore),
                neuronMemoryPerCore: try optionalIntegerList(.neuronMemoryPerCore),
                biasMemoryPerCore: try optionalIntegerList(.biasMemoryPerCore)),
            numerics: ChipProfile.Numerics(
                weightBits: try integer(.weightBits),
                stateBits: try integer(.stateBits),
                indexBits: try integer(.indexBits),
                pointerBits: try integer(.pointerBits),
                weightSharing: try boolean(.weightSharing),
                sparseStorage: try boolean(.sparseStorage),
                thresholdCompare: try choice(.thresholdCompare, as: ChipProfile.ThresholdCompare.self),
                leak: try choice(.leak, as: ChipProfile.Leak.self),
                reset: try optionalChoice(.reset, as: ChipProfile.ResetSupport.self) ?? .zero,
                axonTypes: try optionalInteger(.axonTypes),
                axonTypeWeightBits: try optionalInteger(.axonTypeWeightBits)),
            timing: ChipProfile.Timing(
                clockHz: try number(.clockHz),
                cyclesPerRowFetch: try number(.cyclesPerRowFetch),
                cyclesPerSynapticOp: try number(.cyclesPerSynapticOp),
                cyclesPerNeuronUpdate: try number(.cyclesPerNeuronUpdate),
                cyclesPerHop: try number(.cyclesPerHop),
                cyclesPerBarrier: try number(.cyclesPerBarrier),
                tickHz: try optionalNumber(.tickHz)),
            energy: ChipProfile.Energy(
                synapticOpPJ: try number(.synapticOpPJ),
                synapticOpIncludesWeightRead: try boolean(.synapticOpIncludesWeightRead),
                neuronUpdatePJ: try number(.neuronUpdatePJ),
                spikeRoutePJ: try number(.spikeRoutePJ),
                memoryPJPerByte: try number(.memoryPJPerByte),
                staticPowerMW: try number(.staticPowerMW),
                inputMACPJ: try optionalNumber(.inputMACPJ)))
        profile.numerics.synapticCurrent = try optionalChoice(.synapticCurrent, as: ChipProfile.SynapticCurrentSupport.self) ?? .none
        profile.numerics.maxSpikesPerStep = try optionalInteger(.maxSpikesPerStep)
        profile.numerics.spikeDelaySteps = try optionalInteger(.spikeDelaySteps)
        profile.numerics.maxWeightShift = try optionalInteger(.maxWeightShift)
        profile.numerics.maxInputEventsPerStep = try optionalInteger(.maxInputEventsPerStep)
        profile.estimates = try estimates()
        try checkRelations(profile)
        return profile
    }

    // MARK: Structure

    /// Every table and key must be in the schema.
    func checkKnownNames() throws(ProfileError) {
        let root = document.root
        for tableName in root.keys {
            guard let entry = root.entry(tableName) else { continue }
            guard case .table(let table) = entry.value else {
                throw ProfileError(
                    .unknownKey, file: file, position: entry.position, key: tableName,
                    value: entry.value.tomlText, reason: "key outside any table",
                    hint: outsideTableHint(tableName))
            }
            guard ProfileField.tables.contains(tableName) else {
                let suggestion = closestMatch(to: tableName, in: ProfileField.tables)
                throw ProfileError(
                    .unknownTable, file: file, position: entry.position, table: tableName,
                    reason: "unknown table",
                    hint: suggestion.map { "did you mean [\($0)]?" } ?? "the tables are \(Self.tableList)")
            }
            for key in table.keys where !isKnown(key, in: tableName) {
                throw ProfileError(
                    .unknownKey, file: file, position: table.entry(key)?.position, table: tableName,
                    key: key, reason: "unknown key", hint: unknownKeyHint(key, in: tableName))
            }
        }
    }

    func checkTablesPresent() throws(ProfileError) {
        for tableName in ProfileField.tables where document.root[tableName] == nil {
            throw ProfileError(
                .missingKey, file: file, table: tableName, reason: "missing table",
                hint: "a profile has the tables \(Self.tableList); see targets/README.md")
        }
    }

    static var tableList: String { ProfileField.tables.map { "[\($0)]" }.joined(separator: ", ") }

    func keys(in tableName: String) -> [String] {
        ProfileField.fields(in: tableName).map(\.key) + (tableName == "chip" ? [] : [ProfileField.estimatedKey])
    }

    func isKnown(_ key: String, in tableName: String) -> Bool { keys(in: tableName).contains(key) }

    func unknownKeyHint(_ key: String, in tableName: String) -> String {
        if let match = closestMatch(to: key, in: keys(in: tableName)) { return "did you mean '\(match)'?" }
        if let home = ProfileField.all.first(where: { $0.key == key }) {
            return "'\(key)' belongs in [\(home.table)]"
        }
        if let match = closestMatch(to: key, in: ProfileField.all.map(\.key)),
            let home = ProfileField.all.first(where: { $0.key == match })
        {
            return "did you mean '\(match)' in [\(home.table)]?"
        }
        return "the keys of [\(tableName)] are " + keys(in: tableName).joined(separator: ", ")
    }

    func outsideTableHint(_ key: String) -> String {
        if ProfileField.tables.contains(key) { return "[\(key)] is a table: put its keys under a [\(key)] header" }
        if let home = ProfileField.all.first(where: { $0.key == key }) { return "move it under [\(home.table)]" }
        return "profile keys belong in the tables \(Self.tableList)"
    }

    // MARK: Fields

    /// The field's entry; absent optional fields give nil, absent required ones throw.
    func entry(_ field: ProfileField) throws(ProfileError) -> TOMLTable.Entry? {
        guard case .table(let table)? = document.root[field.table] else {
            preconditionFailure("ProfileDecoder: table [\(field.table)] was checked to exist")
        }
        if let entry = table.entry(field.key) { return entry }
        guard field.isRequired else { return nil }
        let unit = field.unit.isEmpty ? "" : ", \(field.unit)"
        throw ProfileError(
            .missingKey, file: file, position: table.position, table: field.table, key: field.key,
            reason: "missing required key",
            hint: "add `\(field.key) = <\(field.allowedValues)\(unit)>` under [\(field.table)]")
    }

    func requiredEntry(_ field: ProfileField) throws(ProfileError) -> TOMLTable.Entry {
        guard let found = try entry(field) else { preconditionFailure("ProfileDecoder: \(field) is optional") }
        return found
    }

    func integer(_ field: ProfileField) throws(ProfileError) -> Int {
        try integer(field, from: requiredEntry(field))
    }

    func optionalInteger(_ field: ProfileField) throws(ProfileError) -> Int? {
        guard let found = try entry(field) else { return nil }
        return try integer(field, from: found)
    }

    func integer(_ field: ProfileField, from entry: TOMLTable.Entry) throws(ProfileError) -> Int {
        guard case .integer(let range) = field.rule else { preconditionFailure("\(field) is not an integer field") }
        guard case .integer(let value) = entry.value else {
            throw wrongType(field, entry, expected: "an integer")
        }
        if value < Int64(range.lowerBound) { throw invalid(field, entry, "must be at least \(range.lowerBound)") }
        if value > Int64(range.upperBound) { throw invalid(field, entry, "must be at most \(range.upperBound)") }
        return Int(value)
    }

    func optionalIntegerList(_ field: ProfileField) throws(ProfileError) -> [Int]? {
        guard let found = try entry(field) else { return nil }
        guard case .integerList(let range) = field.rule else { preconditionFailure("\(field) is not an integer list") }
        guard case .array(let items) = found.value else { throw wrongType(field, found, expected: "an array of integers") }
        var values: [Int] = []
        for item in items {
            guard case .integer(let value) = item else {
                throw invalid(field, found, "expected integers only, found \(item.kindName)")
            }
            if value < Int64(range.lowerBound) || value > Int64(range.upperBound) {
                throw invalid(field, found, "every entry must be within \(range.lowerBound)...\(range.upperBound)")
            }
            values.append(Int(value))
        }
        return values
    }

    func optionalChoice<T: RawRepresentable & CaseIterable>(_ field: ProfileField, as type: T.Type) throws(ProfileError) -> T?
    where T.RawValue == String {
        guard try entry(field) != nil else { return nil }
        return try choice(field, as: type)
    }

    func number(_ field: ProfileField) throws(ProfileError) -> Double {
        try number(field, from: requiredEntry(field))
    }

    func optionalNumber(_ field: ProfileField) throws(ProfileError) -> Double? {
        guard let found = try entry(field) else { return nil }
        return try number(field, from: found)
    }

    func number(_ field: ProfileField, from found: TOMLTable.Entry) throws(ProfileError) -> Double {
        guard case .number(let minimum, let exclusive) = field.rule else {
            preconditionFailure("\(field) is not a number field")
        }
        let value: Double
        switch found.value {
        case .integer(let integer): value = Double(integer)
        case .float(let float): value = float
        default: throw wrongType(field, found, expected: "a number")
        }
        let bound = ProfileFormat.number(minimum)
        if exclusive && value <= minimum { throw invalid(field, found, "must be greater than \(bound)") }
        if !exclusive && value < minimum {
            throw invalid(field, found, minimum == 0 ? "must not be negative" : "must be at least \(bound)")
        }
        return value
    }

    func boolean(_ field: ProfileField) throws(ProfileError) -> Bool {
        let found = try requiredEntry(field)
        guard case .boolean(let value) = found.value else { throw wrongType(field, found, expected: "true or false") }
        return value
    }

    func string(_ field: ProfileField) throws(ProfileError) -> (String, TOMLTable.Entry) {
        let found = try requiredEntry(field)
        guard case .string(let value) = found.value else { throw wrongType(field, found, expected: "a string") }
        return (value, found)
    }

    func text(_ field: ProfileField) throws(ProfileError) -> String {
        let (value, found) = try string(field)
        if value.allSatisfy(\.isWhitespace) { throw invalid(field, found, "must not be empty") }
        return value
    }

    func identifier(_ field: ProfileField) throws(ProfileError) -> String {
        let (value, found) = try string(field)
        guard Self.isIdentifier(value) else {
            throw invalid(field, found, "must be a lowercase identifier (a-z, 0-9, -, _) starting with a letter")
        }
        return value
    }

    static func isIdentifier(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, ("a"..."z").contains(first) else { return false }
        return text.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }
    }

    func choice<T: RawRepresentable & CaseIterable>(_ field: ProfileField, as type: T.Type) throws(ProfileError) -> T
    where T.RawValue == String {
        let (value, found) = try string(field)
        guard let result = T(rawValue: value) else {
            let options = T.allCases.map(\.rawValue)
            let suggestion = closestMatch(to: value, in: options).map { "did you mean \"\($0)\"?" }
            throw invalid(field, found, "must be \(field.allowedValues)", hint: suggestion)
        }
        return result
    }

    // MARK: Estimates and relations

    /// The fields listed in each table's `estimated = [...]`.
    func estimates() throws(ProfileError) -> Set<ProfileField> {
        var result: Set<ProfileField> = []
        for tableName in ProfileField.tables where tableName != "chip" {
            guard case .table(let table)? = document.root[tableName],
                let list = table.entry(ProfileField.estimatedKey)
            else { continue }
            let subject = (table: tableName, key: ProfileField.estimatedKey)
            guard case .array(let items) = list.value else {
                throw ProfileError(
                    .wrongType, file: file, position: list.position, table: subject.table, key: subject.key,
                    value: list.value.tomlText, reason: "expected an array of key names, found \(list.value.kindName)",
                    hint: "e.g. estimated = [\"clock_hz\", \"cycles_per_hop\"]")
            }
            for item in items {
                guard case .string(let key) = item else {
                    throw ProfileError(
                        .wrongType, file: file, position: list.position, table: subject.table, key: subject.key,
                        value: item.tomlText, reason: "expected a key name in quotes, found \(item.kindName)")
                }
                guard let field = ProfileField.field(table: tableName, key: key) else {
                    throw ProfileError(
                        .unknownKey, file: file, position: list.position, table: subject.table, key: subject.key,
                        value: item.tomlText, reason: "unknown key '\(key)' in the list",
                        hint: unknownKeyHint(key, in: tableName))
                }
                guard table.entry(key) != nil else {
                    throw ProfileError(
                        .invalidValue, file: file, position: list.position, table: subject.table,
                        key: subject.key, value: item.tomlText,
                        reason: "'\(key)' is listed as an estimate but has no value in [\(tableName)]")
                }
                guard result.insert(field).inserted else {
                    throw ProfileError(
                        .invalidValue, file: file, position: list.position, table: subject.table,
                        key: subject.key, value: item.tomlText, reason: "'\(key)' is listed twice")
                }
            }
        }
        return result
    }

    func checkRelations(_ profile: ChipProfile) throws(ProfileError) {
        if let expectedName, profile.name != expectedName {
            throw invalid(
                .chipName, try requiredEntry(.chipName), "must match the file name '\(expectedName)'",
                hint: "rename the file to \(profile.name).toml or set name = \"\(expectedName)\"")
        }
        try checkCoreLists(profile.cores)
        if profile.numerics.stateBits < profile.numerics.weightBits {
            let found = try requiredEntry(.stateBits)
            throw invalid(.stateBits, found, "must be at least weight_bits (\(profile.numerics.weightBits))")
        }
    }

    /// Per-core lists have one entry per core; layer-per-core mapping needs the kernel and neuron lists.
    func checkCoreLists(_ cores: ChipProfile.Cores) throws(ProfileError) {
        for field in [ProfileField.kernelMemoryPerCore, .neuronMemoryPerCore, .biasMemoryPerCore] {
            guard let found = try entry(field), case .array(let items) = found.value else { continue }
            if items.count != cores.count {
                throw invalid(field, found, "must have one entry per core (cores = \(cores.count)), found \(items.count)")
            }
        }
        if cores.mapping == .singleCore && cores.count != 1 {
            throw invalid(
                .mapping, try requiredEntry(.mapping), "needs [cores] cores = 1 (found \(cores.count))",
                hint: "single-core mapping runs the whole network on one core; use \"split\" for several cores")
        }
        guard cores.mapping == .layerPerCore else { return }
        for field in [ProfileField.kernelMemoryPerCore, .neuronMemoryPerCore] {
            guard try entry(field) == nil else { continue }
            throw invalid(
                .mapping, try requiredEntry(.mapping), "needs [cores] \(field.key)",
                hint: "list each core's \(field.unit == "neurons" ? "neuron" : "kernel") memory, e.g. \(field.key) = [16384, 32768]")
        }
    }

    // MARK: Errors

    func wrongType(_ field: ProfileField, _ entry: TOMLTable.Entry, expected: String) -> ProfileError {
        var hint: String?
        switch entry.value {
        case .string where expected != "a string":
            hint = "write \(expected == "true or false" ? "booleans" : "numbers") without quotes"
        case .float(let value) where expected == "an integer":
            hint =
                value == value.rounded() && abs(value) < 1e15
                ? "write \(Int64(value)) (no fraction or exponent)" : "use a whole number"
        default:
            hint = nil
        }
        return ProfileError(
            .wrongType, file: file, position: entry.position, table: field.table, key: field.key,
            value: entry.value.tomlText, reason: "expected \(expected), found \(entry.value.kindName)", hint: hint)
    }

    func invalid(
        _ field: ProfileField, _ entry: TOMLTable.Entry, _ reason: String, hint: String? = nil
    ) -> ProfileError {
        ProfileError(
            .invalidValue, file: file, position: entry.position, table: field.table, key: field.key,
            value: entry.value.tomlText, reason: reason, hint: hint)
    }
}

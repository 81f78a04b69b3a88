import Foundation

/// JSON decoding errors in a user's words: what is wrong, and where in the document. The
/// commands that read JSON files on their own (calibration files; `snnc report`'s `--json`
/// summaries) report through `describe`, so the same mistake reads the same way in both.
enum DecodingProblem {
    /// One line for `error`, raised while decoding `data`.
    /// - Parameter types: what the values should be, for a wrong value Foundation places nowhere
    ///   (for instance 2.5 where a whole number belongs).
    static func describe(_ error: any Error, in data: Data, types: String? = nil) -> String {
        guard let decoding = error as? DecodingError else { return String(describing: error) }
        switch decoding {
        case .keyNotFound(let key, let context):
            return "\(place(context.codingPath)) has no key '\(key.stringValue)'"
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            return "\(place(context.codingPath)) is not \(kind(type))"
        case .dataCorrupted(let context):
            guard (try? JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed)) != nil else { return "not JSON" }
            // Valid JSON that does not decode; Foundation names no place for some of these.
            guard context.codingPath.isEmpty else { return "\(place(context.codingPath)): \(context.debugDescription)" }
            return "a value has the wrong type" + (types.map { " (\($0))" } ?? ": \(context.debugDescription)")
        @unknown default:
            return String(describing: error)
        }
    }

    /// A coding path as the user would write it: keys joined by dots, array indices in brackets
    /// (a key that reads as a number is still a key).
    private static func place(_ path: [any CodingKey]) -> String {
        guard !path.isEmpty else { return "the top level" }
        let text = path.reduce("") { text, key in
            key.stringValue.hasPrefix("Index ") ? text + "[\(key.intValue ?? 0)]" : text + (text.isEmpty ? "" : ".") + key.stringValue
        }
        return "'\(text)'"
    }

    /// What a value of `type` is, in words.
    private static func kind(_ type: Any.Type) -> String {
        let name = "\(type)"
        if name.hasPrefix("Array") { return "a list" }
        if name.hasPrefix("Dictionary") { return "an object" }
        if type == Int.self { return "a whole number" }
        if type == Double.self || type == Float.self { return "a number" }
        if type == String.self { return "a string" }
        if type == Bool.self { return "true or false" }
        return "a \(name)"
    }
}

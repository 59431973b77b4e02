import Foundation
import Mustache
import OutcomesStore

/// The Mustache templates of the reports, read from a folder at run time (Reports/templates),
/// so wording and layout change without recompiling. Every `*.mustache` file is a template named
/// after its file; files starting with `_` are partials (`{{> _measure}}`).
public struct TemplateSet: Sendable {
    /// The templates a site needs; each renders one kind of page.
    public static let pages = ["index", "county", "measures"]

    public let directory: URL
    let library: MustacheLibrary

    /// Loads and parses every template; a template that does not parse, a page template that is
    /// missing, or a partial that does not exist gives an error naming the file and line.
    public init(directory: URL) throws {
        self.directory = directory
        let fm = FileManager.default
        let names: [String]
        do {
            names = try fm.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".mustache") }.sorted()
        } catch {
            throw PublishError("Cannot read the report templates in \(directory.path): \(fileFailureReason(error))")
        }
        var templates: [String: MustacheTemplate] = [:]
        var texts: [String: String] = [:]
        for file in names {
            let url = directory.appendingPathComponent(file)
            guard let data = fm.contents(atPath: url.path), let text = String(data: data, encoding: .utf8) else {
                throw PublishError("Cannot read the template \(url.path) (it must be UTF-8 text).")
            }
            let name = String(file.dropLast(".mustache".count))
            do {
                templates[name] = try MustacheTemplate(string: text)
            } catch let error as MustacheTemplate.ParserError {
                throw PublishError(
                    "Template \(url.path), line \(error.context.lineNumber), column \(error.context.columnNumber): "
                        + "\(Self.explain(error.error)). The line reads: \(error.context.line.trimmingCharacters(in: .whitespaces))"
                )
            }
            texts[name] = text
        }
        for page in Self.pages where templates[page] == nil {
            throw PublishError(
                "The template \(directory.appendingPathComponent(page + ".mustache").path) is missing; "
                    + "every report needs \(Self.pages.map { $0 + ".mustache" }.joined(separator: ", ")).")
        }
        // A partial that does not exist would silently render nothing: name it instead.
        for name in texts.keys.sorted() {
            for (lineNumber, line) in texts[name]!.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            {
                for partial in Self.partialNames(in: String(line)) where templates[partial] == nil {
                    throw PublishError(
                        "Template \(directory.appendingPathComponent(name + ".mustache").path), line \(lineNumber + 1): "
                            + "the partial {{> \(partial)}} does not exist (no \(partial).mustache in \(directory.path))."
                    )
                }
            }
        }
        library = MustacheLibrary(templates: templates)
    }

    /// Renders page template `name` with `context`.
    public func render(_ name: String, _ context: [String: Any]) throws -> String {
        guard let text = library.render(context, withTemplate: name) else {
            throw PublishError("The template \(name).mustache is missing from \(directory.path).")
        }
        return text
    }

    static func partialNames(in line: String) -> [String] {
        var names: [String] = []
        var rest = Substring(line)
        while let open = rest.range(of: "{{>") {
            rest = rest[open.upperBound...]
            guard let close = rest.range(of: "}}") else { break }
            names.append(rest[..<close.lowerBound].trimmingCharacters(in: .whitespaces))
            rest = rest[close.upperBound...]
        }
        return names
    }

    static func explain(_ error: Error) -> String {
        guard let error = error as? MustacheTemplate.Error else { return "the template cannot be parsed (\(error))" }
        switch "\(error)" {
        case "sectionCloseNameIncorrect": return "a closing tag {{/…}} does not match the section it closes"
        case "unfinishedName": return "a tag is not closed with }}"
        case "expectedSectionEnd": return "a section {{#…}} or {{^…}} is never closed with {{/…}}"
        case "invalidSetDelimiter": return "a set-delimiter tag {{=… …=}} is malformed"
        case "invalidConfigVariableSyntax", "unrecognisedConfigVariable": return "a {{% … }} pragma is not recognised"
        default: return "the template cannot be parsed (\(error))"
        }
    }
}

/// Makes sure small outputs still show every code and every situation: while a
/// code of a list (or a named situation) has not appeared yet, a choice picks it
/// with probability `force` instead of drawing by weight. The sample extract
/// uses force 1 (25 youth show everything); statewide runs use a small force so
/// proportions stay plausible while every code still appears early.
final class Coverage {
    let force: Double
    @exclusivity(unchecked) private var seen: [String: [Bool]] = [:]
    private var features: Set<String> = []

    init(force: Double) { self.force = force }

    func firstUnseen(_ list: SynthReference.CodeList, allowed: (Int) -> Bool) -> Int? {
        let marks = seen[list.name] ?? Array(repeating: false, count: list.count)
        for i in 0..<list.count where !marks[i] && allowed(i) { return i }
        return nil
    }

    func isSeen(_ list: SynthReference.CodeList, _ index: Int) -> Bool { seen[list.name]?[index] ?? false }

    func mark(_ list: SynthReference.CodeList, _ index: Int) {
        if seen[list.name] == nil { seen[list.name] = Array(repeating: false, count: list.count) }
        seen[list.name]![index] = true
    }

    func hasSeen(feature: String) -> Bool { features.contains(feature) }
    func mark(feature: String) { features.insert(feature) }
}

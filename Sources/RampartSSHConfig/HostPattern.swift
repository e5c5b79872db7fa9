/// OpenSSH's patterns: `*` and `?` wildcards (`match_pattern`), and comma-separated lists where a
/// `!` entry that matches vetoes the whole list (`match_pattern_list`).
enum HostPattern {
    /// Case-sensitive glob match of the whole string.
    static func matches(_ string: String, _ pattern: String) -> Bool {
        glob(Array(string.unicodeScalars), 0, Array(pattern.unicodeScalars), 0)
    }

    private static func glob(_ s: [Unicode.Scalar], _ si: Int, _ p: [Unicode.Scalar], _ pi: Int) -> Bool {
        var si = si, pi = pi
        var starP = -1, starS = 0
        while si < s.count {
            if pi < p.count, p[pi] == "*" {
                starP = pi; starS = si; pi += 1
            } else if pi < p.count, p[pi] == "?" || p[pi] == s[si] {
                si += 1; pi += 1
            } else if starP >= 0 {
                pi = starP + 1; starS += 1; si = starS
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }

    enum ListMatch { case matched, notMatched, vetoed }

    /// A comma-separated list; `lowercasePatterns` as OpenSSH does for host names (the string is
    /// expected lowercased by the caller).
    static func matchList(_ string: String, _ list: String, lowercasePatterns: Bool) -> ListMatch {
        var positive = false
        for entry in list.split(separator: ",", omittingEmptySubsequences: false) {
            var pattern = String(entry)
            let negated = pattern.hasPrefix("!")
            if negated { pattern.removeFirst() }
            if lowercasePatterns { pattern = pattern.lowercased() }
            if matches(string, pattern) {
                if negated { return .vetoed }
                positive = true
            }
        }
        return positive ? .matched : .notMatched
    }
}

/// Edit distance between two strings: insertions, deletions, substitutions and swaps of two
/// neighbouring characters each count 1 (optimal string alignment), so `=>` is one edit from `>=`.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    // rows[i][j] = distance between the first i characters of a and the first j of b
    var rows = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in 0...a.count { rows[i][0] = i }
    for j in 0...b.count { rows[0][j] = j }
    for i in 1...a.count {
        for j in 1...b.count {
            let cost = a[i - 1] == b[j - 1] ? 0 : 1
            var best = min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost)
            if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                best = min(best, rows[i - 2][j - 2] + 1)
            }
            rows[i][j] = best
        }
    }
    return rows[a.count][b.count]
}

/// The candidate closest to `word` if it is within `limit` edits; ties go to the earlier candidate.
func closestMatch(to word: String, in candidates: [String], limit: Int = 2) -> String? {
    var best: (candidate: String, distance: Int)?
    for candidate in candidates {
        let distance = editDistance(word, candidate)
        if distance <= limit, distance < (best?.distance ?? Int.max) { best = (candidate, distance) }
    }
    return best?.candidate
}

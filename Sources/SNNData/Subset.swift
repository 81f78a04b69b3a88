import SNNTensor

/// Class-balanced (stratified) subsets.
///
/// Selection rule, fixed so that a seed always names the same subset: for each class `k`,
/// the indices of its images (ascending) are shuffled with
/// `SeededRNG(seed: seed).derived(UInt64(k))` and the first `quota[k]` are kept. The kept
/// indices of all classes are then sorted, so the subset keeps the original relative order.
/// A class's choice depends only on the seed, its own images and its own quota.
extension LabeledImages {
    /// How `count` examples split over `classCount` classes: every class gets
    /// `count / classCount`, and the `count % classCount` left over go one each to the
    /// lowest-numbered classes.
    /// - Precondition: `count >= 0` and `classCount > 0`.
    public static func stratifiedQuotas(count: Int, classCount: Int) -> [Int] {
        precondition(count >= 0 && classCount > 0, "invalid quota request \(count)/\(classCount)")
        let (base, remainder) = count.quotientAndRemainder(dividingBy: classCount)
        return (0..<classCount).map { base + ($0 < remainder ? 1 : 0) }
    }

    /// The ascending indices of a stratified sample with `quotas[k]` images of class `k`.
    /// - Precondition: `quotas.count == classCount` and no quota is negative.
    /// - Throws: `DataError.notEnoughExamples` when a class has fewer images than its quota.
    public func stratifiedIndices(quotas: [Int], seed: UInt64) throws(DataError) -> [Int] {
        precondition(
            quotas.count == classCount && quotas.allSatisfy { $0 >= 0 },
            "need one non-negative quota per class, got \(quotas)")
        let root = SeededRNG(seed: seed)
        var chosen: [Int] = []
        chosen.reserveCapacity(quotas.reduce(0, +))
        for (label, var members) in indicesByClass().enumerated() {
            let quota = quotas[label]
            guard quota <= members.count else {
                throw .notEnoughExamples(label: label, requested: quota, available: members.count)
            }
            var rng = root.derived(UInt64(label))
            rng.shuffle(&members)
            chosen.append(contentsOf: members.prefix(quota))
        }
        chosen.sort()
        return chosen
    }

    /// A subset with exactly `perClass` images of every class, chosen by `seed`, in the
    /// original relative order.
    /// - Precondition: `perClass >= 0`.
    /// - Throws: `DataError.notEnoughExamples` when some class has fewer than `perClass` images.
    public func subset(perClass: Int, seed: UInt64 = 0) throws(DataError) -> LabeledImages {
        precondition(perClass >= 0, "perClass must be non-negative, got \(perClass)")
        let quotas = [Int](repeating: perClass, count: classCount)
        return selecting(try stratifiedIndices(quotas: quotas, seed: seed))
    }

    /// A subset of `count` images spread over the classes as evenly as possible (see
    /// `stratifiedQuotas`), chosen by `seed`, in the original relative order.
    /// - Precondition: `count >= 0`.
    /// - Throws: `DataError.notEnoughExamples` when some class has fewer images than its quota.
    public func stratifiedSubset(count: Int, seed: UInt64) throws(DataError) -> LabeledImages {
        let quotas = Self.stratifiedQuotas(count: count, classCount: classCount)
        return selecting(try stratifiedIndices(quotas: quotas, seed: seed))
    }
}

/// Held-out samples: images a subset left out.
extension LabeledImages {
    /// The ascending indices of a stratified sample of `count` images outside `excluded` (a
    /// training subset's indices): the images not excluded keep their order, and the sample is
    /// drawn from them as `stratifiedIndices(quotas:seed:)` draws (quotas `stratifiedQuotas`, seed
    /// `seed`), so it never shares an image with `excluded`.
    /// - Precondition: `count >= 0`.
    /// - Throws: `DataError.notEnoughExamples` when a class has fewer images left than its quota
    ///   (`available` counts the images of that class outside `excluded`).
    public func stratifiedIndices(count: Int, excluding excluded: [Int], seed: UInt64) throws(DataError) -> [Int] {
        let skipped = Set(excluded)
        let remaining = (0..<self.count).filter { !skipped.contains($0) }
        let rest = selecting(remaining)
        let quotas = Self.stratifiedQuotas(count: count, classCount: classCount)
        return try rest.stratifiedIndices(quotas: quotas, seed: seed).map { remaining[$0] }
    }
}

/// SplitMix64 (Steele, Lea & Flood 2014): used to expand one 64-bit seed into
/// the state of the main generator and to derive independent per-youth seeds.
public struct SplitMix64: Sendable {
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return SplitMix64.mix(state)
    }

    /// The SplitMix64 output function: a bijection of UInt64 with good avalanche.
    @inline(__always)
    public static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// xoshiro256** 1.0 (Blackman & Vigna): the generator behind every synthetic
/// value. Deterministic on every platform: the same seed always yields the same
/// sequence (Swift's SystemRandomNumberGenerator is never used).
public struct SynthRandom: Sendable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    public init(seed: UInt64) {
        var expander = SplitMix64(seed: seed)
        s0 = expander.next()
        s1 = expander.next()
        s2 = expander.next()
        s3 = expander.next()
    }

    /// An independent stream for entity `index` of the stream family `seed`
    /// (per-youth seeds: youth `i` always gets the same values, whatever came before).
    public static func derived(seed: UInt64, stream: UInt64, index: UInt64) -> SynthRandom {
        SynthRandom(seed: SplitMix64.mix(SplitMix64.mix(seed ^ SplitMix64.mix(stream)) &+ index))
    }

    @inline(__always)
    private static func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    public mutating func next() -> UInt64 {
        let result = SynthRandom.rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = SynthRandom.rotl(s3, 45)
        return result
    }

    /// Uniform in 0 ..< bound (Lemire's multiply-shift with rejection: no modulo bias).
    public mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0, "bound must be positive")
        let b = UInt64(bound)
        var product = next().multipliedFullWidth(by: b)
        if product.low < b {
            let threshold = (0 &- b) % b
            while product.low < threshold { product = next().multipliedFullWidth(by: b) }
        }
        return Int(product.high)
    }

    /// Uniform in the closed range.
    public mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.upperBound - range.lowerBound + 1)
    }

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform in [lower, upper).
    public mutating func double(_ lower: Double, _ upper: Double) -> Double { lower + (upper - lower) * unit() }

    /// True with probability `p`.
    public mutating func chance(_ p: Double) -> Bool { p > 0 && unit() < p }

    /// An index drawn with probability proportional to `weights` (non-negative; at least one positive).
    public mutating func weighted(_ weights: [Double]) -> Int {
        var total = 0.0
        for w in weights where w > 0 { total += w }
        precondition(total > 0, "weights must not all be zero")
        var target = unit() * total
        var last = 0
        for (i, w) in weights.enumerated() where w > 0 {
            if target < w { return i }
            target -= w
            last = i
        }
        return last
    }

    public mutating func element<T>(_ items: [T]) -> T { items[below(items.count)] }

    /// A small count with mean `mean` (Poisson, Knuth's method; means here are small).
    public mutating func poisson(_ mean: Double) -> Int {
        guard mean > 0 else { return 0 }
        if mean > 30 { return max(0, Int((mean + mean.squareRoot() * normal()).rounded())) }
        let limit = (-mean).exp
        var k = 0
        var p = unit()
        while p > limit {
            k += 1
            p *= unit()
        }
        return k
    }

    /// Approximately standard normal: the centred sum of four uniforms scaled to
    /// variance 1 (Irwin–Hall; bounded at ±3.46). Cheap and free of
    /// transcendental functions, so identical on every platform.
    public mutating func normal() -> Double {
        (unit() + unit() + unit() + unit() - 2) * 1.732_050_807_568_877_2
    }

    /// Fisher–Yates shuffle.
    public mutating func shuffle<T>(_ items: inout [T]) {
        guard items.count > 1 else { return }
        for i in stride(from: items.count - 1, to: 0, by: -1) {
            items.swapAt(i, below(i + 1))
        }
    }
}

// A Foundation-free exponential with platform-identical results (a difference in
// the last bit could change a rounding and so a byte of output).
extension Double {
    var exp: Double { SynthMath.exp(self) }
}

enum SynthMath {
    static func exp(_ x: Double) -> Double {
        // exp(x) = 2^k · exp(r), |r| ≤ ln2/2, Taylor series to full precision.
        let ln2 = 0.693_147_180_559_945_3
        let k = (x / ln2).rounded()
        let r = x - k * ln2
        var term = 1.0, sum = 1.0
        for n in 1...25 {
            term *= r / Double(n)
            sum += term
        }
        return sum * pow2(Int(k))
    }

    static func pow2(_ k: Int) -> Double {
        var result = 1.0
        if k >= 0 { for _ in 0..<k { result *= 2 } } else { for _ in 0..<(-k) { result /= 2 } }
        return result
    }
}

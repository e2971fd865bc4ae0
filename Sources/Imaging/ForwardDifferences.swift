extension Image {
    /// Σ over channels and pixels of f(I(y, x+1) − I(y, x)) + f(I(y+1, x) − I(y, x)). With
    /// `interiorOnly` only pixels that have both a right and a lower neighbour count; otherwise each
    /// difference that exists inside the image does. Shared by the gradient statistics below.
    func sumOverForwardDifferences(interiorOnly: Bool, _ f: (Double) -> Double) -> Double {
        var sum = 0.0
        pixels.withUnsafeBufferPointer { p in
            for c in 0..<channels {
                let base = c * height * width
                for y in 0..<height {
                    for x in 0..<width {
                        let hasRight = x + 1 < width, hasBelow = y + 1 < height
                        if interiorOnly && !(hasRight && hasBelow) { continue }
                        let i = base + y * width + x, v = Double(p[i])
                        if hasRight { sum += f(Double(p[i + 1]) - v) }
                        if hasBelow { sum += f(Double(p[i + width]) - v) }
                    }
                }
            }
        }
        return sum
    }
}

// Convolutions with few output channels — the PatchGAN critic's last layer (1) and the
// generator's last 7×7 layer (3) — done directly on the image by the loops of
// CKernels/direct_conv.c.
//
// Through im2col such a layer copies its input kh·kw times only to feed GEMMs of one to four rows:
// the generator's last layer unfolds 16·49 rows of 64² positions (12.8 MB per image, three times
// per training step, for 3 output rows), and its input gradient writes as much again before
// folding it back. Here the outputs of a row are summed in registers, 16 columns at a time, with
// each load of the image feeding every output channel.
//
// Each output, input-gradient or weight-gradient element sums its terms in a fixed order (see
// direct_conv.c), so results do not depend on how images go to threads.

import CKernels

extension ConvGeometry {
    /// Up to 4 output channels the direct loops beat im2col + GEMM (measured on the generator's
    /// last layer: the recipe step workloads); beyond that the GEMM's register blocking wins.
    func directPays(outChannels o: Int) -> Bool { o <= 4 }

    /// y [o, oh, ow] += w [o, rows] ⊛ x for output rows `oys`, one image.
    func directForward(_ x: UnsafePointer<Float>, _ w: UnsafePointer<Float>, outChannels o: Int, _ oys: Range<Int>,
                       into y: UnsafeMutablePointer<Float>) {
        precondition(directPays(outChannels: o))
        var g = cGeometry
        cdirect_forward(&g, x, w, y, o, oys.lowerBound, oys.upperBound)
    }

    /// dx [c, h, w] += the adjoint of `directForward` applied to gy [o, oh, ow], one image.
    func directInputGradient(_ gy: UnsafePointer<Float>, _ w: UnsafePointer<Float>, outChannels o: Int, _ oys: Range<Int>,
                             into dx: UnsafeMutablePointer<Float>) {
        precondition(directPays(outChannels: o))
        var g = cGeometry
        cdirect_input_grad(&g, gy, w, dx, o, oys.lowerBound, oys.upperBound)
    }

    /// dw [o, rows] += gy's rows `oys` times the windows of x, one image.
    func directWeightGradient(_ x: UnsafePointer<Float>, _ gy: UnsafePointer<Float>, outChannels o: Int, _ oys: Range<Int>,
                              into dw: UnsafeMutablePointer<Float>) {
        precondition(directPays(outChannels: o))
        var g = cGeometry
        cdirect_weight_grad(&g, x, gy, dw, o, oys.lowerBound, oys.upperBound)
    }
}

import Autograd
import Foundation
import NN

/// A layer-by-layer table of a network (the official index, what the layer is, its output shape
/// for one input, its parameters), as the deblurgan lesson prints for the generator and critic.
public struct LayerSummary {
    public struct Row {
        public let index: String
        public let layer: String
        public let shape: [Int]
        public let parameters: Int
    }

    public let rows: [Row]
    public let total: Int

    /// Runs `input` through the layers of `net` one by one, recording each output shape.
    public init(_ net: Sequential, input: Tensor) {
        var x = input
        rows = withNoGrad {
            net.layers.enumerated().map { i, layer in
                x = layer(x)
                return Row(index: "model.\(i)", layer: Self.describe(layer), shape: x.shape, parameters: layer.parameterCount)
            }
        }
        total = net.parameterCount
    }

    static func describe(_ m: Module) -> String {
        switch m {
        case let c as Conv2d:
            let w = c.weight.shape
            return "Conv \(w[2])×\(w[3]) \(w[1])→\(w[0])" + (c.stride > 1 ? " stride \(c.stride)" : "")
        case let c as ConvTranspose2d:
            let w = c.weight.shape
            return "ConvTranspose \(w[2])×\(w[3]) \(w[0])→\(w[1]) stride \(c.stride)"
        case let p as ReflectionPad2d: return "ReflectionPad(\(p.padding))"
        case is InstanceNorm2d: return "InstanceNorm"
        case is GroupNorm2d: return "GroupNorm(1)"
        case is Identity: return "(no norm)"
        case is ReLU: return "ReLU"
        case let l as LeakyReLU: return "LeakyReLU(\(l.negativeSlope))"
        case is Tanh: return "Tanh"
        case let b as ResnetBlock:
            let c = (b.convBlock[1] as! Conv2d).weight.shape[0]
            let norm = describe(b.convBlock[2])
            return "ResBlock \(c): 2 × (pad, conv 3×3, \(norm)), ReLU, Dropout"
        case let b as NAFBlock:
            return "NAFBlock \(b.conv3.weight.shape[0]): LN, 1×1, dw 3×3, gate, SCA, 1×1; LN, 1×1, gate, 1×1"
        case is LayerNorm2d: return "LayerNorm(channels)"
        default: return String(describing: type(of: m))
        }
    }

    /// The table as aligned text under `title`, parameter counts with thousands separators.
    public func text(_ title: String) -> String {
        func grouped(_ n: Int) -> String {
            let f = NumberFormatter()
            f.numberStyle = .decimal
            f.groupingSeparator = ","
            return f.string(from: NSNumber(value: n)) ?? "\(n)"
        }
        let w0 = max(8, rows.map(\.index.count).max() ?? 0) + 2, w1 = (rows.map(\.layer.count).max() ?? 0) + 2
        func pad(_ s: String, _ w: Int) -> String { s.count >= w ? s + " " : s + String(repeating: " ", count: w - s.count) }
        func right(_ s: String) -> String { String(repeating: " ", count: max(0, 10 - s.count)) + s }
        var lines = [title, pad("layer", w0) + pad("", w1) + pad("output shape", 22) + "parameters"]
        for r in rows {
            let shape = "[" + r.shape.map(String.init).joined(separator: ", ") + "]"
            lines.append(pad(r.index, w0) + pad(r.layer, w1) + pad(shape, 22) + right(grouped(r.parameters)))
        }
        lines.append(pad("total", w0 + w1 + 22) + right(grouped(total)))
        return lines.joined(separator: "\n")
    }
}

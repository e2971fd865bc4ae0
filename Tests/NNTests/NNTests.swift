import Autograd
import Foundation
import Testing
@testable import NN

/// All NN tests run one at a time: Autograd's gradient mode is a process-wide flag that
/// `withNoGrad` and `backward()` toggle, so parallel tests could switch recording off for each other.
@Suite(.serialized) struct NNTests {}

/// Largest absolute difference between two arrays of one length.
func maxDifference(_ a: [Float], _ b: [Float]) -> Float {
    precondition(a.count == b.count, "lengths \(a.count) and \(b.count) differ")
    return zip(a, b).map { abs($0 - $1) }.max() ?? 0
}

func meanAndStd(_ values: [Float]) -> (mean: Double, std: Double) {
    let n = Double(values.count)
    let mean = values.reduce(0.0) { $0 + Double($1) } / n
    let variance = values.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / n
    return (mean, variance.squareRoot())
}

/// A fresh empty folder for files a test writes; removed by the caller with `defer`.
func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("nn-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

import Testing
@testable import Plot
@Test func placeholder() {}

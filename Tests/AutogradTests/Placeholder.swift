import Testing
@testable import Autograd
@Test func placeholder() {}

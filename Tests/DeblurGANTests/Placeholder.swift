import Testing
@testable import DeblurGAN
@Test func placeholder() {}

import DeblurGAN
import Foundation
import Imaging

/// The named photos of Data/ (`DeblurRecipe.paths`), for the commands run from the package root
/// that train or score on them (`course train`, `recipe`, `score`); a missing photo becomes the
/// command's own one-line error, built by `missing` from the message.
func recipePhotos(_ names: [String], missing: (String) -> Error) throws -> [Image] {
    try DeblurRecipe.paths(names).map { path in
        guard FileManager.default.fileExists(atPath: path) else { throw missing("\(path): no such photo (run from the package root)") }
        return try PNG.read(path)
    }
}

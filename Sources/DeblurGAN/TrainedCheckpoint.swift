/// Where the `deblurgan` lesson keeps the model it trains, so that `course deblur` finds it without
/// being told: a `DeblurGANTrainer` checkpoint in the lesson's out folder (relative to the package
/// root, where `course` is run). It is not a report artifact and never committed (out/ is ignored).
public enum TrainedCheckpoint {
    public static let fileName = "deblurgan.safetensors"
    public static let defaultPath = "out/deblurgan/" + fileName
}

/// The generator the course ships (committed, ≤ 10 MB): trained by `course train --preset long`,
/// its recipe, seed, steps, CPU hours, photos and commit in its metadata. `course deblur` falls
/// back to it when the lesson has not trained a model, so a newcomer can deblur with no training.
public enum ShippedCheckpoint {
    public static let path = "Data/models/deblurgan-course.safetensors"
}

/// Where the `deblurgan` lesson keeps the model it trains, so that `course deblur` finds it without
/// being told: a `DeblurGANTrainer` checkpoint in the lesson's out folder (relative to the package
/// root, where `course` is run). It is not a report artifact and never committed (out/ is ignored).
public enum TrainedCheckpoint {
    public static let fileName = "deblurgan.safetensors"
    public static let defaultPath = "out/deblurgan/" + fileName
}

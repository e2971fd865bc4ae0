import Autograd
print("course: \(Engine.blasCoreName)")

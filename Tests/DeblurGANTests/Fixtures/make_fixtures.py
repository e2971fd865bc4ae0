"""Reference outputs of DeblurGAN's networks, computed by PyTorch, for DeblurGANTests.

The modules below mirror the official DeblurGAN code (models/networks.py: ResnetGenerator with
ResnetBlock, NLayerDiscriminator) as listed in REFERENCES.md, at a tiny size: generator ngf 4
with 1 block, critic ndf 4 with 3 layers. Weights are PyTorch's default initialisation (biases
non-zero, so they are exercised) from a fixed seed; dropout is off (eval mode) for determinism.
Like the released weights, the generator file also carries InstanceNorm running_mean/running_var
entries, which a loader must accept and ignore.

Run with a Python that has torch and safetensors:  python make_fixtures.py
"""
import torch
import torch.nn as nn
from safetensors.torch import save_file


class ResnetBlock(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.conv_block = nn.Sequential(
            nn.ReflectionPad2d(1), nn.Conv2d(dim, dim, 3, bias=True), nn.InstanceNorm2d(dim), nn.ReLU(True),
            nn.Dropout(0.5),
            nn.ReflectionPad2d(1), nn.Conv2d(dim, dim, 3, bias=True), nn.InstanceNorm2d(dim))

    def forward(self, x):
        return x + self.conv_block(x)


class ResnetGenerator(nn.Module):
    def __init__(self, ngf, n_blocks, learn_residual):
        super().__init__()
        self.learn_residual = learn_residual
        model = [nn.ReflectionPad2d(3), nn.Conv2d(3, ngf, 7, bias=True), nn.InstanceNorm2d(ngf), nn.ReLU(True)]
        for i in range(2):
            mult = 2 ** i
            model += [nn.Conv2d(ngf * mult, ngf * mult * 2, 3, stride=2, padding=1, bias=True),
                      nn.InstanceNorm2d(ngf * mult * 2), nn.ReLU(True)]
        for _ in range(n_blocks):
            model += [ResnetBlock(ngf * 4)]
        for i in range(2):
            mult = 2 ** (2 - i)
            model += [nn.ConvTranspose2d(ngf * mult, ngf * mult // 2, 3, stride=2, padding=1, output_padding=1, bias=True),
                      nn.InstanceNorm2d(ngf * mult // 2), nn.ReLU(True)]
        model += [nn.ReflectionPad2d(3), nn.Conv2d(ngf, 3, 7), nn.Tanh()]
        self.model = nn.Sequential(*model)

    def forward(self, x):
        y = self.model(x)
        return torch.clamp(x + y, -1, 1) if self.learn_residual else y


class NLayerDiscriminator(nn.Module):
    def __init__(self, ndf, n_layers):
        super().__init__()
        kw, padw = 4, 2
        seq = [nn.Conv2d(3, ndf, kw, stride=2, padding=padw), nn.LeakyReLU(0.2, True)]
        mult = 1
        for n in range(1, n_layers):
            prev, mult = mult, min(2 ** n, 8)
            seq += [nn.Conv2d(ndf * prev, ndf * mult, kw, stride=2, padding=padw, bias=True),
                    nn.InstanceNorm2d(ndf * mult), nn.LeakyReLU(0.2, True)]
        prev, mult = mult, min(2 ** n_layers, 8)
        seq += [nn.Conv2d(ndf * prev, ndf * mult, kw, stride=1, padding=padw, bias=True),
                nn.InstanceNorm2d(ndf * mult), nn.LeakyReLU(0.2, True)]
        seq += [nn.Conv2d(ndf * mult, 1, kw, stride=1, padding=padw)]
        self.model = nn.Sequential(*seq)

    def forward(self, x):
        return self.model(x)


torch.manual_seed(0)
G = ResnetGenerator(ngf=4, n_blocks=1, learn_residual=True).eval()
D = NLayerDiscriminator(ndf=4, n_layers=3).eval()
# Paper-size counts, checked here so the Swift test's constants have a PyTorch source too.
assert sum(p.numel() for p in ResnetGenerator(64, 9, True).parameters()) == 11378179
assert sum(p.numel() for p in NLayerDiscriminator(64, 3).parameters()) == 2764737

x = torch.rand(2, 3, 16, 12) * 2 - 1
with torch.no_grad():
    residual = G(x)
    plain = G.model(x)
    scores = D(x)

g_state = {k: v.contiguous() for k, v in G.state_dict().items()}
for i, layer in enumerate(G.model):  # old PyTorch's InstanceNorm buffers, as in the released weights
    if isinstance(layer, nn.InstanceNorm2d):
        g_state[f"model.{i}.running_mean"] = torch.zeros(layer.num_features)
        g_state[f"model.{i}.running_var"] = torch.ones(layer.num_features)
save_file(g_state, "generator_ngf4_b1.safetensors")
save_file({k: v.contiguous() for k, v in D.state_dict().items()}, "critic_ndf4_l3.safetensors")
save_file({"input": x, "generator_residual": residual, "generator_plain": plain, "critic": scores},
          "io_2x3x16x12.safetensors")

#!/usr/bin/env python3
"""The course's own workloads beside torch_ref.py's (which stays a verbatim copy of the shared
reference): one training step of the deblurgan lesson's recipe, `DeblurGANConfig.lesson` —
ResNet generator ngf 16 / 3 blocks without normalisation or dropout, batch 4 of 64² pairs, Adam
1e-3 β (0.9, 0.999), content 100·L1; the adversarial step adds one WGAN-GP critic update (PatchGAN
ndf 16, the official code's penalty: one ε per batch, norms over channels) and 0.1·(−mean D(G(x))).
recipe_naf_content_step is the content step with NAFNet's blocks (`long-naf`, ResnetGenerator(block: .naf)).
Usage: python torch_recipe.py [--threads 1,2] [--csv out.csv] [--only name,...]"""
import argparse, csv, sys
sys.dont_write_bytecode = True   # no __pycache__ in Benchmarks/, a SwiftPM target folder
import torch, torch.nn as nn
from torch_ref import timeit, patch_critic, nparams

class PlainBlock(nn.Module):
    def __init__(s, c):
        super().__init__()
        s.body = nn.Sequential(nn.ReflectionPad2d(1), nn.Conv2d(c, c, 3), nn.ReLU(True), nn.ReflectionPad2d(1), nn.Conv2d(c, c, 3))
    def forward(s, x): return x + s.body(x)

class PlainGenerator(nn.Module):
    """torch_ref.Generator without InstanceNorm and dropout, as the recipe's ResnetGenerator(norm: .none, dropout: 0)."""
    def __init__(s, ngf=16, blocks=3, block=PlainBlock):
        super().__init__()
        L = [nn.ReflectionPad2d(3), nn.Conv2d(3, ngf, 7), nn.ReLU(True)]
        c = ngf
        for _ in range(2): L += [nn.Conv2d(c, 2 * c, 3, 2, 1), nn.ReLU(True)]; c *= 2
        L += [block(c) for _ in range(blocks)]
        for _ in range(2): L += [nn.ConvTranspose2d(c, c // 2, 3, 2, 1, output_padding=1), nn.ReLU(True)]; c //= 2
        L += [nn.ReflectionPad2d(3), nn.Conv2d(c, 3, 7), nn.Tanh()]
        s.net = nn.Sequential(*L)
    def forward(s, x): return torch.clamp(x + s.net(x), -1, 1)

class LayerNorm2d(nn.Module):
    """NAFNet's LayerNorm2d: each pixel's channels normalised, then a per-channel scale and shift."""
    def __init__(s, c, eps=1e-6):
        super().__init__(); s.weight, s.bias, s.eps = nn.Parameter(torch.ones(c)), nn.Parameter(torch.zeros(c)), eps
    def forward(s, x):
        mu = x.mean(1, keepdim=True); var = (x - mu).pow(2).mean(1, keepdim=True)
        return (x - mu) / (var + s.eps).sqrt() * s.weight.view(1, -1, 1, 1) + s.bias.view(1, -1, 1, 1)

class NAFBlock(nn.Module):
    """NAFNet's block as the course's NAFBlock: LN, 1×1 to 2c, depthwise 3×3, SimpleGate, SCA, 1×1, β;
    LN, 1×1 to 2c, SimpleGate, 1×1, γ."""
    def __init__(s, c):
        super().__init__()
        s.norm1, s.conv1, s.conv2 = LayerNorm2d(c), nn.Conv2d(c, 2 * c, 1), nn.Conv2d(2 * c, 2 * c, 3, padding=1, groups=2 * c)
        s.sca, s.conv3 = nn.Conv2d(c, c, 1), nn.Conv2d(c, c, 1)
        s.norm2, s.conv4, s.conv5 = LayerNorm2d(c), nn.Conv2d(c, 2 * c, 1), nn.Conv2d(c, c, 1)
        s.beta, s.gamma = nn.Parameter(torch.zeros(1, c, 1, 1)), nn.Parameter(torch.zeros(1, c, 1, 1))
    @staticmethod
    def gate(x): a, b = x.chunk(2, dim=1); return a * b
    def forward(s, x):
        h = s.gate(s.conv2(s.conv1(s.norm1(x))))
        h = h * s.sca(h.mean((2, 3), keepdim=True))
        y = x + s.conv3(h) * s.beta
        return y + s.conv5(s.gate(s.conv4(s.norm2(y)))) * s.gamma

def official_penalty(D, real, fake, lam=10.0):
    a = torch.rand(1).expand_as(real)
    x = (a * real + (1 - a) * fake).requires_grad_(True)
    g, = torch.autograd.grad(D(x).sum(), x, create_graph=True)
    return lam * ((g.norm(2, dim=1) - 1) ** 2).mean()

def workloads():
    W = {}
    for name, adversarial, block in [('recipe_content_step', False, PlainBlock), ('recipe_adversarial_step', True, PlainBlock),
                                     ('recipe_naf_content_step', False, NAFBlock)]:
        G, D = PlainGenerator(block=block), patch_critic(16)
        optG = torch.optim.Adam(G.parameters(), 1e-3, betas=(0.9, 0.999))
        optD = torch.optim.Adam(D.parameters(), 1e-3, betas=(0.9, 0.999))
        blurred, sharp = torch.rand(4, 3, 64, 64) * 2 - 1, torch.rand(4, 3, 64, 64) * 2 - 1
        print(f'# {name}: generator {nparams(G)}, critic {nparams(D)} parameters', file=sys.stderr)
        def step(G=G, D=D, optG=optG, optD=optD, adversarial=adversarial):
            restored = G(blurred)
            loss = 100 * (restored - sharp).abs().mean()
            if adversarial:
                fake = restored.detach()
                d_loss = D(fake).mean() - D(sharp).mean() + official_penalty(D, sharp, fake)
                optD.zero_grad(); d_loss.backward(); optD.step()
                loss = loss + 0.1 * -D(restored).mean()
            optG.zero_grad()
            G_grads = torch.autograd.grad(loss, list(G.parameters()))   # G's gradients only, as the course
            for p, g in zip(G.parameters(), G_grads): p.grad = g
            optG.step()
        W[name] = step
    return W

if __name__ == '__main__':
    ap = argparse.ArgumentParser(); ap.add_argument('--threads', default='1,2'); ap.add_argument('--csv'); ap.add_argument('--only')
    args = ap.parse_args()
    torch.manual_seed(0)
    rows = []
    for t in [int(s) for s in args.threads.split(',')]:
        torch.set_num_threads(t)
        for name, fn in workloads().items():
            if args.only and name not in args.only.split(','): continue
            ms = timeit(fn)
            note = f'{60000 / ms:.0f} steps/min'
            rows.append(dict(workload=name, threads=t, ms=round(ms, 3), note=note))
            print(f'{name:28s} threads={t}  {ms:10.3f} ms  {note}', flush=True)
    if args.csv:
        with open(args.csv, 'w', newline='') as fh:
            w = csv.DictWriter(fh, fieldnames=['workload', 'threads', 'ms', 'note']); w.writeheader(); w.writerows(rows)

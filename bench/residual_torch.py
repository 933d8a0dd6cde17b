"""PyTorch reference for the speed comparison in bench/toys.ts: the residual-depth toy of the inverse
depth scaling paper (same model, data, loss and optimizer as src/toys/residual-depth.ts), timed on the
CPU in float32.

    /usr/bin/python3 bench/residual_torch.py --steps 200 --depths 2,4,8,16 --dim 16 --hidden 64 --batch 128 --threads 1

The students (residual MLPs h <- h + relu(rms(h) F + c)^2 P, P zero-initialised; output rms(h)) train
on the same batch each step, each with its own Adam at lr / sqrt(l), on the mean squared error against
the teacher's targets. As in the toy, the batch is drawn from a fixed pool of teacher pairs computed
before the timed steps (the teacher: depth 64, P scaled by 1/sqrt(64)). A step = one batch for every
student: what the toy's progress counts as depths.length student steps. Prints one JSON line:
{"steps_per_s": ..., "seconds": ..., "threads": ..., "torch": ...}.
Debian's PyTorch takes its BLAS from the system (libblas.so.3); bench/toys.ts runs this script with
OpenBLAS (libopenblas0-pthread) first on the library path, one thread, and says so in its output.
Written from the description in docs/toys.md#residual-depth (the authors' code is not copied).
"""
import argparse
import math
import time

import torch

from torch_timing import add_timing_options, report

EPS = torch.finfo(torch.float32).eps


def rms(h):
    return h * torch.rsqrt(h.pow(2).mean(dim=-1, keepdim=True) + EPS)


class Block(torch.nn.Module):
    def __init__(self, d, H, p_scale):
        super().__init__()
        self.up = torch.nn.Linear(d, H)
        self.down = torch.nn.Linear(H, d, bias=False)
        with torch.no_grad():
            self.down.weight.mul_(p_scale)

    def forward(self, h):
        return h + self.down(torch.relu(self.up(rms(h))) ** 2)


class Net(torch.nn.Module):
    def __init__(self, depth, d, H, p_scale):
        super().__init__()
        self.blocks = torch.nn.ModuleList([Block(d, H, p_scale) for _ in range(depth)])

    def forward(self, h):
        for b in self.blocks:
            h = b(h)
        return rms(h)


def main():
    ap = argparse.ArgumentParser()
    add_timing_options(ap, steps=200, threads=1)
    ap.add_argument("--depths", default="2,4,8,16")
    ap.add_argument("--teacher-depth", type=int, default=64)
    ap.add_argument("--dim", type=int, default=16)
    ap.add_argument("--hidden", type=int, default=64)
    ap.add_argument("--pool", type=int, default=65536)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--lr", type=float, default=0.01)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    d, H, B = a.dim, a.hidden, a.batch
    depths = [int(x) for x in a.depths.split(",")]
    teacher = Net(a.teacher_depth, d, H, 1 / math.sqrt(a.teacher_depth))
    with torch.no_grad():
        x_pool = rms(torch.randn(a.pool, d))
        y_pool = teacher(x_pool)
    students = [Net(l, d, H, 0.0) for l in depths]
    opts = [torch.optim.Adam(s.parameters(), lr=a.lr / math.sqrt(l), betas=(0.9, 0.999), eps=1e-8) for s, l in zip(students, depths)]
    total = a.warmup + a.steps
    t0 = None
    for step in range(total):
        if step == a.warmup:
            t0 = time.perf_counter()
        idx = torch.randint(0, a.pool, (B,))
        x, y = x_pool[idx], y_pool[idx]
        for s, opt in zip(students, opts):
            loss = torch.mean((s(x) - y) ** 2)
            opt.zero_grad()
            loss.backward()
            opt.step()
    report(a.steps, t0, final_loss=float(loss))


if __name__ == "__main__":
    main()

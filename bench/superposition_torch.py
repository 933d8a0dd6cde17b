"""PyTorch reference for the speed comparison in bench/toys.ts: the superposition toy of
"Superposition yields robust neural scaling" (same model, data and optimizer as
src/toys/superposition-model.ts), timed on the CPU.

    /usr/bin/python3 bench/superposition_torch.py --steps 300 --n 1000 --m 100 --batch 256

Prints one JSON line: {"steps_per_s": ..., "seconds": ..., "threads": ..., "torch": ...}.
Debian's PyTorch takes its BLAS from the system (libblas.so.3); bench/toys.ts runs this script with
OpenBLAS (libopenblas0-pthread) first on the library path, one thread, and says so in its output.
Written from the description in docs/toys.md#superposition-width (the authors' code is not copied).
"""
import argparse
import math
import time

import torch

from torch_timing import add_timing_options, report


class SignedAdamW(torch.optim.Optimizer):
    """Adam (0.9, 0.999, 1e-8) with decoupled signed weight decay, applied before the moments:
    gamma >= 0: W <- W (1 - lr gamma); gamma < 0: W_i <- W_i + lr gamma W_i (1 - 1/|W_i|) row-wise."""

    def __init__(self, params, lr=1e-2, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        super().__init__(params, dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay))

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            lr, (b1, b2), eps, wd = group["lr"], group["betas"], group["eps"], group["weight_decay"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                if wd > 0:
                    p.mul_(1 - lr * wd)
                elif wd < 0:
                    norm = p.norm(dim=1, keepdim=True)
                    p.add_(lr * wd * p * (1 - 1 / (norm + 1e-8)))
                st = self.state[p]
                if not st:
                    st["t"] = 0
                    st["m"] = torch.zeros_like(p)
                    st["v"] = torch.zeros_like(p)
                st["t"] += 1
                st["m"].mul_(b1).add_(p.grad, alpha=1 - b1)
                st["v"].mul_(b2).addcmul_(p.grad, p.grad, value=1 - b2)
                c1 = 1 - b1 ** st["t"]
                c2 = 1 - b2 ** st["t"]
                denom = (st["v"] / c2).sqrt_().add_(eps)
                p.addcdiv_(st["m"], denom, value=-lr / c1)


def main():
    ap = argparse.ArgumentParser()
    add_timing_options(ap, steps=300, threads=0)
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--m", type=int, default=100)
    ap.add_argument("--batch", type=int, default=256)
    ap.add_argument("--alpha", type=float, default=1.5)
    ap.add_argument("--gamma", type=float, default=-1.0)
    a = ap.parse_args()
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    n, m, B = a.n, a.m, a.batch
    p = torch.arange(1, n + 1, dtype=torch.float32) ** (-a.alpha)
    p = p / p.sum()
    W = torch.nn.Parameter(torch.randn(n, m) / math.sqrt(m))
    b = torch.nn.Parameter(torch.randn(n))
    opt = SignedAdamW([{"params": [W], "weight_decay": a.gamma}, {"params": [b], "weight_decay": 0.0}], lr=1e-2)
    loss_fn = torch.nn.MSELoss()
    total = a.warmup + a.steps
    t0 = None
    for s in range(total):
        if s == a.warmup:
            t0 = time.perf_counter()
        x = (torch.rand(B, n) < p).float() * torch.rand(B, n) * 2
        y = torch.relu(x @ W @ W.T + b)
        loss = loss_fn(y, x)
        opt.zero_grad()
        loss.backward()
        opt.step()
    report(a.steps, t0, final_loss_summed=float(loss) * n)


if __name__ == "__main__":
    main()

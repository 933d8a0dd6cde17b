"""PyTorch reference for the speed comparison in bench/toys.ts: the softmax-time toy of the one-third
paper (same model, data, loss and optimizer as src/toys/softmax-time.ts), timed on the CPU in float32.

    /usr/bin/python3 bench/softmax_torch.py --steps 300 --vocab 128 --dim 32 --batch 1024 --threads 1

A step: a fresh batch x ~ N(0, I_d), RMS-normalised (no gain, eps = float32 machine epsilon); teacher
logits W* x / T, student logits W x (W zero-initialised); loss KL(p_T || p_S) averaged over the batch;
backward; Adam (0.9, 0.999, 1e-8) at a constant rate. Prints one JSON line:
{"steps_per_s": ..., "seconds": ..., "threads": ..., "torch": ...}.
Debian's PyTorch takes its BLAS from the system (libblas.so.3); bench/toys.ts runs this script with
OpenBLAS (libopenblas0-pthread) first on the library path, one thread, and says so in its output.
Written from the description in docs/toys.md#softmax-time (the authors' code is not copied).
"""
import argparse
import math
import time

import torch

from torch_timing import add_timing_options, report


def main():
    ap = argparse.ArgumentParser()
    add_timing_options(ap, steps=300, threads=1)
    ap.add_argument("--vocab", type=int, default=128)
    ap.add_argument("--dim", type=int, default=32)
    ap.add_argument("--batch", type=int, default=1024)
    ap.add_argument("--temperature", type=float, default=1e-3)
    ap.add_argument("--lr", type=float, default=0.08)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    V, d, B = a.vocab, a.dim, a.batch
    bound = 1 / math.sqrt(d)
    teacher = (torch.rand(V, d) * 2 - 1) * bound / a.temperature
    W = torch.nn.Parameter(torch.zeros(V, d))
    opt = torch.optim.Adam([W], lr=a.lr, betas=(0.9, 0.999), eps=1e-8)
    eps = torch.finfo(torch.float32).eps
    total = a.warmup + a.steps
    t0 = None
    for s in range(total):
        if s == a.warmup:
            t0 = time.perf_counter()
        x = torch.randn(B, d)
        x = x * torch.rsqrt(x.pow(2).mean(dim=1, keepdim=True) + eps)
        with torch.no_grad():
            log_pt = torch.log_softmax(x @ teacher.T, dim=1)
        log_ps = torch.log_softmax(x @ W.T, dim=1)
        loss = torch.nn.functional.kl_div(log_ps, log_pt, reduction="batchmean", log_target=True)
        opt.zero_grad()
        loss.backward()
        opt.step()
    report(a.steps, t0, final_loss=float(loss))


if __name__ == "__main__":
    main()

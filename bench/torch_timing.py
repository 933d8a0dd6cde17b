"""Shared by the PyTorch reference scripts (bench/*_torch.py): the timing options and the one JSON line they print."""
import json
import time

import torch


def add_timing_options(ap, steps, threads):
    """--steps (timed), --warmup (untimed steps first, as for our runs) and --threads."""
    ap.add_argument("--steps", type=int, default=steps)
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--threads", type=int, default=threads)


def report(steps, t0, **extra):
    """Prints {"steps_per_s", "seconds", "steps", "threads", "torch", ...extra} for the timed steps since t0."""
    dt = time.perf_counter() - t0
    print(json.dumps({"steps_per_s": steps / dt, "seconds": dt, "steps": steps, "threads": torch.get_num_threads(),
                      "torch": torch.__version__, **extra}))

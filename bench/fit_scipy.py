"""Reference for bench/fit.ts: Epoch AI's Chinchilla replication fit with scipy's L-BFGS-B.

Reads {params, tokens, loss, mode} as JSON on stdin (points already filtered), fits
log L = LSE(a - alpha log N, b - beta log D, e) with scipy.special.huber(delta, r) summed over points
(or averaged, mode 'mean'), from Hoffmann's 4,500-point grid (or one given start), exactly as Epoch's
notebook does: scipy.optimize.minimize(method='L-BFGS-B') with default tolerances and no gradient
(finite differences). Prints JSON: best params, objective, time, nit of the best run.
"""
import json, sys, time
import numpy as np
from scipy.optimize import minimize
from scipy.special import huber, logsumexp

d = json.load(sys.stdin)
N = np.array(d['params']); D = np.array(d['tokens']); L = np.array(d['loss'])
delta = d.get('delta', 1e-3)
lnN, lnD, lnL = np.log(N), np.log(D), np.log(L)
reduce = np.mean if d.get('mode') == 'mean' else np.sum

def objective(p):
    a, b, e, alpha, beta = p
    pred = logsumexp([a - alpha * lnN, b - beta * lnD, e * np.ones_like(lnN)], axis=0)
    return reduce(huber(delta, lnL - pred))

if 'start' in d:
    starts = [d['start']]
else:
    starts = [[a, b, e, al, be] for al in np.arange(0, 2.5, 0.5) for be in np.arange(0, 2.5, 0.5)
              for e in np.arange(-1, 1.5, 0.5) for a in np.arange(0, 30, 5) for b in np.arange(0, 30, 5)]
starts = starts[::d.get('stride', 1)]
best = None
t0 = time.perf_counter(); c0 = time.process_time()
for s in starts:
    r = minimize(objective, s, method='L-BFGS-B')
    if best is None or r.fun < best.fun:
        best = r
elapsed = time.perf_counter() - t0; cpu = time.process_time() - c0
a, b, e, alpha, beta = best.x
print(json.dumps({'A': float(np.exp(a)), 'B': float(np.exp(b)), 'E': float(np.exp(e)), 'alpha': float(alpha), 'beta': float(beta),
                  'objective': float(objective(best.x)), 'sumObjective': float(np.sum(huber(delta, lnL - logsumexp([a - alpha * lnN, b - beta * lnD, e * np.ones_like(lnN)], axis=0)))),
                  'seconds': elapsed, 'cpuSeconds': cpu, 'starts': len(starts), 'nit': int(best.nit), 'success': bool(best.success), 'message': str(best.message)}))

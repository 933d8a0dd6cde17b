// Synthetic results shaped like the real fit, frontier and toy results, shared by the chart tests.
import type { FitLike, FrontierLike, ToyLike } from '../../src/notebook/shapes';

export function fakeFit(): FitLike {
  const m: number[] = [], l: number[] = [], D: number[] = [], loss: number[] = [];
  for (const mm of [256, 512, 1024]) for (const ll of [4, 8]) for (const dd of [1e8, 1e9, 1e10]) {
    m.push(mm); l.push(ll); D.push(dd); loss.push(1.8 + 200 / mm + 2 / ll + 900 * dd ** (-1 / 3));
  }
  const evaluate = (v: Record<string, number>) => 1.8 + 200 / v.m + 2 / v.l + 900 * v.D ** (-1 / 3);
  return {
    kind: 'fit', law: 'L0 + c_m / m + c_l / l + c_D * D^(-1/3)', lawName: 'universal',
    roles: { m: 'width', l: 'depth', D: 'tokens' },
    data: { variables: { m, l, D }, loss, included: loss.map((_, i) => i !== 0) },
    coefficients: { L0: 1.8, width: 200, depth: 2, time: 900 }, exponents: { width: 1, depth: 1, time: 1 / 3 },
    params: { L0: { name: 'L0', value: 1.8, stderr: 0.01, ci: [1.78, 1.82], fixed: false } },
    evaluate, summary: () => 'fake fit summary', n: 18,
  };
}

export function fakeFrontier(k = 1): FrontierLike {
  const L0 = 1.8, K = 800 * k;
  const loss = (C: number) => L0 + K * (C / 6) ** (-1 / 6);
  const rows = [1e19, 1e21, 1e23].map((C) => {
    const N = Math.sqrt(C / 6 / 20);
    return { flops: C, params: N, tokens: 20 * N, width: (N / 12 * 50) ** (1 / 3), depth: (N / 12 / 2500) ** (1 / 3), tokensPerParam: 20, loss: loss(C) };
  });
  return {
    kind: 'frontier', rows, tokensPerParam: 20, aspectRatio: 50, lossExponent: -1 / 6, constants: { L0, K }, loss,
    bands: { loss: rows.map((r) => [r.loss - 0.01, r.loss + 0.01]) }, summary: () => 'fake frontier',
  };
}

export function fakeToy(): ToyLike {
  const step: number[] = [], tau: number[] = [], loss: number[] = [], width: number[] = [];
  for (const w of [10, 20]) for (let s = 1; s <= 1000; s++) { step.push(s); tau.push(0.08 * s); width.push(w); loss.push((1 / w) * (0.08 * s) ** (-1 / 3)); }
  const x = [5, 10, 20, 40, 80, 150];
  return {
    kind: 'toy', name: 'softmax-time', curves: { step, tau, loss, width }, points: { x, loss: x.map((v) => v ** (-0.34)), xLabel: 'tau' },
    exponent: { value: 0.34, stderr: 0.01, ci: [0.32, 0.36], expected: 1 / 3, range: [5, 150] }, backend: 'wasm', seconds: 3, notes: [], summary: () => 'fake toy',
  };
}

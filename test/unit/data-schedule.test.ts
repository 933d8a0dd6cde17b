import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dynamicTime, learningRate } from '../../src/data';
import { ScalingLabError } from '../../src/errors';
import { runPython } from './fit-scipy';

const close = (a: number, b: number, rel: number, msg: string) => assert.ok(Math.abs(a - b) <= rel * Math.abs(b), `${msg}: ${a} vs ${b}`);

// Closed form: for eta_s = peak (f + (1 - f)(1 + cos(pi s / T)) / 2), s = 1..t, Lagrange's identity
// sum_{s=1}^{t} cos(pi s / T) = (sin(pi (t + 1/2) / T) - sin(pi / (2T))) / (2 sin(pi / (2T))) gives
// tau(t) = peak (f t + (1 - f)(t + that sum) / 2); at t = T the cosine sum is -1.
function cosineTau(t: number, T: number, f: number, peak: number): number {
  const h = Math.PI / (2 * T);
  const cosSum = (Math.sin(Math.PI * (t + 0.5) / T) - Math.sin(h)) / (2 * Math.sin(h));
  return peak * (f * t + (1 - f) * (t + cosSum) / 2);
}

test('cosine schedule: tau equals the closed-form sum, at the end and part-way', () => {
  const T = 10_000;
  for (const f of [0, 0.1]) {
    const r = dynamicTime({ kind: 'cosine', total: T, final: f, peak: 3e-4 }, [1, 137, 5000, 9999, T]);
    [1, 137, 5000, 9999, T].forEach((t, i) => close(r.tau[i], cosineTau(t, T, f, 3e-4), 1e-12, `final ${f}, t ${t}`));
    close(r.total!, 3e-4 * (f * T + (1 - f) * (T - 1) / 2), 1e-12, 'tau(T) = peak (f T + (1 - f)(T - 1) / 2)');
  }
});

test('constant, linear and warm-up: tau is an arithmetic sum', () => {
  // constant: tau = peak t; linear warm-up of W steps: peak (W + 1) / 2 over the warm-up
  assert.deepEqual(dynamicTime({ kind: 'constant', peak: 0.5 }, [0, 4, 10]).tau, [0, 2, 5]);
  const W = 100;
  close(dynamicTime({ kind: 'constant', warmup: W }, W).tau[0], (W + 1) / 2, 1e-14, 'warm-up sum');
  // linear decay to 0 over T steps (no warm-up): sum_{s=1}^{T} (1 - s / T) = (T - 1) / 2
  close(dynamicTime({ kind: 'linear', total: 1000 }).tau[0], 999 / 2, 1e-14, 'linear decay');
  // the string shorthand is a constant schedule of peak 1: tau counts updates
  assert.deepEqual(dynamicTime('constant', [3, 1]).tau, [3, 1]);
});

test("dynamic time matches numpy's cumulative sum for Pythia's and warm-up-stable-decay schedules", (t) => {
  // Pythia: linear warm-up over 1% of 143,000 steps, cosine to 0.1 x peak (docs/methods.md#dynamic-time)
  const steps = [0, 1, 100, 1430, 1431, 50_000, 142_999, 143_000];
  const pythia = dynamicTime({ kind: 'cosine', total: 143_000, warmup: 0.01, final: 0.1, peak: 1e-3 }, steps);
  const wsd = dynamicTime({ kind: 'wsd', total: 20_000, warmup: 500, decay: 0.2, final: 0, decayShape: 'sqrt' }, [0, 500, 15_999, 16_000, 17_000, 20_000]);
  const ref = runPython<{ pythia: number[]; wsd: number[]; lr: number[] }>(`
import sys, json, numpy as np
d = json.load(sys.stdin)
T, W, f, peak = 143000, 1430, 0.1, 1e-3
s = np.arange(1, T + 1, dtype=float)
lr = np.where(s <= W, peak * s / W, peak * (f + (1 - f) * 0.5 * (1 + np.cos(np.pi * (s - W) / (T - W)))))
tau = np.concatenate([[0.0], np.cumsum(lr)])
T2, W2, D2 = 20000, 500, 4000
s2 = np.arange(1, T2 + 1, dtype=float)
q = np.clip((s2 - (T2 - D2)) / D2, 0, 1)
lr2 = np.where(s2 <= W2, s2 / W2, 1 - np.sqrt(q))
tau2 = np.concatenate([[0.0], np.cumsum(lr2)])
print(json.dumps({'pythia': [float(tau[k]) for k in d['steps']], 'wsd': [float(tau2[k]) for k in d['wsd']], 'lr': [float(lr[k - 1]) for k in (1, 1430, 1431, 143000)]}))
`, { steps, wsd: wsd.steps });
  if (!ref.ok) { t.skip(ref.reason); return; }
  pythia.tau.forEach((v, i) => close(v, ref.value.pythia[i], 1e-10, `pythia tau(${steps[i]})`));
  wsd.tau.forEach((v, i) => close(v, ref.value.wsd[i], 1e-10, `wsd tau(${wsd.steps[i]})`));
  [1, 1430, 1431, 143_000].forEach((s, i) => close(pythia.rate(s), ref.value.lr[i], 1e-12, `pythia lr(${s})`));
  assert.equal(pythia.schedule.warmup, 1430);
  assert.match(pythia.summary(), /cosine schedule[\s\S]*tau at the end/);
  assert.deepEqual(pythia.table().columns, ['step', 'lr', 'tau']);
});

test('a column of tau values for runs with their own peak rates and lengths', () => {
  // Each run's tau depends on its own schedule: build the column row by row.
  const runs = [{ lr: 1e-3, total: 1000, step: 500 }, { lr: 3e-4, total: 2000, step: 2000 }];
  const tau = runs.map((r) => dynamicTime({ kind: 'cosine', total: r.total, peak: r.lr }, r.step).tau[0]);
  close(tau[0], cosineTau(500, 1000, 0, 1e-3), 1e-12, 'run 0');
  close(tau[1], 3e-4 * 1999 / 2, 1e-12, 'run 1');
  assert.equal(learningRate({ kind: 'cosine', total: 1000 }, 1000), 0);
  assert.equal(learningRate({ kind: 'wsd', total: 100, decay: 10, final: 0.5 }, 90), 1);
  assert.equal(learningRate({ kind: 'wsd', total: 100, decay: 10, final: 0.5 }, 100), 0.5);
});

test('bad schedules and steps are ScalingLabErrors that name the field and the fix', () => {
  const bad: Array<[() => unknown, RegExp]> = [
    [() => dynamicTime({ kind: 'cosine' } as never, 10), /needs total/],
    [() => dynamicTime({ kind: 'cosne' as never, total: 10 }), /kind must be one of constant, linear, cosine, wsd/],
    [() => dynamicTime({ kind: 'cosine', total: 100 }, 101), /step 101 (?:\(steps\[0\]\) )?is past the end of the schedule \(total = 100\)[\s\S]*raise total/],
    [() => dynamicTime({ kind: 'cosine', total: 100 }, [10, 2.5]), /steps\[1\]\) must be a whole number/],
    [() => dynamicTime({ kind: 'cosine', total: 100, warmup: 150 }), /warm-up \(150 steps\) do not fit in total = 100/],
    [() => dynamicTime({ kind: 'cosine', total: 100, final: 2 }), /final is a fraction of peak/],
    [() => dynamicTime({ kind: 'cosine', total: 100, decay: 10 }), /decay and decayShape belong to 'wsd'/],
    [() => dynamicTime({ kind: 'constant', warmup: 0.1 }, 5), /fraction of total, but the schedule has no total/],
    [() => dynamicTime('constant'), /give the steps/],
    [() => dynamicTime({ kind: 'cosine', total: 100, peek: 1 } as never), /unknown option 'peek'[\s\S]*known options are: kind, peak/],
  ];
  for (const [fn, re] of bad) assert.throws(fn, (e: unknown) => e instanceof ScalingLabError && re.test(e.message), String(re));
});

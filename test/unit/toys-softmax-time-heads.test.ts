// softmax-time's optimizer, head and input-spectrum options, its logit-scale curves and its floor
// detection, each against a closed form (docs/toys.md#softmax-time).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runToy } from '../../src/toys';
import { resolveToyOptions } from '../../src/toys/resolve';
import { lossFloor } from '../../src/toys/softmax-time-fit';
import { dataFrameColumns } from '../../src/data/frame';
import { slopeText } from '../../src/notebook/figures/toy';
import { plots } from '../../src/notebook';
import { fakeToy } from '../helpers/fakeResults';
import { ScalingLabError } from '../../src/errors';
import { Rng } from '../../src/util/random';

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
const sd = (v: number[]) => Math.sqrt(v.reduce((a, b) => a + (b - mean(v)) ** 2, 0) / (v.length - 1));

test('softmax-time: optimizer, head and inputSpectrum are checked, naming the option', () => {
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ optimizer: 'rmsprop' }, /option 'optimizer' must be one of 'adam', 'sgd'/],
    [{ head: 'softmax' }, /option 'head' must be one of 'softmax-ce', 'mse'/],
    [{ inputSpectrum: -1 }, /option 'inputSpectrum' must be >= 0/],
    [{ inputSpectrum: 'steep' }, /option 'inputSpectrum' must be a finite number/],
  ];
  for (const [opts, re] of cases) {
    assert.throws(() => resolveToyOptions('softmax-time', opts), (e: unknown) => e instanceof ScalingLabError && re.test(e.message));
  }
  const o = resolveToyOptions('softmax-time', {});
  assert.equal(o.optimizer, 'adam');
  assert.equal(o.head, 'softmax-ce');
  assert.equal(o.inputSpectrum, 0);
});

// SGD on the squared-error head with isotropic inputs is linear regression with E[x x'] = I and
// |x|^2 = d (RMS normalisation). The error matrix E obeys E_{t+1} = E_t (I - lr M_t) with M_t the batch's
// second moment, E[M^2] = (1 + (d - 1)/B) I, so the expected loss (1/2)|E|^2 falls by exactly
// q = 1 - 2 lr + lr^2 (1 + (d - 1)/B) per step: L ~ exp(-r tau), r = -ln(q) / lr. Gradient flow would
// give r = 2: the lr^2 term (SGD's noise) is what tells the two apart here.
test('softmax-time, head mse + sgd: the loss decays exponentially at the closed-form rate of SGD on linear regression', async () => {
  const lr = 0.1, d = 32, B = 256;
  const opts = { head: 'mse' as const, optimizer: 'sgd' as const, temperature: 1, lr, dim: d, batch: B, steps: 100, logEvery: 1, fitRange: [0.5, 10] as [number, number] };
  const rates: number[] = [];
  for (const seed of [0, 1, 2, 3]) {
    const r = await runToy('softmax-time', { ...opts, seed });
    assert.equal(r.regime, 'exponential', r.notes.join('\n'));
    assert.ok(r.exponentialR2 > r.powerLawR2);
    rates.push(r.exponentialRate.value);
  }
  const closed = -Math.log(1 - 2 * lr + lr * lr * (1 + (d - 1) / B)) / lr; // 2.0923
  const se = sd(rates) / Math.sqrt(rates.length);
  assert.ok(Math.abs(mean(rates) - closed) <= 3 * se, `rate ${mean(rates)} ± ${se} against ${closed}`);
  assert.ok(Math.abs(mean(rates) - 2) > 3 * se, `gradient flow's rate 2 is not excluded: ${mean(rates)} ± ${se}`);
});

// The same regression from W = 0: E[W_t] = W*_T (1 - (1 - lr)^t), so beta (the projection on the
// teacher, in units of its logit scale) follows 1 - (1 - lr)^t and ends at the teacher's logit scale,
// where the student's logit std is the teacher's.
test('softmax-time: beta is the projection of the student on the teacher (linear regression closed form)', async () => {
  const lr = 0.1;
  const r = await runToy('softmax-time', { head: 'mse', optimizer: 'sgd', temperature: 1, lr, batch: 256, steps: 100, logEvery: 1, fitRange: [0.5, 10], seed: 5 });
  const c = dataFrameColumns(r.curves) as Record<string, number[]>;
  const end = c.beta[c.beta.length - 1];
  for (const t of [2, 5, 10, 20]) {
    const i = c.step.indexOf(t);
    const expected = end * (1 - (1 - lr) ** t) / (1 - (1 - lr) ** 100);
    assert.ok(Math.abs(c.beta[i] / expected - 1) < 0.02, `step ${t}: beta ${c.beta[i]} against ${expected}`);
  }
  assert.ok(Math.abs(c.logitStd[c.logitStd.length - 1] / end - 1) < 0.05, `logit std ${c.logitStd[c.logitStd.length - 1]} against beta ${end}`);
  assert.equal(c.beta[0], 0);
});

// With input spectrum lambda_i = i^-alpha (alpha = 3, d = 32) and a teacher with i.i.d. weights, gradient
// flow gives L(tau) ∝ sum_i lambda_i exp(-2 lambda_i tau): local slope (alpha - 1)/alpha = 2/3 in the
// continuum; the 32-term sum's log-log slope over the fitted points is the closed form compared here.
test('softmax-time, head mse + sgd with a power-law input spectrum: exponent of the closed-form sum, not 1/3', async () => {
  const alpha = 3, d = 32;
  const opts = { head: 'mse' as const, optimizer: 'sgd' as const, temperature: 1, lr: 0.2, batch: 256, steps: 1500, logEvery: 5, inputSpectrum: alpha, fitRange: [3, 300] as [number, number] };
  const runs = [];
  for (const seed of [0, 1, 2]) runs.push(await runToy('softmax-time', { ...opts, seed }));
  const exps = runs.map((r) => r.exponent.value);
  const x = runs[0].points.x;
  const lam = Array.from({ length: d }, (_, i) => (i + 1) ** -alpha);
  const ly = x.map((t) => Math.log(lam.reduce((s, l) => s + l * Math.exp(-2 * l * t), 0)));
  const lx = x.map(Math.log);
  const mx = mean(lx), my = mean(ly);
  const closed = -lx.reduce((s, v, i) => s + (v - mx) * (ly[i] - my), 0) / lx.reduce((s, v) => s + (v - mx) ** 2, 0);
  const se = Math.max(sd(exps) / Math.sqrt(exps.length), ...runs.map((r) => r.exponent.stderr));
  assert.ok(Math.abs(mean(exps) - closed) <= 3 * se, `exponent ${mean(exps)} ± ${se} against the closed form ${closed}`);
  assert.ok(mean(exps) - 1 / 3 > 3 * se, 'clearly not the softmax one-third');
  assert.equal(runs[0].exponent.expected, (alpha - 1) / alpha);
});

test('lossFloor: finds the floor of a converged curve that blows up, and none in a noisy power law', () => {
  const rng = new Rng(1);
  const tau = Array.from({ length: 400 }, (_, i) => i * 0.4);
  // exponential decay to a floor of 1e-4 at tau ~ 50, then a rise to 1e-2 (Adam at a constant rate)
  const flat = tau.map((t) => (0.5 * Math.exp(-0.17 * t) + 1e-4 + (t > 70 ? 1e-2 : 0)) * Math.exp(0.2 * rng.normal()));
  const f = lossFloor(tau, flat);
  assert.ok(f, 'floor found');
  assert.ok(f.loss > 5e-5 && f.loss < 2e-4, `floor ${f.loss}`);
  // the fit ends where the running median comes within 10x of the floor: 0.5 exp(-0.17 tau) = 9e-4 at tau 37
  assert.ok(f.reachedAt > 30 && f.reachedAt < 42, `reached at ${f.reachedAt}`);
  const power = tau.map((t) => 0.9 * (t + 1) ** (-1 / 3) * Math.exp(0.3 * rng.normal()));
  assert.equal(lossFloor(tau, power), null);
});

test('the toy chart writes a slope with one sign: a falling fit reads −0.34, a rising one +0.47 (never −-0.47)', () => {
  assert.equal(slopeText(-0.34), '−0.34');
  assert.equal(slopeText(0.4709), '+0.4709');
  assert.equal(slopeText(0), '0');
  const rising = { ...fakeToy(), exponent: { value: -0.4709, stderr: 0.14, ci: [-0.751, -0.19] as [number, number], expected: 1 / 3, range: [5, 150] as [number, number] } };
  const names = plots.toy(rising).data.map((t) => String(t.name));
  assert.ok(names.includes('fit: slope +0.4709 [0.19, 0.751]'), names.join(' | '));
  assert.ok(names.every((n) => !/−-/.test(n)), names.join(' | '));
  const falling = plots.toy(fakeToy()).data.map((t) => String(t.name));
  assert.ok(falling.includes('fit: slope −0.34 [−0.36, −0.32]'), falling.join(' | '));
});

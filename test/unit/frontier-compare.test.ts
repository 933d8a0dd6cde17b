// compareFrontiers: frontiers of several fits side by side, paired by their bootstrap draws. References:
// the closed forms of docs/derivations.md#frontier-closed-forms (universal: N* = (C/6)^(1/2) (c_N/c_D)^(3/2)
// with c_N = (27/4 k c_m^2 c_l)^(1/3); Chinchilla form: N* ~ C^(beta/(alpha+beta)), L* - E ~ C^(-alpha beta/(alpha+beta))).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitLaw, fitUniversal } from '../../src/fit';
import { compareFrontiers } from '../../src/frontier';
import { bundleFor, plots, PLOTLY_MIME } from '../../src/notebook';
import { ScalingLabError } from '../../src/errors';
import { Rng } from '../../src/util/random';

const TRUE = { L0: 1.8, c_m: 400, c_l: 3, c_D: 1000 };

function runs(noise: number, seed = 1): Record<string, number[]> {
  const rng = new Rng(seed);
  const rows: Record<string, number[]> = { width: [], depth: [], tokens: [], N: [], loss: [] };
  for (const width of [256, 512, 1024, 2048]) {
    for (const depth of [4, 8, 16, 32]) {
      for (const tokens of [1e8, 1e9, 1e10, 1e11]) {
        rows.width.push(width); rows.depth.push(depth); rows.tokens.push(tokens); rows.N.push(12 * width * width * depth);
        rows.loss.push((TRUE.L0 + TRUE.c_m / width + TRUE.c_l / depth + TRUE.c_D * tokens ** (-1 / 3)) * Math.exp(noise * rng.normal()));
      }
    }
  }
  return rows;
}

test('compareFrontiers: fixed and free exponents on noiseless runs give the closed-form frontier, ratios 1', () => {
  const data = runs(0);
  const fixed = fitUniversal(data, { bootstrap: 20 });
  const free = fitUniversal(data, { exponents: 'free', bootstrap: 20 });
  const c = compareFrontiers({ fixed, free }, { budgets: [1e20, 1e23] });
  const cN = Math.cbrt((27 / 4) * 12 * TRUE.c_m ** 2 * TRUE.c_l);
  for (const row of c.rows) {
    const N = Math.sqrt(row.flops / 6) * (cN / TRUE.c_D) ** 1.5;
    assert.ok(Math.abs(row.params / N - 1) < 1e-5, `${row.fit} at ${row.flops}: ${row.params} vs ${N}`);
    assert.ok(Math.abs(row.tokensPerParam / (TRUE.c_D / cN) ** 3 - 1) < 1e-5);
  }
  assert.deepEqual(c.rows.map((r) => [r.fit, r.flops]), [['fixed', 1e20], ['free', 1e20], ['fixed', 1e23], ['free', 1e23]]);
  for (const q of c.ratios) assert.ok(Math.abs(q.ratio - 1) < 1e-5 && q.verdict === 'agree', `${q.ratio} ${q.verdict}`);
  // an interval that holds 1 is reported as no difference found, never as agreement
  assert.match(c.summary(), /interval holds 1, not told apart/);
  assert.doesNotMatch(c.summary(), /: agree$/m);
  const e = c.exponents.find((x) => x.fit === 'fixed')!;
  assert.ok(Math.abs(e.allocation - 0.5) < 1e-12 && Math.abs(e.lossExponent + 1 / 6) < 1e-12);
  // the runs, placed by C = 6 * 12 m^2 l * D
  assert.equal(c.runs!.flops.length, 64);
  assert.ok(Math.abs(c.runs!.flops[5] / (6 * 12 * data.width[5] ** 2 * data.depth[5] * data.tokens[5]) - 1) < 1e-15);
  assert.equal(c.paired, true);
  // the chart grid: 24 points from the runs' smallest compute to the largest budget (which ends it), plus the other budget
  assert.equal(c.frontiers.fixed.rows.length, 25);
  assert.equal(c.frontiers.fixed.rows[0].flops, Math.min(...c.runs!.flops));
});

test('compareFrontiers: draws pair up when the fits resampled the same runs (same seed), not otherwise', () => {
  const data = runs(0.01, 2);
  const a = fitUniversal(data, { bootstrap: 100, seed: 1 });
  const same = fitUniversal(data, { bootstrap: 100, seed: 1 });
  const other = fitUniversal(data, { bootstrap: 100, seed: 2 });
  const paired = compareFrontiers({ a, same }, { budgets: [1e21] });
  assert.equal(paired.paired, true);
  assert.deepEqual(paired.ratios[0].interval, [1, 1]);
  const unpaired = compareFrontiers({ a, other }, { budgets: [1e21] });
  assert.equal(unpaired.paired, false);
  const ci = unpaired.ratios[0].interval!;
  assert.ok(ci[0] < 0.99 && ci[1] > 1.01, `${ci}`);
  assert.match(unpaired.summary(), /unpaired/);
});

test('compareFrontiers: the Chinchilla form has its closed-form exponents', () => {
  const h = { E: 1.69, A: 406.4, B: 410.7, alpha: 0.34, beta: 0.28 };
  const data = runs(0);
  const loss = data.N.map((n, i) => h.E + h.A / n ** h.alpha + h.B / data.tokens[i] ** h.beta);
  const chin = fitLaw({ N: data.N, tokens: data.tokens, loss }, 'chinchilla', { starts: [h], bootstrap: 30 });
  const fixed = fitUniversal({ ...data, loss }, { bootstrap: 30 });
  const c = compareFrontiers({ chinchilla: chin, fixed }, { budgets: [1e19, 1e22] });
  const e = c.exponents[0];
  assert.ok(Math.abs(e.allocation - h.beta / (h.alpha + h.beta)) < 1e-6, `${e.allocation}`);
  assert.ok(Math.abs(e.lossExponent + (h.alpha * h.beta) / (h.alpha + h.beta)) < 1e-6);
  assert.ok(e.allocationInterval![0] <= e.allocation && e.allocation <= e.allocationInterval![1]);
  assert.equal(c.reference, 'chinchilla');
  // runs placed by the Chinchilla fit's own N
  assert.ok(Math.abs(c.runs!.params[3] - data.N[3]) < 1e-6);
});

test('compareFrontiers: shows a chart of the frontiers over the runs, and bad input names the option', () => {
  const data = runs(0.01, 3);
  const fixed = fitUniversal(data, { bootstrap: 20 });
  const free = fitUniversal(data, { exponents: 'free', bootstrap: 20 });
  const c = compareFrontiers({ fixed, free }, { budgets: [1e20, 1e22] });
  const fig = plots.frontiers(c);
  const names = fig.data.map((t) => t.name).filter(Boolean);
  assert.ok(names.includes('fixed') && names.includes('free') && names.some((n) => String(n).startsWith('runs')), names.join(', '));
  assert.equal(fig.data.filter((t) => t.fill === 'toself').length, 6, 'a band per fit and panel');
  const bundle = bundleFor(c);
  assert.ok(PLOTLY_MIME in bundle);
  assert.match(String(bundle['text/html']), /Ratios with paired intervals/);
  const err = (f: () => unknown, code: string, re: RegExp) => assert.throws(f, (e: unknown) => e instanceof ScalingLabError && e.code === code && re.test(e.message));
  err(() => compareFrontiers({ fixed }), 'bad-input', /two or more fits/);
  err(() => compareFrontiers({ fixed, free }, { reference: 'x' }), 'bad-option', /reference 'x'/);
  err(() => compareFrontiers({ fixed, free }, { quantity: 'width' as never }), 'bad-option', /quantity must be one of/);
  err(() => compareFrontiers({ fixed, free }, { gridPoints: -1 }), 'bad-option', /gridPoints/);
});

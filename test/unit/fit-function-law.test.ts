// Laws as JavaScript functions (issue 15 item 6): fitLaw(data, (p, row) => ..., { params }) solved by
// ml-levenberg-marquardt, with the pipeline's result, report, convergence check and bootstrap.
// References: the same law as an expression (the package's own solver), and scipy on a law that needs a
// loop (Tissue et al. 2024's learning-rate annealing law).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fitLaw, type FunctionParam, type LawFunction } from '../../src/fit';
import { datasets } from '../../src/data';
import { LAWS } from '../../src/laws';
import { ScalingLabError } from '../../src/errors';
import { Rng } from '../../src/util/random';
import { runPython } from './fit-scipy';

const H = LAWS.chinchilla.references.hoffmann2022.constants;
const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
const epoch = () => datasets.epochChinchilla({ as: 'columns' });

const chinchilla: LawFunction = function chinchilla(p, x) { return p.E + p.A / x.N ** p.alpha + p.B / x.D ** p.beta; };
const chinchillaParams: Record<string, FunctionParam> = {
  E: { start: H.E, min: 0, log: true }, A: { start: H.A, min: 0, log: true }, alpha: { start: H.alpha },
  B: { start: H.B, min: 0, log: true }, beta: { start: H.beta },
};

test('the Chinchilla law as an expression and as a function reach the same optimum (Huber 1e-3, Epoch\'s data)', () => {
  const asText = fitLaw(epoch(), 'chinchilla', { exclude: { highestLoss: 5 }, starts: [H], bootstrap: 0 });
  const asFunction = fitLaw(epoch(), chinchilla, { exclude: { highestLoss: 5 }, params: chinchillaParams, bootstrap: 0 });
  assert.equal(asText.converged, true);
  assert.equal(asFunction.converged, true, asFunction.summary());
  assert.ok(rel(asFunction.objective, asText.objective) < 1e-8, `objective ${asFunction.objective} vs ${asText.objective}`);
  for (const k of ['E', 'A', 'alpha', 'B', 'beta']) {
    assert.ok(rel(asFunction.params[k].value, asText.params[k].value) < 1e-4, `${k}: ${asFunction.params[k].value} vs ${asText.params[k].value}`);
    assert.ok(rel(asFunction.params[k].stderr!, asText.params[k].stderr!) < 1e-2, `${k} SE: ${asFunction.params[k].stderr} vs ${asText.params[k].stderr}`);
  }
  assert.deepEqual(asFunction.roles, { N: 'params', D: 'tokens' });
  assert.equal(asFunction.lawKind, 'function');
  assert.equal(asFunction.law, 'function chinchilla(p, row)');
  assert.match(asFunction.summary(), /solver: ml-levenberg-marquardt 4\.1\.3/);
  assert.match(asText.summary(), /solver: scalinglab Levenberg-Marquardt \(analytic Jacobian/);
  assert.match(asFunction.summary(), /convergence check: .*passed/);
  const [y] = asFunction.predict([{ N: 7e10, D: 1.4e12 }]);
  assert.ok(rel(y, asText.predict([{ N: 7e10, D: 1.4e12 }])[0]) < 1e-5);
});

test('weights, residuals on L and the over-estimate penalty reach the function law\'s solver: the same optimum as the expression', () => {
  const e = epoch() as unknown as Record<string, number[]>;
  const weights = e.params.map((N, i) => Math.sqrt(N * e.tokens[i]) / 1e10);
  const options = { exclude: { highestLoss: 5 }, objective: { residuals: 'loss' as const, overestimatePenalty: 3 }, weights, bootstrap: 0 as const };
  const asText = fitLaw(e, 'chinchilla', { ...options, starts: [H] });
  const asFunction = fitLaw(e, chinchilla, { ...options, params: chinchillaParams });
  assert.equal(asFunction.converged, true, asFunction.summary());
  assert.ok(rel(asFunction.objective, asText.objective) < 1e-8, `objective ${asFunction.objective} vs ${asText.objective}`);
  for (const k of ['E', 'alpha', 'beta']) assert.ok(rel(asFunction.params[k].value, asText.params[k].value) < 1e-4, `${k}: ${asFunction.params[k].value} vs ${asText.params[k].value}`);
});

/**
 * Tissue et al. 2024, "Scaling Law with Learning Rate Annealing": L(s) = L0 + A S1^(-alpha) - C S2 with
 * S1 = sum of the learning rates to step s and S2 = sum of m_i, m_i = lambda m_(i-1) + (eta_(i-1) - eta_i):
 * the annealing momentum, a loop over the steps whose decay lambda is a parameter. Cosine schedules from
 * peak 1 to 0.1 over `total` steps.
 */
const annealing: LawFunction = function annealing(p, row) {
  let s1 = 0, s2 = 0, m = 0, prev = 1;
  for (let i = 1; i <= row.step; i++) {
    const eta = 0.1 + 0.45 * (1 + Math.cos(Math.PI * i / row.total));
    s1 += eta;
    m = p.lambda * m + (prev - eta);
    s2 += m;
    prev = eta;
  }
  return p.L0 + p.A * s1 ** -p.alpha - p.C * s2;
};

test('a law that needs a loop (learning-rate annealing, Tissue et al. 2024) fitted as a function equals scipy least_squares', (t) => {
  const truth = { L0: 2.0, A: 6, alpha: 0.45, C: 2e-3, lambda: 0.99 };
  const g = new Rng(11);
  const rows = [400, 800, 1600].flatMap((total) => Array.from({ length: 8 }, (_, k) => Math.round(((k + 1) * total) / 8))
    .map((step) => ({ step, total, loss: annealing(truth, { step, total }) * Math.exp(0.002 * g.normal()) })));
  const params = { L0: { start: 1.8 }, A: { start: 4, min: 0, log: true }, alpha: { start: 0.4 }, C: { start: 1e-3 }, lambda: { start: 0.98, min: 0, max: 0.9999 } };
  const fit = fitLaw(rows, annealing, { params, objective: 'lsq', variables: { step: 'step', total: 'total' }, bootstrap: 0 });
  assert.equal(fit.converged, true, fit.summary());
  const ref = runPython<{ x: number[]; cost: number }>(`
import sys, json, numpy as np
from scipy.optimize import least_squares
d = json.load(sys.stdin)
step, total, L = (np.array(d[k]) for k in ('step', 'total', 'loss'))
def law(q):
    L0, lA, alpha, C, lam = q
    out = np.empty(len(step))
    for j in range(len(step)):
        s1 = s2 = m = 0.0; prev = 1.0
        for i in range(1, int(step[j]) + 1):
            eta = 0.1 + 0.45*(1 + np.cos(np.pi*i/total[j]))
            s1 += eta; m = lam*m + (prev - eta); s2 += m; prev = eta
        out[j] = L0 + np.exp(lA)*s1**(-alpha) - C*s2
    return out
r = least_squares(lambda q: np.log(L) - np.log(law(q)), d['x0'], bounds=([-np.inf, -np.inf, -np.inf, -np.inf, 0], [np.inf, np.inf, np.inf, np.inf, 0.9999]), xtol=1e-15, ftol=1e-15, gtol=1e-15)
print(json.dumps({'x': list(r.x), 'cost': float(r.cost)}))
`, { step: rows.map((r) => r.step), total: rows.map((r) => r.total), loss: rows.map((r) => r.loss), x0: [1.8, Math.log(4), 0.4, 1e-3, 0.98] }, 600_000);
  if (!ref.ok) { t.skip(ref.reason); return; }
  const [L0, lA, alpha, C, lambda] = ref.value.x;
  assert.ok(fit.objective <= ref.value.cost * (1 + 1e-7), `objective ${fit.objective} vs scipy ${ref.value.cost}`);
  const expected: Record<string, number> = { L0, A: Math.exp(lA), alpha, C, lambda };
  for (const [k, v] of Object.entries(expected)) assert.ok(rel(fit.params[k].value, v) < 1e-3, `${k}: ${fit.params[k].value} vs scipy ${v}`);
  assert.ok(Math.abs(fit.params.lambda.value - truth.lambda) < 5 * fit.params.lambda.stderr!, `lambda ${fit.params.lambda.value} +/- ${fit.params.lambda.stderr} vs planted ${truth.lambda}`);
});

test('a function law is bootstrapped by run with the same seed giving the same draws, and its variables are the names it reads', () => {
  const c = epoch() as unknown as Record<string, number[]>;
  const rows = c.loss.map((loss, i) => ({ N: c.params[i], D: c.tokens[i], loss, noise: i }));
  const options = { exclude: { highestLoss: 5 }, params: chinchillaParams, objective: 'lsq' as const, bootstrap: 40, seed: 2 };
  const a = fitLaw(rows, chinchilla, options);
  const b = fitLaw(rows, chinchilla, options);
  assert.deepEqual(a.bootstrap!.samples.alpha, b.bootstrap!.samples.alpha);
  assert.equal(a.bootstrap!.samples.alpha.length, 40);
  assert.ok(a.params.alpha.ci![0] < a.params.alpha.value && a.params.alpha.value < a.params.alpha.ci![1], JSON.stringify(a.params.alpha));
  assert.deepEqual(Object.keys(a.roles), ['N', 'D'], 'the columns the law does not read (noise) are no variables');
  const fixedE = fitLaw(rows, chinchilla, { ...options, bootstrap: 0, params: { ...chinchillaParams, E: { start: 1.8, fixed: true } } });
  assert.equal(fixedE.params.E.value, 1.8);
  assert.equal(fixedE.params.E.fixed, true);
});

test('a function law: bad input gets a ScalingLabError naming the parameter, the row or the name read, and the fix', () => {
  const e = epoch();
  const throwsWith = (f: () => unknown, re: RegExp) => assert.throws(f, (err: unknown) => err instanceof ScalingLabError && re.test(err.message), String(re));
  throwsWith(() => fitLaw(e, chinchilla, {} as never), /needs params: one entry per parameter with its start value/);
  throwsWith(() => fitLaw(e, chinchilla, { params: { ...chinchillaParams, alpha: { start: 3, min: 0, max: 2 } } }), /params.alpha.start = 3 is outside \[0, 2\]/);
  throwsWith(() => fitLaw(e, chinchilla, { params: { ...chinchillaParams, A: { start: -1, log: true } } }), /params.A is fitted as a logarithm/);
  throwsWith(() => fitLaw(e, chinchilla, { params: { ...chinchillaParams, beta: { start: 0.3, step: 1 } as never } }), /unknown option 'step'/);
  throwsWith(() => fitLaw(e, chinchilla, { params: chinchillaParams, bounds: { alpha: [0, 1] } } as never), /'bounds' is set per parameter in params/);
  throwsWith(() => fitLaw(e, (p, x) => p.E + p.A / x.Nparams ** p.alpha, { params: { E: { start: 1 }, A: { start: 400 }, alpha: { start: 0.3 } } }), /reads row.Nparams, which is no column[\s\S]*variables: \{ Nparams: '<column>' \}/);
  throwsWith(() => fitLaw(e, (p, x) => p.E - p.A / x.N ** p.alpha, { params: { E: { start: 1 }, A: { start: 1e6 }, alpha: { start: 0.3 } } }), /positive finite loss, but at the \(first\) start values it returns row 0 \(N = /);
  throwsWith(() => fitLaw(e, (p) => p.E, { params: { E: { start: 1 } } }), /reads no variable from its row/);
});

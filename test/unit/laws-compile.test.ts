// The compiled law (src/laws/compile.ts, codegen.ts) against the law written out in JavaScript here:
// values to rounding, and the analytic Jacobian against central finite differences of that JavaScript
// function, for every operator and function of the law language, at several parameter points.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileLaw, evaluateNode, parseLaw } from '../../src/laws/expression';
import { FUNCTIONS } from '../../src/laws/functions';
import { LAWS } from '../../src/laws';
import { ScalingLabError } from '../../src/errors';

type Scope = Record<string, number>;
interface Case { law: string; vars: string[]; params: string[]; js: (s: Scope) => number; columns?: number[][] }

/** Data: the k-th variable of a law takes COLUMNS[k] (or the case's own columns). */
const X = [1.5, 2.75, 4, 7.25, 12];
const COLUMNS = [X, [3, 0.5, 9, 1.25, 2], [2e9, 5e10, 7e8, 3e11, 1e10]];
const data = (c: Case) => c.vars.map((_, k) => Float64Array.from((c.columns ?? COLUMNS)[k]));
const pointOf = (c: Case, i: number): Scope => Object.fromEntries(c.vars.map((v, k) => [v, (c.columns ?? COLUMNS)[k][i]]));
/** Sizes and token counts: N, D and unique tokens U (some U above D), for the laws in N and D. */
const SIZES = [[1e8, 5e8, 2e9, 8e9, 3e10], [2e9, 1e10, 5e10, 4e10, 9e10], [1e9, 2e10, 1e10, 4e10, 3e10]];

/** Parameter points (natural units); every law below is positive and finite at all of them. */
const POINTS: Scope[] = [
  { a: 0.7, b: 1.3, c: 2.1, E: 1.69, A: 406.4, alpha: 0.34, B: 410.7, beta: 0.28, L0: 1.778, c_m: 387.6, c_l: 3.253, c_D: 1064, N_c: 8.8, alpha_N: 0.076, alpha_D: 0.095, D_c: 5.4,
    K: 0.8, kappa: 1.3, E_x: 1.2, E_y: 1.5, R_N_star: 5.3, R_D_star: 15.4, D_b: 1e11, gamma: 0.2, f: 0.5 },
  { a: 1.9, b: 0.45, c: 0.8, E: 1.2, A: 50, alpha: 0.9, B: 3000, beta: 0.5, L0: 0.5, c_m: 20, c_l: 40, c_D: 300, N_c: 0.3, alpha_N: 0.5, alpha_D: 0.2, D_c: 30,
    K: 2, kappa: 0.7, E_x: 0.5, E_y: 0.3, R_N_star: 2, R_D_star: 30, D_b: 1e10, gamma: 0.5, f: 1 },
  { a: 0.25, b: 2.6, c: 3.3, E: 2.5, A: 3, alpha: 0.1, B: 20, beta: 1.2, L0: 3, c_m: 1, c_l: 0.2, c_D: 15, N_c: 60, alpha_N: 1.1, alpha_D: 0.7, D_c: 0.9,
    K: 1.1, kappa: 2.2, E_x: 1.4, E_y: 2, R_N_star: 10, R_D_star: 3, D_b: 1e12, gamma: 1, f: 0.2 },
];

const CASES: Case[] = [
  { law: 'a + b * x', vars: ['x'], params: ['a', 'b'], js: (s) => s.a + s.b * s.x },
  { law: 'c - b / x', vars: ['x'], params: ['b', 'c'], js: (s) => s.c - s.b / s.x },
  { law: 'a / (b + x)', vars: ['x'], params: ['a', 'b'], js: (s) => s.a / (s.b + s.x) },
  { law: '-a * x + 80 * b', vars: ['x'], params: ['a', 'b'], js: (s) => -s.a * s.x + 80 * s.b },
  { law: '-(a - 5 * b) + x', vars: ['x'], params: ['a', 'b'], js: (s) => -(s.a - 5 * s.b) + s.x },
  { law: '+a + x', vars: ['x'], params: ['a'], js: (s) => s.a + s.x },
  // ^ with each kind of base and exponent.
  { law: 'x^a', vars: ['x'], params: ['a'], js: (s) => s.x ** s.a },
  { law: 'b * x^(-a)', vars: ['x'], params: ['a', 'b'], js: (s) => s.b * s.x ** -s.a },
  { law: 'a^x', vars: ['x'], params: ['a'], js: (s) => s.a ** s.x },
  { law: 'a^b * x', vars: ['x'], params: ['a', 'b'], js: (s) => s.a ** s.b * s.x },
  { law: '(a + x)^b', vars: ['x'], params: ['a', 'b'], js: (s) => (s.a + s.x) ** s.b },
  { law: '(b * x)^(a / c)', vars: ['x'], params: ['a', 'b', 'c'], js: (s) => (s.b * s.x) ** (s.a / s.c) },
  { law: 'x^y * a', vars: ['x', 'y'], params: ['a'], js: (s) => s.x ** s.y * s.a },
  { law: '(a * x)^2 + (a * x)^(-1) + (b * x)^0.5 + (b + x)^1.7 + x^2 * c', vars: ['x'], params: ['a', 'b', 'c'],
    js: (s) => (s.a * s.x) ** 2 + 1 / (s.a * s.x) + Math.sqrt(s.b * s.x) + (s.b + s.x) ** 1.7 + s.x ** 2 * s.c },
  // Functions.
  { law: 'exp(-a * x) + b', vars: ['x'], params: ['a', 'b'], js: (s) => Math.exp(-s.a * s.x) + s.b },
  { law: 'log(a * x + b)', vars: ['x'], params: ['a', 'b'], js: (s) => Math.log(s.a * s.x + s.b) },
  { law: 'a * log(x + 2, 2) + log(b + x, x + 1)', vars: ['x'], params: ['a', 'b'], js: (s) => s.a * Math.log2(s.x + 2) + Math.log(s.b + s.x) / Math.log(s.x + 1) },
  { law: 'log10(a * x + b) + 1', vars: ['x'], params: ['a', 'b'], js: (s) => Math.log10(s.a * s.x + s.b) + 1 },
  { law: 'sqrt(a + b * x)', vars: ['x'], params: ['a', 'b'], js: (s) => Math.sqrt(s.a + s.b * s.x) },
  { law: 'pow(x, -a) + pow(a, b) + pow(b + x, c)', vars: ['x'], params: ['a', 'b', 'c'], js: (s) => s.x ** -s.a + s.a ** s.b + (s.b + s.x) ** s.c },
  // min, max and abs: at every point below the arguments differ (no kink), and each branch is taken somewhere.
  { law: 'min(a * x, b + x)', vars: ['x'], params: ['a', 'b'], js: (s) => Math.min(s.a * s.x, s.b + s.x) },
  { law: 'max(a, b / x, c * y) + max(x, 2)', vars: ['x', 'y'], params: ['a', 'b', 'c'], js: (s) => Math.max(s.a, s.b / s.x, s.c * s.y) + Math.max(s.x, 2) },
  { law: 'c + b / min(x, a * y)^a', vars: ['x', 'y'], params: ['a', 'b', 'c'], js: (s) => s.c + s.b / Math.min(s.x, s.a * s.y) ** s.a },
  { law: 'abs(a - x) * b + abs(-c) + min(2, 3)', vars: ['x'], params: ['a', 'b', 'c'], js: (s) => Math.abs(s.a - s.x) * s.b + Math.abs(s.c) + 2 },
  // Constants and parentheses.
  { law: 'pi * a + 2.5 * x + 1e-3 / b', vars: ['x'], params: ['a', 'b'], js: (s) => Math.PI * s.a + 2.5 * s.x + 1e-3 / s.b },
  { law: '((a)) * ((x + (b)))', vars: ['x'], params: ['a', 'b'], js: (s) => s.a * (s.x + s.b) },
  // The built-in laws, as written in src/laws/builtin.ts.
  { law: LAWS.chinchilla.expression, vars: ['N', 'D'], params: ['E', 'A', 'alpha', 'B', 'beta'], js: (s) => s.E + s.A / s.N ** s.alpha + s.B / s.D ** s.beta },
  { law: LAWS.universal.expression, vars: ['m', 'l', 'D'], params: ['L0', 'c_m', 'c_l', 'c_D'], js: (s) => s.L0 + s.c_m / s.m + s.c_l / s.l + s.c_D * s.D ** (-1 / 3) },
  { law: LAWS.kaplan.expression, vars: ['N', 'D'], params: ['N_c', 'alpha_N', 'alpha_D', 'D_c'], js: (s) => ((s.N_c / s.N) ** (s.alpha_N / s.alpha_D) + s.D_c / s.D) ** s.alpha_D },
  { law: LAWS.kaplanIrreducible.expression, vars: ['N', 'D'], params: ['E', 'N_c', 'alpha_N', 'alpha_D', 'D_c'], js: (s) => s.E + ((s.N_c / s.N) ** (s.alpha_N / s.alpha_D) + s.D_c / s.D) ** s.alpha_D },
  { law: LAWS.lossToLoss.expression, vars: ['L_x'], params: ['K', 'E_x', 'kappa', 'E_y'], js: (s) => s.K * (s.L_x - s.E_x) ** s.kappa + s.E_y },
  { law: LAWS.brokenPowerLaw.expression, vars: ['N', 'D'], params: ['E', 'A', 'alpha', 'B', 'beta', 'D_b', 'f', 'gamma'], columns: SIZES,
    js: (s) => s.E + s.A / s.N ** s.alpha + s.B * s.D ** -s.beta * (1 + (s.D / s.D_b) ** (1 / s.f)) ** (-s.gamma * s.f) },
  // The data-constrained law as written out in the README of huggingface/datablations (Muennighoff et al. 2023), with U_D = min(U, D).
  { law: LAWS.dataConstrained.expression, vars: ['N', 'D', 'U'], params: ['E', 'A', 'alpha', 'beta', 'B', 'R_N_star', 'R_D_star'], columns: SIZES,
    js: (s) => {
      const G = ((s.alpha * s.A) / (s.beta * s.B)) ** (1 / (s.alpha + s.beta));
      const UD = Math.min(s.U, s.D);
      const UN = Math.min(s.N, (UD * G) ** (s.beta / s.alpha) * G);
      const RD = Math.max(s.D / UD - 1, 0), RN = Math.max(s.N / UN - 1, 0);
      return s.E + s.A / (UN + UN * s.R_N_star * (1 - Math.exp(-RN / s.R_N_star))) ** s.alpha + s.B / (UD + UD * s.R_D_star * (1 - Math.exp(-RD / s.R_D_star))) ** s.beta;
    } },
];

/** Central differences of the JavaScript law in theta (theta = ln P for log-parameters), step h. */
function centralJacobian(c: Case, P: Scope, logParams: Set<string>, i: number): number[] {
  const point = pointOf(c, i);
  return c.params.map((q) => {
    const theta = logParams.has(q) ? Math.log(P[q]) : P[q];
    const h = 1e-5 * Math.max(1, Math.abs(theta));
    const at = (t: number) => c.js({ ...P, ...point, [q]: logParams.has(q) ? Math.exp(t) : t });
    return (at(theta + h) - at(theta - h)) / (2 * h);
  });
}

for (const logged of [false, true]) {
  test(`compiled Jacobian equals central differences for every operator and function (${logged ? 'log-parameters' : 'plain parameters'})`, () => {
    for (const c of CASES) {
      const logParams = new Set(logged ? c.params : []);
      const model = compileLaw(parseLaw(c.law, 'test').node, c.vars, c.params, logParams).bind(data(c));
      const p = c.params.length;
      for (const P of POINTS) {
        const theta = Float64Array.from(c.params, (q) => (logged ? Math.log(P[q]) : P[q]));
        const f = new Float64Array(X.length), J = new Float64Array(X.length * p), f2 = new Float64Array(X.length);
        assert.equal(model.model(theta, f, J), true, `${c.law} at ${JSON.stringify(P)}`);
        assert.equal(model.value(theta, f2), true);
        X.forEach((_, i) => {
          const expected = c.js({ ...P, ...pointOf(c, i) });
          assert.ok(Math.abs(f[i] - expected) <= 1e-13 * Math.abs(expected), `${c.law}: f = ${f[i]} vs ${expected}`);
          assert.equal(f2[i], f[i]);
          const scope = { ...Object.fromEntries(c.params.map((q) => [q, P[q]])), ...pointOf(c, i) };
          assert.ok(Math.abs(evaluateNode(parseLaw(c.law, 'test').node, scope) - expected) <= 1e-13 * Math.abs(expected), `${c.law}: evaluateNode`);
          centralJacobian(c, P, logParams, i).forEach((fd, j) => {
            const tol = 1e-6 * Math.max(Math.abs(fd), 1e-3 * Math.abs(expected));
            assert.ok(Math.abs(J[i * p + j] - fd) <= tol, `${c.law}: dL/d${c.params[j]} at ${JSON.stringify(P)}, x = ${X[i]}: ${J[i * p + j]} vs ${fd}`);
          });
        });
      }
    }
  });
}

test('every function of the law language and every built-in law has a case above', () => {
  for (const name of FUNCTIONS) assert.ok(CASES.some((c) => c.law.includes(`${name}(`)), `no case for ${name}()`);
  for (const law of Object.values(LAWS)) assert.ok(CASES.some((c) => c.law === law.expression), `no case for the built-in ${law.name}`);
});

test('the fused kernels: objective is the Huber loss on log residuals, and accumulate returns its gradient', () => {
  const c = CASES.find((k) => k.law === '(b * x)^(a / c)')!;
  const logy = Float64Array.from(X, (x, i) => Math.log(1.1 + 0.3 * i));
  const w = Float64Array.from(X, (_, i) => 1 + (i % 2));
  const model = compileLaw(parseLaw(c.law, 'test').node, c.vars, c.params, new Set(['b'])).bind(data(c), logy);
  const P = POINTS[0];
  const delta = 0.2;
  // Reference: the Huber loss written out here, differentiated by central differences.
  const huber = (th: number[]) => X.reduce((s, x, i) => {
    const r = logy[i] - Math.log(c.js({ a: th[0], b: Math.exp(th[1]), c: th[2], x }));
    return s + w[i] * (Math.abs(r) <= delta ? 0.5 * r * r : delta * (Math.abs(r) - 0.5 * delta));
  }, 0);
  const th = [P.a, Math.log(P.b), P.c];
  const obj = model.objective!(Float64Array.from(th), w, delta);
  assert.ok(Math.abs(obj - huber(th)) <= 1e-12 * huber(th));
  const M = new Float64Array(9), H = new Float64Array(9), g = new Float64Array(3);
  assert.ok(Math.abs(model.accumulate!(Float64Array.from(th), w, delta, true, M, H, g) - obj) <= 1e-15 * obj);
  th.forEach((t, j) => {
    const h = 1e-6;
    const up = th.slice(); up[j] = t + h;
    const dn = th.slice(); dn[j] = t - h;
    const fd = (huber(up) - huber(dn)) / (2 * h);
    assert.ok(Math.abs(g[j] - fd) <= 1e-6 * Math.max(1, Math.abs(fd)), `gradient ${j}: ${g[j]} vs ${fd}`);
  });
});

test('a log base that depends on a parameter is refused by name', () => {
  assert.throws(() => compileLaw(parseLaw('log(x, a)', 'test').node, ['x'], ['a'], new Set()), (e: unknown) => e instanceof ScalingLabError && /base may not depend on parameters/.test((e as Error).message));
});

// docs/laws.md#min-max-and-abs: at a tie min and max take the first argument's derivative (a subgradient),
// abs takes 0 at 0 (the smallest subgradient), and a NaN argument wins as in Math.min and Math.max.
test('min, max and abs at their kinks: the documented subgradient, and NaN propagates', () => {
  const J = (law: string, params: string[], theta: number[], x: number) => {
    const model = compileLaw(parseLaw(law, 'test').node, ['x'], params, new Set()).bind([Float64Array.of(x)]);
    const f = new Float64Array(1), jac = new Float64Array(params.length);
    assert.equal(model.model(Float64Array.from(theta), f, jac), true, law);
    return { f: f[0], J: [...jac] };
  };
  assert.deepEqual(J('min(a, b) + x', ['a', 'b'], [2, 2], 1), { f: 3, J: [1, 0] });
  assert.deepEqual(J('min(b, a) + x', ['a', 'b'], [2, 2], 1), { f: 3, J: [0, 1] });
  assert.deepEqual(J('max(a * x, b) + 1', ['a', 'b'], [3, 6], 2), { f: 7, J: [2, 0] });
  assert.deepEqual(J('abs(a - x) + b', ['a', 'b'], [4, 1], 4), { f: 1, J: [0, 1] });
  for (const law of ['min(a, x)', 'max(x, a)', 'min(x, a, 3)']) {
    assert.ok(Number.isNaN(evaluateNode(parseLaw(law, 'test').node, { a: NaN, x: 1 })), law);
    const model = compileLaw(parseLaw(law, 'test').node, ['x'], ['a'], new Set()).bind([Float64Array.of(1)]);
    assert.equal(model.value(Float64Array.of(NaN), new Float64Array(1)), false, `${law}: NaN is not a positive loss`);
  }
  assert.equal(evaluateNode(parseLaw('max(1, x, 3, 2)', 'test').node, { x: 2.5 }), 3);
  assert.throws(() => parseLaw('min(x)', 'test'), /min\(\) takes 2 or more argument/);
  assert.throws(() => parseLaw('abs(x, 1)', 'test'), /abs\(\) takes 1 argument/);
});

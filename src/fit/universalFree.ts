import { ScalingLabError } from '../errors';
import { lmSolve, type LMProblem } from './lm';
import { multistart } from './multistart';
import { applyBootstrap, bootstrapByRun, estimate, reportedCovariance, standardError } from './inference';
import type { InferenceSettings } from './settings';
import { checkRun } from './verify';
import type { FitSolution } from './report';
import type { ParamEstimate } from './types';
import type { PointScoring } from './objective';
import type { Groups } from './inference';

/**
 * The universal form with some exponents free, L = L0 + sum_k c_k x_k^(-a_k), solved by LM from the
 * fixed-exponent solution. theta = [L0, log c~_k, a_k (free ones)] with c~_k the coefficient of the
 * variable scaled by its geometric mean (D ~ 1e9..1e12 makes raw units badly conditioned); reported in
 * raw units c_k = c~_k s_k^a_k, with the covariance mapped by the delta method.
 */

/** Where a free exponent may go. */
const EXPONENT_BOUNDS: [number, number] = [1e-6, 10];
/** Starts: the fixed exponents times each of these (the lowest objective wins). */
const START_EXPONENT_MULTIPLIERS = [1, 0.6, 1.5];
/** A coefficient the fixed fit put at 0 starts at this fraction of the (geometric) mean loss. */
const ZERO_COEFFICIENT_START = 1e-3;
const MAX_ITERATIONS = 500;
/** Largest step per iteration of a log-coefficient or an exponent (as in fitLaw). */
const MAX_LOG_STEP = 10;

/** One term of the law: its coefficient and exponent names, and the exponent (held or, when free, started from). */
export interface FreeTerm { coef: string; expo: string; exponent: number; free: boolean }

interface FreeProblem {
  prob: LMProblem;
  /** Reported names: L0, every coefficient, then the free exponents. */
  names: string[];
  toRaw(theta: Float64Array): number[];
  /** d raw / d theta at theta (raw = toRaw(theta)). */
  jacobian(raw: number[]): number[][];
  start(fixedCoefs: Float64Array, multiplier: number): Float64Array;
}

function freeProblem(terms: FreeTerm[], x: Float64Array[], logy: Float64Array, scoring: PointScoring): FreeProblem {
  const n = logy.length, K = terms.length;
  const pIdxExp: number[] = [];
  let p = 1 + K;
  for (const t of terms) pIdxExp.push(t.free ? p++ : -1);
  const scales = x.map((xk) => Math.exp(xk.reduce((s, v) => s + Math.log(v), 0) / n));
  const lnxs = x.map((xk, k) => Float64Array.from(xk, (v) => Math.log(v / scales[k])));
  const exponent = (theta: Float64Array, k: number) => (pIdxExp[k] >= 0 ? theta[pIdxExp[k]] : terms[k].exponent);
  const prob: LMProblem = {
    n, p, logy, ...scoring,
    model(theta, f, J) {
      for (let i = 0; i < n; i++) {
        let s = theta[0];
        const row = i * p;
        J[row] = 1;
        for (let k = 0; k < K; k++) {
          const term = Math.exp(theta[1 + k] - exponent(theta, k) * lnxs[k][i]);
          s += term;
          J[row + 1 + k] = term;
          if (pIdxExp[k] >= 0) J[row + pIdxExp[k]] = -term * lnxs[k][i];
        }
        f[i] = s;
        if (!(s > 0) || !Number.isFinite(s)) return false;
      }
      return true;
    },
    lower: Float64Array.from({ length: p }, (_, j) => (j === 0 ? 0 : j > K ? EXPONENT_BOUNDS[0] : -Infinity)),
    upper: Float64Array.from({ length: p }, (_, j) => (j > K ? EXPONENT_BOUNDS[1] : Infinity)),
  };
  const meanY = Math.exp(logy.reduce((a, b) => a + (scoring.space === 'loss' ? Math.log(b) : b), 0) / n);
  return {
    prob,
    names: ['L0', ...terms.map((t) => t.coef), ...terms.filter((t) => t.free).map((t) => t.expo)],
    toRaw(th) {
      const out = [th[0]];
      for (let k = 0; k < K; k++) out.push(Math.exp(th[1 + k] + exponent(th, k) * Math.log(scales[k])));
      for (let k = 0; k < K; k++) if (pIdxExp[k] >= 0) out.push(th[pIdxExp[k]]);
      return out;
    },
    jacobian(raw) {
      const G: number[][] = raw.map(() => new Array<number>(p).fill(0));
      G[0][0] = 1;
      for (let k = 0; k < K; k++) {
        G[1 + k][1 + k] = raw[1 + k];
        if (pIdxExp[k] >= 0) { G[1 + k][pIdxExp[k]] = raw[1 + k] * Math.log(scales[k]); G[pIdxExp[k]][pIdxExp[k]] = 1; }
      }
      return G;
    },
    start(fixedCoefs, multiplier) {
      const th = new Float64Array(p);
      th[0] = fixedCoefs[0];
      for (let k = 0; k < K; k++) {
        const a0 = terms[k].exponent;
        const c = fixedCoefs[1 + k] > 0 ? fixedCoefs[1 + k] : ZERO_COEFFICIENT_START * meanY;
        th[1 + k] = Math.log(c) - a0 * Math.log(scales[k]);
        if (pIdxExp[k] >= 0) th[pIdxExp[k]] = a0 * multiplier;
      }
      return th;
    },
  };
}

/** Fits the free exponents from the fixed-exponent coefficients, with standard errors and the bootstrap. */
export function fitFreeExponents(fn: string, terms: FreeTerm[], x: Float64Array[], logy: Float64Array, fixedCoefs: Float64Array, delta: number, settings: InferenceSettings, report: (done: number) => void,
  scoring: PointScoring = {}, groups: Groups | null = null): FitSolution {
  const fp = freeProblem(terms, x, logy, scoring);
  const { prob, names } = fp;
  const runs = multistart(prob, START_EXPONENT_MULTIPLIERS.map((m) => fp.start(fixedCoefs, m)), { delta, maxIter: MAX_ITERATIONS, basins: false, signal: settings.signal, fn });
  if (!runs.best) throw new ScalingLabError('fit-failed', `${fn}: the law is not positive and finite at any start of the free-exponent fit.`, 'fix the exponents, or check the data.');
  // Coefficients (log) and exponents both move in log-like units: a step of 1 either side.
  const maxStep = new Float64Array(prob.p).fill(MAX_LOG_STEP);
  maxStep[0] = Infinity;
  const { theta, res, check } = checkRun(prob, runs.best, runs.lowerUnconverged, {
    delta, maxIter: MAX_ITERATIONS, maxStep, workspace: runs.workspace,
    probeStep: (j, v) => (j === 0 ? 0.5 * Math.max(Math.abs(v), 1e-3) : 1),
  });
  const raw = fp.toRaw(theta);
  const warnings: string[] = [];
  const cov = reportedCovariance(prob.model.bind(prob), theta, prob, prob.p, delta, () => fp.jacobian(raw));
  if (cov.warning) warnings.push(cov.warning);
  if (theta[0] === 0) warnings.push('L0 is at its bound 0.');
  const params: Record<string, ParamEstimate> = {};
  names.forEach((nm, a) => {
    const se = cov.matrix && !(a === 0 && theta[0] === 0) ? standardError(cov.matrix, a) : null;
    params[nm] = estimate(nm, raw[a], se, settings.level, { fixed: false, bounds: a <= terms.length ? [0, Infinity] : undefined });
  });
  // Order: L0, coefficients, then every exponent (free or fixed).
  const ordered: Record<string, ParamEstimate> = { L0: params.L0 };
  for (const t of terms) ordered[t.coef] = params[t.coef];
  for (const t of terms) ordered[t.expo] = params[t.expo] ?? estimate(t.expo, t.exponent, null, settings.level, { fixed: true });
  let bootstrap;
  if (settings.resamples > 0) {
    const th = new Float64Array(prob.p);
    bootstrap = bootstrapByRun(fn, logy.length, names, settings, (weights) => {
      th.set(theta);
      const r = lmSolve(prob, th, { delta, weights, maxIter: MAX_ITERATIONS }, runs.workspace);
      return { values: fp.toRaw(th), converged: r.converged };
    }, report, groups);
    warnings.push(...applyBootstrap(ordered, bootstrap, settings.level));
  }
  return {
    params: ordered, objective: res.objective, converged: res.converged && check.passed, convergence: check, iterations: res.iterations, gradientNorm: res.gradientNorm,
    logf: Float64Array.from(cov.f, Math.log), kFree: prob.p, bootstrap, covariance: cov.matrix ? { names, matrix: cov.matrix } : null, warnings,
  };
}

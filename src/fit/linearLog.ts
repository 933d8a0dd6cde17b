import { nnlsNormal } from './nnls';
import { irlsWeight, psi, rho } from './huber';
import type { LMProblem } from './lm';
import { combineWeights, residualOf, sideOf, slopeOf, type PointScoring } from './objective';

/** Converged when the constrained Gauss-Newton step changes every term by at most this fraction of the loss. */
const STEP_RTOL = 1e-10;
/** When the objective no longer decreases, a step this small (relative to the loss) still counts as converged. */
const STALL_RTOL = 1e-7;
/** A line-search decrease below this fraction of the objective is rounding, not progress. */
const DECREASE_RTOL = 1e-15;
const MAX_ITERATIONS = 100;
const MAX_HALVINGS = 40;

/** One solve of LinearLogFit: the objective at this.c and how the iteration ended. */
export interface LinearSolve { objective: number; iterations: number; converged: boolean; gradientNorm: number }

/**
 * The fixed-exponent solver: L = L0 + sum_k c_k x_k^(-a_k) with the a_k fixed, fitted on log L (or on
 * L, with weights and an over-estimate penalty: `scoring`) with every coefficient >= 0. Each
 * Gauss-Newton step solves the linearised problem exactly under the constraints (an NNLS in the new
 * coefficients), followed by a backtracking line search on the true objective. Coefficients are in
 * raw units; `solve` leaves them in `c`.
 */
export class LinearLogFit {
  readonly n: number; readonly p: number;
  readonly X: Float64Array; // n x p: [1, x_1^-a_1, ...]
  readonly c: Float64Array;
  /** The loss that sets the scale of the step tolerances: the first point's (all are of order one). */
  private readonly lossScale: number;
  private f: Float64Array; private ct: Float64Array; private M: Float64Array; private v: Float64Array; private cn: Float64Array;
  private scale: Float64Array;
  /** `logy`: the observations in the scoring's space (log L, or L when scoring.space is 'loss'). */
  constructor(xs: Float64Array[], exps: number[], readonly logy: Float64Array, readonly delta: number, readonly scoring: PointScoring = {}) {
    this.n = logy.length; this.p = xs.length + 1;
    const { n, p } = this;
    this.X = new Float64Array(n * p);
    this.scale = new Float64Array(p);
    for (let i = 0; i < n; i++) {
      this.X[i * p] = 1;
      for (let k = 1; k < p; k++) this.X[i * p + k] = Math.pow(xs[k - 1][i], -exps[k - 1]);
    }
    for (let k = 0; k < p; k++) { let s = 0; for (let i = 0; i < n; i++) s += this.X[i * p + k]; this.scale[k] = s / n; }
    this.lossScale = this.lossAt(0);
    this.c = new Float64Array(p); this.ct = new Float64Array(p); this.cn = new Float64Array(p);
    this.f = new Float64Array(n); this.M = new Float64Array(p * p); this.v = new Float64Array(p);
  }

  private model(c: Float64Array, f: Float64Array): void {
    const { n, p, X } = this;
    for (let i = 0; i < n; i++) { let s = 0; for (let k = 0; k < p; k++) s += X[i * p + k] * c[k]; f[i] = s; }
  }

  /** The loss of point i (the observations may be its logarithm). */
  private lossAt(i: number): number {
    return this.scoring.space === 'loss' ? this.logy[i] : Math.exp(this.logy[i]);
  }

  private objective(c: Float64Array, w: Float64Array | null): number {
    this.model(c, this.f);
    const { space, penalty } = this.scoring;
    let s = 0;
    for (let i = 0; i < this.n; i++) {
      const wi = w ? w[i] : 1;
      if (wi === 0) continue;
      if (!(this.f[i] > 0)) return Infinity;
      const r = residualOf(space, this.logy[i], this.f[i]);
      s += wi * sideOf(penalty, r) * rho(r, this.delta);
    }
    return s;
  }

  logf(c: Float64Array): Float64Array {
    const f = new Float64Array(this.n);
    this.model(c, f);
    return f.map(Math.log);
  }

  /**
   * The law at coefficients c with its Jacobian in the coefficients not at their zero bound (`active`),
   * for the curvature covariance (inference.ts): only those are estimated.
   */
  activeModel(c: Float64Array): { active: number[]; model: (theta: Float64Array, f: Float64Array, J: Float64Array) => boolean } {
    const { n, p, X } = this;
    const active = Array.from(c, (x, k) => (x > 0 ? k : -1)).filter((k) => k >= 0);
    const q = active.length;
    return {
      active,
      model: (_theta, f, J) => {
        this.model(c, f);
        for (let i = 0; i < n; i++) for (let a = 0; a < q; a++) J[i * q + a] = X[i * p + active[a]];
        return true;
      },
    };
  }

  /**
   * The same problem for the generic solver and the convergence check (verify.ts): theta is the raw
   * coefficients, each >= 0, the law X theta, its Jacobian X.
   */
  lmProblem(): LMProblem {
    const { n, p, X } = this;
    return {
      n, p, logy: this.logy, ...this.scoring,
      model: (theta, f, J) => {
        this.model(theta, f);
        J.set(X);
        for (let i = 0; i < n; i++) if (!(f[i] > 0) || f[i] === Infinity) return false;
        return true;
      },
      lower: new Float64Array(p), upper: new Float64Array(p).fill(Infinity),
    };
  }

  /** A coefficient's natural size: the one that makes its term as large as the mean loss (for restart probes). */
  coefficientScale(k: number): number {
    let s = 0;
    for (let i = 0; i < this.n; i++) s += Math.log(this.lossAt(i));
    return Math.exp(s / this.n) / this.scale[k];
  }

  /** Solves with optional weights (bootstrap counts) from `start` or the NNLS start; result in this.c. */
  solve(counts: Float64Array | null, start: Float64Array | null): LinearSolve {
    const { p, c, scale, lossScale } = this;
    const w = combineWeights(this.scoring.weights, counts);
    if (start) c.set(start);
    else this.relativeStart(w);
    let obj = this.objective(c, w);
    let iterations = 0, converged = false, gradientNorm = NaN;
    const ct = new Float64Array(p);
    for (; iterations < MAX_ITERATIONS; iterations++) {
      gradientNorm = this.gaussNewtonStep(w);
      let change = 0;
      for (let a = 0; a < p; a++) change = Math.max(change, Math.abs(this.cn[a] - c[a]) * scale[a]);
      if (change <= STEP_RTOL * lossScale) { converged = true; break; }
      let t = 1, accepted = false;
      for (let ls = 0; ls < MAX_HALVINGS; ls++) {
        for (let a = 0; a < p; a++) ct[a] = c[a] + t * (this.cn[a] - c[a]);
        const o = this.objective(ct, w);
        if (o <= obj) {
          accepted = o < obj || t === 1;
          c.set(ct);
          const dec = obj - o;
          obj = o;
          if (dec <= DECREASE_RTOL * obj) converged = change * t <= STALL_RTOL * lossScale;
          break;
        }
        t /= 2;
      }
      if (!accepted) { converged = change <= STALL_RTOL * lossScale; break; }
      if (converged) break;
    }
    return { objective: this.objective(c, w), iterations, converged, gradientNorm };
  }

  /** The relative-error linear problem, (y - Xc)/y ~ log y - log Xc near the fit, solved by NNLS into c. */
  private relativeStart(w: Float64Array | null): void {
    const { n, p, X, M, v, c } = this;
    M.fill(0); v.fill(0);
    for (let i = 0; i < n; i++) {
      const wi = w ? w[i] : 1;
      if (wi === 0) continue;
      const iy = 1 / this.lossAt(i);
      for (let a = 0; a < p; a++) {
        const xa = X[i * p + a] * iy;
        v[a] += wi * xa;
        for (let b = 0; b < p; b++) M[a * p + b] += wi * xa * X[i * p + b] * iy;
      }
    }
    nnlsNormal(M, v, p, c);
    if (c.every((x) => x === 0)) { let s = 0; for (let i = 0; i < n; i++) s += Math.log(this.lossAt(i)); c[0] = Math.exp(s / n); }
  }

  /** The exact constrained Gauss-Newton (IRLS for Huber) step from c into cn; returns the scaled projected gradient norm. */
  private gaussNewtonStep(w: Float64Array | null): number {
    const { n, p, X, M, v, c, f, scale } = this;
    const { space, penalty } = this.scoring;
    this.model(c, f);
    M.fill(0); v.fill(0);
    const g = this.ct; g.fill(0);
    for (let i = 0; i < n; i++) {
      const w0 = w ? w[i] : 1;
      if (w0 === 0) continue;
      const r = residualOf(space, this.logy[i], f[i]);
      const wi = w0 * sideOf(penalty, r);
      const u = wi * irlsWeight(r, this.delta), inv = slopeOf(space, f[i]);
      // r(c') ~ r + J c - J c' with J = X/f (X on L): target b = r + J c
      let jc = 0;
      for (let a = 0; a < p; a++) jc += X[i * p + a] * inv * c[a];
      const bi = r + jc, ps = wi * psi(r, this.delta);
      for (let a = 0; a < p; a++) {
        const ja = X[i * p + a] * inv;
        v[a] += u * ja * bi;
        g[a] -= ps * ja;
        for (let b = 0; b <= a; b++) M[a * p + b] += u * ja * X[i * p + b] * inv;
      }
    }
    for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) M[b * p + a] = M[a * p + b];
    let gradientNorm = 0;
    for (let a = 0; a < p; a++) if (!(c[a] === 0 && g[a] > 0)) gradientNorm = Math.max(gradientNorm, Math.abs(g[a]) / scale[a]);
    nnlsNormal(M, v, p, this.cn);
    return gradientNorm;
  }
}

import type { MathNode } from '../laws/expression';
import { stripParentheses, symbolsOf } from '../laws/tree';
import { nnlsNormal } from './nnls';

/**
 * Variable projection of a law's linear coefficients (Golub and Pereyra 1973), used as the first step
 * of every local solve of a multi-start fit. In E + A/N^alpha + B/D^beta the coefficients E, A, B enter
 * linearly, so for given exponents their best non-negative values solve a small NNLS problem; starting
 * LM there rather than at a grid point's arbitrary coefficients saves most of its iterations. The
 * projection depends only on the nonlinear parameters (computed bitwise the same for equal ones), so
 * starts that differ only in coefficients project to one point, and their LM runs are identical.
 */

const strip = stripParentheses;

/**
 * Free log-parameters that enter the law linearly with a positive factor: each appears once, alone as
 * an additive term of the top-level sum, or as a direct factor (or numerator) of such a term whose other
 * factor holds no other candidate. Bounded parameters are left to LM.
 */
export function linearCoefficients(node: MathNode, free: string[], logParams: Set<string>, bounded: Set<string>): number[] {
  const count = new Map<string, number>();
  node.traverse((n) => { if (n.type === 'SymbolNode') count.set(n.name!, (count.get(n.name!) ?? 0) + 1); });
  const candidates = new Set(free.filter((k) => logParams.has(k) && !bounded.has(k) && count.get(k) === 1));
  const isCandidate = (n: MathNode) => { const s = strip(n); return s.type === 'SymbolNode' && candidates.has(s.name!) ? s.name! : null; };
  // Terms added (not subtracted) at the top level, so each coefficient's factor is a positive term.
  const terms: MathNode[] = [];
  const collect = (n0: MathNode) => {
    const n = strip(n0);
    if (n.type === 'OperatorNode' && n.fn === 'add') n.args!.forEach(collect);
    else if (n.type === 'OperatorNode' && n.fn === 'subtract') collect(n.args![0]);
    else terms.push(n);
  };
  collect(node);
  const out = new Set<string>();
  for (const t of terms) {
    const alone = isCandidate(t);
    if (alone) { out.add(alone); continue; }
    if (t.type !== 'OperatorNode' || (t.fn !== 'multiply' && t.fn !== 'divide')) continue;
    const [a, b] = t.args!;
    const k = isCandidate(a) ?? (t.fn === 'multiply' ? isCandidate(b) : null);
    if (!k) continue;
    const other = isCandidate(a) === k ? b : a;
    if ([...symbolsOf(other)].some((s) => candidates.has(s))) continue;
    out.add(k);
  }
  return free.map((k, j) => (out.has(k) ? j : -1)).filter((j) => j >= 0);
}

/** Projects theta's linear coefficients onto their best values for theta's other parameters. */
export class CoefficientProjector {
  private readonly base: Float64Array;
  private readonly f: Float64Array;
  private readonly J: Float64Array;
  private readonly M: Float64Array;
  private readonly v: Float64Array;
  private readonly c: Float64Array;
  constructor(
    private readonly model: (theta: Float64Array, f: Float64Array, J: Float64Array) => boolean,
    private readonly y: Float64Array,
    private readonly p: number,
    /** Indices into theta of the linear (log) coefficients. */
    readonly linear: number[],
  ) {
    const n = y.length, q = linear.length;
    this.base = new Float64Array(p); this.f = new Float64Array(n); this.J = new Float64Array(n * p);
    this.M = new Float64Array(q * q); this.v = new Float64Array(q); this.c = new Float64Array(q);
  }

  /**
   * Writes into `out` theta with its linear coefficients replaced by the NNLS minimiser of
   * sum_i ((y_i - f_i) / y_i)^2, the first-order form of the log residuals. A coefficient the NNLS
   * sets to zero gets a value that makes its term at most 0.1% of the loss at every point (a log
   * parameter cannot be zero). Returns false when the law cannot be evaluated there.
   */
  project(theta: Float64Array, out: Float64Array): boolean {
    const { base, f, J, M, v, c, y, p, linear } = this;
    const n = y.length, q = linear.length;
    // Coefficients at 1 (theta 0): then J's column is the coefficient's factor g_k exactly, whatever
    // theta held, so equal nonlinear parameters give bitwise equal projections.
    base.set(theta);
    for (const j of linear) base[j] = 0;
    if (!this.model(base, f, J)) return false;
    M.fill(0); v.fill(0);
    for (let i = 0; i < n; i++) {
      const w = 1 / (y[i] * y[i]);
      let rest = y[i] - f[i];
      for (let a = 0; a < q; a++) rest += J[i * p + linear[a]];
      for (let a = 0; a < q; a++) {
        const ga = J[i * p + linear[a]];
        if (!(ga > 0) || ga === Infinity) return false;
        v[a] += w * ga * rest;
        for (let b = 0; b <= a; b++) M[a * q + b] += w * ga * J[i * p + linear[b]];
      }
    }
    for (let a = 0; a < q; a++) for (let b = 0; b < a; b++) M[b * q + a] = M[a * q + b];
    nnlsNormal(M, v, q, c);
    out.set(theta);
    for (let a = 0; a < q; a++) {
      let value = c[a];
      if (!(value > 0)) {
        let cap = Infinity;
        for (let i = 0; i < n; i++) cap = Math.min(cap, 1e-3 * y[i] / J[i * p + linear[a]]);
        value = cap;
      }
      if (!(value > 0) || value === Infinity) return false;
      out[linear[a]] = Math.log(value);
    }
    return true;
  }
}

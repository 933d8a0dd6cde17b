import type { PowerLaw } from '../laws/structure';
import { solveChinchilla } from './chinchilla';
import { solveNumeric } from './numeric';
import type { FrontierLaw } from './source';
import type { FrontierForm, FrontierRow, SolvedFrontier } from './types';
import { solveUniversal } from './universal';

/**
 * Which way a frontier is derived, chosen from the law's structure (src/laws/structure.ts): the
 * Chinchilla form when the law is E + g_N(N) + g_D(D) with both parts power laws, the universal form for
 * L0 + g_m(m) + g_l(l) + g_D(D) likewise, a numeric minimisation otherwise
 * (docs/derivations.md#frontier-closed-forms).
 */

/** Solves the frontier for one set of parameter values; `hint` gives a nearby optimum (the point estimate's). */
export type FrontierSolver = (params: Record<string, number>, hint?: (flops: number) => FrontierRow) => SolvedFrontier;

/** Picks the closed form the law's structure allows, at the point values. */
export function chooseForm(law: FrontierLaw, method: 'auto' | 'numeric'): FrontierForm {
  const s = law.structure;
  if (method === 'numeric' || !s.separable) return 'numeric';
  const { width, depth, tokens, params: N } = law.byRole;
  // A part with a negative or undefined coefficient at the point estimate does not fall as a power law
  // there: minimise numerically. A zero coefficient still counts; the closed form then names it.
  const power = (v: string | undefined) => {
    const p = v ? s.powerLaw(v, law.params) : null;
    return p !== null && p.coefficient >= 0;
  };
  if (!power(tokens)) return 'numeric';
  if (N) return power(N) ? 'chinchilla' : 'numeric';
  return power(width) && power(depth) ? 'universal' : 'numeric';
}

/** The solver of a form: closed forms read the constants off the structure at each parameter set. */
export function makeSolver(law: FrontierLaw, form: FrontierForm, k: number, f: number): FrontierSolver {
  const s = law.structure;
  const { width, depth, tokens, params: N } = law.byRole as Record<string, string>;
  // A part that is no power law at a bootstrap draw counts as a zero coefficient: the draw is left out.
  const pl = (v: string, params: Record<string, number>): PowerLaw => s.powerLaw(v, params) ?? { coefficient: 0, exponent: NaN };
  if (form === 'chinchilla') {
    return (params) => {
      const a = pl(N, params);
      const b = pl(tokens, params);
      return solveChinchilla({ E: s.constant(params), A: a.coefficient, alpha: a.exponent, B: b.coefficient, beta: b.exponent }, f);
    };
  }
  if (form === 'universal') {
    return (params) => {
      const wm = pl(width, params);
      const dl = pl(depth, params);
      const dd = pl(tokens, params);
      return solveUniversal({ L0: s.constant(params), c_m: wm.coefficient, a_m: wm.exponent, c_l: dl.coefficient, a_l: dl.exponent, c_D: dd.coefficient, a_D: dd.exponent }, k, f);
    };
  }
  return (params, hint) => {
    const loss = (vars: Record<string, number>) => law.evaluate(vars, params);
    // The floor is the loss with every variable at 1e300 (each decreasing term has vanished).
    const big: Record<string, number> = {};
    for (const v of Object.keys(law.roles)) big[v] = 1e300;
    return solveNumeric(loss, law.byRole, k, f, loss(big), hint);
  };
}

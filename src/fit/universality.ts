import { chi2Sf } from '../util/stats';
import { fmt } from '../util/format';
import { invertSymmetric } from './linalg';
import { levelText, normalZ } from './inference';
import type { ParamEstimate, UniversalityTest } from './types';

/** p-value below which freeing the exponents counts as a significant improvement. */
const SIGNIFICANCE = 0.05;

/** Log-likelihood and information criteria of one fit (report.ts fitStatistics). */
export interface FitScores { logLik: number; aic: number; bic: number }

/** What the test compares: both fits' scores, the free exponents (by term) and their parameter names in `covariance`. */
export interface UniversalityInput {
  fixed: FitScores;
  free: FitScores;
  exponents: Record<string, ParamEstimate>;
  universal: Record<string, number>;
  /** 'likelihood-ratio' when the objective is least squares, 'wald' otherwise. */
  method: UniversalityTest['method'];
  /** The free fit's covariance (names and matrix) and the parameter name of each tested exponent: the Wald test reads them. */
  covariance: { names: string[]; matrix: number[][] } | null;
  parameterOf: Record<string, string>;
  converged: boolean;
  level: number;
}

/**
 * The fixed-versus-free exponent comparison on the same points and objective
 * (docs/derivations.md#fixed-versus-free-universality-test): for least squares the likelihood ratio,
 * chi-squared with one degree of freedom per freed exponent; for Huber or an over-estimate penalty,
 * whose objective is not a likelihood, the Wald statistic of the free exponents against the universal
 * values in their robust covariance. AIC and BIC, and a verdict that also says which universal values
 * lie outside the free exponents' intervals and which test was run.
 */
export function universalityTest(t: UniversalityInput): UniversalityTest {
  const { exponents, universal, level } = t;
  const df = Object.keys(exponents).length;
  const statistic = t.method === 'wald' ? waldStatistic(t) : Math.max(0, 2 * (t.free.logLik - t.fixed.logLik));
  const pValue = Number.isFinite(statistic) ? chi2Sf(statistic, df) : NaN;
  // Which exponents depart is read off value +/- z SE, the interval the test's own model implies: a bootstrap
  // percentile interval would let the verdict change with the resample count.
  const z = normalZ(level);
  const outside = Object.keys(exponents).filter((k) => departs(exponents[k], universal[k], z));
  const ci = `${levelText(level)} CI`;
  const test = t.method === 'wald' ? 'Wald test' : 'likelihood-ratio test';
  // The likelihood ratio is the classic test: its verdict names only p; the Wald test says it is one.
  const pText = `${t.method === 'wald' ? 'Wald test, ' : ''}p = ${fmt(pValue, 2)}`;
  const verdict = !Number.isFinite(pValue)
    ? `The ${test} cannot be computed: the covariance of the free exponents is undefined (see the warnings); judge by the intervals${outside.length ? ` (the universal value lies outside the ${ci} for ${outside.join(', ')}, value ± ${z.toFixed(2)} SE)` : ''}.`
    : pValue >= SIGNIFICANCE
      ? `Consistent with the universal exponents: freeing ${df} exponent${df > 1 ? 's' : ''} does not improve the fit significantly (${pText}).`
      : `Freeing the exponents improves the fit significantly (${pText})${outside.length ? `; the universal value lies outside the ${ci} for ${outside.join(', ')} (value ± ${z.toFixed(2)} SE)` : `, though every universal value lies inside its ${ci} (value ± ${z.toFixed(2)} SE)`}.`;
  // A free fit that stopped early gives no trustworthy comparison: say so first.
  const text = t.converged ? verdict
    : `The free-exponent fit did not converge, so this comparison is not reliable (as computed: ${verdict.charAt(0).toLowerCase()}${verdict.slice(1)})`;
  return {
    exponents, universal, method: t.method, statistic, df, pValue,
    deltaAIC: t.fixed.aic - t.free.aic, deltaBIC: t.fixed.bic - t.free.bic, verdict: text,
  };
}

/** d' Cov^-1 d with d the free exponents minus the universal values; NaN without a covariance. */
function waldStatistic(t: UniversalityInput): number {
  const terms = Object.keys(t.exponents);
  const at = terms.map((k) => t.covariance?.names.indexOf(t.parameterOf[k]) ?? -1);
  if (!t.covariance || at.some((a) => a < 0)) return NaN;
  const q = terms.length;
  const sub = new Float64Array(q * q);
  at.forEach((a, x) => at.forEach((b, y) => { sub[x * q + y] = t.covariance!.matrix[a][b]; }));
  const inv = invertSymmetric(sub, q);
  if (!inv) return NaN;
  const d = terms.map((k) => t.exponents[k].value - t.universal[k]);
  let w = 0;
  for (let x = 0; x < q; x++) for (let y = 0; y < q; y++) w += d[x] * inv[x][y] * d[y];
  return w;
}

/** Whether the universal value lies outside value +/- z SE; without a standard error, outside the interval the fit reports. */
function departs(e: ParamEstimate, universal: number, z: number): boolean {
  if (e.stderr !== null && Number.isFinite(e.stderr)) return Math.abs(e.value - universal) > z * e.stderr;
  return !e.ci || universal < e.ci[0] || universal > e.ci[1];
}

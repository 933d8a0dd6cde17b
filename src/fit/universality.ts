import { chi2Sf } from '../util/stats';
import { fmt } from '../util/format';
import { levelText, normalZ } from './inference';
import type { ParamEstimate, UniversalityTest } from './types';

/** p-value below which freeing the exponents counts as a significant improvement. */
const SIGNIFICANCE = 0.05;

/** Log-likelihood and information criteria of one fit (report.ts fitStatistics). */
export interface FitScores { logLik: number; aic: number; bic: number }

/**
 * The fixed-versus-free exponent comparison on the same points and objective: likelihood ratio
 * (chi-squared with one degree of freedom per freed exponent), AIC and BIC, and a verdict that also
 * says which universal values lie outside the free exponents' intervals.
 */
export function universalityTest(fixed: FitScores, free: FitScores, exponents: Record<string, ParamEstimate>, universal: Record<string, number>, converged: boolean, level: number): UniversalityTest {
  const df = Object.keys(exponents).length;
  const statistic = Math.max(0, 2 * (free.logLik - fixed.logLik));
  const pValue = chi2Sf(statistic, df);
  // Which exponents depart is read off the curvature interval (value +/- z SE), the one the likelihood
  // ratio's own model implies: a bootstrap percentile interval would let the verdict change with the resample count.
  const z = normalZ(level);
  const outside = Object.keys(exponents).filter((k) => departs(exponents[k], universal[k], z));
  const ci = `${levelText(level)} CI`;
  const how = `value ± ${z.toFixed(2)} SE from the curvature`;
  const verdict = pValue >= SIGNIFICANCE
    ? `Consistent with the universal exponents: freeing ${df} exponent${df > 1 ? 's' : ''} does not improve the fit significantly (p = ${fmt(pValue, 2)}).`
    : `Freeing the exponents improves the fit significantly (p = ${fmt(pValue, 2)})${outside.length ? `; the universal value lies outside the ${ci} for ${outside.join(', ')} (${how})` : `, though every universal value lies inside its ${ci} (${how})`}.`;
  // A free fit that stopped early gives no trustworthy comparison: say so first.
  const text = converged ? verdict
    : `The free-exponent fit did not converge, so this comparison is not reliable (as computed: ${verdict.charAt(0).toLowerCase()}${verdict.slice(1)})`;
  return {
    exponents, universal, statistic, df, pValue,
    deltaAIC: fixed.aic - free.aic, deltaBIC: fixed.bic - free.bic, verdict: text,
  };
}

/** Whether the universal value lies outside value +/- z SE; without a standard error, outside the interval the fit reports. */
function departs(e: ParamEstimate, universal: number, z: number): boolean {
  if (e.stderr !== null && Number.isFinite(e.stderr)) return Math.abs(e.value - universal) > z * e.stderr;
  return !e.ci || universal < e.ci[0] || universal > e.ci[1];
}

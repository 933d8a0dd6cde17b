import { chi2Sf } from '../util/stats';
import type { SweepVerdict } from './sweep-types';

export interface VerdictOptions {
  universal: number | null;
  /** Level of the homogeneity test. */
  significance: number;
  /** Standard errors allowed between the weighted mean and the universal value. */
  withinSE: number;
}

/**
 * Are the exponents homogeneous, and consistent with the universal value? Homogeneity: the
 * chi-square statistic of the exponents against their inverse-variance weighted mean,
 * chi2 = sum w_i (e_i - mean)^2 with w_i = 1 / se_i^2 and n - 1 degrees of freedom; homogeneous when
 * its p-value is at least `significance`. Consistency: |mean - universal| <= withinSE x se(mean),
 * se(mean) = 1 / sqrt(sum w). Rows without a finite exponent and a positive standard error are left out.
 */
export function exponentVerdict(values: number[], stderrs: number[], o: VerdictOptions): SweepVerdict {
  const used = values.map((e, i) => [e, stderrs[i]]).filter(([e, se]) => Number.isFinite(e) && Number.isFinite(se) && se > 0);
  const n = used.length;
  const w = used.map(([, se]) => 1 / (se * se));
  const sw = w.reduce((a, b) => a + b, 0);
  const weightedMean = n ? used.reduce((a, [e], i) => a + w[i] * e, 0) / sw : NaN;
  const stderr = n ? 1 / Math.sqrt(sw) : NaN;
  const chi2 = used.reduce((a, [e], i) => a + w[i] * (e - weightedMean) ** 2, 0);
  const df = n - 1;
  const pValue = df > 0 ? chi2Sf(chi2, df) : NaN;
  const consistent = o.universal === null || n === 0 ? null : Math.abs(weightedMean - o.universal) <= o.withinSE * stderr;
  const rule = `homogeneous when the chi-square test of the exponents against their inverse-variance weighted mean gives p >= ${o.significance};`
    + ` consistent when the weighted mean is within ${o.withinSE} of its standard errors of the universal value`;
  return {
    n, leftOut: values.length - n, weightedMean, stderr, chi2, df: Math.max(0, df), pValue, significance: o.significance,
    homogeneous: df > 0 ? pValue >= o.significance : null, universal: o.universal, withinSE: o.withinSE, consistent, rule,
  };
}

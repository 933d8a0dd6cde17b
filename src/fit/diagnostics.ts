import { fmt } from '../util/format';
import { Rng } from '../util/random';
import { erfc } from '../util/stats';
import type { Diagnostics, LackOfFit, ParamEstimate } from './types';

/**
 * What every fit report checks besides convergence (docs/methods.md#diagnostics): parameters at a
 * bound, strongly correlated parameter pairs, exponents the data barely determine, and lack of fit,
 * the residuals' pattern along each law variable (Wald-Wolfowitz runs test of their signs).
 */

/** A pair of parameters is flagged above this absolute correlation. */
export const CORRELATION_LIMIT = 0.95;
/** The runs tests together flag lack of fit at this level (split over the variables: Bonferroni). */
export const LACK_OF_FIT_LEVEL = 0.01;
/** A value within this fraction of a bound is at it. */
const BOUND_RTOL = 1e-9;
/** Fewest points, and fewest of each sign, for a runs test. */
const MIN_POINTS = 10, MIN_SIGN = 2;
/** Seed of the random order of tied values (so the test sees no order the data did not give). */
const TIE_SEED = 0x5ca1ab1e;

/** What the diagnostics read: parameters, covariance, which are exponents, the residuals and the variables. */
export interface DiagnosticInput {
  params: Record<string, ParamEstimate>;
  covariance: { names: string[]; matrix: number[][] } | null | undefined;
  exponents: string[];
  /** Residuals (log L - log L_fit) over the used points, and each variable's values there. */
  residuals: Float64Array;
  variables: Array<{ name: string; column: string; x: Float64Array }>;
}

export function fitDiagnostics(d: DiagnosticInput): Diagnostics {
  const atBound = Object.values(d.params).flatMap((p) => {
    if (p.fixed || p.tiedTo || !p.bounds) return [];
    const bound = p.bounds.find((b) => Number.isFinite(b) && Math.abs(p.value - b) <= BOUND_RTOL * Math.max(1, Math.abs(b)));
    return bound === undefined ? [] : [{ name: p.name, value: p.value, bound }];
  });
  const correlated: Diagnostics['correlated'] = [];
  const cov = d.covariance;
  if (cov) {
    cov.names.forEach((a, i) => cov.names.forEach((b, j) => {
      if (j <= i) return;
      const r = cov.matrix[i][j] / Math.sqrt(cov.matrix[i][i] * cov.matrix[j][j]);
      if (Math.abs(r) > CORRELATION_LIMIT) correlated.push({ a, b, correlation: r });
    }));
  }
  const wideExponents = d.exponents.flatMap((k) => {
    const p = d.params[k];
    if (!p || p.fixed || !p.ci) return [];
    const width = p.ci[1] - p.ci[0];
    return width > Math.abs(p.value) ? [{ name: k, value: p.value, width }] : [];
  });
  const tested = d.variables.map((v) => runsTest(d.residuals, v.x, v.name, v.column));
  const limit = LACK_OF_FIT_LEVEL / Math.max(1, tested.filter((t) => Number.isFinite(t.pValue)).length);
  const lackOfFit = tested.map((t) => ({ ...t, flagged: t.pValue < limit }));
  return { atBound, correlated, wideExponents, lackOfFit, level: limit, notes: notes(atBound, correlated, wideExponents, lackOfFit, limit) };
}

/**
 * Runs test of the residual signs in the order of x (ties in random order): too few runs means the
 * residuals come in blocks along x, as when the law bends the wrong way. One-sided normal
 * approximation with continuity correction; NaN when there are too few points of either sign.
 */
export function runsTest(residuals: ArrayLike<number>, x: ArrayLike<number>, variable: string, column: string): Omit<LackOfFit, 'flagged'> {
  const rng = new Rng(TIE_SEED);
  const idx = Array.from({ length: residuals.length }, (_, i) => i).filter((i) => residuals[i] !== 0);
  const tie = new Float64Array(residuals.length).map(() => rng.uniform());
  idx.sort((a, b) => x[a] - x[b] || tie[a] - tie[b]);
  const n1 = idx.filter((i) => residuals[i] > 0).length, n2 = idx.length - n1;
  let runs = idx.length ? 1 : 0;
  for (let k = 1; k < idx.length; k++) if ((residuals[idx[k]] > 0) !== (residuals[idx[k - 1]] > 0)) runs++;
  const n = n1 + n2;
  const expected = n ? (2 * n1 * n2) / n + 1 : NaN;
  if (n < MIN_POINTS || n1 < MIN_SIGN || n2 < MIN_SIGN) return { variable, column, runs, expected, pValue: NaN };
  const variance = (2 * n1 * n2 * (2 * n1 * n2 - n)) / (n * n * (n - 1));
  const z = (runs - expected + 0.5) / Math.sqrt(variance);
  return { variable, column, runs, expected, pValue: 0.5 * erfc(-z / Math.SQRT2) };
}

function notes(atBound: Diagnostics['atBound'], correlated: Diagnostics['correlated'], wide: Diagnostics['wideExponents'], lack: LackOfFit[], limit: number): string[] {
  const out: string[] = [];
  out.push(`at a bound: ${atBound.length ? atBound.map((b) => `${b.name} = ${fmt(b.value)} (bound ${fmt(b.bound)})`).join(', ') : 'none'}`);
  out.push(`correlated above ${CORRELATION_LIMIT}: ${correlated.length ? correlated.map((c) => `${c.a} and ${c.b} (${fmt(c.correlation, 3)})`).join(', ') : 'none'}`);
  out.push(`exponents with an interval wider than their value: ${wide.length ? wide.map((w) => `${w.name} (${fmt(w.value, 3)}, interval width ${fmt(w.width, 3)})`).join(', ') : 'none'}`);
  const shown = lack.map((t) => `${t.variable} ${Number.isFinite(t.pValue) ? `p = ${fmt(t.pValue, 2)}${t.flagged ? ' (FLAGGED)' : ''}` : 'not tested (too few points of one sign)'}`).join(', ');
  const flagged = lack.filter((t) => t.flagged).map((t) => t.variable);
  out.push(`lack of fit (runs test of the residual signs along each variable, flagged at p < ${fmt(limit, 2)}): ${shown}`
    + (flagged.length ? `; the residuals come in blocks along ${flagged.join(', ')}: the law misses a trend there` : ''));
  return out;
}

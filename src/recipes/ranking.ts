import { ScalingLabError, checkOptionKeys } from '../errors';
import { attachDisplay } from '../display-hook';
import { Rng } from '../util/random';
import { fmt } from '../util/format';

/**
 * Does a predicted ranking (recipes by their fitted frontier loss at a budget) agree with a measured one,
 * as well as the predictions' uncertainties allow? Kendall's tau between predicted and measured values,
 * per budget and pooled over budgets, set against the tau expected when each prediction is the measured
 * value plus an independent normal error of its stated sigma (Monte Carlo, seeded).
 */

/** The items (recipes) at one budget: predicted and measured values, and the sigma of predicted minus measured. */
export interface RankingBudget {
  label: string | number;
  predicted: number[];
  measured: number[];
  sigma: number[];
  /** Item names, to list the pairs ordered against the measurement. */
  names?: string[];
}

export interface RankAgreementOptions {
  /** Monte Carlo draws of the expected tau (default 2000). */
  draws?: number;
  /** Seed of the draws (default 0). */
  seed?: number;
}

export interface RankStat {
  /** Pairs compared (items with finite predicted and measured values). */
  pairs: number;
  /** Kendall's tau-a: (concordant - discordant) / pairs; a pair tied in either ranking counts 0. */
  tau: number;
  /** Mean and standard deviation of tau when predictions are the measured values plus their errors. */
  expected: number;
  sd: number;
}

export interface RankAgreement {
  kind: 'rank-agreement';
  budgets: Array<RankStat & { label: string | number; items: number; discordant: Array<[string, string]> }>;
  /** Over every budget's pairs together. */
  pooled: RankStat;
  draws: number;
  seed: number;
  summary(): string;
}

const FN = 'rankAgreement';

/** Kendall's tau-a and the number of pairs, over the items where both values are finite. */
export function kendallTau(x: ArrayLike<number>, y: ArrayLike<number>): { tau: number; pairs: number } {
  const { sum, pairs } = concordance(x, y);
  return { tau: pairs ? sum / pairs : NaN, pairs };
}

function concordance(x: ArrayLike<number>, y: ArrayLike<number>): { sum: number; pairs: number } {
  let sum = 0, pairs = 0;
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]) || !Number.isFinite(y[i])) continue;
    for (let j = i + 1; j < x.length; j++) {
      if (!Number.isFinite(x[j]) || !Number.isFinite(y[j])) continue;
      sum += Math.sign(x[i] - x[j]) * Math.sign(y[i] - y[j]);
      pairs++;
    }
  }
  return { sum, pairs };
}

function checkBudget(b: RankingBudget, k: number): void {
  const n = b?.measured?.length;
  if (!b || !Array.isArray(b.predicted) || !Array.isArray(b.measured) || !Array.isArray(b.sigma) || b.predicted.length !== n || b.sigma.length !== n) {
    throw new ScalingLabError('bad-input', `${FN}: budget ${k} needs predicted, measured and sigma arrays of one length.`, 'one entry per item (recipe); NaN where an item has no measurement.');
  }
  b.sigma.forEach((s, i) => {
    if (Number.isFinite(b.measured[i]) && Number.isFinite(b.predicted[i]) && !(s >= 0 && Number.isFinite(s))) {
      throw new ScalingLabError('bad-input', `${FN}: budget '${b.label}', item ${b.names?.[i] ?? i}: sigma must be a finite number >= 0, got ${s}.`, 'give each measurement\'s standard error (0 for exact values).');
    }
  });
}

export function rankAgreement(budgets: RankingBudget[], options: RankAgreementOptions = {}): RankAgreement {
  checkOptionKeys(FN, options, ['draws', 'seed']);
  if (!Array.isArray(budgets) || budgets.length === 0) throw new ScalingLabError('bad-input', `${FN}: give a non-empty array of budgets { label, predicted, measured, sigma }.`, 'one entry per budget, e.g. [{ label: 1e20, predicted: [...], measured: [...], sigma: [...] }].');
  budgets.forEach(checkBudget);
  const draws = options.draws ?? 2000;
  if (!Number.isInteger(draws) || draws < 10) throw new ScalingLabError('bad-option', `${FN}: draws must be an integer >= 10, got ${draws}.`);
  const seed = options.seed ?? 0;
  const rng = new Rng(seed);
  const sims = budgets.map(() => new Float64Array(draws));
  const pooledSims = new Float64Array(draws);
  for (let d = 0; d < draws; d++) {
    let sum = 0, pairs = 0;
    budgets.forEach((b, k) => {
      const drawn = b.measured.map((m, i) => (Number.isFinite(b.predicted[i]) ? m + b.sigma[i] * rng.normal() : NaN));
      const c = concordance(drawn, b.measured);
      sims[k][d] = c.pairs ? c.sum / c.pairs : NaN;
      sum += c.sum;
      pairs += c.pairs;
    });
    pooledSims[d] = pairs ? sum / pairs : NaN;
  }
  const moments = (v: Float64Array) => {
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    return { expected: mean, sd: Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (v.length - 1)) };
  };
  let sum = 0, pairs = 0;
  const rows = budgets.map((b, k) => {
    const c = concordance(b.predicted, b.measured);
    sum += c.sum;
    pairs += c.pairs;
    return { label: b.label, items: b.measured.filter((m, i) => Number.isFinite(m) && Number.isFinite(b.predicted[i])).length, pairs: c.pairs, tau: c.pairs ? c.sum / c.pairs : NaN, ...moments(sims[k]), discordant: discordantPairs(b) };
  });
  const pooled = { pairs, tau: pairs ? sum / pairs : NaN, ...moments(pooledSims) };
  const result: RankAgreement = { kind: 'rank-agreement', budgets: rows, pooled, draws, seed, summary: () => rankSummary(result) };
  return attachDisplay(result);
}

function discordantPairs(b: RankingBudget): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const name = (i: number) => b.names?.[i] ?? String(i);
  for (let i = 0; i < b.measured.length; i++) {
    for (let j = i + 1; j < b.measured.length; j++) {
      const s = Math.sign(b.predicted[i] - b.predicted[j]) * Math.sign(b.measured[i] - b.measured[j]);
      if (s < 0) out.push([name(i), name(j)]);
    }
  }
  return out;
}

function rankSummary(r: RankAgreement): string {
  const stat = (s: RankStat) => `tau ${fmt(s.tau, 3)} over ${s.pairs} pairs; expected from the errors ${fmt(s.expected, 3)} ± ${fmt(s.sd, 2)}`;
  const lines = [`Rank agreement of predicted and measured values (${r.draws} draws, seed ${r.seed})`];
  for (const b of r.budgets) {
    const wrong = b.discordant.length ? `; ordered against the measurement: ${b.discordant.map(([a, c]) => `${a} / ${c}`).join(', ')}` : '';
    lines.push(`  ${typeof b.label === 'number' ? fmt(b.label, 3) : b.label}: ${stat(b)}${wrong}`);
  }
  lines.push(`  pooled: ${stat(r.pooled)}`);
  return lines.join('\n');
}

import { ScalingLabError, checkOptionKeys } from '../errors';
import { attachDisplay } from '../display-hook';
import { toDataFrame, type DataFrame } from '../data/frame';
import type { FitResult } from '../fit/types';
import { interval } from '../util/stats';
import { fmt } from '../util/format';
import { frontier } from './frontier';
import { resolveBudgets, type Budgets } from './budgets';
import type { FrontierResult, FrontierRow } from './types';

/**
 * Several fits' compute-optimal frontiers side by side (docs/methods.md#comparing-frontiers): N*, D*,
 * D* / N* and L* per budget with intervals, each frontier's exponents, and each fit's allocation against
 * a reference with a paired interval when the fits' bootstraps resampled the same runs.
 */

export type AllocationQuantity = 'tokensPerParam' | 'params' | 'tokens';

export interface FrontierComparisonOptions {
  /** Budgets of the table, in FLOPs: a list, one number or { from, to, count } (default [1e20, 1e22, 1e24]). */
  budgets?: Budgets;
  /** The fit the others are compared with (default: the first). */
  reference?: string;
  /** What is compared, as a ratio to the reference (default 'tokensPerParam'). */
  quantity?: AllocationQuantity;
  /** Interval level (default 0.95). */
  level?: number;
  /** k in N = k m^2 l and f in C = f N D, as in frontier (defaults 12 and 6). */
  paramsPerShape?: number;
  flopsPerParamToken?: number;
  /** Budgets along which the frontiers are also solved for charts (default 24, log-spaced from the runs' smallest compute to the largest budget). */
  gridPoints?: number;
}

/** The reference fit's runs (those it used), placed by compute C = f N D as the frontiers count it. */
export interface ComparedRuns {
  flops: number[];
  params: number[];
  tokens: number[];
  loss: number[];
}

/** One fit's optimum at one budget, with intervals from its bootstrap. */
export interface ComparedRow extends FrontierRow {
  fit: string;
  bands: Partial<Record<'params' | 'tokens' | 'tokensPerParam' | 'loss', [number, number]>>;
}

/** The summary's words: an interval that holds 1 shows no difference, which is not agreement. */
const VERDICT_WORDS = { agree: 'interval holds 1, not told apart', differ: 'interval excludes 1, they differ', 'no interval': 'no interval' } as const;

/** A fit's allocation over the reference's at one budget: agree when the interval of the ratio holds 1. */
export interface AllocationRatio {
  fit: string;
  reference: string;
  flops: number;
  quantity: AllocationQuantity;
  ratio: number;
  interval: [number, number] | null;
  verdict: 'agree' | 'differ' | 'no interval';
}

/** Exponents of one frontier: L* - L0 ~ C^lossExponent, N* ~ C^allocation (between the first and last budgets). */
export interface FrontierExponents {
  fit: string;
  lossExponent: number;
  lossInterval: [number, number] | null;
  allocation: number;
  allocationInterval: [number, number] | null;
}

export interface FrontierComparison {
  kind: 'frontier-comparison';
  reference: string;
  quantity: AllocationQuantity;
  budgets: number[];
  /** Each fit's frontier, solved at the budgets and along the chart's grid (its rows ascending in compute). */
  frontiers: Record<string, FrontierResult>;
  /** The runs of the reference fit (null when its law has no size and tokens to place them). */
  runs: ComparedRuns | null;
  /** The fits compared, for charts of their runs. */
  fits: Record<string, FitResult>;
  rows: ComparedRow[];
  ratios: AllocationRatio[];
  exponents: FrontierExponents[];
  /** Whether every fit's bootstrap resampled the same runs with the same seed, so that draw j pairs up across fits. */
  paired: boolean;
  level: number;
  table(): DataFrame;
  summary(): string;
}

const FN = 'compareFrontiers';
const KEYS = ['budgets', 'reference', 'quantity', 'level', 'paramsPerShape', 'flopsPerParamToken', 'gridPoints'];
const QUANTITIES: AllocationQuantity[] = ['tokensPerParam', 'params', 'tokens'];

/** E.g. compareFrontiers({ fixed: fitUniversal(runs), free: fitUniversal(runs, { exponents: 'free' }) }, { budgets: [1e20, 1e24] }). */
export function compareFrontiers(fits: Record<string, FitResult>, options: FrontierComparisonOptions = {}): FrontierComparison {
  checkOptionKeys(FN, options, KEYS);
  const names = Object.keys(fits ?? {});
  if (names.length < 2 || names.some((k) => fits[k]?.kind !== 'fit')) {
    throw new ScalingLabError('bad-input', `${FN}: give an object of two or more fits, e.g. { fixed: fitUniversal(runs), chinchilla: fitLaw(runs, 'chinchilla') }.`, 'fit each law to the same runs, then compare them by name.');
  }
  const reference = options.reference ?? names[0];
  if (!names.includes(reference)) throw new ScalingLabError('bad-option', `${FN}: reference '${reference}' is not one of ${names.join(', ')}.`, 'name one of the fits given.');
  const quantity = options.quantity ?? 'tokensPerParam';
  if (!QUANTITIES.includes(quantity)) throw new ScalingLabError('bad-option', `${FN}: quantity must be one of ${QUANTITIES.join(', ')}, got ${JSON.stringify(quantity)}.`);
  const budgets = resolveBudgets(options.budgets ?? [1e20, 1e22, 1e24], FN);
  const level = options.level ?? 0.95;
  const k = options.paramsPerShape ?? 12, f = options.flopsPerParamToken ?? 6;
  const runs = runsOf(fits[reference], k, f);
  const all = withGrid(budgets, runs, options.gridPoints ?? 24);
  const frontiers = Object.fromEntries(names.map((name) => [name, frontier(fits[name], { budgets: all, level, paramsPerShape: k, flopsPerParamToken: f })]));
  const at = budgets.map((c) => all.indexOf(c));
  const rows = at.flatMap((i) => names.map((name) => comparedRow(name, frontiers[name], i)));
  const ratios = names.filter((name) => name !== reference).flatMap((name) => at.map((i) => ratioAt(name, reference, frontiers, i, quantity, level)));
  const exponents = names.map((name) => frontierExponents(name, frontiers[name], level));
  const result: FrontierComparison = {
    kind: 'frontier-comparison', reference, quantity, budgets, frontiers, runs, fits, rows, ratios, exponents, paired: sameResamples(names.map((name) => fits[name])), level,
    table: () => toDataFrame({
      fit: rows.map((r) => r.fit), flops: rows.map((r) => r.flops), params: rows.map((r) => r.params), tokens: rows.map((r) => r.tokens),
      tokensPerParam: rows.map((r) => r.tokensPerParam), tokensPerParam_lo: rows.map((r) => r.bands.tokensPerParam?.[0] ?? NaN),
      tokensPerParam_hi: rows.map((r) => r.bands.tokensPerParam?.[1] ?? NaN), loss: rows.map((r) => r.loss),
    }),
    summary: () => comparisonSummary(result),
  };
  return attachDisplay(result);
}

/** The runs the fit used, with C = f N D and N = k m^2 l (or its params variable); null without size and tokens. */
function runsOf(fit: FitResult, k: number, f: number): ComparedRuns | null {
  const byRole = (role: string) => Object.keys(fit.roles).find((v) => fit.roles[v] === role);
  const [N, m, l, D] = ['params', 'width', 'depth', 'tokens'].map(byRole);
  const vars = fit.data.variables;
  if (!D || !(N || (m && l))) return null;
  const rows = fit.data.included.flatMap((used, i) => (used ? [i] : []));
  const params = rows.map((i) => (N ? vars[N][i] : k * vars[m!][i] ** 2 * vars[l!][i]));
  const tokens = rows.map((i) => vars[D][i]);
  return { params, tokens, flops: params.map((n, j) => f * n * tokens[j]), loss: rows.map((i) => fit.data.loss[i]) };
}

/** The budgets plus a log-spaced grid from the runs' smallest compute (or the smallest budget) to the largest budget. */
function withGrid(budgets: number[], runs: ComparedRuns | null, points: number): number[] {
  if (!Number.isInteger(points) || points < 0) throw new ScalingLabError('bad-option', `${FN}: gridPoints must be a non-negative integer, got ${String(points)}.`, 'e.g. gridPoints: 24 (the default), or 0 for the budgets alone.');
  const lo = Math.min(budgets[0], ...(runs ? runs.flops : [])), hi = budgets[budgets.length - 1];
  const grid = points > 1 && hi > lo ? Array.from({ length: points }, (_, i) => lo * (hi / lo) ** (i / (points - 1))) : [];
  return [...new Set([...budgets, ...grid])].sort((a, b) => a - b);
}

function comparedRow(fit: string, f: FrontierResult, i: number): ComparedRow {
  const bands: ComparedRow['bands'] = {};
  for (const k of ['params', 'tokens', 'tokensPerParam', 'loss'] as const) if (f.bands?.[k]) bands[k] = f.bands[k][i];
  return { fit, ...f.rows[i], bands };
}

/** Draw j of both fits, where both gave a frontier: the ratio's percentile interval. */
function ratioAt(fit: string, reference: string, frontiers: Record<string, FrontierResult>, i: number, quantity: AllocationQuantity, level: number): AllocationRatio {
  const a = frontiers[fit], b = frontiers[reference];
  const ratio = a.rows[i][quantity] / b.rows[i][quantity];
  const da = a.draws(), db = b.draws();
  const values: number[] = [];
  for (let j = 0; j < Math.min(da.length, db.length); j++) {
    const x = da[j], y = db[j];
    if (x && y) values.push(x[i][quantity] / y[i][quantity]);
  }
  const ci = values.length >= 2 ? interval(values, level) : null;
  // Rounding of equal frontiers must not read as a difference.
  const holdsOne = (b: [number, number]) => b[0] <= 1 + 1e-9 && b[1] >= 1 - 1e-9;
  return { fit, reference, flops: a.rows[i].flops, quantity, ratio, interval: ci, verdict: !ci ? 'no interval' : holdsOne(ci) ? 'agree' : 'differ' };
}

/** The slope of ln N* in ln C between the smallest and the largest budget solved (exact for the closed forms), per draw for its interval. */
function frontierExponents(fit: string, f: FrontierResult, level: number): FrontierExponents {
  const last = f.rows.length - 1;
  const slope = (rows: FrontierRow[]) => (last > 0 ? Math.log(rows[last].params / rows[0].params) / Math.log(rows[last].flops / rows[0].flops) : NaN);
  const draws = f.draws().filter((d): d is FrontierRow[] => d !== null).map(slope);
  return {
    fit, lossExponent: f.lossExponent, lossInterval: f.intervals?.lossExponent ?? null,
    allocation: slope(f.rows), allocationInterval: last > 0 && draws.length >= 2 ? interval(draws, level) : null,
  };
}

/** Same seed, same number of resamples, and the same points fitted (same losses, same rows included). */
function sameResamples(fits: FitResult[]): boolean {
  const [first, ...rest] = fits;
  const b0 = first.bootstrap;
  if (!b0) return false;
  const same = (x: ArrayLike<unknown>, y: ArrayLike<unknown>) => x.length === y.length && Array.from(x).every((v, i) => v === y[i]);
  return rest.every((f) => !!f.bootstrap && f.bootstrap.seed === b0.seed && f.bootstrap.resamples === b0.resamples
    && same(f.data.loss, first.data.loss) && same(f.data.included, first.data.included));
}

function comparisonSummary(r: FrontierComparison): string {
  const ci = (b: [number, number] | null | undefined) => (b ? ` [${fmt(b[0])}, ${fmt(b[1])}]` : '');
  const names = Object.keys(r.frontiers);
  const lines = [`Frontiers compared (${names.join(', ')}; reference ${r.reference}; ${Math.round(100 * r.level)}% intervals from each fit's bootstrap${r.paired ? ', paired: the fits resampled the same runs' : ', unpaired'})`];
  for (const e of r.exponents) lines.push(`  ${e.fit}: L* - L0 ~ C^${fmt(e.lossExponent)}${ci(e.lossInterval)}, N* ~ C^${fmt(e.allocation)}${ci(e.allocationInterval)}`);
  lines.push(`  C (FLOPs) | fit | N* | D* | D*/N* | L*`);
  for (const row of r.rows) {
    lines.push(`  ${fmt(row.flops, 3)} | ${row.fit} | ${fmt(row.params)}${ci(row.bands.params)} | ${fmt(row.tokens)} | ${fmt(row.tokensPerParam)}${ci(row.bands.tokensPerParam)} | ${fmt(row.loss)}`);
  }
  for (const q of r.ratios) lines.push(`  ${q.quantity} ${q.fit} / ${q.reference} at ${fmt(q.flops, 3)}: ${fmt(q.ratio)}${ci(q.interval)}: ${VERDICT_WORDS[q.verdict]}`);
  return lines.join('\n');
}

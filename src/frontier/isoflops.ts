import { ScalingLabError, checkOptionKeys } from '../errors';
import { toColumns, findColumn, requireColumn, type DataInput } from '../data/columns';
import type { Columns } from '../data/frame';
import { filterRows, type RowFilter } from '../data/select';
import { attachDisplay } from '../display-hook';
import { fitPowerLaw } from '../fit/powerLaw';
import { inferenceSettings } from '../fit/settings';
import { Rng } from '../util/random';
import { fmt } from '../util/format';
import { budgetOptimum, type BudgetPoints, type IsoflopMethod } from './isoflopCurve';
import { lowerEnvelope, type RunCurve } from './envelope';
import { isoflopSummary, isoflopTable, type AllocationExponents, type IsoflopBudget, type IsoflopResult } from './isoflopReport';

export type { IsoflopBudget, IsoflopResult, AllocationExponents } from './isoflopReport';
export type { IsoflopMethod, BudgetStatus } from './isoflopCurve';
export type { EnvelopePoint } from './envelope';

/**
 * isoFLOP analysis (Hoffmann et al. 2022, approaches 1 and 2; Porian et al. 2024), docs/methods.md#isoflop-analysis:
 * per compute budget the loss-optimal model size N*, tokens D* and loss L*, with intervals; the lower
 * envelope of training curves; and the allocation exponents N* ~ C^a, D* ~ C^b by fitPowerLaw.
 */
export interface IsoflopOptions {
  /** Columns (default: found by role alias). flops may be left out when params and tokens give C = 6 N D. */
  loss?: string; params?: string; tokens?: string; flops?: string;
  /** Rows to use: { column: value } (all must match) or a predicate, e.g. { recipe: 'RefinedWeb|Cosine decay' }. */
  where?: RowFilter;
  /** Budgets to group runs by: each run joins the nearest within `tolerance` (default: the distinct compute values). */
  budgets?: number[];
  /** Relative compute tolerance of that grouping (default 0.1, Porian et al.'s). */
  tolerance?: number;
  /** 'parabola' (default: L against ln N, Hoffmann et al.) or 'akima' (ln L against ln N interpolated on a fine grid, Porian et al.). */
  method?: IsoflopMethod;
  /** Noisy refits per budget (default 200; 0 or false for none). */
  bootstrap?: number | false;
  /** Seed of the noise (default 0). */
  seed?: number;
  /** Level of the intervals (default 0.95). */
  level?: number;
  /** SD of the noise added to each loss per refit (default 'residual': the budget's parabola residual SD; Porian et al.: 0.002 on RefinedWeb, 0.01 on OpenWebText2). */
  noise?: number | 'residual';
  /** Point estimate: 'fit' (the curve through the data; parabola's default) or 'median' of the refits (akima's default, as Porian et al.). */
  estimate?: 'fit' | 'median';
  /** Weight the exponent fits by 1 / logStd^2 of each optimum (default true when the refits ran). */
  weighted?: boolean;
  /** Approach 1: the column naming each training run; its rows are points along its curve. */
  run?: string;
  /** Compute values on the envelope (default 250). */
  envelopePoints?: number;
  /** 1 (envelope), 2 (isoFLOP curves) or 'both' (default 2, or 1 when run is given). */
  approach?: 1 | 2 | 'both';
}

const FN = 'isoflops';
const KEYS = ['loss', 'params', 'tokens', 'flops', 'where', 'budgets', 'tolerance', 'method', 'bootstrap', 'seed', 'level', 'noise',
  'estimate', 'weighted', 'run', 'envelopePoints', 'approach'];

/** The rows used, as numbers: loss, N, D (null without a tokens column) and C, plus the column names. */
interface Points { loss: number[]; params: number[]; tokens: number[] | null; flops: number[]; rows: number[]; names: IsoflopResult['columns'] }

/**
 * E.g. isoflops(datasets.porianRecipes(), { where: { recipe: 'RefinedWeb|Cosine decay' }, method: 'akima', noise: 0.002 }),
 * or isoflops(datasets.chinchilla(), { budgets: [6e18, 1e19, 3e19, 6e19, 1e20, 3e20, 6e20, 1e21, 3e21] }).
 */
export function isoflops(data: DataInput, options: IsoflopOptions = {}): IsoflopResult {
  checkOptionKeys(FN, options, KEYS);
  const settings = checkSettings(options);
  const columns = toColumns(data, FN);
  const rows = filterRows(columns, options.where, FN);
  const pts = readPoints(columns, rows, options);
  const approach = options.approach ?? (options.run !== undefined ? 1 : 2);
  const warnings: string[] = [];
  let budgets: IsoflopBudget[] = [], dropped = 0, exponents: AllocationExponents = { params: null, tokens: null };
  if (approach === 2 || approach === 'both') {
    const groups = groupBudgets(pts, options);
    dropped = groups.dropped;
    const rng = new Rng(settings.seed);
    budgets = groups.budgets.map(({ flops, points }) => {
      const o = budgetOptimum(flops, points, { ...settings, rng });
      return { flops, points, ...o, tokensPerParam: o.params !== null && o.tokens !== null ? o.tokens / o.params : null };
    });
    exponents = allocationExponents(budgets, settings.resamples > 0 && options.weighted !== false, warnings);
  }
  const envelope = approach === 1 || approach === 'both' ? envelopeOf(columns, pts, options, warnings) : null;
  const result: IsoflopResult = {
    kind: 'isoflops', method: settings.method, level: settings.level, resamples: settings.resamples, seed: settings.seed, noise: options.noise ?? 'residual',
    columns: pts.names, budgets, exponents, envelope, dropped, warnings,
    at: (flops: number) => allocationAt(result, flops),
    table: () => isoflopTable(result), summary: () => isoflopSummary(result),
    toJSON: () => JSON.parse(JSON.stringify({
      kind: 'isoflops', method: result.method, level: result.level, resamples: result.resamples, seed: result.seed, noise: result.noise, columns: result.columns,
      budgets, exponents: plainExponents(exponents), envelope: envelope && { points: envelope.points, exponents: plainExponents(envelope.exponents) }, dropped, warnings,
    })),
  };
  return attachDisplay(result);
}

function checkSettings(options: IsoflopOptions) {
  const inf = inferenceSettings(FN, options);
  const method = options.method ?? 'parabola';
  if (method !== 'parabola' && method !== 'akima') throw new ScalingLabError('bad-option', `${FN}: method must be 'parabola' or 'akima', got ${JSON.stringify(method)}.`, "'parabola' (Hoffmann et al.'s approach 2, the default) or 'akima' (Porian et al.'s interpolation).");
  const noise = options.noise ?? 'residual';
  if (noise !== 'residual' && !(typeof noise === 'number' && noise >= 0 && Number.isFinite(noise))) {
    throw new ScalingLabError('bad-option', `${FN}: noise must be a non-negative loss standard deviation or 'residual', got ${JSON.stringify(noise)}.`, 'Porian et al. used 0.002 (RefinedWeb) and 0.01 (OpenWebText2).');
  }
  const estimate = options.estimate ?? (method === 'akima' ? 'median' : 'fit');
  if (estimate !== 'fit' && estimate !== 'median') throw new ScalingLabError('bad-option', `${FN}: estimate must be 'fit' or 'median', got ${JSON.stringify(estimate)}.`);
  if (options.approach !== undefined && ![1, 2, 'both'].includes(options.approach)) throw new ScalingLabError('bad-option', `${FN}: approach must be 1, 2 or 'both', got ${JSON.stringify(options.approach)}.`);
  if ((options.approach === 1 || options.approach === 'both') && options.run === undefined) {
    throw new ScalingLabError('missing-option', `${FN}: approach 1 (the envelope of training curves) needs run, the column that names each run.`, "e.g. { run: 'model' } with one row per logged point of each run.");
  }
  return { ...inf, method, noise, estimate } as const;
}

function readPoints(columns: Columns, rows: number[], options: IsoflopOptions): Points {
  const lossName = requireColumn(columns, 'loss', FN, options.loss);
  const paramsName = requireColumn(columns, 'params', FN, options.params);
  const tokensName = findColumn(columns, 'tokens', options.tokens);
  if (options.tokens !== undefined && !tokensName) requireColumn(columns, 'tokens', FN, options.tokens);
  const flopsName = findColumn(columns, 'flops', options.flops);
  if (options.flops !== undefined && !flopsName) requireColumn(columns, 'flops', FN, options.flops);
  if (!flopsName && !tokensName) {
    throw new ScalingLabError('missing-column', `${FN}: each run needs its compute: no flops column, and no tokens column to form C = 6 N D. Columns present: ${Object.keys(columns).join(', ')}.`, "name the compute column with { flops: '<column>' }.");
  }
  const num = (name: string, what: string) => rows.map((r) => {
    const v = columns[name][r], x = typeof v === 'number' ? v : Number(v);
    if (!(x > 0) || !Number.isFinite(x)) throw new ScalingLabError('bad-value', `${FN}: row ${r} has ${name} = ${String(v)}; ${what} must be a positive number.`, 'fix the row or leave it out with where.');
    return x;
  });
  const loss = num(lossName, 'the loss'), params = num(paramsName, 'the model size');
  const tokens = tokensName ? num(tokensName, 'the tokens') : null;
  const flops = flopsName ? num(flopsName, 'the compute') : params.map((n, i) => 6 * n * tokens![i]);
  return { loss, params, tokens, flops, rows, names: { loss: lossName, params: paramsName, tokens: tokensName, flops: flopsName } };
}

/** Points per budget: exact compute values, or the nearest of the given budgets within the tolerance. */
function groupBudgets(p: Points, options: IsoflopOptions): { budgets: Array<{ flops: number; points: BudgetPoints }>; dropped: number } {
  const tol = options.tolerance ?? 0.1;
  if (!(tol > 0) || !Number.isFinite(tol)) throw new ScalingLabError('bad-option', `${FN}: tolerance must be a positive fraction, got ${tol}.`, 'e.g. tolerance: 0.1 (runs within 10% of a budget belong to it).');
  const members = new Map<number, number[]>();
  let dropped = 0;
  if (options.budgets !== undefined) {
    if (!Array.isArray(options.budgets) || options.budgets.length === 0 || options.budgets.some((b) => !(b > 0) || !Number.isFinite(b))) {
      throw new ScalingLabError('bad-option', `${FN}: budgets must be a non-empty array of positive FLOP counts.`, 'e.g. budgets: [6e18, 1e19, 3e19] (Hoffmann et al.\'s isoFLOP budgets).');
    }
    const budgets = [...new Set(options.budgets)].sort((a, b) => a - b);
    p.flops.forEach((c, i) => {
      const best = budgets.reduce((a, b) => (Math.abs(Math.log(c / b)) < Math.abs(Math.log(c / a)) ? b : a));
      if (Math.abs(Math.log(c / best)) <= Math.log1p(tol)) members.set(best, [...(members.get(best) ?? []), i]);
      else dropped++;
    });
    if (dropped === p.flops.length) {
      throw new ScalingLabError('empty-selection', `${FN}: no run's compute is within ${fmt(100 * tol)}% of the budgets ${budgets.map((b) => fmt(b)).join(', ')}.`,
        `the runs' compute ranges from ${fmt(Math.min(...p.flops))} to ${fmt(Math.max(...p.flops))} FLOPs: give budgets near those, or a larger tolerance.`);
    }
    for (const b of budgets) if (!members.has(b)) members.set(b, []);
  } else {
    p.flops.forEach((c, i) => { const key = Number(c.toPrecision(6)); members.set(key, [...(members.get(key) ?? []), i]); });
    const sizes = [...members.values()].map((m) => m.length);
    if (sizes.filter((k) => k >= 3).length < Math.min(3, members.size) || members.size > p.flops.length / 2) {
      throw new ScalingLabError('no-isoflop-groups', `${FN}: the ${p.flops.length} runs have ${members.size} distinct compute values, too few runs share one to trace isoFLOP curves.`, 'give budgets: [...] to group runs whose compute is within tolerance (default 10%) of each budget.');
    }
  }
  const budgets = [...members.entries()].sort((a, b) => a[0] - b[0]).map(([flops, idx]) => ({ flops, points: lowestPerSize(p, idx) }));
  return { budgets, dropped };
}

/** One point per model size: the lowest loss when a size was run twice (Porian et al. keep the minimum). */
function lowestPerSize(p: Points, idx: number[]): BudgetPoints {
  const best = new Map<number, number>();
  for (const i of idx) { const j = best.get(p.params[i]); if (j === undefined || p.loss[i] < p.loss[j]) best.set(p.params[i], i); }
  const keep = [...best.values()].sort((a, b) => p.params[a] - p.params[b]);
  return { params: keep.map((i) => p.params[i]), tokens: p.tokens ? keep.map((i) => p.tokens![i]) : null, loss: keep.map((i) => p.loss[i]) };
}

/** N* ~ C^a and D* ~ C^b over the budgets with an optimum, weighted by 1 / logStd^2 when every one has it. */
function allocationExponents(budgets: IsoflopBudget[], weighted: boolean, warnings: string[]): AllocationExponents {
  const ok = budgets.filter((b) => b.status === 'ok');
  const skipped = budgets.filter((b) => b.status !== 'ok');
  if (skipped.length) warnings.push(`${skipped.length} budget${skipped.length > 1 ? 's' : ''} without an optimum, left out of the exponents: ${skipped.map((b) => `${fmt(b.flops)} (${b.status})`).join(', ')}.`);
  if (ok.length < 3) {
    warnings.push(`only ${ok.length} budget${ok.length === 1 ? '' : 's'} with an optimum; the allocation exponents need at least 3.`);
    return { params: null, tokens: null };
  }
  const fitAxis = (value: (b: IsoflopBudget) => number, sd: (b: IsoflopBudget) => number | null) => {
    const useWeights = weighted && ok.every((b) => sd(b) !== null && sd(b)! > 0);
    const cols = { flops: ok.map((b) => b.flops), y: ok.map(value), sd: ok.map((b) => sd(b) ?? NaN) };
    return fitPowerLaw(cols, { x: 'flops', y: 'y', ...(useWeights ? { logStd: 'sd' } : {}) });
  };
  if (weighted && !ok.every((b) => b.logStd.params)) warnings.push('some optima have no bootstrap spread (3 points and noise \'residual\'): the exponents are unweighted.');
  return { params: fitAxis((b) => b.params!, (b) => b.logStd.params), tokens: fitAxis((b) => b.tokens!, (b) => b.logStd.tokens) };
}

/** Approach 1: the envelope of the runs' curves and its exponents (unweighted, one point per compute value). */
function envelopeOf(columns: Columns, p: Points, options: IsoflopOptions, warnings: string[]): IsoflopResult['envelope'] {
  const name = options.run!;
  if (!(name in columns)) throw new ScalingLabError('missing-column', `${FN}: the run column '${name}' is not in the data. Columns present: ${Object.keys(columns).join(', ')}.`, "pass { run: '<the column naming each training run>' }.");
  const count = options.envelopePoints ?? 250;
  if (!Number.isInteger(count) || count < 3) throw new ScalingLabError('bad-option', `${FN}: envelopePoints must be a whole number >= 3, got ${count}.`);
  const byRun = new Map<string, number[]>();
  p.rows.forEach((r, i) => { const k = String(columns[name][r]); byRun.set(k, [...(byRun.get(k) ?? []), i]); });
  if (byRun.size < 2) throw new ScalingLabError('too-few-points', `${FN}: the envelope needs at least 2 runs; column '${name}' has ${byRun.size}.`);
  const curves: RunCurve[] = [...byRun.entries()].map(([run, idx]) => {
    if (new Set(idx.map((i) => p.params[i])).size > 1) throw new ScalingLabError('bad-data', `${FN}: run '${run}' has more than one model size (${p.names.params}); a run is one model trained along its curve.`, `check the run column '${name}'.`);
    const sorted = [...idx].sort((a, b) => p.flops[a] - p.flops[b]);
    const tokens = sorted.map((i) => (p.tokens ? p.tokens[i] : p.flops[i] / (6 * p.params[i])));
    return { run, params: p.params[idx[0]], flops: sorted.map((i) => p.flops[i]), tokens, loss: sorted.map((i) => p.loss[i]) };
  });
  const points = lowerEnvelope(curves, count);
  const sizes = new Set(points.map((q) => q.run)).size;
  if (sizes < 2) {
    warnings.push(`the envelope is one run ('${points[0]?.run}') at every compute: the allocation exponents are not determined.`);
    return { points, exponents: { params: null, tokens: null } };
  }
  const cols = { flops: points.map((q) => q.flops), params: points.map((q) => q.params), tokens: points.map((q) => q.tokens) };
  return { points, exponents: { params: fitPowerLaw(cols, { x: 'flops', y: 'params' }), tokens: fitPowerLaw(cols, { x: 'flops', y: 'tokens' }) } };
}

/** The exponents without their methods, for toJSON. */
function plainExponents(e: AllocationExponents): Record<string, object | null> {
  const plain = (f: AllocationExponents['params']) => f && { exponent: f.exponent, coefficient: f.coefficient, n: f.n, reducedChiSquare: f.reducedChiSquare };
  return { params: plain(e.params), tokens: plain(e.tokens) };
}

/** N* and D* at a budget from the fitted exponents (approach 2, else approach 1). */
function allocationAt(r: IsoflopResult, flops: number): { flops: number; params: number; tokens: number } {
  if (!(flops > 0) || !Number.isFinite(flops)) throw new ScalingLabError('bad-value', `at: flops must be a positive number, got ${flops}.`);
  const e = r.exponents.params && r.exponents.tokens ? r.exponents : r.envelope?.exponents;
  if (!e?.params || !e.tokens) throw new ScalingLabError('no-exponents', 'at: no allocation exponents were fitted (see warnings).', 'add budgets with an interior optimum.');
  return { flops, params: e.params.predict(flops), tokens: e.tokens.predict(flops) };
}

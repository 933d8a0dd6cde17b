import * as os from 'os';
import { ScalingLabError, checkOptionKeys } from '../errors';
import { toDataFrame } from '../data/frame';
import { attachDisplay } from '../display-hook';
import { signalOf } from '../interrupt';
import { progressReporter } from '../progress';
import { checkMemory, totalBytes } from './memory';
import { commonOptionNames, resolveCommonOptions } from './options';
import { ResolvedToyOptions, ToyName, ToyOptions, toyNames, toys } from './registry';
import type { ShownToyOptions } from './result';
import { Configuration, sweepGrid } from './sweep-grid';
import { dispatchOrder } from './sweep-order';
import { SWEEP_WORKER, runPool } from './sweep-pool';
import { SweepJob, SweepRunResult, sweepColumns, sweepRow } from './sweep-row';
import { sweepSummary } from './sweep-summary';
import type { SweepOptions, SweepResult } from './sweep-types';
import { exponentVerdict } from './sweep-verdict';
import { resolveToyOptions } from './resolve';

/** sweepToy's own options (next to the toy's and the common ones), e.g. for checking a magic's options. */
export const SWEEP_OPTION_NAMES = ['vary', 'workers', 'universal', 'significance', 'withinSE'] as const;

/** The sweep's own options, checked, with their defaults. */
interface SweepSettings {
  workers: number;
  universal: number | undefined;
  significance: number;
  withinSE: number;
}

function sweepSettings(name: string, o: Record<string, unknown>): SweepSettings {
  const bad = (option: string, message: string, hint: string): never => {
    throw new ScalingLabError('bad-option', `sweepToy('${name}'): option '${option}' ${message}`, hint);
  };
  const { workers = os.availableParallelism(), universal, significance = 0.05, withinSE = 2 } = o;
  if (typeof workers !== 'number' || !Number.isInteger(workers) || workers < 1) bad('workers', `must be an integer >= 1, got ${JSON.stringify(workers)}.`, 'pass e.g. workers: 2 (default: one per core).');
  if (universal !== undefined && (typeof universal !== 'number' || !Number.isFinite(universal))) bad('universal', `must be a number, got ${JSON.stringify(universal)}.`, 'pass e.g. universal: 1 / 3.');
  if (typeof significance !== 'number' || !(significance > 0 && significance < 1)) bad('significance', `must be in (0, 1), got ${JSON.stringify(significance)}.`, 'pass e.g. significance: 0.05.');
  if (typeof withinSE !== 'number' || !(withinSE > 0)) bad('withinSE', `must be a positive number, got ${JSON.stringify(withinSE)}.`, 'pass e.g. withinSE: 2.');
  return { workers: workers as number, universal: universal as number | undefined, significance: significance as number, withinSE: withinSE as number };
}

/** Each configuration's options resolved and checked in the parent, before any worker starts (errors name the configuration). */
function resolveConfigurations<N extends ToyName>(name: N, base: Record<string, unknown>, grid: Configuration[]): Array<ResolvedToyOptions<N>> {
  return grid.map((c) => {
    try {
      return resolveToyOptions(name, { ...base, ...c.values, seed: c.seed } as ToyOptions<N>);
    } catch (err) {
      if (!(err instanceof ScalingLabError)) throw err;
      throw new ScalingLabError(err.code, `sweepToy('${name}'), configuration ${c.key}: ${err.reason}`, err.hint);
    }
  });
}

/** Parallel workers hold one configuration each: the largest `workers` estimates together must fit the limit. */
function checkSweepMemory<N extends ToyName>(name: N, resolved: Array<ResolvedToyOptions<N>>, workers: number, maxMemoryMB: number): void {
  const memory = toys[name].memory;
  if (!memory) return;
  const largest = resolved.map((o) => totalBytes(memory(o))).sort((a, b) => b - a).slice(0, workers);
  const parts = Object.fromEntries(largest.map((bytes, i) => [`worker ${i + 1}'s configuration`, bytes]));
  checkMemory(`sweepToy('${name}') with ${workers} workers`, parts, maxMemoryMB);
}

/**
 * Trains a toy over a grid of options (the cartesian product of `vary`) on worker threads, one row per
 * configuration: its exponent with standard error and CI, coefficient, whether the exponent is stable
 * within the budget, and seconds; and a verdict: are the exponents homogeneous across the sweep
 * (chi-square against their weighted mean) and consistent with the universal value (docs/toys.md#sweeps).
 *   await sweepToy('softmax-time', { vary: { lr: [0.02, 0.04, 0.08], temperature: [1e-3, 3e-3] } })
 * Each configuration is seeded by its canonical key, so the rows do not depend on the number of workers.
 */
export async function sweepToy<N extends ToyName>(name: N, options: SweepOptions<N>): Promise<SweepResult<N>> {
  if (!(toyNames as readonly string[]).includes(name)) {
    throw new ScalingLabError('unknown-toy', `sweepToy: unknown toy '${String(name)}'.`, `use one of: ${toyNames.join(', ')}.`);
  }
  checkOptionKeys(`sweepToy('${name}')`, options, [...commonOptionNames, ...toys[name].optionNames, ...SWEEP_OPTION_NAMES]);
  const started = Date.now();
  const given = Object.fromEntries(Object.entries(options ?? {}).filter(([, v]) => v !== undefined));
  const notShared: readonly string[] = [...SWEEP_OPTION_NAMES, 'onProgress', 'signal'];
  const base = Object.fromEntries(Object.entries(given).filter(([k]) => !notShared.includes(k)));
  const vary = given.vary;
  const settings = sweepSettings(name, given);
  const common = resolveCommonOptions(given);
  const grid = sweepGrid(name, vary, base, common.seed);
  const resolved = resolveConfigurations(name, base, grid);
  const workers = Math.min(settings.workers, grid.length);
  checkSweepMemory(name, resolved, workers, common.maxMemoryMB);
  const jobs: SweepJob[] = resolved.map(({ onProgress: _op, signal: _os, ...plain }) => ({ name, options: plain }));
  const totals = resolved.map((o) => toys[name].totalSteps(o));
  const report = progressReporter(`sweep ${name}`, totals.reduce((a, b) => a + b, 0), common.onProgress);
  const done = totals.map(() => 0);
  report(0);
  const results = await runPool<SweepJob, SweepRunResult>(SWEEP_WORKER, jobs, workers, {
    onProgress: (i, d) => {
      done[i] = d;
      report(done.reduce((a, b) => a + b, 0), undefined, `sweep ${name}: ${done.filter((x, j) => x >= totals[j]).length}/${grid.length} configurations`);
    },
    signal: signalOf(common.signal),
    order: dispatchOrder(Object.values(vary as Record<string, unknown[]>).map((v) => v.length), totals),
  });
  const rows = grid.map((c, i) => sweepRow(c, results[i]));
  const expected = [...new Set(rows.map((r) => r.expected))];
  const universal = settings.universal ?? (expected.length === 1 ? expected[0] : null);
  const verdict = exponentVerdict(rows.map((r) => r.exponent.value), rows.map((r) => r.exponent.stderr),
    { universal, significance: settings.significance, withinSE: settings.withinSE });
  const factors = Object.keys(vary as object);
  const { seed: _seed, ...shared } = jobs[0].options;
  for (const f of factors) delete shared[f];
  const result: SweepResult<N> = {
    kind: 'sweep', name, factors, rows, verdict, options: shared as Partial<ShownToyOptions<N>>, workers, seconds: (Date.now() - started) / 1000,
    summary() { return sweepSummary(this); },
    table() { return toDataFrame(sweepColumns(this.factors, this.rows)); },
    toJSON() { return { kind: this.kind, name: this.name, factors: this.factors, rows: this.rows, verdict: this.verdict, options: this.options, workers: this.workers, seconds: this.seconds }; },
  };
  return attachDisplay(result);
}

import { attachDisplay } from '../display-hook';
import { ScalingLabError, checkOptionKeys } from '../errors';
import { toDataFrame } from '../data/frame';
import type { FitResult } from '../fit/types';
import { fmt } from '../util/format';
import { bootstrapFrontier } from './bootstrap';
import { resolveBudgets, type Budgets } from './budgets';
import { chooseForm, makeSolver } from './forms';
import { checkRoles } from './roles';
import { frontierLaw, type LawSpec } from './source';
import { frontierColumns, frontierSummary } from './summary';
import type { FrontierResult, FrontierRow, SolvedFrontier } from './types';

export type { LawSpec } from './source';
export { frontierColumns } from './summary';

export interface FrontierOptions {
  /** FLOP budgets: an array, one number, or { from, to, count } log-spaced. Default { from: 1e18, to: 1e26, count: 33 }. */
  budgets?: Budgets;
  /** k in N = k m^2 l (non-embedding parameters per width^2 x depth). Default 12 (standard Transformer block). */
  paramsPerShape?: number;
  /** f in C = f N D. Default 6. */
  flopsPerParamToken?: number;
  /** 'auto' (closed form where one exists, default) or 'numeric' (always minimise numerically). */
  method?: 'auto' | 'numeric';
  /** Compute bands and intervals from the fit's bootstrap samples when it has them. Default true. */
  bands?: boolean;
  /** Interval level. Default 0.95. */
  level?: number;
}

const OPTION_KEYS = ['budgets', 'paramsPerShape', 'flopsPerParamToken', 'method', 'bands', 'level'] as const;

/** The options with their defaults, checked. */
function resolveOptions(options: FrontierOptions): { k: number; f: number; level: number; method: 'auto' | 'numeric' } {
  checkOptionKeys('frontier', options, OPTION_KEYS);
  const k = options.paramsPerShape ?? 12;
  const f = options.flopsPerParamToken ?? 6;
  const level = options.level ?? 0.95;
  const method = options.method ?? 'auto';
  for (const [name, v] of [['paramsPerShape', k], ['flopsPerParamToken', f]] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
      throw new ScalingLabError('bad-option', `frontier: ${name} must be a positive number, got ${String(v)}.`, name === 'paramsPerShape' ? 'k in N = k m^2 l; 12 for a standard Transformer block.' : 'f in C = f N D; 6 for forward plus backward passes.');
    }
  }
  if (method !== 'auto' && method !== 'numeric') throw new ScalingLabError('bad-option', `frontier: method must be 'auto' or 'numeric', got ${String(method)}.`);
  if (!(level > 0 && level < 1)) throw new ScalingLabError('bad-option', `frontier: level must be in (0, 1), got ${String(level)}.`, 'e.g. level: 0.95.');
  return { k, f, level, method };
}

/**
 * Compute-optimal frontier of a fitted law (or of a law with known constants): per budget C the
 * optimal N*, D*, width and depth, D* / N* and L*(C), with closed forms for the universal and the
 * Chinchilla forms (docs/derivations.md#frontier-closed-forms) when the law's structure has them, and a
 * numeric constrained minimisation for anything else.
 */
export function frontier(source: FitResult | LawSpec, options: FrontierOptions = {}): FrontierResult {
  const { k, f, level, method } = resolveOptions(options);
  if (!source || typeof source !== 'object') {
    throw new ScalingLabError('bad-law', 'frontier: the first argument must be a fit (fitUniversal, fitLaw) or { law, params }.');
  }
  const budgets = resolveBudgets(options.budgets, 'frontier');
  const law = frontierLaw(source);
  checkRoles(law);
  const form = chooseForm(law, method);
  const solver = makeSolver(law, form, k, f);
  const solved = solver(law.params);
  const rows = budgets.map((c) => solved.at(c));
  const rowsByFlops = new Map(rows.map((r) => [r.flops, r]));
  // The point optimum at any budget a bootstrap draw asks about, computed once.
  const hint = (c: number): FrontierRow => {
    let row = rowsByFlops.get(c);
    if (!row) { row = solved.at(c); rowsByFlops.set(c, row); }
    return row;
  };
  // Shared with the solver, so notes it makes later (a numeric optimum on a search bound in at()) show up too.
  const notes = solved.notes;
  const tokensPerParam = solved.constantTokensPerParam ?? rows[0].tokensPerParam;
  const aspectRatio = solved.aspectRatio ?? (rows[0].width !== undefined ? rows[0].width / (rows[0].depth as number) : undefined);
  const why = (closed: string) => (form === 'numeric' ? 'numeric frontier' : closed);
  if (solved.constantTokensPerParam === undefined) notes.push(`tokensPerParam is given at the first budget, ${fmt(budgets[0])} FLOPs (${why('unequal size and data exponents: it varies with C')}).`);
  if (solved.aspectRatio === undefined && aspectRatio !== undefined) notes.push(`aspectRatio is given at the first budget, ${fmt(budgets[0])} FLOPs (${why('unequal width and depth exponents: it varies with N')}).`);

  const boot = options.bands !== false && law.samples && Object.keys(law.samples).length > 0
    ? bootstrapFrontier({ params: law.params, samples: law.samples, solver, budgets, rows, hint, withAspect: aspectRatio !== undefined, level }, notes)
    : { used: 0 };
  return frontierResult({ form, law: law.expression, rows, ...boot, aspectRatio, tokensPerParam, k, f, notes }, solved);
}

/** The result object around a solved frontier: fields, at/loss/flopsFor, table and summary. */
function frontierResult(
  p: Pick<FrontierResult, 'form' | 'law' | 'rows' | 'bands' | 'intervals' | 'aspectRatio' | 'tokensPerParam' | 'notes'> & { used: number; k: number; f: number },
  solved: SolvedFrontier,
): FrontierResult {
  const result: FrontierResult = {
    kind: 'frontier',
    form: p.form,
    law: p.law,
    rows: p.rows,
    bands: p.bands,
    intervals: p.intervals,
    bootstrapSamples: p.used,
    aspectRatio: p.aspectRatio,
    tokensPerParam: p.tokensPerParam,
    floor: solved.floor,
    lossExponent: solved.lossExponent,
    constants: solved.constants,
    options: { paramsPerShape: p.k, flopsPerParamToken: p.f },
    notes: p.notes,
    at(flops: number): FrontierRow {
      if (typeof flops !== 'number' || !Number.isFinite(flops) || flops <= 0) {
        throw new ScalingLabError('bad-budget', `frontier.at: flops must be a positive finite number, got ${String(flops)}.`);
      }
      return solved.at(flops);
    },
    loss(flops: number): number {
      return result.at(flops).loss;
    },
    flopsFor(loss: number): number {
      if (typeof loss !== 'number' || !Number.isFinite(loss)) throw new ScalingLabError('bad-value', `frontier.flopsFor: loss must be a finite number, got ${String(loss)}.`);
      return solved.flopsFor(loss);
    },
    table() {
      return toDataFrame(frontierColumns(result));
    },
    summary(): string {
      return frontierSummary(result);
    },
  };
  return attachDisplay(result);
}

/** The names frontier accepts: the %frontier magic checks its options against them. */
export { OPTION_KEYS as FRONTIER_OPTIONS };

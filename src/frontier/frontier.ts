import { attachDisplay } from '../display-hook';
import { ScalingLabError, checkOptionKeys, describeValue } from '../errors';
import { toDataFrame } from '../data/frame';
import type { FitResult } from '../fit/types';
import { fmt } from '../util/format';
import { bootstrapFrontier } from './bootstrap';
import { resolveBudgets, type Budgets } from './budgets';
import { chooseForm, makeSolver, type FrontierSolver } from './forms';
import { applyHold, type HoldValue } from './hold';
import { checkRoles } from './roles';
import { frontierLaw, readSource, type FrontierLaw, type LawSpec } from './source';
import { frontierColumns, frontierSummary } from './summary';
import type { FrontierForm, FrontierResult, FrontierRow, SolvedFrontier } from './types';
import { checkFrontierLoss, closedFormDisagreement } from './verify';

export type { LawSpec } from './source';
export type { HoldValue } from './hold';
export { frontierColumns } from './summary';

export interface FrontierOptions {
  /** FLOP budgets: an array, one number, or { from, to, count } log-spaced. Default { from: 1e18, to: 1e26, count: 33 }. */
  budgets?: Budgets;
  /** k in N = k m^2 l (non-embedding parameters per width^2 x depth). Default 12 (standard Transformer block). */
  paramsPerShape?: number;
  /** f in C = f N D. Default 6. */
  flopsPerParamToken?: number;
  /**
   * 'auto' (default): a closed form where the law's structure has one, checked against the numeric
   * minimisation at every budget and replaced by it where they disagree; 'numeric': always minimise numerically.
   */
  method?: 'auto' | 'numeric';
  /**
   * Law variables other than size and data, held while the frontier optimises N and D (or m, l and D):
   * a number (`{ U: 1e11 }`, the unique tokens of the data-constrained law), or a fit or { law, params } in
   * size and data that the variable is replaced by (`{ L_x: trainFit }`, the loss a loss-to-loss law
   * predicts from). Default: none (a law with such variables is an error naming them).
   */
  hold?: Record<string, HoldValue>;
  /** Compute bands and intervals from the fit's bootstrap samples when it has them. Default true. */
  bands?: boolean;
  /** Interval level. Default 0.95. */
  level?: number;
}

const OPTION_KEYS = ['budgets', 'paramsPerShape', 'flopsPerParamToken', 'method', 'hold', 'bands', 'level'] as const;

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
  if (method !== 'auto' && method !== 'numeric') throw new ScalingLabError('bad-option', `frontier: method must be 'auto' or 'numeric', got ${String(method)}.`, "leave it out ('auto': closed forms where they exist) or use 'numeric'.");
  if (!(level > 0 && level < 1)) throw new ScalingLabError('bad-option', `frontier: level must be in (0, 1), got ${String(level)}.`, 'e.g. level: 0.95.');
  return { k, f, level, method };
}

/**
 * Compute-optimal frontier of a fitted law (or of a law with known constants): per budget C the
 * optimal N*, D*, width and depth, D* / N* and L*(C), with closed forms for the universal and the
 * Chinchilla forms (docs/derivations.md#frontier-closed-forms) when the law's structure has them, each
 * checked against the numeric optimum at the budgets, and a numeric constrained minimisation for
 * anything else (docs/laws.md#closed-forms-checked-against-the-numeric-optimum). Other variables are
 * held (docs/laws.md#held-variables).
 */
export function frontier(source: FitResult | LawSpec, options: FrontierOptions = {}): FrontierResult {
  const { k, f, level, method } = resolveOptions(options);
  if (!source || typeof source !== 'object') {
    throw new ScalingLabError('bad-law', `frontier: the first argument must be a fit (fitUniversal, fitLaw) or { law, params }, got ${describeValue(source)}.`, "e.g. frontier(fitUniversal(runs)) or frontier({ law: 'chinchilla', params: { E: 1.69, A: 406.4, alpha: 0.34, B: 410.7, beta: 0.28 } }).");
  }
  const budgets = resolveBudgets(options.budgets, 'frontier');
  const held = options.hold && typeof options.hold === 'object' ? Object.keys(options.hold) : [];
  const law = frontierLaw(applyHold(readSource(source, held), options.hold));
  checkRoles(law);
  const { form, solver, solved, fallback } = solve(law, method, k, f, budgets);
  const rows = budgets.map((c) => solved.at(c));
  checkFrontierLoss(law, rows);
  const rowsByFlops = new Map(rows.map((r) => [r.flops, r]));
  // The point optimum at any budget a bootstrap draw asks about, computed once.
  const hint = (c: number): FrontierRow => {
    let row = rowsByFlops.get(c);
    if (!row) { row = solved.at(c); rowsByFlops.set(c, row); }
    return row;
  };
  // Shared with the solver, so notes it makes later (a numeric optimum on a search bound in at()) show up too.
  const notes = solved.notes;
  if (fallback) notes.unshift(fallback);
  const tokensPerParam = solved.constantTokensPerParam ?? rows[0].tokensPerParam;
  const aspectRatio = solved.aspectRatio ?? (rows[0].width !== undefined ? rows[0].width / (rows[0].depth as number) : undefined);
  const why = (closed: string) => (form === 'numeric' ? 'numeric frontier' : closed);
  if (solved.constantTokensPerParam === undefined) notes.push(`tokensPerParam is given at the first budget, ${fmt(budgets[0])} FLOPs (${why('unequal size and data exponents: it varies with C')}).`);
  if (solved.aspectRatio === undefined && aspectRatio !== undefined) notes.push(`aspectRatio is given at the first budget, ${fmt(budgets[0])} FLOPs (${why('unequal width and depth exponents: it varies with N')}).`);

  const hasDraws = !!law.samples && Object.keys(law.samples).length > 0;
  if (options.bands === true && !hasDraws) {
    throw new ScalingLabError('bad-option', 'frontier: bands: true, but the fit has no bootstrap draws to draw bands from.', 'fit with bootstrap: 200 (or more), or leave bands out.');
  }
  const boot = options.bands !== false && law.samples && hasDraws
    ? bootstrapFrontier({ params: law.params, samples: law.samples, solver, budgets, rows, hint, withAspect: aspectRatio !== undefined, level }, notes)
    : { used: 0 };
  return frontierResult({ form, law: law.expression, lawLabel: law.label, rows, ...boot, aspectRatio, tokensPerParam, k, f, notes, closedFormRejected: fallback ?? undefined }, solved);
}

/**
 * The form the law's structure allows, solved at the point values; a closed form that is not the
 * numeric optimum at some budget is replaced by the numeric solver, with the reason.
 */
function solve(law: FrontierLaw, method: 'auto' | 'numeric', k: number, f: number, budgets: number[]): { form: FrontierForm; solver: FrontierSolver; solved: SolvedFrontier; fallback: string | null } {
  const form = chooseForm(law, method);
  const solver = makeSolver(law, form, k, f);
  const solved = solver(law.params);
  if (form === 'numeric') return { form, solver, solved, fallback: null };
  const numericSolver = makeSolver(law, 'numeric', k, f);
  // Searched first around the closed form's optimum (and over the whole range when the best point is on the window's edge).
  const fallback = closedFormDisagreement(form, solved, numericSolver(law.params, (c) => solved.at(c)), budgets);
  return fallback ? { form: 'numeric', solver: numericSolver, solved: numericSolver(law.params), fallback } : { form, solver, solved, fallback: null };
}

/** The result object around a solved frontier: fields, at/loss/flopsFor, table and summary. */
function frontierResult(
  p: Pick<FrontierResult, 'form' | 'law' | 'lawLabel' | 'rows' | 'bands' | 'intervals' | 'aspectRatio' | 'tokensPerParam' | 'notes' | 'closedFormRejected'> & { used: number; byDraw?: Array<FrontierRow[] | null>; k: number; f: number },
  solved: SolvedFrontier,
): FrontierResult {
  const result: FrontierResult = {
    kind: 'frontier',
    form: p.form,
    law: p.law,
    lawLabel: p.lawLabel,
    rows: p.rows,
    bands: p.bands,
    intervals: p.intervals,
    bootstrapSamples: p.used,
    draws: () => p.byDraw ?? [],
    aspectRatio: p.aspectRatio,
    tokensPerParam: p.tokensPerParam,
    floor: solved.floor,
    lossExponent: solved.lossExponent,
    constants: solved.constants,
    options: { paramsPerShape: p.k, flopsPerParamToken: p.f },
    notes: p.notes,
    closedFormRejected: p.closedFormRejected,
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

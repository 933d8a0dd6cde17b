import type { DataFrame } from 'danfojs-node';
import { attachDisplay } from '../display-hook';
import { ScalingLabError, checkOptionKeys } from '../errors';
import { toDataFrame, type Columns } from '../data/frame';
import type { FitResult } from '../fit/types';
import type { Role } from '../data/roles';
import { LAWS, SYMBOL_ROLES, type BuiltinLaw } from '../laws';
import { interval } from '../util/stats';
import { rowBands } from './bands';
import { resolveBudgets, type Budgets } from './budgets';
import { solveChinchilla } from './chinchilla';
import { solveNumeric } from './numeric';
import { analyseLaw, freeSymbols, type LawStructure } from './structure';
import type { FrontierForm, FrontierResult, FrontierRow, SolvedFrontier } from './types';
import { solveUniversal } from './universal';

/** A law with known constants instead of a fit: `{ law: 'chinchilla', params: { A, B, E, alpha, beta } }`. */
export interface LawSpec {
  /** A built-in name ('chinchilla', 'universal', 'kaplan') or a mathjs expression. */
  law: string;
  /** Every constant of the law. */
  params: Record<string, number>;
  /** Law variable -> role; guessed from the names N, D, m, l (and params, tokens, width, depth) when left out. */
  roles?: Record<string, Role>;
}

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

/** Other names users give the built-in laws' constants (e.g. Liu and Gore's coefficient names). */
const ALIASES: Record<string, Record<string, string>> = {
  chinchilla: { L0: 'E', a: 'alpha', b: 'beta' },
  universal: { E: 'L0', width: 'c_m', depth: 'c_l', time: 'c_D', tokens: 'c_D', c_w: 'c_m', c_d: 'c_l' },
  kaplan: { Nc: 'N_c', Dc: 'D_c', aN: 'alpha_N', aD: 'alpha_D' },
};

/** Variable roles guessed from names, for expressions given without roles. */
const ROLE_GUESS: Record<string, Role> = { ...SYMBOL_ROLES, params: 'params', tokens: 'tokens', width: 'width', depth: 'depth' };

/** A law ready to solve: expression, point values, roles, and optionally bootstrap draws. */
interface Model {
  expression: string;
  params: Record<string, number>;
  roles: Record<string, Role>;
  evaluate?: (vars: Record<string, number>, params: Record<string, number>) => number;
  samples?: Record<string, number[]>;
}

function isFit(x: unknown): x is FitResult {
  return !!x && typeof x === 'object' && (x as { kind?: unknown }).kind === 'fit';
}

function modelFromFit(fit: FitResult): Model {
  const params: Record<string, number> = {};
  for (const [name, p] of Object.entries(fit.params)) params[name] = p.value;
  return {
    expression: fit.law,
    params,
    roles: fit.roles,
    evaluate: (vars, ps) => fit.evaluate(vars, ps),
    samples: fit.bootstrap?.samples,
  };
}

function modelFromSpec(spec: LawSpec): Model {
  checkOptionKeys('frontier', spec, ['law', 'params', 'roles']);
  if (typeof spec.law !== 'string' || !spec.params || typeof spec.params !== 'object') {
    throw new ScalingLabError('bad-law', 'frontier: give a fit, or { law, params } with the law\'s constants.', "e.g. frontier({ law: 'chinchilla', params: { A: 406.4, B: 410.7, E: 1.69, alpha: 0.34, beta: 0.28 } }).");
  }
  for (const [name, v] of Object.entries(spec.params)) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new ScalingLabError('bad-value', `frontier: params.${name} must be a finite number, got ${String(v)}.`);
  }
  const key = spec.law.trim().toLowerCase();
  const known = (LAWS as Record<string, BuiltinLaw>)[key];
  if (known) {
    const builtin = { expression: known.expression, roles: known.variables, aliases: ALIASES[key] ?? {} };
    const params: Record<string, number> = {};
    for (const [name, v] of Object.entries(spec.params)) params[builtin.aliases[name] ?? name] = v;
    const needed = freeSymbols(builtin.expression, {}).filter((s) => !(s in builtin.roles));
    const missing = needed.filter((s) => !(s in params));
    const extra = Object.keys(params).filter((s) => !needed.includes(s));
    if (missing.length || extra.length) {
      throw new ScalingLabError(
        'bad-law',
        `frontier: the ${spec.law} law ${builtin.expression} ${missing.length ? `needs ${missing.join(', ')}` : ''}${missing.length && extra.length ? ' and ' : ''}${extra.length ? `has no constant ${extra.join(', ')}` : ''}.`,
        `give params ${needed.join(', ')}.`,
      );
    }
    return { expression: builtin.expression, params, roles: { ...builtin.roles, ...(spec.roles ?? {}) } };
  }
  const free = freeSymbols(spec.law, spec.params, spec.roles ?? {});
  const roles: Record<string, Role> = {};
  for (const s of free) {
    const role = spec.roles?.[s] ?? ROLE_GUESS[s];
    if (!role) {
      throw new ScalingLabError('missing-roles', `frontier: '${s}' in the law '${spec.law}' is neither a constant in params nor a variable with a role.`, `add it to params, or say what it is: roles: { ${s}: 'params' | 'tokens' | 'width' | 'depth' }.`);
    }
    roles[s] = role;
  }
  return { expression: spec.law, params: { ...spec.params }, roles };
}

/** Checks the roles allow a frontier and says which variable is the problem. */
function checkRoles(s: LawStructure): void {
  for (const [v, role] of Object.entries(s.roles)) {
    if (role === 'time' || role === 'steps') {
      if (!s.byRole.tokens) {
        throw new ScalingLabError('missing-roles', `frontier: the law's variable ${v} is ${role === 'time' ? 'dynamic time (sum of learning rates)' : 'training steps'}, not tokens, so compute C = 6 N D cannot be formed.`, 'refit with a tokens column (tokens = steps x batch size in tokens).');
      }
      throw new ScalingLabError('bad-law', `frontier: the law has both tokens and ${role} (${v}); a frontier over compute needs one data variable.`);
    }
    if (role === 'flops' || role === 'other') {
      throw new ScalingLabError('bad-law', `frontier: the law's variable ${v} has the role '${role}'; the frontier optimises over params (or width and depth) and tokens only.`, 'fit a law in N and D, or in m, l and D.');
    }
  }
  if (!s.byRole.tokens) throw new ScalingLabError('missing-roles', 'frontier: the law has no tokens variable.', "give the law a variable with the role 'tokens' (roles: { D: 'tokens' }).");
  const hasShape = s.byRole.width !== undefined && s.byRole.depth !== undefined;
  if (!s.byRole.params && !hasShape) {
    const has = Object.entries(s.byRole).map(([r, v]) => `${v} (${r})`).join(', ');
    throw new ScalingLabError('missing-roles', `frontier: the law needs params, or both width and depth, besides tokens; it has ${has}.`, "set roles, e.g. { N: 'params', D: 'tokens' } or { m: 'width', l: 'depth', D: 'tokens' }.");
  }
  if (s.byRole.params && (s.byRole.width || s.byRole.depth)) {
    throw new ScalingLabError('bad-law', 'frontier: the law has params and width/depth variables at once; N = k m^2 l ties them.', 'use either N, or m and l.');
  }
}

/** Picks the closed form the law's structure allows, at the point values. */
function chooseForm(s: LawStructure, params: Record<string, number>, method: 'auto' | 'numeric'): FrontierForm {
  if (method === 'numeric' || !s.separable) return 'numeric';
  const { width, depth, tokens, params: N } = s.byRole;
  const power = (v: string | undefined) => (v ? s.powerLaw(v, params) : null);
  if (!power(tokens as string)) return 'numeric';
  if (N) return power(N) ? 'chinchilla' : 'numeric';
  return power(width) && power(depth) ? 'universal' : 'numeric';
}

function makeSolver(s: LawStructure, form: FrontierForm, k: number, f: number, evaluate: Model['evaluate']): (params: Record<string, number>, hint?: (flops: number) => FrontierRow) => SolvedFrontier {
  const { width, depth, tokens, params: N } = s.byRole as Record<string, string>;
  // A power law read off the law; a missing one at a bootstrap draw means the coefficient went to 0.
  const pl = (v: string, params: Record<string, number>) => s.powerLaw(v, params) ?? { coefficient: 0, exponent: NaN };
  if (form === 'chinchilla') {
    return (params) => {
      const a = pl(N, params);
      const b = pl(tokens, params);
      return solveChinchilla({ E: s.constant(params), A: a.coefficient, alpha: a.exponent, B: b.coefficient, beta: b.exponent }, f);
    };
  }
  if (form === 'universal') {
    return (params) => {
      const wm = pl(width, params);
      const dl = pl(depth, params);
      const dd = pl(tokens, params);
      return solveUniversal({ L0: s.constant(params), c_m: wm.coefficient, a_m: wm.exponent, c_l: dl.coefficient, a_l: dl.exponent, c_D: dd.coefficient, a_D: dd.exponent }, k, f);
    };
  }
  return (params, hint) => {
    const loss = (vars: Record<string, number>) => (evaluate ? evaluate(vars, params) : s.evaluate(vars, params));
    // The floor is the loss with every variable at 1e300 (each decreasing term has vanished).
    const big: Record<string, number> = {};
    for (const v of Object.keys(s.roles)) big[v] = 1e300;
    return solveNumeric(loss, s.byRole, k, f, loss(big), hint);
  };
}

function fmt(x: number | undefined, digits = 4): string {
  if (x === undefined) return '-';
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  return a !== 0 && (a >= 1e5 || a < 1e-3) ? x.toExponential(digits - 1) : Number(x.toPrecision(digits)).toString();
}

/**
 * Compute-optimal frontier of a fitted law (or of a law with known constants): per budget C the
 * optimal N*, D*, width and depth, D* / N* and L*(C), with closed forms for the universal and the
 * Chinchilla forms (DESIGN.md section 1) and a numeric constrained minimisation for anything else.
 */
export function frontier(source: FitResult | LawSpec, options: FrontierOptions = {}): FrontierResult {
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
  if (!source || typeof source !== 'object') {
    throw new ScalingLabError('bad-law', 'frontier: the first argument must be a fit (fitUniversal, fitLaw) or { law, params }.');
  }
  const budgets = resolveBudgets(options.budgets, 'frontier');
  const model = isFit(source) ? modelFromFit(source) : modelFromSpec(source as LawSpec);
  const structure = analyseLaw(model.expression, model.roles, model.evaluate);
  checkRoles(structure);
  const form = chooseForm(structure, model.params, method);
  const solver = makeSolver(structure, form, k, f, model.evaluate);
  const solved = solver(model.params);
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

  // Bootstrap: one frontier per draw of the parameters, then percentiles per row and per constant.
  let bands: FrontierResult['bands'];
  let intervals: FrontierResult['intervals'];
  let used = 0;
  if (options.bands !== false && model.samples && Object.keys(model.samples).length > 0) {
    const keys = Object.keys(model.samples).filter((key) => key in model.params);
    const unknown = Object.keys(model.samples).filter((key) => !(key in model.params));
    if (unknown.length) notes.push(`bootstrap samples for ${unknown.join(', ')} match no parameter of the law and were ignored.`);
    const count = keys.length ? Math.min(...keys.map((key) => model.samples![key].length)) : 0;
    const draws: FrontierRow[][] = [];
    const scalars: Record<string, number[]> = { tokensPerParam: [], lossExponent: [] };
    if (aspectRatio !== undefined) scalars.aspectRatio = [];
    let skipped = 0;
    for (let j = 0; j < count; j++) {
      const params = { ...model.params };
      for (const key of keys) params[key] = model.samples![key][j];
      let sj: SolvedFrontier;
      let rj: FrontierRow[];
      try {
        // Each draw's optimum lies near the point estimate's: the numeric solver searches there first.
        sj = solver(params, hint);
        rj = budgets.map((c) => sj.at(c));
      } catch (e) {
        if (e instanceof ScalingLabError) { skipped++; continue; }
        throw e;
      }
      if (rj.some((r) => !Number.isFinite(r.loss) || !Number.isFinite(r.params))) { skipped++; continue; }
      draws.push(rj);
      scalars.tokensPerParam.push(sj.constantTokensPerParam ?? rj[0].tokensPerParam);
      scalars.lossExponent.push(sj.lossExponent);
      if (scalars.aspectRatio) scalars.aspectRatio.push(sj.aspectRatio ?? (rj[0].width as number) / (rj[0].depth as number));
      // k and f are options, not estimates: no interval for them.
      for (const [name, v] of Object.entries(sj.constants)) if (name !== 'k' && name !== 'flopsPerParamToken') (scalars[name] ??= []).push(v);
    }
    used = draws.length;
    if (skipped) notes.push(`${skipped} of ${count} bootstrap draws gave no finite frontier (a coefficient at 0) and were left out of the bands.`);
    if (used >= 2) {
      bands = rowBands(draws, rows, level);
      intervals = {};
      for (const [name, values] of Object.entries(scalars)) if (values.length === used) intervals[name] = interval(values, level);
    } else if (count > 0) notes.push('too few usable bootstrap draws for bands.');
  }

  const result: FrontierResult = {
    kind: 'frontier',
    form,
    law: model.expression,
    rows,
    bands,
    intervals,
    bootstrapSamples: used,
    aspectRatio,
    tokensPerParam,
    floor: solved.floor,
    lossExponent: solved.lossExponent,
    constants: solved.constants,
    options: { paramsPerShape: k, flopsPerParamToken: f },
    notes,
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
    table(): DataFrame {
      return toDataFrame(frontierColumns(result));
    },
    summary(): string {
      return frontierSummary(result);
    },
  };
  return attachDisplay(result);
}

/** The frontier table as plain columns (width/depth only when the law has them; _lo/_hi with bands). */
export function frontierColumns(r: FrontierResult): Columns {
  const cols: Columns = {};
  const fields = ['flops', 'params', 'tokens', 'width', 'depth', 'tokensPerParam', 'loss'] as const;
  for (const field of fields) {
    if (r.rows.length && r.rows[0][field] === undefined) continue;
    cols[field] = r.rows.map((row) => row[field] as number);
    const band = r.bands?.[field];
    if (band && field !== 'flops') {
      cols[`${field}_lo`] = band.map((b) => b[0]);
      cols[`${field}_hi`] = band.map((b) => b[1]);
    }
  }
  return cols;
}

function frontierSummary(r: FrontierResult): string {
  const c = r.constants;
  const ci = (name: string) => (r.intervals?.[name] ? ` [${fmt(r.intervals[name][0])}, ${fmt(r.intervals[name][1])}]` : '');
  const lines: string[] = [];
  const how = r.form === 'numeric' ? 'numeric minimisation' : `${r.form}-form closed form`;
  lines.push(`Compute-optimal frontier (${how}, C = ${r.options.flopsPerParamToken} N D${r.rows[0]?.width !== undefined ? `, N = ${r.options.paramsPerShape} m^2 l` : ''})`);
  lines.push(`  law: ${r.law}`);
  if (r.form === 'universal') {
    lines.push(`  L0 = ${fmt(c.L0)}${ci('L0')}, c_N = ${fmt(c.c_N)}${ci('c_N')}, c_D = ${fmt(c.c_D)}${ci('c_D')}, K = ${fmt(c.K)}${ci('K')}`);
  } else if (r.form === 'chinchilla') {
    lines.push(`  E = ${fmt(c.E)}${ci('E')}, A = ${fmt(c.A)}, B = ${fmt(c.B)}, alpha = ${fmt(c.alpha)}, beta = ${fmt(c.beta)}, G = ${fmt(c.G)}${ci('G')}`);
  }
  if (r.aspectRatio !== undefined) lines.push(`  optimal aspect ratio m* / l* = ${fmt(r.aspectRatio)}${ci('aspectRatio')}`);
  lines.push(`  tokens per parameter D* / N* = ${fmt(r.tokensPerParam)}${ci('tokensPerParam')}`);
  lines.push(`  L* - L0 ~ C^${fmt(r.lossExponent)}`);
  const shape = r.rows[0]?.width !== undefined;
  lines.push(`  ${['C (FLOPs)', 'N*', 'D*', ...(shape ? ['m* x l*'] : []), 'L*'].join(' | ')}`);
  r.rows.forEach((row, i) => {
    const lossBand = r.bands ? ` [${fmt(r.bands.loss[i][0])}, ${fmt(r.bands.loss[i][1])}]` : '';
    const cells = [fmt(row.flops, 3), fmt(row.params), fmt(row.tokens), ...(shape ? [`${Math.round(row.width as number)} x ${fmt(row.depth, 3)}`] : []), `${fmt(row.loss)}${lossBand}`];
    lines.push(`  ${cells.join(' | ')}`);
  });
  if (r.bands) lines.push(`  intervals: ${r.bootstrapSamples} bootstrap draws.`);
  for (const note of r.notes) lines.push(`  note: ${note}`);
  return lines.join('\n');
}

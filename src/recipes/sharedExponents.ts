import { ScalingLabError, checkOptionKeys } from '../errors';
import { attachDisplay } from '../display-hook';
import { findColumn, numRows, toColumns, type DataInput } from '../data/columns';
import { toDataFrame, type Columns } from '../data/frame';
import { filterRows, type RowFilter } from '../data/select';
import { fitLaw } from '../fit/law';
import { parameterKinds } from '../fit/paramRoles';
import type { FitResult, Objective } from '../fit/types';
import { loadMath, parseLaw, substitute, type MathNode } from '../laws/expression';
import { nameRecord } from '../laws/names';
import { chi2Sf } from '../util/stats';
import { fmt } from '../util/format';
import { PARAMS_LAW_FREE } from './compare';
import { selectNearOptimum } from './nearOptimum';
import { sharedColumns, sharedSummary, sharedVerdict } from './sharedExponentsReport';
import type { SharedExponentOptions, SharedExponentTest } from './sharedExponentsTypes';

export type { SharedExponentOptions, SharedExponentTest } from './sharedExponentsTypes';

/** The universal form with every exponent free: the default law for runs with width and depth. */
export const UNIVERSAL_LAW_FREE = 'L0 + c_m / m^a_m + c_l / l^a_l + c_D / D^a_D';

const FN = 'testSharedExponents';
const KEYS = ['group', 'groups', 'where', 'law', 'shared', 'fixed', 'nearOptimum', 'minPoints', 'objective', 'level', 'columns'];
const ROLE_OPTIONS = ['loss', 'params', 'tokens', 'width', 'depth', 'flops'] as const;

/**
 * Do groups of runs (data sets, hyperparameter settings) share their exponents while their coefficients
 * move? Fits the law with free exponents to each group alone, then once jointly with the exponents shared
 * and every other parameter per group, on the same points with the same objective, and compares:
 * LR = n ln(SSR_shared / SSR_per-group) ~ chi^2 with (groups - 1) x (shared parameters) degrees of freedom
 * (docs/methods.md#shared-exponents-across-groups). When a group's fit does not converge or an exponent's
 * interval includes 0, the verdict says the data cannot tell.
 */
export function testSharedExponents(data: DataInput, options: SharedExponentOptions): SharedExponentTest {
  checkOptionKeys(FN, options, KEYS);
  if (!options || typeof options.group !== 'string') {
    throw new ScalingLabError('missing-option', `${FN}: say which column names each run's group.`, "e.g. testSharedExponents(runs, { group: 'dataset' }).");
  }
  const objective: Objective = options.objective ?? 'lsq';
  const minPoints = options.minPoints ?? 8;
  if (!Number.isInteger(minPoints) || minPoints < 3) throw new ScalingLabError('bad-option', `${FN}: minPoints must be an integer >= 3, got ${String(minPoints)}.`);
  const groups = splitGroups(toColumns(data, FN), options);
  const notes: string[] = [];
  const selection = selectNearOptimum(FN, groups, options.nearOptimum ?? 'auto', options.columns?.flops, options.columns?.loss);
  if (selection) notes.push(`isoFLOP selection: per budget, only runs within ${fmt(selection.tolerance * 100, 3)}% of that budget's lowest loss were fitted; nearOptimum: false fits every run.`);
  for (const [name, cols] of groups) {
    if (numRows(cols) < minPoints) throw new ScalingLabError('too-few-points', `${FN}: group '${name}' has ${numRows(cols)} runs; a fit of its own needs at least ${minPoints}.`, 'leave it out (groups: [...]) or lower minPoints.');
  }
  const law = options.law ?? ([...groups.values()].every((c) => findColumn(c, 'width', options.columns?.width) && findColumn(c, 'depth', options.columns?.depth)) ? UNIVERSAL_LAW_FREE : PARAMS_LAW_FREE);
  const roleOptions = roleColumns(options);
  const common = { objective, bootstrap: false as const, ...(options.fixed ? { fixed: options.fixed } : {}), ...(options.level !== undefined ? { level: options.level } : {}) };
  const perGroup = new Map<string, FitResult>();
  for (const [name, cols] of groups) {
    try {
      perGroup.set(name, fitLaw(cols, law, { ...common, ...roleOptions }));
    } catch (e) {
      if (e instanceof ScalingLabError) throw new ScalingLabError(e.code, `${FN}: fitting group '${name}' failed: ${e.reason}`, e.hint);
      throw e;
    }
  }
  const first = perGroup.values().next().value as FitResult;
  const shared = sharedParameters(law, first, options);
  const joint = jointFit(groups, perGroup, law, shared, common);
  const result = assemble(options.group, law, shared, perGroup, joint, notes);
  return attachDisplay(result);
}

/** The runs of each group, in the order of `groups` or of first appearance; at least two groups. */
function splitGroups(columns: Columns, options: SharedExponentOptions): Map<string, Columns> {
  const column = options.group;
  if (!(column in columns)) throw new ScalingLabError('missing-column', `${FN}: no group column '${column}'. Columns present: ${Object.keys(columns).join(', ')}.`, "pass { group: '<the column that names each run's group>' }.");
  const rows = filterRows(columns, options.where as RowFilter | undefined, FN);
  const byName = new Map<string, number[]>();
  for (const i of rows) {
    const key = String(columns[column][i]);
    byName.set(key, [...(byName.get(key) ?? []), i]);
  }
  const names = options.groups ? options.groups.map(String) : [...byName.keys()];
  const missing = names.filter((n) => !byName.has(n));
  if (missing.length) throw new ScalingLabError('missing-group', `${FN}: no runs in group '${missing[0]}' of column '${column}'.`, `groups present: ${[...byName.keys()].join(', ')}.`);
  if (names.length < 2) {
    throw new ScalingLabError('too-few-groups', `${FN}: column '${column}' has ${names.length} group${names.length === 1 ? ` ('${names[0]}')` : 's'} among the runs used; a test of shared exponents needs at least two.`, 'group by a column whose value varies, or add runs.');
  }
  const out = new Map<string, Columns>();
  for (const name of names) {
    const idx = byName.get(name)!;
    const sub: Columns = {};
    for (const [k, v] of Object.entries(columns)) sub[k] = idx.map((i) => v[i]);
    out.set(name, sub);
  }
  return out;
}

function roleColumns(options: SharedExponentOptions): Record<string, string> {
  const out: Record<string, string> = {};
  for (const role of ROLE_OPTIONS) { const c = options.columns?.[role]; if (c !== undefined) out[role] = c; }
  return out;
}

/** The parameters shared across groups: as given, else the law's free exponents. */
function sharedParameters(law: string, fit: FitResult, options: SharedExponentOptions): string[] {
  const free = Object.keys(fit.params).filter((p) => !fit.params[p].fixed);
  if (options.shared !== undefined) {
    if (!Array.isArray(options.shared) || options.shared.length === 0) throw new ScalingLabError('bad-option', `${FN}: shared must be a non-empty array of parameter names.`, `free parameters: ${free.join(', ')}.`);
    const bad = options.shared.find((p) => !free.includes(p));
    if (bad !== undefined) throw new ScalingLabError('unknown-parameter', `${FN}: shared names '${bad}', which is not a free parameter of the law '${fit.law}'.`, `free parameters: ${free.join(', ')}.`);
    return [...options.shared];
  }
  const node = parseLaw(fit.law || law, FN).node;
  const exponents = [...parameterKinds(node, free, [], Object.keys(fit.roles)).exponents].filter((p) => free.includes(p));
  if (!exponents.length) throw new ScalingLabError('bad-option', `${FN}: the law '${fit.law}' has no free exponent to share.`, 'name the shared parameters with shared: [...].');
  return free.filter((p) => exponents.includes(p));
}

/** A name not yet taken, for the group indicators of the joint law. */
function freshName(base: string, taken: Set<string>): string {
  let name = base;
  while (taken.has(name)) name = `${name}_`;
  taken.add(name);
  return name;
}

/**
 * The joint fit: sum over groups of indicator_g x (the law with every non-shared parameter renamed
 * p_g), started from the groups' own fits (the mean of their shared values, then each group's values).
 */
function jointFit(groups: Map<string, Columns>, perGroup: Map<string, FitResult>, law: string, shared: string[], common: object): SharedExponentTest['joint'] {
  const fits = [...perGroup.values()];
  const first = fits[0];
  const node = parseLaw(first.law || law, FN).node;
  const renamed = Object.keys(first.params).filter((p) => !shared.includes(p) && !first.params[p].fixed);
  const variables = Object.keys(first.roles);
  const taken = new Set<string>([...Object.keys(first.params), ...variables, ...Object.values(first.columns)]);
  const m = loadMath();
  const names = [...groups.keys()];
  const indicators = names.map((_, g) => freshName(`in_group_${g}`, taken));
  const renames = names.map((_, g) => Object.fromEntries(renamed.map((p) => [p, freshName(`${p}_${g}`, taken)])));
  const terms = names.map((_, g) => {
    const exprs: Record<string, MathNode> = Object.fromEntries(renamed.map((p) => [p, new m.SymbolNode(renames[g][p])]));
    return `${indicators[g]} * (${substitute(node, {}, exprs).toString()})`;
  });
  const cols: Columns = {};
  const used = [first.columns.loss, ...variables.map((v) => first.columns[v])];
  for (const c of used) cols[c] = names.flatMap((n) => groups.get(n)![c]);
  names.forEach((n, g) => { cols[indicators[g]] = names.flatMap((k) => groups.get(k)![first.columns.loss].map(() => (k === n ? 1 : 0))); });
  const start: Record<string, number> = {};
  for (const p of shared) start[p] = fits.reduce((s, f) => s + f.params[p].value, 0) / fits.length;
  fits.forEach((f, g) => { for (const p of renamed) start[renames[g][p]] = f.params[p].value; });
  const starts = [start, ...fits.map((f) => ({ ...start, ...Object.fromEntries(shared.map((p) => [p, f.params[p].value])) }))];
  const varMap: Record<string, string> = Object.fromEntries([...variables.map((v) => [v, first.columns[v]]), ...indicators.map((c) => [c, c])]);
  const fit = fitLaw(cols, terms.join(' + '), { ...common, starts, variables: varMap, loss: first.columns.loss });
  return { fit, renames: byName(names.map((n, g) => [n, renames[g]])) };
}

/** The test's numbers and verdict from the per-group fits and the joint fit. */
function assemble(group: string, law: string, shared: string[], perGroup: Map<string, FitResult>, joint: SharedExponentTest['joint'], notes: string[]): SharedExponentTest {
  const fits = [...perGroup.entries()];
  const n = fits.reduce((s, [, f]) => s + f.n, 0);
  const ssrFree = fits.reduce((s, [, f]) => s + f.n * f.residuals.rmsLog ** 2, 0);
  const ssrShared = joint.fit.n * joint.fit.residuals.rmsLog ** 2;
  // Huber fits do not minimise the SSR, so the ratio can dip below 1: clamp (docs/derivations.md#fixed-versus-free-universality-test).
  const statistic = Math.max(0, n * Math.log(ssrShared / ssrFree));
  const df = (fits.length - 1) * shared.length;
  const undetermined: string[] = [];
  for (const [name, f] of fits) {
    if (!f.converged) { undetermined.push(`the fit of group '${name}' did not converge`); continue; }
    for (const p of shared) {
      const e = f.params[p];
      if (e.stderr === null || !Number.isFinite(e.stderr) || !e.ci || (e.ci[0] <= 0 && e.ci[1] >= 0)) undetermined.push(`${p} of group '${name}' is not determined (${e.ci ? `interval ${fmt(e.ci[0], 3)} to ${fmt(e.ci[1], 3)}` : 'no standard error'})`);
    }
  }
  if (!joint.fit.converged) undetermined.push('the joint fit with shared exponents did not converge');
  const test = {
    statistic, df, pValue: chi2Sf(statistic, df), deltaAIC: statistic - 2 * df, deltaBIC: statistic - df * Math.log(n), n, undetermined,
  };
  const result: SharedExponentTest = {
    kind: 'shared-exponents', group, law: fits[0][1].law || law, shared, groups: fits.map(([name]) => name), perGroup: byName(fits), joint, ...test,
    determined: undetermined.length === 0,
    coefficients: coefficientShifts(fits.map(([name]) => name), joint),
    verdict: '', notes,
    table: () => toDataFrame(sharedColumns(result)),
    summary: () => sharedSummary(result),
    toJSON: () => ({ kind: result.kind, group, law: result.law, shared, statistic, df, pValue: result.pValue, deltaAIC: result.deltaAIC, deltaBIC: result.deltaBIC, n, determined: result.determined, undetermined, verdict: result.verdict, table: sharedColumns(result), notes }),
  };
  result.verdict = sharedVerdict(result);
  return result;
}

/** Each group's non-shared parameters in the joint fit, and their shift from the first group with its standard error. */
function coefficientShifts(names: string[], joint: SharedExponentTest['joint']): SharedExponentTest['coefficients'] {
  const { fit, renames } = joint;
  const cov = fit.covariance;
  const at = (a: string, b: string) => (cov ? cov.matrix[cov.names.indexOf(a)]?.[cov.names.indexOf(b)] : undefined);
  const out: SharedExponentTest['coefficients'] = nameRecord();
  for (const name of names) {
    out[name] = {};
    for (const [p, jp] of Object.entries(renames[name])) {
      const base = renames[names[0]][p];
      const value = fit.params[jp].value;
      const shift = value - fit.params[base].value;
      const v = name === names[0] ? 0 : (at(jp, jp) ?? NaN) + (at(base, base) ?? NaN) - 2 * (at(jp, base) ?? NaN);
      out[name][p] = { value, stderr: fit.params[jp].stderr, shift, shiftStderr: name === names[0] ? 0 : v >= 0 ? Math.sqrt(v) : null };
    }
  }
  return out;
}

/** A record keyed by group names (data: no prototype, so a group may be called 'constructor'). */
function byName<T>(entries: Array<[string, T]>): Record<string, T> {
  const out = nameRecord<T>();
  for (const [k, v] of entries) out[k] = v;
  return out;
}

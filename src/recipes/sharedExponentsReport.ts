import type { Columns } from '../data/frame';
import { fmt } from '../util/format';
import type { SharedExponentTest } from './sharedExponentsTypes';

/** Shifts of the non-shared parameters beyond this many standard errors are named in the verdict. */
const SHIFT_Z = 2;
/** Level of the likelihood-ratio test. */
const ALPHA = 0.05;

/** One row per group, then the joint fit: n, each shared exponent with its interval, each other parameter. */
export function sharedColumns(t: SharedExponentTest): Columns {
  const names = t.groups;
  const cols: Columns = { group: [...names, 'shared (joint fit)'], n: [...names.map((g) => t.perGroup[g].n), t.joint.fit.n] };
  for (const p of t.shared) {
    const est = [...names.map((g) => t.perGroup[g].params[p]), t.joint.fit.params[p]];
    cols[p] = est.map((e) => e.value);
    cols[`${p}_lo`] = est.map((e) => e.ci?.[0] ?? NaN);
    cols[`${p}_hi`] = est.map((e) => e.ci?.[1] ?? NaN);
  }
  const others = Object.keys(t.coefficients[names[0]]);
  for (const p of others) cols[`${p} (joint)`] = [...names.map((g) => t.coefficients[g][p].value), NaN];
  return cols;
}

/** The verdict: the data cannot tell, shared exponents suffice (and which coefficients move), or the exponents differ. */
export function sharedVerdict(t: SharedExponentTest): string {
  const stats = `LR = ${fmt(t.statistic, 3)} on ${t.df} df, p = ${fmt(t.pValue, 2)}; AIC and BIC of shared minus per-group exponents ${fmt(t.deltaAIC, 3)} and ${fmt(t.deltaBIC, 3)}`;
  if (!t.determined) return `The data cannot tell whether the groups share their exponents: ${t.undetermined.join('; ')} (as computed: ${stats}).`;
  if (t.pValue >= ALPHA) {
    const names = t.groups;
    const moved = names.slice(1).flatMap((g) => Object.entries(t.coefficients[g])
      .filter(([, c]) => c.shiftStderr !== null && c.shiftStderr > 0 && Math.abs(c.shift) > SHIFT_Z * c.shiftStderr)
      .map(([p, c]) => `${p} ${c.shift > 0 ? '+' : ''}${fmt(c.shift, 3)} ± ${fmt(c.shiftStderr, 2)} in '${g}'`));
    const coefficients = moved.length
      ? `the coefficients move (relative to '${names[0]}', beyond ${SHIFT_Z} standard errors): ${moved.join(', ')}`
      : `no coefficient moves beyond ${SHIFT_Z} standard errors of '${names[0]}'s`;
    return `Shared exponents are consistent with the data (${stats}); ${coefficients}.`;
  }
  return `The exponents differ between groups (${stats}).`;
}

export function sharedSummary(t: SharedExponentTest): string {
  const names = t.groups;
  const lines = [`Shared exponents across '${t.group}' (${names.length} groups, ${t.n} runs): ${t.shared.join(', ')}`, `  law: ${t.law}`];
  const est = (e: { value: number; ci: [number, number] | null }) => (e.ci ? `${fmt(e.value)} [${fmt(e.ci[0], 3)}, ${fmt(e.ci[1], 3)}]` : fmt(e.value));
  lines.push(`  ${['group', 'n', ...t.shared].join(' | ')}`);
  for (const g of names) {
    const f = t.perGroup[g];
    lines.push(`  ${[g, String(f.n), ...t.shared.map((p) => est(f.params[p]))].join(' | ')}${f.converged ? '' : ' (did not converge)'}`);
  }
  lines.push(`  ${['shared', String(t.joint.fit.n), ...t.shared.map((p) => est(t.joint.fit.params[p]))].join(' | ')}`);
  for (const g of names.slice(1)) {
    const shifts = Object.entries(t.coefficients[g]).map(([p, c]) => `${p} ${c.shift >= 0 ? '+' : ''}${fmt(c.shift, 3)}${c.shiftStderr !== null ? ` ± ${fmt(c.shiftStderr, 2)}` : ''}`);
    lines.push(`  '${g}' minus '${names[0]}' (joint fit): ${shifts.join(', ')}`);
  }
  lines.push(`  ${t.verdict}`);
  for (const n of t.notes) lines.push(`  note: ${n}`);
  return lines.join('\n');
}

import { ScalingLabError } from '../errors';

/** Budgets as the user may give them: a list, one number, or a log-spaced range. */
export type Budgets = number | number[] | { from: number; to: number; count: number };

/** Default when no budgets are given: 1e18 to 1e26 FLOPs, 33 log-spaced points (4 per decade). */
export const DEFAULT_BUDGETS = { from: 1e18, to: 1e26, count: 33 } as const;

/** Most budgets a range may ask for. */
const MAX_BUDGETS = 10_000;

/** Turns any budget form into a sorted, de-duplicated list of positive FLOP counts. */
export function resolveBudgets(budgets: Budgets | undefined, fn: string): number[] {
  const spec = budgets === undefined ? DEFAULT_BUDGETS : budgets;
  let list: number[];
  if (typeof spec === 'number') list = [spec];
  else if (Array.isArray(spec)) list = spec.slice();
  else if (spec && typeof spec === 'object') {
    const known = ['from', 'to', 'count'];
    for (const k of Object.keys(spec)) {
      if (!known.includes(k)) {
        throw new ScalingLabError('unknown-option', `${fn}: unknown key '${k}' in budgets.`, 'give budgets as { from, to, count }, an array of FLOP counts, or one number.');
      }
    }
    const { from, to, count } = spec;
    for (const [name, v] of [['from', from], ['to', to]] as const) {
      if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
        throw new ScalingLabError('bad-budget', `${fn}: budgets.${name} must be a positive number of FLOPs, got ${String(v)}.`, 'e.g. budgets: { from: 1e18, to: 1e26, count: 50 }.');
      }
    }
    if (count > MAX_BUDGETS) {
      throw new ScalingLabError('bad-budget', `${fn}: budgets.count is ${count}, more than ${MAX_BUDGETS} budgets (each is solved, and bootstrapped).`, 'a few per decade draw a smooth frontier, e.g. { from: 1e18, to: 1e26, count: 33 }.');
    }
    if (!Number.isInteger(count) || count < 1) {
      throw new ScalingLabError('bad-budget', `${fn}: budgets.count must be a positive integer, got ${String(count)}.`, 'e.g. budgets: { from: 1e18, to: 1e26, count: 50 }.');
    }
    if (count === 1 && from !== to) {
      throw new ScalingLabError('bad-budget', `${fn}: budgets.count is 1 but from (${from}) differs from to (${to}).`, 'use count >= 2 for a range, or give a single number.');
    }
    const a = Math.log(from);
    const b = Math.log(to);
    list = Array.from({ length: count }, (_, i) => (count === 1 ? from : Math.exp(a + ((b - a) * i) / (count - 1))));
    // Hit the end points exactly so that f.at(to) and the last row agree to the bit.
    list[0] = from;
    list[count - 1] = to;
  } else {
    throw new ScalingLabError('bad-budget', `${fn}: budgets must be a number, an array of numbers or { from, to, count }, got ${typeof spec}.`, 'e.g. budgets: [1e20, 1e22] or { from: 1e18, to: 1e26, count: 33 }.');
  }
  if (list.length === 0) {
    throw new ScalingLabError('bad-budget', `${fn}: budgets is empty.`, 'give at least one FLOP count, e.g. budgets: [1e20, 1e22].');
  }
  list.forEach((c, i) => {
    if (typeof c !== 'number' || !Number.isFinite(c) || c <= 0) {
      throw new ScalingLabError('bad-budget', `${fn}: budget ${i} must be a positive finite number of FLOPs, got ${String(c)}.`, 'budgets are training compute in FLOPs, e.g. 1e21.');
    }
  });
  return Array.from(new Set(list)).sort((x, y) => x - y);
}

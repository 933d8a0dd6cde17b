import { ScalingLabError } from '../errors';
import { scaleParameters } from '../laws/structure';
import { fmt } from '../util/format';
import type { FrontierLaw } from './source';
import type { FrontierRow, SolvedFrontier } from './types';

/**
 * Checks on a solved frontier before it is reported. A closed form is the optimum only where its
 * assumptions hold (a power law in each variable, an optimum with N, D, m, l >= 1), so it is compared
 * with the numeric minimisation at every requested budget and replaced where they disagree; and a
 * frontier whose loss is not positive comes from parameters no loss can have.
 */

/** Relative excess of the closed form's loss over the numeric optimum's that counts as disagreement (the numeric search resolves ~1e-12). */
const LOSS_TOLERANCE = 1e-9;

const NAMES = { params: 'N*', tokens: 'D*', width: 'width m*', depth: 'depth l*' } as const;

/** Why the closed-form row is not the optimum the numeric row found, or null when it is. */
function disagreement(closed: FrontierRow, numeric: FrontierRow): string | null {
  const below = (['params', 'tokens', 'width', 'depth'] as const).find((k) => closed[k] !== undefined && !((closed[k] as number) >= 1));
  if (below) return `its ${NAMES[below]} = ${fmt(closed[below])} is below 1, outside the search domain N, D, m, l >= 1`;
  if (!Number.isFinite(closed.loss)) return `its loss is ${closed.loss}`;
  if (numeric.loss < closed.loss - LOSS_TOLERANCE * Math.abs(closed.loss)) {
    return `its loss ${fmt(closed.loss, 6)} at N* = ${fmt(closed.params)} is above the numeric optimum's ${fmt(numeric.loss, 6)} at N* = ${fmt(numeric.params)}`;
  }
  return null;
}

/**
 * The closed form against the numeric minimisation at each budget: null when they agree everywhere,
 * else a note saying where and why they do not (the first such budget).
 */
export function closedFormDisagreement(form: string, closed: SolvedFrontier, numeric: SolvedFrontier, budgets: number[]): string | null {
  for (const flops of budgets) {
    const reason = disagreement(closed.at(flops), numeric.at(flops));
    if (reason) return `the ${form}-form closed form is not the optimum at ${fmt(flops, 3)} FLOPs (${reason}), so the frontier is the numeric minimisation.`;
  }
  return null;
}

/** Throws when the frontier loss is not positive and finite at some budget, naming the parameters that make it so. */
export function checkFrontierLoss(law: FrontierLaw, rows: FrontierRow[]): void {
  const bad = rows.find((r) => !(r.loss > 0) || !Number.isFinite(r.loss));
  if (!bad) return;
  const scales = scaleParameters(law.node, Object.keys(law.params));
  const negative = scales.filter((p) => law.params[p] < 0);
  const named = negative.length ? negative : scales.length ? scales : Object.keys(law.params);
  const values = named.map((p) => `${p} = ${fmt(law.params[p])}`).join(', ');
  throw new ScalingLabError('bad-law',
    `frontier: the loss on the frontier is ${fmt(bad.loss)} at ${fmt(bad.flops, 3)} FLOPs (N* = ${fmt(bad.params)}, D* = ${fmt(bad.tokens)}); a loss must be positive and finite. ${negative.length ? `Negative: ${values}.` : `Check ${values}.`}`,
    negative.length ? `give ${negative.join(', ')} a positive value (a coefficient or floor of the law).` : 'check the law and its constants.');
}

import { ScalingLabError } from '../errors';
import { evaluator, type MathNode } from '../laws/expression';
import { fmt } from '../util/format';
import type { Design } from './design';
import { naturalValues, type ResolvedParams } from './params';

/**
 * Why no start point gave a finite objective: the law evaluated row by row at the start points, so the
 * error names the data rows (and their values) where it is not positive and finite, e.g. a division by
 * zero at one data point, instead of only counting the starts.
 */

/** Starts sampled for the diagnosis (enough to tell a row that fails everywhere from bad starts). */
const SAMPLED_STARTS = 200;
/** Rows named in the message. */
const SHOWN_ROWS = 5;

export function notFiniteAtStarts(fn: string, node: MathNode, rp: ResolvedParams, design: Design, starts: Float64Array[]): ScalingLabError {
  const law = evaluator(node);
  const sampled = starts.slice(0, SAMPLED_STARTS);
  const fails = new Array<number>(design.n).fill(0);
  const seen = new Array<string>(design.n).fill('');
  for (const theta of sampled) {
    const scope: Record<string, number> = naturalValues(rp, theta);
    for (let i = 0; i < design.n; i++) {
      design.variables.forEach((v, k) => { scope[v.name] = design.x[k][i]; });
      const value = law(scope);
      if (value > 0 && value < Infinity) continue;
      fails[i]++;
      if (!seen[i]) seen[i] = Number.isNaN(value) ? 'NaN' : value === Infinity || value === -Infinity ? String(value) : `${fmt(value)} (not positive)`;
    }
  }
  const always = fails.flatMap((k, i) => (k === sampled.length ? [i] : []));
  const worst = always.length ? always : fails.map((k, i) => [k, i]).filter(([k]) => k > 0).sort((a, b) => b[0] - a[0]).map(([, i]) => i);
  const describe = (i: number) => `row ${design.rows[i]} (${design.variables.map((v, k) => `${v.name} = ${fmt(design.x[k][i])}`).join(', ')}: law = ${seen[i]})`;
  const shown = worst.slice(0, SHOWN_ROWS).map(describe).join('; ');
  const more = worst.length > SHOWN_ROWS ? ` and ${worst.length - SHOWN_ROWS} more` : '';
  const head = `${fn}: the law is not positive and finite at any of the ${starts.length} start points.`;
  if (always.length) {
    return new ScalingLabError('fit-failed', `${head} At ${always.length === 1 ? 'one row' : `${always.length} rows`} it fails at every start, whatever the parameters: ${shown}${more}.`,
      `check those rows for a division by zero or the log of zero or of a negative number; exclude them (exclude: [${always.slice(0, 20).map((i) => design.rows[i]).join(', ')}]) or change the law so it is finite there.`);
  }
  return new ScalingLabError('fit-failed', `${head} The rows where it fails most often: ${shown}${more}.`,
    'give start values where the law predicts positive losses at every row (starts: [{ ... }]), or check the expression at those rows.');
}

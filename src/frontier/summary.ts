import type { Columns } from '../data/frame';
import { fmt } from '../util/format';
import type { FrontierResult } from './types';

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

/** The text report: how the frontier was derived, its constants with intervals, one line per budget, notes. */
export function frontierSummary(r: FrontierResult): string {
  const c = r.constants;
  const ci = (name: string) => (r.intervals?.[name] ? ` [${fmt(r.intervals[name][0])}, ${fmt(r.intervals[name][1])}]` : '');
  const lines: string[] = [];
  const how = r.form === 'numeric' ? `numeric minimisation${r.closedFormRejected ? '; the closed form was rejected, see the first note' : ''}` : `${r.form}-form closed form, checked against the numeric optimum`;
  lines.push(`Compute-optimal frontier (${how}, C = ${r.options.flopsPerParamToken} N D${r.rows[0]?.width !== undefined ? `, N = ${r.options.paramsPerShape} m^2 l` : ''})`);
  lines.push(`  law: ${r.lawLabel}`);
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

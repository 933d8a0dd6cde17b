import { fmt } from '../util/format';
import { stabilityWord } from './stability';
import type { SweepResult } from './sweep-types';

function configurationText(values: Record<string, unknown>): string {
  return Object.entries(values).map(([k, v]) => `${k}=${typeof v === 'number' ? fmt(v) : JSON.stringify(v)}`).join(', ');
}

/** The verdict in words: homogeneity with chi2 and p, consistency with the universal value. */
function verdictLines(r: SweepResult): string[] {
  const v = r.verdict;
  const lines = [`  weighted mean exponent ${fmt(v.weightedMean)} +/- ${fmt(v.stderr)} over ${v.n} configurations`
    + (v.leftOut ? ` (${v.leftOut} left out: no standard error)` : '')];
  if (v.homogeneous === null) lines.push('  homogeneity: needs at least 2 configurations with a standard error');
  else {
    lines.push(`  homogeneity: chi2 = ${fmt(v.chi2)} on ${v.df} df, p = ${fmt(v.pValue, 3)}: `
      + (v.homogeneous ? `homogeneous (p >= ${v.significance})` : `NOT homogeneous (p < ${v.significance}): the exponent changes across the sweep, so one exponent does not describe it`));
  }
  if (v.consistent === null) lines.push('  universal value: none (the configurations expect different exponents; pass universal: to test one)');
  else {
    const off = Math.abs(v.weightedMean - v.universal!) / v.stderr;
    lines.push(`  universal value ${fmt(v.universal)}: the weighted mean is ${v.consistent ? 'consistent' : 'NOT consistent'} with it (${fmt(off, 3)} standard errors away; limit ${v.withinSE})`
      + (v.homogeneous === false ? ', but it averages exponents that differ' : ''));
  }
  lines.push(`  rule: ${v.rule}`);
  return lines;
}

/** sweepToy's summary(): one line per configuration, then the verdict. */
export function sweepSummary(r: SweepResult): string {
  const shared = Object.entries(r.options).map(([k, v]) => `${k}=${Array.isArray(v) ? `[${v.join(', ')}]` : String(v)}`).join(', ');
  const lines = [
    `sweepToy('${r.name}'): ${r.rows.length} configurations over ${r.factors.join(', ')} on ${r.workers} worker(s), ${r.seconds.toFixed(1)} s`,
    `  shared settings: ${shared}`,
  ];
  for (const row of r.rows) {
    const e = row.exponent;
    const st = row.stability;
    lines.push(`  ${configurationText(row.configuration)}: exponent ${fmt(e.value, 3)} +/- ${fmt(e.stderr, 2)} [${fmt(e.ci[0], 3)}, ${fmt(e.ci[1], 3)}],`
      + ` coefficient ${fmt(row.coefficient, 3)}`
      + (st ? `, half budget ${fmt(st.half, 3)} (${stabilityWord(st.stable)})` : '') + `, ${row.seconds.toFixed(1)} s`);
  }
  return [...lines, ...verdictLines(r)].join('\n');
}

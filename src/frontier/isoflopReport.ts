import type { DataFrame } from '../data/frame';
import { toDataFrame } from '../data/frame';
import type { PowerLawFit } from '../fit/powerLaw';
import { levelText } from '../fit/inference';
import { fmt } from '../util/format';
import type { BudgetOptimum, BudgetPoints, IsoflopMethod } from './isoflopCurve';
import type { EnvelopePoint } from './envelope';

/** The result types of isoflops, its table and its summary. */

/** One compute budget of approach 2. */
export interface IsoflopBudget extends BudgetOptimum {
  /** The budget C. */
  flops: number;
  /** The points of its isoFLOP curve (one per model size). */
  points: BudgetPoints;
  /** D* / N*. */
  tokensPerParam: number | null;
}

/** N* ~ C^a and D* ~ C^b (null when fewer than 3 budgets have an optimum). */
export interface AllocationExponents { params: PowerLawFit | null; tokens: PowerLawFit | null }

export interface IsoflopResult {
  kind: 'isoflops';
  method: IsoflopMethod;
  level: number;
  /** Noisy refits per budget (0: none). */
  resamples: number;
  seed: number;
  noise: number | 'residual';
  /** The data columns used (tokens and flops null when derived). */
  columns: { loss: string; params: string; tokens: string | null; flops: string | null };
  /** Approach 2: one entry per budget, ascending compute (empty when only approach 1 ran). */
  budgets: IsoflopBudget[];
  /** Approach 2's allocation exponents. */
  exponents: AllocationExponents;
  /** Approach 1: the lower envelope of the training curves and its exponents (null unless run was given). */
  envelope: { points: EnvelopePoint[]; exponents: AllocationExponents } | null;
  /** Runs whose compute is within tolerance of no budget. */
  dropped: number;
  warnings: string[];
  /** N* and D* at a budget from the fitted exponents. */
  at(flops: number): { flops: number; params: number; tokens: number };
  /** One row per budget: flops, points, status, N*, D*, L*, tokens per parameter, intervals and log SDs. */
  table(): DataFrame;
  summary(): string;
  toJSON(): object;
}

export function isoflopTable(r: IsoflopResult): DataFrame {
  const b = r.budgets;
  const col = (f: (x: IsoflopBudget) => number | null | undefined) => b.map((x) => f(x) ?? NaN);
  return toDataFrame({
    flops: b.map((x) => x.flops), points: b.map((x) => x.points.params.length), status: b.map((x) => x.status),
    n_star: col((x) => x.params), d_star: col((x) => x.tokens), loss_star: col((x) => x.loss), tokens_per_param: col((x) => x.tokensPerParam),
    n_star_lo: col((x) => x.intervals?.params[0]), n_star_hi: col((x) => x.intervals?.params[1]),
    d_star_lo: col((x) => x.intervals?.tokens[0]), d_star_hi: col((x) => x.intervals?.tokens[1]),
    loss_star_lo: col((x) => x.intervals?.loss[0]), loss_star_hi: col((x) => x.intervals?.loss[1]),
    n_star_log_std: col((x) => x.logStd.params), d_star_log_std: col((x) => x.logStd.tokens),
  });
}

function exponentLine(label: string, fit: PowerLawFit | null, level: number): string {
  if (!fit) return `  ${label}: not determined`;
  const e = fit.exponent;
  return `  ${label} ~ C^${fmt(e.value)} +/- ${fmt(e.stderr, 2)}  ${levelText(level)} CI [${fmt(e.ci[0])}, ${fmt(e.ci[1])}] (${fit.n} points${fit.options.logStd ? ', weighted by 1/logStd^2' : ''})`;
}

export function isoflopSummary(r: IsoflopResult): string {
  const lines: string[] = [];
  if (r.budgets.length) {
    const how = r.method === 'parabola' ? 'a parabola of L in ln N (Hoffmann et al. approach 2)' : 'Akima interpolation of ln L in ln N on a fine grid (Porian et al.)';
    const boot = r.resamples ? `${r.resamples} refits with noise ${r.noise === 'residual' ? 'SD = each curve\'s parabola residual SD' : `SD ${fmt(r.noise)}`} added to the losses` : 'no refits';
    lines.push(`isoFLOP analysis: per budget, ${how}; ${boot}`);
    lines.push(`  ${'budget C'.padEnd(10)} ${'pts'.padEnd(4)} ${'N*'.padEnd(30)} ${'D*'.padEnd(30)} ${'L*'.padEnd(8)} D*/N*`);
    for (const b of r.budgets) {
      if (b.status !== 'ok') { lines.push(`  ${fmt(b.flops).padEnd(10)} ${String(b.points.params.length).padEnd(4)} no optimum (${b.status})`); continue; }
      const ci = (v: number, band?: [number, number]) => `${fmt(v)}${band ? ` [${fmt(band[0], 3)}, ${fmt(band[1], 3)}]` : ''}`;
      lines.push(`  ${fmt(b.flops).padEnd(10)} ${String(b.points.params.length).padEnd(4)} ${ci(b.params!, b.intervals?.params).padEnd(30)} ${ci(b.tokens!, b.intervals?.tokens).padEnd(30)} ${fmt(b.loss!).padEnd(8)} ${fmt(b.tokensPerParam)}`);
    }
    lines.push('Allocation exponents (approach 2):', exponentLine('N*', r.exponents.params, r.level), exponentLine('D*', r.exponents.tokens, r.level));
    if (r.dropped) lines.push(`  ${r.dropped} runs within tolerance of no budget were left out.`);
  }
  if (r.envelope) {
    const runs = new Set(r.envelope.points.map((p) => p.run));
    lines.push(`Lower envelope of the training curves (approach 1): ${r.envelope.points.length} compute values, ${runs.size} runs on it (${[...runs].join(', ')})`);
    lines.push(exponentLine('N_opt', r.envelope.exponents.params, r.level), exponentLine('D_opt', r.envelope.exponents.tokens, r.level));
  }
  for (const w of r.warnings) lines.push(`  WARNING: ${w}`);
  return lines.join('\n');
}

import { ScalingLabError } from '../errors';
import { attachDisplay } from '../display-hook';
import { fmt } from '../util/format';

/** One number of ours set against the paper's. */
export interface PaperValue {
  /** What is compared, in the paper's words, e.g. 'width exponent a_m (free fit)'. */
  quantity: string;
  ours: number;
  /** Our standard error, when there is one (shown, not used in the check). */
  oursStderr?: number;
  paper: number;
  /** Allowed |ours - paper|, or a [lo, hi] range that ours must fall in. */
  tolerance: number | [number, number];
  /** Where the paper's number comes from, e.g. 'Liu et al. 2026, depth paper, fit-5'. */
  source: string;
}

export interface PaperCheckResult {
  kind: 'paper-check';
  rows: Array<PaperValue & { passed: boolean }>;
  passed: boolean;
  summary(): string;
}

/** Five significant digits: enough to set ours against the paper's published values. */
const num = (x: number) => fmt(x, 5);

/**
 * Sets our headline numbers next to the paper's, prints them as a table, and throws when one is
 * outside its stated tolerance: the last cell of every walkthrough notebook, so a notebook run fails
 * when a claim stops reproducing.
 */
export function checkAgainstPaper(values: PaperValue[]): PaperCheckResult {
  if (!Array.isArray(values) || values.length === 0) {
    throw new ScalingLabError('bad-input', 'checkAgainstPaper: give a non-empty array of { quantity, ours, paper, tolerance, source }.');
  }
  const rows = values.map((v) => {
    const ok = Number.isFinite(v.ours) && (Array.isArray(v.tolerance)
      ? v.ours >= v.tolerance[0] && v.ours <= v.tolerance[1]
      : Math.abs(v.ours - v.paper) <= v.tolerance);
    return { ...v, passed: ok };
  });
  const lines = rows.map((r) => {
    const ours = r.oursStderr !== undefined ? `${num(r.ours)} ± ${num(r.oursStderr)}` : num(r.ours);
    const tol = Array.isArray(r.tolerance) ? `in [${num(r.tolerance[0])}, ${num(r.tolerance[1])}]` : `± ${num(r.tolerance)}`;
    return `${r.passed ? 'ok  ' : 'FAIL'}  ${r.quantity}: ours ${ours} | paper ${num(r.paper)} (${tol}) | ${r.source}`;
  });
  const text = `Our numbers against the papers'\n${lines.join('\n')}`;
  const failed = rows.filter((r) => !r.passed);
  if (failed.length) {
    throw new ScalingLabError('paper-check-failed',
      `${failed.length} of ${rows.length} numbers are outside the paper's tolerance:\n${text}`);
  }
  return attachDisplay({ kind: 'paper-check' as const, rows, passed: true, summary: () => text });
}

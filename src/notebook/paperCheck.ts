import { ScalingLabError, checkOptionKeys, describeValue } from '../errors';
import { attachDisplay } from '../display-hook';
import { fmt } from '../util/format';

/**
 * One number of ours set against the paper's. The allowed difference is never a free choice: it comes
 * from the uncertainties, |ours - paper| <= k sqrt(se_ours^2 + se_paper^2) with k at most 3, or from a
 * range the paper itself gives.
 */
export interface PaperValue {
  /** What is compared, in the paper's words, e.g. 'width exponent a_m (free fit)'. */
  quantity: string;
  ours: number;
  /** Our standard error (from the fit, the bootstrap or the spread over seeds). */
  oursStderr?: number;
  /** The paper's number (for a range check, the value the paper quotes inside the range). */
  paper: number;
  /** The paper's standard error, when it gives one. */
  paperStderr?: number;
  /** Multiple of the combined standard error allowed (default 2; at most 3). Ignored with `range`. */
  k?: number;
  /** A range the paper gives (e.g. 'between 0.8 and 1.0'): ours must fall in it. */
  range?: [number, number];
  /**
   * One-sided, for a direction the paper claims ('steeper than', 'a difference above 0'): ours must
   * exceed `paper` ('greater') or fall below it ('less') by more than k combined standard errors.
   * Default: two-sided, |ours - paper| <= k sigma.
   */
  direction?: 'greater' | 'less';
  /** Where the paper's number comes from, e.g. 'Liu et al. 2026, depth paper, fit-5'. */
  source: string;
}

/** A compared row with the rule that was applied and its outcome. */
export interface PaperCheckRow extends PaperValue {
  /** The rule in words, e.g. '|Δ| ≤ 2σ = 0.031' or 'in [0.8, 1.0] (paper's range)'. */
  rule: string;
  /** The allowed difference (k times the combined standard error), for a k-sigma rule. */
  allowed?: number;
  /** |ours - paper| / combined standard error, for a k-sigma rule (signed, ours - paper, for a one-sided one). */
  sigmas?: number;
  passed: boolean;
}

export interface PaperCheckResult {
  kind: 'paper-check';
  rows: PaperCheckRow[];
  passed: boolean;
  summary(): string;
}

/** Five significant digits: enough to set ours against the paper's published values. */
const num = (x: number) => fmt(x, 5);
/** A row's fields (a misspelt one, e.g. tolerance or stderr, would otherwise be ignored). */
const ROW_KEYS = ['quantity', 'ours', 'oursStderr', 'paper', 'paperStderr', 'k', 'range', 'direction', 'source'];
const MAX_K = 3;
const DEFAULT_K = 2;

function bad(message: string, hint: string): never {
  throw new ScalingLabError('bad-input', `checkAgainstPaper: ${message}`, hint);
}

function checkFinite(v: PaperValue, key: 'ours' | 'oursStderr' | 'paper' | 'paperStderr'): void {
  const x = v[key];
  if (x === undefined && (key === 'oursStderr' || key === 'paperStderr')) return;
  if (typeof x !== 'number' || !Number.isFinite(x) || ((key === 'oursStderr' || key === 'paperStderr') && x < 0)) {
    bad(`'${v.quantity}': ${key} must be a finite${key.endsWith('Stderr') ? ', non-negative' : ''} number, got ${String(x)}.`,
      key === 'ours' ? 'a non-finite result of ours is a failed reproduction: fix the computation before checking it.' : `give ${key} as a number.`);
  }
}

/** Applies the row's rule: a range the paper gives, or k combined standard errors. */
function judge(v: PaperValue, i: number): PaperCheckRow {
  if (!v || typeof v !== 'object') bad(`row ${i} must be an object, got ${describeValue(v)}.`, "e.g. { quantity: 'depth exponent', ours, oursStderr, paper, paperStderr, source }.");
  checkOptionKeys(`checkAgainstPaper: row ${i} ('${String(v.quantity)}')`, v, ROW_KEYS);
  if (typeof v.quantity !== 'string' || !v.quantity) bad('every row needs a quantity (what is compared).', "e.g. { quantity: 'depth exponent', ... }.");
  if (typeof v.source !== 'string' || !v.source) bad(`'${v.quantity}': give the source of the paper's number.`, "e.g. source: 'Liu et al. 2026, Fig. 3'.");
  checkFinite(v, 'ours');
  checkFinite(v, 'paper');
  if (v.direction !== undefined && v.direction !== 'greater' && v.direction !== 'less') {
    bad(`'${v.quantity}': direction must be 'greater' or 'less', got ${JSON.stringify(v.direction)}.`, "e.g. direction: 'greater' for 'steeper than'.");
  }
  if (v.range !== undefined) {
    if (v.direction !== undefined) bad(`'${v.quantity}': give a range or a direction, not both.`, 'a direction is a one-sided k-sigma rule.');
    const [lo, hi] = v.range;
    if (!(Number.isFinite(lo) && Number.isFinite(hi) && lo <= hi)) bad(`'${v.quantity}': range must be [lo, hi] with lo <= hi.`, 'give the range the paper states.');
    return { ...v, rule: `in [${num(lo)}, ${num(hi)}] (the paper's range)`, passed: v.ours >= lo && v.ours <= hi };
  }
  checkFinite(v, 'oursStderr');
  checkFinite(v, 'paperStderr');
  const k = v.k ?? DEFAULT_K;
  if (!(k > 0 && k <= MAX_K)) bad(`'${v.quantity}': k = ${k}; the allowed difference is at most ${MAX_K} combined standard errors.`, `use k between 0 and ${MAX_K}, or a range the paper gives.`);
  const sigma = Math.hypot(v.oursStderr ?? 0, v.paperStderr ?? 0);
  if (!(sigma > 0)) bad(`'${v.quantity}': neither our nor the paper's standard error is given, so no tolerance can be derived.`, 'give oursStderr and/or paperStderr, or a range the paper gives.');
  const allowed = k * sigma;
  if (v.direction) {
    const diff = v.ours - v.paper;
    const passed = v.direction === 'greater' ? diff > allowed : diff < -allowed;
    return { ...v, k, rule: v.direction === 'greater' ? `Δ > ${k}σ = ${num(allowed)}` : `Δ < -${k}σ = ${num(-allowed)}`, allowed, sigmas: diff / sigma, passed };
  }
  const diff = Math.abs(v.ours - v.paper);
  return { ...v, k, rule: `|Δ| ≤ ${k}σ = ${num(allowed)}`, allowed, sigmas: diff / sigma, passed: diff <= allowed };
}

function rowText(r: PaperCheckRow): string {
  const ours = r.oursStderr !== undefined ? `${num(r.ours)} ± ${num(r.oursStderr)}` : num(r.ours);
  const paper = r.paperStderr !== undefined ? `${num(r.paper)} ± ${num(r.paperStderr)}` : num(r.paper);
  const off = r.sigmas === undefined ? '' : r.direction ? `, Δ = ${fmt(r.sigmas, 2)}σ` : `, off by ${fmt(r.sigmas, 2)}σ`;
  return `${r.passed ? 'ok  ' : 'FAIL'}  ${r.quantity}: ours ${ours} | paper ${paper} | ${r.rule}${off} | ${r.source}`;
}

/**
 * Sets our headline numbers next to the paper's, prints them as a table, and throws when one is
 * outside its tolerance: the last cell of every walkthrough notebook, so a notebook run fails when a
 * claim stops reproducing. Each tolerance is k combined standard errors (k <= 3, default 2; one-sided
 * for a direction the paper claims) or a range the paper gives, and the table shows which.
 */
export function checkAgainstPaper(values: PaperValue[]): PaperCheckResult {
  if (!Array.isArray(values) || values.length === 0) {
    bad('give a non-empty array of { quantity, ours, oursStderr, paper, paperStderr, k | range, direction, source }.', 'one row per number compared with a paper.');
  }
  const rows = values.map((v, i) => judge(v, i));
  const text = `Our numbers against the papers'\n${rows.map(rowText).join('\n')}`;
  const failed = rows.filter((r) => !r.passed);
  if (failed.length) {
    throw new ScalingLabError('paper-check-failed', `${failed.length} of ${rows.length} numbers are outside the tolerance their uncertainties allow:\n${text}`, 'a FAIL row means the reproduction disagrees with the paper: find out why (an input, a setting, the paper\'s own spread) before changing anything; the tolerance comes from the uncertainties alone.');
  }
  return attachDisplay({ kind: 'paper-check' as const, rows, passed: true, summary: () => text });
}

/** What `checkFails` shows: the perturbation and the rows that failed, as they should. */
export interface PerturbationResult {
  kind: 'perturbation';
  label: string;
  failed: string[];
  summary(): string;
}

/**
 * Shows that a check can fail: runs `check` (a checkAgainstPaper call on a perturbed input) and
 * returns which rows failed. Throws when the check passes, because a check that passes on a perturbed
 * input tests nothing.
 */
export function checkFails(label: string, check: () => unknown): PerturbationResult {
  if (typeof check !== 'function') {
    throw new ScalingLabError('bad-input', `checkFails: check must be a function, got ${describeValue(check)}.`, "pass the check to run, e.g. checkFails('doubled width', () => checkAgainstPaper([...])).");
  }
  try {
    check();
  } catch (e) {
    if (!(e instanceof ScalingLabError) || e.code !== 'paper-check-failed') throw e;
    const failed = e.message.split('\n').filter((l) => l.startsWith('FAIL')).map((l) => l.replace(/^FAIL\s+/, ''));
    const text = `Perturbed input (${label}): the check fails, as it should.\n${failed.map((f) => `FAIL  ${f}`).join('\n')}`;
    return attachDisplay({ kind: 'perturbation' as const, label, failed, summary: () => text });
  }
  throw new ScalingLabError('perturbation-passed', `checkFails: the check passed on the perturbed input (${label}), so it cannot tell this perturbation from the claim.`,
    'tighten the rule only from the uncertainties (k <= 3), or perturb something the claim is about.');
}

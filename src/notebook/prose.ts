import { attachDisplay } from '../display-hook';
import { fmt } from '../util/format';
import { ScalingLabError, describeValue } from '../errors';

/** A paragraph of Markdown whose numbers were filled in from results; shows as Markdown in a notebook. */
export interface Prose {
  kind: 'prose';
  text: string;
  summary(): string;
}

/** A value as it reads in a sentence: numbers to `digits` significant digits, intervals as 'lo to hi'. */
export function proseValue(v: unknown, digits = 3): string {
  if (typeof v === 'number') return fmt(v, digits);
  if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number')) return `${fmt(v[0], digits)} to ${fmt(v[1], digits)}`;
  if (v && typeof v === 'object' && typeof (v as { value?: unknown }).value === 'number') {
    const e = v as { value: number; stderr?: number | null };
    return typeof e.stderr === 'number' ? `${fmt(e.value, digits)} ± ${fmt(e.stderr, digits <= 2 ? 1 : digits - 1)}` : fmt(e.value, digits);
  }
  return String(v);
}

function build(fn: string, digits: number, strings: TemplateStringsArray, values: unknown[]): Prose {
  if (!Array.isArray(strings)) {
    throw new ScalingLabError('bad-input', `${fn}: is a tagged template, got ${describeValue(strings)}.`, 'write say`The exponent is ${fit.params.a_D}.` (backticks, no parentheses).');
  }
  const text = strings.reduce((s, part, i) => s + part + (i < values.length ? checkedValue(fn, values[i], digits, part) : ''), '');
  return attachDisplay({ kind: 'prose' as const, text, summary: () => text });
}

/** False for NaN or ±Infinity as the number, in a pair, or as { value, stderr }. */
function finiteNumbers(v: unknown): boolean {
  const parts = Array.isArray(v) ? v : v && typeof v === 'object' ? [(v as { value?: unknown }).value, (v as { stderr?: unknown }).stderr] : [v];
  return parts.every((x) => typeof x !== 'number' || Number.isFinite(x));
}

/** The value as text; a value that would read 'undefined', 'NaN' or '[object Object]' is a bug in the cell, not prose. */
function checkedValue(fn: string, v: unknown, digits: number, before: string): string {
  const text = proseValue(v, digits);
  if (v === undefined || v === null || typeof v === 'function' || /\[object /.test(text) || !finiteNumbers(v)) {
    throw new ScalingLabError('bad-value', `${fn}: the value after '${before.slice(-40)}' is ${typeof v === 'function' ? 'a function' : describeValue(v).slice(0, 60)}, not a number to write.`,
      'undefined usually means a misspelt property (e.g. fit.params.c_mm); pass a number, { value, stderr } or [lo, hi].');
  }
  return text;
}

/**
 * Prose that says what the outputs show, with its numbers taken from them, so the words cannot drift
 * from the numbers when a notebook is re-run: ``say`The exponent is ${fit.params.a_D} (CI ${fit.params.a_D.ci}).` ``
 * as the last expression of a cell shows a Markdown paragraph. Numbers get three significant digits
 * (`say.digits(4)` for more), `{ value, stderr }` reads 'value ± stderr', a pair reads 'lo to hi'.
 */
export function say(strings: TemplateStringsArray, ...values: unknown[]): Prose {
  return build('say', 3, strings, values);
}

/** `say` with another number of significant digits: ``say.digits(4)`...` ``. */
say.digits = (digits: number) => {
  if (!Number.isInteger(digits) || digits < 1 || digits > 17) {
    throw new ScalingLabError('bad-option', `say.digits: digits must be a whole number from 1 to 17, got ${describeValue(digits)}.`, 'e.g. say.digits(4)`...`.');
  }
  return (strings: TemplateStringsArray, ...values: unknown[]): Prose => build(`say.digits(${digits})`, digits, strings, values);
};

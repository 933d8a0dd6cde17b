import { attachDisplay } from '../display-hook';
import { fmt } from '../util/format';

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

function build(digits: number, strings: TemplateStringsArray, values: unknown[]): Prose {
  const text = strings.reduce((s, part, i) => s + part + (i < values.length ? proseValue(values[i], digits) : ''), '');
  return attachDisplay({ kind: 'prose' as const, text, summary: () => text });
}

/**
 * Prose that says what the outputs show, with its numbers taken from them, so the words cannot drift
 * from the numbers when a notebook is re-run: ``say`The exponent is ${fit.params.a_D} (CI ${fit.params.a_D.ci}).` ``
 * as the last expression of a cell shows a Markdown paragraph. Numbers get three significant digits
 * (`say.digits(4)` for more), `{ value, stderr }` reads 'value ± stderr', a pair reads 'lo to hi'.
 */
export function say(strings: TemplateStringsArray, ...values: unknown[]): Prose {
  return build(3, strings, values);
}

/** `say` with another number of significant digits: ``say.digits(4)`...` ``. */
say.digits = (digits: number) => (strings: TemplateStringsArray, ...values: unknown[]): Prose => build(digits, strings, values);
